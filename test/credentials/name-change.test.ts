import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  decode,
  freshIp,
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  post,
  signIn,
  type GivenAccount,
} from '../helpers/accounts.ts';
import {
  daysAgo,
  givenPagesCatalog,
  givenResult,
  givenTrainingCompletion,
} from '../helpers/catalog-pages.ts';
import { missingTools, pdfText } from './pdf-tools.ts';

let t: TestApp;
let support: { account: GivenAccount; jar: CookieJar };

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  await givenPagesCatalog(t.db);
  const account = await givenAccount(t.app, {
    roles: ['support_agent'],
    totpSecret: newTotpSecret(),
    givenName: 'Sam',
    familyName: 'Support',
  });
  const jar = cookieJar();
  await signIn(t, jar, account, { ip: freshIp() });
  support = { account, jar };
});
after(async () => {
  await t?.close();
});

function text(html: string): string {
  return decode(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

async function candidate(givenName = 'Maria', familyName = 'Salomea Skłodowska') {
  const account = await givenAccount(t.app, { givenName, familyName });
  const jar = cookieJar();
  await signIn(t, jar, account, { ip: freshIp() });
  return { account, jar };
}

async function requestChange(
  c: { jar: CookieJar },
  fields: Record<string, string> = {
    givenName: 'Marie',
    familyName: 'Curie',
    reason: 'Married name',
  },
) {
  return post(t.app, '/my-credentials/name-change', fields, c.jar);
}

async function pendingId(userId: number): Promise<number> {
  const row = await t.db
    .selectFrom('name_change_requests')
    .select('id')
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('name change requests', () => {
  test('a candidate asks; support approves; the account name, audit and history follow', async () => {
    const c = await candidate();
    const form = await get(t.app, '/my-credentials/name-change', c.jar);
    assert.equal(form.statusCode, 200);
    assert.match(text(form.body), /Name on your account Maria Salomea Skłodowska/);

    const sent = await requestChange(c);
    assert.equal(sent.statusCode, 303);
    const pending = await get(t.app, '/my-credentials/name-change', c.jar);
    assert.match(text(pending.body), /Your request is waiting for a decision/);
    assert.match(text(pending.body), /You asked for your name to become Marie Curie/);

    // A second request while one is pending is refused.
    const page = await get(t.app, '/my-credentials/name-change', c.jar);
    assert.doesNotMatch(page.body, /name="givenName"/, 'no form while a request is pending');

    const id = await pendingId(c.account.id);
    const queue = await get(t.app, '/console/name-changes', support.jar);
    assert.equal(queue.statusCode, 200);
    assert.match(text(queue.body), /Maria Salomea Skłodowska Marie Curie/);

    const review = await get(t.app, `/console/name-changes/${id}`, support.jar);
    assert.equal(review.statusCode, 200);
    assert.match(text(review.body), /Married name/);

    const decided = await post(
      t.app,
      `/console/name-changes/${id}/decision`,
      { decision: 'approve', note: 'Marriage certificate seen' },
      support.jar,
      { from: `/console/name-changes/${id}` },
    );
    assert.equal(decided.statusCode, 303, decided.body.slice(0, 400));

    const account = await t.app.accounts.accountSummary(c.account.id);
    assert.equal(account.givenName, 'Marie');
    assert.equal(account.familyName, 'Curie');
    const audit = await t.db
      .selectFrom('audit_events')
      .select(['actor_user_id', 'details', 'reason'])
      .where('action', '=', 'accounts.name_changed')
      .where('subject_id', '=', String(c.account.id))
      .execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor_user_id, support.account.id);
    assert.deepEqual(audit[0]!.details, {
      before: { givenName: 'Maria', familyName: 'Salomea Skłodowska' },
      after: { givenName: 'Marie', familyName: 'Curie' },
    });

    const history = await get(t.app, '/my-credentials/name-change', c.jar);
    const h = text(history.body);
    assert.match(h, /Name on your account Marie Curie/);
    assert.match(h, /Maria Salomea Skłodowska to Marie Curie Approved/);
    assert.match(h, /requested/);
    assert.match(h, /approved by support/);
    assert.match(h, /Note: Marriage certificate seen/);

    const mail = await t.db
      .selectFrom('outbox')
      .select(['subject'])
      .where('to_address', '=', c.account.email)
      .where('template', '=', 'credentials.name-change-approved')
      .execute();
    assert.equal(mail.length, 1);

    // Deciding twice is refused.
    const again = await post(
      t.app,
      `/console/name-changes/${id}/decision`,
      { decision: 'reject', note: 'no' },
      support.jar,
      { from: `/console/name-changes` },
    );
    assert.equal(again.statusCode, 303);
    const after = await t.app.accounts.accountSummary(c.account.id);
    assert.equal(after.familyName, 'Curie');
  });

  test('the new name is printed on the next certificate', async (ctx) => {
    const missing = missingTools('pdftotext');
    if (missing) return ctx.skip(missing);
    const c = await candidate('Ivan', 'Petrov');
    await givenResult(t.app, c.account.id, 'ACS-101', 800, daysAgo(20));
    await givenTrainingCompletion(t.app, c.account.id, daysAgo(10));
    const [award] = await t.app.progress.awardsOf(c.account.id);
    const url = `/my-credentials/${award!.credentialNumber}/certificate`;
    const fields = { paper: 'a4', language: 'en', download: 'yes' };
    const before = await post(t.app, url, fields, c.jar);
    assert.ok(pdfText(before.rawPayload).includes('Ivan Petrov'));

    await requestChange(c, { givenName: 'Иван', familyName: 'Петров', reason: 'Native spelling' });
    const id = await pendingId(c.account.id);
    await post(
      t.app,
      `/console/name-changes/${id}/decision`,
      { decision: 'approve', note: '' },
      support.jar,
      {
        from: `/console/name-changes/${id}`,
      },
    );
    const after = await post(t.app, url, fields, c.jar);
    const words = pdfText(after.rawPayload);
    assert.ok(words.includes('Иван Петров'), words);
    assert.ok(!words.includes('Ivan Petrov'));
  });

  test('rejecting needs a note; the candidate sees it; withdrawing is the candidate’s own', async () => {
    const c = await candidate('Ann', 'Smith');
    await requestChange(c, { givenName: 'Anne', familyName: 'Smyth', reason: 'Spelling' });
    const id = await pendingId(c.account.id);
    const noNote = await post(
      t.app,
      `/console/name-changes/${id}/decision`,
      { decision: 'reject', note: '' },
      support.jar,
      { from: `/console/name-changes/${id}` },
    );
    assert.equal(noNote.statusCode, 400);
    assert.match(text(noNote.body), /Enter a note telling the candidate why/);
    const noDecision = await post(
      t.app,
      `/console/name-changes/${id}/decision`,
      { note: 'x' },
      support.jar,
      {
        from: `/console/name-changes/${id}`,
      },
    );
    assert.equal(noDecision.statusCode, 400);

    const rejected = await post(
      t.app,
      `/console/name-changes/${id}/decision`,
      { decision: 'reject', note: 'Please send a document' },
      support.jar,
      { from: `/console/name-changes/${id}` },
    );
    assert.equal(rejected.statusCode, 303);
    assert.equal((await t.app.accounts.accountSummary(c.account.id)).givenName, 'Ann');
    const page = text((await get(t.app, '/my-credentials/name-change', c.jar)).body);
    assert.match(page, /Rejected/);
    assert.match(page, /Note: Please send a document/);

    // A new request, withdrawn by the candidate; another candidate cannot withdraw it.
    await requestChange(c, { givenName: 'Anne', familyName: 'Smith', reason: 'Spelling again' });
    const second = await pendingId(c.account.id);
    const other = await candidate('Eve', 'Other');
    const page2 = await get(t.app, '/my-credentials/name-change', other.jar);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page2.body)![1]!;
    const stolen = await post(
      t.app,
      `/my-credentials/name-change/${second}/withdraw`,
      { _csrf: decode(csrf) },
      other.jar,
    );
    assert.equal(stolen.statusCode, 404);
    const withdrawn = await post(
      t.app,
      `/my-credentials/name-change/${second}/withdraw`,
      {},
      c.jar,
      {
        from: '/my-credentials/name-change',
      },
    );
    assert.equal(withdrawn.statusCode, 303);
    const rows = await t.db
      .selectFrom('name_change_requests')
      .select(['status'])
      .where('user_id', '=', c.account.id)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      rows.map((r) => r.status),
      ['rejected', 'withdrawn'],
      'requests are kept, never deleted',
    );
  });

  test('the form checks the name and the reason', async () => {
    const c = await candidate('Kim', 'Lee');
    const empty = await requestChange(c, { givenName: '', familyName: 'Lee', reason: '' });
    assert.equal(empty.statusCode, 400);
    assert.match(text(empty.body), /Enter why your name needs to change/);
    const same = await requestChange(c, { givenName: 'Kim', familyName: 'Lee', reason: 'x' });
    assert.equal(same.statusCode, 400);
    assert.match(text(same.body), /This is already the name on your account/);
    const cjk = await requestChange(c, { givenName: '金', familyName: 'Lee', reason: 'x' });
    assert.equal(cjk.statusCode, 400);
    assert.match(text(cjk.body), /Certificates cannot print these characters: 金/);
  });

  test('only support agents (and admins) reach the queue', async () => {
    const c = await candidate('Cat', 'Candidate');
    assert.equal((await get(t.app, '/console/name-changes', c.jar)).statusCode, 403);
    const manager = await givenAccount(t.app, {
      roles: ['program_manager'],
      totpSecret: newTotpSecret(),
    });
    const jar = cookieJar();
    await signIn(t, jar, manager, { ip: freshIp() });
    assert.equal((await get(t.app, '/console/name-changes', jar)).statusCode, 403);
    assert.equal((await get(t.app, '/console/name-changes/999999', support.jar)).statusCode, 404);
  });
});
