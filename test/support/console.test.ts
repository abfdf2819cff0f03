import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { get, givenProgram, outboxTo, post } from '../helpers/accounts.ts';
import {
  agent,
  candidate,
  fieldError,
  openTicket,
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

const DAY = 86_400_000;

async function ticketIdsOnQueue(query: string): Promise<number[]> {
  const res = await get(t.app, `/console/tickets${query}`, staff.jar);
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  return [...res.body.matchAll(/href="\/console\/tickets\/(\d+)"/g)].map((m) => Number(m[1]));
}

describe('the agent queue', () => {
  test('filters by status, category, assignee and age, and pages', async () => {
    const me = await candidate(t);
    const results = await openTicket(t, me.jar, {
      category: 'results',
      subject: 'Results one',
      message: 'm',
    });
    const account = await openTicket(t, me.jar, {
      category: 'account',
      subject: 'Account one',
      message: 'm',
    });
    const old = await openTicket(t, me.jar, {
      category: 'certificates',
      subject: 'Old one',
      message: 'm',
    });
    await t.db
      .updateTable('support_tickets')
      .set({ created_at: new Date(Date.now() - 10 * DAY) })
      .where('id', '=', old)
      .execute();
    const assigned = await post(
      t.app,
      `/console/tickets/${account}/assign`,
      { assignee: String(staff.account.id) },
      staff.jar,
      { from: `/console/tickets/${account}` },
    );
    assert.equal(assigned.statusCode, 303);
    await post(t.app, `/console/tickets/${results}/status`, { status: 'resolved' }, staff.jar, {
      from: `/console/tickets/${results}`,
    });

    const active = await ticketIdsOnQueue('');
    assert.ok(active.includes(account) && active.includes(old));
    assert.ok(!active.includes(results), 'resolved tickets are not in the default view');
    assert.ok((await ticketIdsOnQueue('?status=resolved')).includes(results));
    assert.ok(!(await ticketIdsOnQueue('?status=resolved')).includes(account));
    assert.deepEqual(
      (await ticketIdsOnQueue('?status=all&category=certificates')).filter((id) => id === old),
      [old],
    );
    assert.ok(!(await ticketIdsOnQueue('?status=all&category=certificates')).includes(account));
    const mine = await ticketIdsOnQueue('?status=all&assignee=me');
    assert.deepEqual(mine, [account]);
    assert.deepEqual(await ticketIdsOnQueue(`?status=all&assignee=${staff.account.id}`), [account]);
    assert.ok(!(await ticketIdsOnQueue('?status=all&assignee=none')).includes(account));
    const aged = await ticketIdsOnQueue('?status=all&age=7d');
    assert.ok(aged.includes(old));
    assert.ok(!aged.includes(account));
    // Bad filter values are refused, not a 500.
    assert.equal((await get(t.app, '/console/tickets?status=bogus', staff.jar)).statusCode, 400);
    assert.equal((await get(t.app, '/console/tickets?assignee=x', staff.jar)).statusCode, 400);

    // Paging: 25 a page, filters kept in the links.
    // (Through the service: the form allows a candidate 10 tickets an hour.)
    const other = await candidate(t);
    const actor = {
      userId: other.account.id,
      givenName: 'Ada',
      familyName: 'Lovelace',
      email: other.account.email,
      locale: 'en',
    };
    for (let i = 0; i < 26; i++) {
      const r = await t.app.support.tickets.open(
        actor,
        { category: 'other', subject: `Bulk ${i}`, message: 'm' },
        [],
      );
      assert.ok(r.ok);
    }
    const first = await get(t.app, '/console/tickets?status=new&category=other', staff.jar);
    assert.match(text(first.body), /26 tickets/);
    assert.equal([...first.body.matchAll(/href="\/console\/tickets\/(\d+)"/g)].length, 25);
    assert.match(
      first.body,
      /href="\/console\/tickets\?status=new&(amp;)?category=other&(amp;)?page=2"/,
    );
    const second = await ticketIdsOnQueue('?status=new&category=other&page=2');
    assert.equal(second.length, 1);
  });

  test('the ticket page links to the candidate record; assigning someone who is no agent is refused', async () => {
    const me = await candidate(t);
    const id = await openTicket(t, me.jar);
    const page = await get(t.app, `/console/tickets/${id}`, staff.jar);
    assert.match(page.body, new RegExp(`href="/console/candidates/${me.account.id}"`));
    const refused = await post(
      t.app,
      `/console/tickets/${id}/assign`,
      { assignee: String(me.account.id) },
      staff.jar,
      { from: `/console/tickets/${id}` },
    );
    assert.equal(refused.statusCode, 400);
    assert.equal(fieldError(refused.body, 'assignee'), 'Choose a support agent from the list');
    assert.equal((await ticketRow(t, id)).assignee_id, null);
    // Candidates never reach the queue.
    assert.equal((await get(t.app, '/console/tickets', me.jar)).statusCode, 403);
  });

  test('saved replies: agents add, edit and delete them, and one fills the reply box with the name', async () => {
    const me = await candidate(t, 'Kim');
    const id = await openTicket(t, me.jar);
    const created = await post(
      t.app,
      '/console/saved-replies',
      { title: 'Result delay', body: 'Hello {name}, results take up to 5 days.' },
      staff.jar,
    );
    assert.equal(created.statusCode, 303);
    const dup = await post(
      t.app,
      '/console/saved-replies',
      { title: 'result delay', body: 'x' },
      staff.jar,
    );
    assert.equal(dup.statusCode, 400);
    assert.equal(fieldError(dup.body, 'title'), 'A saved reply with this title exists already');
    const saved = await t.db
      .selectFrom('support_saved_replies')
      .select('id')
      .where('title', '=', 'Result delay')
      .executeTakeFirstOrThrow();

    const page = await get(t.app, `/console/tickets/${id}?saved=${saved.id}`, staff.jar);
    assert.match(
      page.body,
      /<textarea[^>]*name="body"[^>]*>Hello Kim, results take up to 5 days\.<\/textarea>/,
    );

    const edited = await post(
      t.app,
      `/console/saved-replies/${saved.id}`,
      { title: 'Result delay', body: 'Results take a week.' },
      staff.jar,
    );
    assert.equal(edited.statusCode, 303);
    assert.match(
      text((await get(t.app, '/console/saved-replies', staff.jar)).body),
      /Results take a week\./,
    );
    const deleted = await post(t.app, `/console/saved-replies/${saved.id}/delete`, {}, staff.jar, {
      from: `/console/saved-replies/${saved.id}`,
    });
    assert.equal(deleted.statusCode, 303);
    assert.equal(
      (await get(t.app, `/console/saved-replies/${saved.id}`, staff.jar)).statusCode,
      404,
    );
    assert.equal((await get(t.app, '/console/saved-replies', me.jar)).statusCode, 403);
  });
});

describe('closing tickets left waiting on the candidate', () => {
  test('the job closes tickets waiting longer than the configured days, notes it, and tells the candidate', async () => {
    const me = await candidate(t);
    const stale = await openTicket(t, me.jar, {
      category: 'other',
      subject: 'Stale',
      message: 'm',
    });
    const recent = await openTicket(t, me.jar, {
      category: 'other',
      subject: 'Recent',
      message: 'm',
    });
    const open = await openTicket(t, me.jar, { category: 'other', subject: 'Open', message: 'm' });
    for (const id of [stale, recent]) {
      await post(
        t.app,
        `/console/tickets/${id}/messages`,
        {
          body: 'Can you send the score report?',
          kind: 'reply',
          replyStatus: 'waiting_on_candidate',
        },
        staff.jar,
        { from: `/console/tickets/${id}` },
      );
    }
    await t.db
      .updateTable('support_tickets')
      .set({ waiting_since: new Date(Date.now() - 8 * DAY) })
      .where('id', '=', stale)
      .execute();
    await t.db
      .updateTable('support_tickets')
      .set({ waiting_since: new Date(Date.now() - 6 * DAY) })
      .where('id', '=', recent)
      .execute();

    const closed = await t.app.support.closeWaitingTickets();
    assert.ok(closed >= 1);
    assert.equal((await ticketRow(t, stale)).status, 'closed');
    assert.equal((await ticketRow(t, recent)).status, 'waiting_on_candidate');
    assert.equal((await ticketRow(t, open)).status, 'new');
    const page = text((await get(t.app, `/support/tickets/${stale}`, me.jar)).body);
    assert.match(page, /Closed automatically after 7 days without an answer\./);
    const mail = (await outboxTo(t.db, me.account.email)).filter(
      (m) => m.template === 'support.auto-closed',
    );
    assert.equal(mail.length, 1);
    assert.ok(mail[0]!.text.includes(`/support/tickets/${stale}`));
    // Run again: nothing more to close.
    assert.equal((await ticketRow(t, recent)).status, 'waiting_on_candidate');

    // Five days instead of seven: the recent one goes too.
    const bad = await post(t.app, '/console/tickets/settings', { days: '0' }, staff.jar);
    assert.equal(bad.statusCode, 400);
    assert.equal(fieldError(bad.body, 'days'), 'Enter a whole number of days from 1 to 365');
    const set = await post(t.app, '/console/tickets/settings', { days: '5' }, staff.jar);
    assert.equal(set.statusCode, 303);
    await t.app.support.closeWaitingTickets();
    assert.equal((await ticketRow(t, recent)).status, 'closed');
    await post(t.app, '/console/tickets/settings', { days: '7' }, staff.jar);
  });
});
