import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_ACCOUNTS, DEMO_TOTP_SECRET, seedDemo } from '../../src/demo/seed.ts';
import { cookieJar, createTestApp, type TestApp } from '../helpers/app.ts';
import { freshIp, get, pathOf, post, signIn } from '../helpers/accounts.ts';
import { text } from './helpers.ts';

let t: TestApp;

before(async () => {
  t = await createTestApp();
  assert.equal(await seedDemo(t.app), true);
});
after(async () => {
  await t?.close();
});

function account(username: string) {
  const a = DEMO_ACCOUNTS.find((x) => x.username === username);
  assert.ok(a);
  return a;
}

test('the demo has tickets in every state, one with a note, saved replies, and help articles; sam works the queue', async () => {
  const tickets = await t.db
    .selectFrom('support_tickets')
    .select(['id', 'status', 'user_id'])
    .orderBy('id')
    .execute();
  const statuses = new Set(tickets.map((x) => x.status));
  for (const s of ['new', 'open', 'waiting_on_candidate', 'resolved', 'closed'] as const) {
    assert.ok(statuses.has(s), `a ${s} ticket`);
  }
  assert.ok(
    tickets.some((x) => x.user_id === null),
    'a message from the contact form',
  );
  const notes = await t.db
    .selectFrom('support_messages')
    .select('ticket_id')
    .where('internal', '=', true)
    .execute();
  assert.equal(notes.length, 1);
  const saved = await t.db.selectFrom('support_saved_replies').select('id').execute();
  assert.ok(saved.length >= 3);
  const help = await get(t.app, '/help');
  assert.match(text(help.body), /First time users/);

  const sam = account('sam');
  const jar = cookieJar();
  await signIn(t, jar, { ...sam, totpSecret: DEMO_TOTP_SECRET }, { ip: freshIp() });
  // The demo has sam accept the newer privacy notice at the first sign-in (docs/privacy.md).
  const gated = await get(t.app, '/console/tickets', jar);
  assert.equal(pathOf(gated.headers.location), '/privacy/accept?next=%2Fconsole%2Ftickets');
  const notice = await get(t.app, pathOf(gated.headers.location), jar);
  const version = /name="version" value="(\d+)"/.exec(notice.body)?.[1] ?? '';
  const accepted = await post(
    t.app,
    '/privacy/accept',
    { version, next: '/console/tickets' },
    jar,
    { from: pathOf(gated.headers.location) },
  );
  assert.equal(pathOf(accepted.headers.location), '/console/tickets');
  const queue = await get(t.app, '/console/tickets', jar);
  assert.equal(queue.statusCode, 200);
  assert.match(text(queue.body), /ACS-201 result missing/);
  const noted = await get(t.app, `/console/tickets/${notes[0]!.ticket_id}`, jar);
  assert.match(text(noted.body), /Internal note/);
  assert.match(text(noted.body), /Download score-report-ACS-201\.pdf/);

  // casey sees her ticket waiting on her, with sam's reply.
  const casey = account('casey');
  const caseyJar = cookieJar();
  await signIn(t, caseyJar, casey, { ip: freshIp() });
  const mine = text((await get(t.app, '/support', caseyJar)).body);
  assert.match(mine, /Middle name on my certificate .* Waiting on candidate/);
});
