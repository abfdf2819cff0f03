import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { get, givenProgram, outboxTo, pathOf, post, PROGRAM } from '../helpers/accounts.ts';
import {
  EXE_BYTES,
  JPEG_BYTES,
  PDF_BYTES,
  PNG_BYTES,
  agent,
  candidate,
  fieldError,
  openTicket,
  postMultipart,
  question,
  text,
  ticketRow,
  type Person,
} from './helpers.ts';

let t: TestApp;
let staff: Person;

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  staff = await agent(t);
});
after(async () => {
  await t?.close();
});

async function attachmentIds(ticketId: number): Promise<number[]> {
  const rows = await t.db
    .selectFrom('support_attachments')
    .select('id')
    .where('ticket_id', '=', ticketId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

describe('support tickets: candidate side', () => {
  test('a candidate opens a ticket with attachments; it is listed, shown, and both sides are emailed', async () => {
    const me = await candidate(t);
    const id = await openTicket(t, me.jar, question, [
      { name: 'score report.PDF', type: 'application/pdf', bytes: PDF_BYTES },
      { name: 'screen.png', type: 'image/png', bytes: PNG_BYTES },
    ]);
    const row = await ticketRow(t, id);
    assert.equal(row.user_id, me.account.id);
    assert.equal(row.status, 'new');
    assert.equal(row.category, 'results');
    assert.equal(row.subject, 'Score report missing');

    const list = await get(t.app, '/support', me.jar);
    assert.match(text(list.body), /Score report missing Ticket \d+ Results New/);

    const page = await get(t.app, `/support/tickets/${id}`, me.jar);
    assert.equal(page.statusCode, 200);
    assert.match(text(page.body), /I sat ACS-101 last week and see no result\./);
    assert.match(text(page.body), /Download score report\.pdf/);

    const [pdfId] = await attachmentIds(id);
    const file = await get(t.app, `/support/tickets/${id}/attachments/${pdfId}`, me.jar);
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'application/pdf');
    assert.match(
      String(file.headers['content-disposition']),
      /^attachment; filename="score report.pdf"/,
    );
    assert.equal(file.headers['x-content-type-options'], 'nosniff');
    assert.deepEqual(file.rawPayload, PDF_BYTES);

    const mine = await outboxTo(t.db, me.account.email);
    assert.deepEqual(
      mine.map((m) => m.template),
      ['support.received'],
    );
    assert.ok(mine[0]!.text.includes(`/support/tickets/${id}`));
    const team = (await outboxTo(t.db, PROGRAM.supportEmail)).filter((m) =>
      m.text.includes(`/console/tickets/${id}`),
    );
    assert.equal(team.length, 1);
    assert.equal(team[0]!.template, 'support.new-ticket-to-team');
    // Emails link to the ticket; they never carry the attachments.
    const attachments = await t.db
      .selectFrom('outbox')
      .select('attachments')
      .where('template', 'like', 'support.%')
      .execute();
    for (const a of attachments) {
      const list: unknown =
        typeof a.attachments === 'string' ? JSON.parse(a.attachments) : a.attachments;
      assert.deepEqual(list, []);
    }
  });

  test('a PNG named .pdf, an EXE named .png and a fourth file are refused beside the field', async () => {
    const me = await candidate(t);
    const cases: [string, { name: string; type: string; bytes: Buffer }[], RegExp][] = [
      [
        'png as pdf',
        [{ name: 'report.pdf', type: 'application/pdf', bytes: PNG_BYTES }],
        /report\.pdf is not the type its name says/,
      ],
      [
        'exe as png',
        [{ name: 'photo.png', type: 'image/png', bytes: EXE_BYTES }],
        /photo\.png must be a PDF, PNG or JPEG/,
      ],
      [
        'over 5 MB',
        [
          {
            name: 'huge.pdf',
            type: 'application/pdf',
            bytes: Buffer.concat([PDF_BYTES, Buffer.alloc(5 * 1024 * 1024)]),
          },
        ],
        /huge\.pdf is larger than 5 MB/,
      ],
      [
        'four files',
        [1, 2, 3, 4].map((n) => ({ name: `s${n}.jpg`, type: 'image/jpeg', bytes: JPEG_BYTES })),
        /Attach 3 files or fewer/,
      ],
    ];
    for (const [label, files, message] of cases) {
      const res = await postMultipart(t, me.jar, '/support/new', '/support/new', question, files);
      assert.equal(res.statusCode, 400, label);
      assert.match(fieldError(res.body, 'attachments'), message, label);
      // The rest of what was typed is kept.
      assert.match(res.body, /value="Score report missing"/, label);
    }
    const count = await t.db
      .selectFrom('support_tickets')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', me.account.id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0);
  });

  test('missing fields are named beside each field', async () => {
    const me = await candidate(t);
    const res = await postMultipart(t, me.jar, '/support/new', '/support/new', {
      category: '',
      subject: '',
      message: '',
    });
    assert.equal(res.statusCode, 400);
    assert.equal(fieldError(res.body, 'category'), 'Choose a category');
    assert.equal(fieldError(res.body, 'subject'), 'Enter a subject');
    assert.equal(fieldError(res.body, 'message'), 'Enter a message');
  });

  test("a candidate cannot open another's ticket, its attachment, or reply to it: every id answers 404", async () => {
    const owner = await candidate(t);
    const other = await candidate(t);
    const id = await openTicket(t, owner.jar, question, [
      { name: 'a.pdf', type: 'application/pdf', bytes: PDF_BYTES },
    ]);
    const [fileId] = await attachmentIds(id);
    const otherId = await openTicket(t, other.jar);

    assert.equal((await get(t.app, `/support/tickets/${id}`, other.jar)).statusCode, 404);
    assert.equal(
      (await get(t.app, `/support/tickets/${id}/attachments/${fileId}`, other.jar)).statusCode,
      404,
    );
    // The other's own ticket id with the owner's attachment id: still not theirs.
    assert.equal(
      (await get(t.app, `/support/tickets/${otherId}/attachments/${fileId}`, other.jar)).statusCode,
      404,
    );
    // Nearby ids that do not exist answer the same.
    for (const probe of [id + 1000, fileId! + 1000]) {
      assert.equal((await get(t.app, `/support/tickets/${probe}`, other.jar)).statusCode, 404);
    }
    const reply = await postMultipart(
      t,
      other.jar,
      `/support/tickets/${id}/reply`,
      `/support/tickets/${otherId}`,
      {
        message: 'Let me in',
      },
    );
    assert.equal(reply.statusCode, 404);
    assert.doesNotMatch(
      text((await get(t.app, '/support', other.jar)).body),
      new RegExp(`Ticket ${id}\\b`),
    );
    const messages = await t.db
      .selectFrom('support_messages')
      .select('body')
      .where('ticket_id', '=', id)
      .execute();
    assert.deepEqual(
      messages.map((m) => m.body),
      [question.message],
    );

    // Signed out: sign in first.
    const anon = await get(t.app, `/support/tickets/${id}`);
    assert.equal(anon.statusCode, 303);
    assert.match(pathOf(anon.headers.location), /^\/sign-in/);
    // A candidate cannot open the console's copy either.
    assert.equal((await get(t.app, `/console/tickets/${id}`, owner.jar)).statusCode, 403);
    assert.equal(
      (await get(t.app, `/console/tickets/${id}/attachments/${fileId}`, owner.jar)).statusCode,
      403,
    );
  });
});

describe('support tickets: agents and candidates in one thread', () => {
  test('an agent sees internal notes and the candidate does not; a reply notifies the candidate with a link only', async () => {
    const me = await candidate(t, 'Robin');
    const id = await openTicket(t, me.jar, question, [
      { name: 'scan.jpg', type: 'image/jpeg', bytes: JPEG_BYTES },
    ]);

    const note = await post(
      t.app,
      `/console/tickets/${id}/messages`,
      { body: 'NOTE: provider feed was late on Tuesday', kind: 'note' },
      staff.jar,
      { from: `/console/tickets/${id}` },
    );
    assert.equal(note.statusCode, 303, note.body.slice(0, 500));
    assert.equal((await ticketRow(t, id)).status, 'open');
    // A note emails nobody.
    assert.deepEqual(
      (await outboxTo(t.db, me.account.email)).map((m) => m.template),
      ['support.received'],
    );

    const replied = await post(
      t.app,
      `/console/tickets/${id}/messages`,
      {
        body: 'Your result is now on your exam history.',
        kind: 'reply',
        replyStatus: 'waiting_on_candidate',
      },
      staff.jar,
      { from: `/console/tickets/${id}` },
    );
    assert.equal(replied.statusCode, 303);
    const row = await ticketRow(t, id);
    assert.equal(row.status, 'waiting_on_candidate');
    assert.ok(row.waiting_since);
    assert.equal(row.assignee_id, staff.account.id, 'the first agent to write takes the ticket');

    const agentView = text((await get(t.app, `/console/tickets/${id}`, staff.jar)).body);
    assert.match(agentView, /NOTE: provider feed was late on Tuesday/);
    assert.match(agentView, /Internal note/);
    assert.match(agentView, /Your result is now on your exam history\./);

    const candidateView = await get(t.app, `/support/tickets/${id}`, me.jar);
    assert.equal(candidateView.statusCode, 200);
    assert.match(text(candidateView.body), /Your result is now on your exam history\./);
    assert.doesNotMatch(candidateView.body, /provider feed/);
    assert.doesNotMatch(candidateView.body, /Internal note/);
    assert.match(text(candidateView.body), /Waiting on candidate/);

    const mail = (await outboxTo(t.db, me.account.email)).at(-1)!;
    assert.equal(mail.template, 'support.reply-to-candidate');
    assert.ok(mail.text.includes(`/support/tickets/${id}`));
    assert.ok(!mail.text.includes('exam history'), 'the reply itself stays behind sign-in');
    assert.ok(!mail.text.includes('provider feed'));

    // The candidate answers: the ticket is open again and the assignee is told.
    const answer = await postMultipart(
      t,
      me.jar,
      `/support/tickets/${id}/reply`,
      `/support/tickets/${id}`,
      {
        message: 'Thank you, I see it now.',
      },
    );
    assert.equal(answer.statusCode, 303);
    const reopened = await ticketRow(t, id);
    assert.equal(reopened.status, 'open');
    assert.equal(reopened.waiting_since, null);
    const toAgent = (await outboxTo(t.db, staff.account.email)).at(-1)!;
    assert.equal(toAgent.template, 'support.reply-to-team');
    assert.ok(toAgent.text.includes(`/console/tickets/${id}`));
    assert.ok(!toAgent.text.includes('I see it now'));

    const audit = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_type', '=', 'support_ticket')
      .where('subject_id', '=', String(id))
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['support.note_added', 'support.replied'],
    );
  });

  test('a closed ticket takes no more replies from either side', async () => {
    const me = await candidate(t);
    const id = await openTicket(t, me.jar);
    const closed = await post(
      t.app,
      `/console/tickets/${id}/status`,
      { status: 'closed' },
      staff.jar,
      {
        from: `/console/tickets/${id}`,
      },
    );
    assert.equal(closed.statusCode, 303);
    assert.ok((await ticketRow(t, id)).closed_at);
    const page = await get(t.app, `/support/tickets/${id}`, me.jar);
    assert.match(text(page.body), /This ticket is closed/);
    assert.doesNotMatch(page.body, /action="\/support\/tickets\/\d+\/reply"/);
    const late = await postMultipart(
      t,
      me.jar,
      `/support/tickets/${id}/reply`,
      `/support/tickets/${id}`,
      {
        message: 'One more thing',
      },
    );
    assert.equal(late.statusCode, 303);
    assert.equal((await ticketRow(t, id)).status, 'closed');
    const count = await t.db
      .selectFrom('support_messages')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('ticket_id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);
  });
});
