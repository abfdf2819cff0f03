import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cookieJar, createTestApp, type TestApp } from '../helpers/app.ts';
import {
  freshIp,
  get,
  givenProgram,
  outboxTo,
  pathOf,
  post,
  PROGRAM,
} from '../helpers/accounts.ts';
import { agent, fieldError, text, type Person } from './helpers.ts';

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

async function ticketsFrom(email: string) {
  return t.db
    .selectFrom('support_tickets')
    .selectAll()
    .where('requester_email', '=', email)
    .orderBy('id')
    .execute();
}

const send = (fields: Record<string, string>, ip = freshIp()) =>
  post(t.app, '/contact', fields, cookieJar(), { ip });

describe('the signed-out contact form', () => {
  test('someone who cannot sign in writes; the team gets a ticket and an email; an agent reply reaches them', async () => {
    const email = 'locked.out@example.com';
    const res = await send({
      name: 'Lee Locked',
      email: 'Locked.Out@Example.com',
      message: 'I lost access to my old email.\nMy candidate ID is CT-1000042.',
      website: '',
    });
    assert.equal(res.statusCode, 303);
    assert.equal(pathOf(res.headers.location), '/contact/sent');
    const [ticket, ...more] = await ticketsFrom(email);
    assert.ok(ticket);
    assert.equal(more.length, 0);
    assert.equal(ticket.user_id, null);
    assert.equal(ticket.requester_name, 'Lee Locked');
    assert.equal(ticket.subject, 'I lost access to my old email.');
    const team = (await outboxTo(t.db, PROGRAM.supportEmail)).at(-1)!;
    assert.equal(team.template, 'support.new-ticket-to-team');
    assert.ok(team.text.includes(`/console/tickets/${ticket.id}`));
    // No confirmation to the address given: the form must not send mail to anyone on request.
    assert.deepEqual(await outboxTo(t.db, email), []);

    const queue = text((await get(t.app, `/console/tickets/${ticket.id}`, staff.jar)).body);
    assert.match(queue, /Lee Locked \(no account: contact form\)/);
    const replied = await post(
      t.app,
      `/console/tickets/${ticket.id}/messages`,
      { body: 'We changed the email on your account.', kind: 'reply', replyStatus: 'resolved' },
      staff.jar,
      { from: `/console/tickets/${ticket.id}` },
    );
    assert.equal(replied.statusCode, 303);
    const mail = (await outboxTo(t.db, email)).at(-1)!;
    assert.equal(mail.template, 'support.reply-to-contact');
    // No account to sign in to: the reply itself is in the email.
    assert.ok(mail.text.includes('We changed the email on your account.'));
  });

  test('errors are shown beside each field and the input kept', async () => {
    const res = await send({ name: '', email: 'nope', message: '' });
    assert.equal(res.statusCode, 400);
    assert.equal(fieldError(res.body, 'name'), 'Enter your name');
    assert.equal(fieldError(res.body, 'email'), 'Enter an email address like name@example.com');
    assert.equal(fieldError(res.body, 'message'), 'Enter a message');
    assert.match(res.body, /value="nope"/);
  });

  test('a filled honeypot looks like success to the robot and stores nothing', async () => {
    const email = 'robot@spam.example';
    const res = await send({
      name: 'Buy',
      email,
      message: 'Cheap pills',
      website: 'http://spam.example',
    });
    assert.equal(res.statusCode, 303);
    assert.equal(pathOf(res.headers.location), '/contact/sent');
    assert.deepEqual(await ticketsFrom(email), []);
    assert.equal(
      (await outboxTo(t.db, PROGRAM.supportEmail)).filter((m) => m.text.includes('Buy')).length,
      0,
    );
    // The page hides the field from people and screen readers.
    const page = await get(t.app, '/contact');
    assert.match(
      page.body,
      /<div class="visually-hidden" aria-hidden="true">[\s\S]*name="website" tabindex="-1" autocomplete="off"/,
    );
  });

  test('one address may send five messages an hour, one email three', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      const ok = await send({ name: 'N', email: `n${i}@example.com`, message: `m${i}` }, ip);
      assert.equal(ok.statusCode, 303, `message ${i + 1}`);
    }
    const refused = await send({ name: 'N', email: 'n9@example.com', message: 'm' }, ip);
    assert.equal(refused.statusCode, 429);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    assert.deepEqual(await ticketsFrom('n9@example.com'), []);

    const email = 'same.person@example.com';
    for (let i = 0; i < 3; i++) {
      assert.equal((await send({ name: 'S', email, message: `m${i}` })).statusCode, 303);
    }
    assert.equal((await send({ name: 'S', email, message: 'again' })).statusCode, 429);
    assert.equal((await ticketsFrom(email)).length, 3);
  });
});
