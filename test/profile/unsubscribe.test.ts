import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { queueEmail } from '../../src/platform/mail/outbox.ts';
import { createTestApp, cookieJar, type TestApp, type TestSmtpServer } from '../helpers/app.ts';
import {
  decode,
  freshIp,
  get,
  givenAccount,
  givenProgram,
  post,
  signIn,
  unique,
  type GivenAccount,
} from '../helpers/accounts.ts';

let t: TestApp & { smtp: TestSmtpServer };

const PUBLIC_URL = 'https://certification.example.test';

/**
 * RFC 8058 one-click unsubscribe through a real SMTP server, with DKIM
 * signing on: the headers, the footer link, GET that only asks, POST without
 * cookies that unsubscribes without a redirect, and preferences that stop a
 * category's mail while transactional mail still goes out.
 */
describe('one-click unsubscribe and preferences', () => {
  before(async () => {
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    t = await createTestApp({
      smtp: true,
      env: {
        PUBLIC_URL,
        DKIM_DOMAIN: 'certification.example.test',
        DKIM_SELECTOR: 'laurel',
        DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      },
    });
    await givenProgram(t);
  });
  after(async () => {
    await t?.close();
  });

  async function send(
    account: GivenAccount,
    category: string,
    subject = unique('subject'),
  ): Promise<{ id: number; subject: string }> {
    const program = await t.app.platform.program.get();
    const id = await queueEmail(t.db, program, {
      to: account.email,
      userId: account.id,
      template: 'test.category',
      category,
      content: { subject, paragraphs: ['Your credential expires soon.'] },
      footer: { sentBy: 'Sent by Heron.', help: 'Questions? Write to support.' },
    });
    await t.app.platform.mail.deliverDue();
    return { id, subject };
  }

  const statusOf = async (id: number) =>
    (
      await t.db
        .selectFrom('outbox')
        .select(['status', 'last_error'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).status;

  function header(raw: Buffer, name: string): string[] {
    // Unfold continuation lines, then pick every header of that name from the head.
    const head = raw
      .toString('utf8')
      .split(/\r?\n\r?\n/)[0]!
      .replace(/\r?\n[ \t]+/g, ' ');
    return head
      .split(/\r?\n/)
      .filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      .map((line) => line.slice(name.length + 1).trim());
  }

  test('a reminder carries one HTTPS List-Unsubscribe URL, List-Unsubscribe-Post, a footer link, and DKIM signs both headers', async () => {
    const account = await givenAccount(t.app);
    const { subject } = await send(account, 'expiry_reminders');
    const mail = await t.smtp.waitFor((m) => m.subject === subject);

    const list = header(mail.raw, 'List-Unsubscribe');
    assert.equal(list.length, 1, `List-Unsubscribe headers: ${JSON.stringify(list)}`);
    const match = /^<(https:\/\/[^>]+)>$/.exec(list[0]!);
    assert.ok(match, list[0]);
    const url = match[1]!;
    assert.ok(url.startsWith(`${PUBLIC_URL}/unsubscribe/${account.id}/expiry_reminders/`), url);
    assert.deepEqual(header(mail.raw, 'List-Unsubscribe-Post'), ['List-Unsubscribe=One-Click']);

    assert.ok(mail.text.includes(url), mail.text);
    assert.ok(mail.html.includes(`href="${url}"`), mail.html);
    assert.ok(!mail.text.includes('LAUREL_UNSUBSCRIBE_URL'));

    const dkim = header(mail.raw, 'DKIM-Signature');
    assert.equal(dkim.length, 1, 'one DKIM signature');
    const signed = /\bh=([^;]+)/.exec(dkim[0]!)?.[1]?.replace(/\s+/g, '').toLowerCase().split(':');
    assert.ok(signed?.includes('list-unsubscribe'), dkim[0]);
    assert.ok(signed?.includes('list-unsubscribe-post'), dkim[0]);
  });

  test('transactional mail has no unsubscribe header or footer link', async () => {
    const account = await givenAccount(t.app);
    const { subject } = await send(account, 'transactional');
    const mail = await t.smtp.waitFor((m) => m.subject === subject);
    assert.deepEqual(header(mail.raw, 'List-Unsubscribe'), []);
    assert.doesNotMatch(mail.text, /Unsubscribe/);
  });

  test('GET asks and never unsubscribes; POST List-Unsubscribe=One-Click without cookies unsubscribes, answers 200 with no redirect', async () => {
    const account = await givenAccount(t.app);
    const { subject } = await send(account, 'expiry_reminders');
    const mail = await t.smtp.waitFor((m) => m.subject === subject);
    const url = /^<([^>]+)>$/.exec(header(mail.raw, 'List-Unsubscribe')[0]!)![1]!;
    const path = new URL(url).pathname;

    const page = await t.app.inject({ method: 'GET', url: path });
    assert.equal(page.statusCode, 200);
    assert.match(decode(page.body), /Stop sending you “Expiry reminders” emails\?/);
    assert.equal((await t.app.profile.privacy.preferences(account.id)).expiry_reminders, true);

    const done = await t.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    assert.equal(done.statusCode, 200, done.body.slice(0, 300));
    assert.equal(done.headers.location, undefined);
    assert.match(decode(done.body), /You are unsubscribed from “Expiry reminders” emails/);
    assert.equal((await t.app.profile.privacy.preferences(account.id)).expiry_reminders, false);
    const audit = await t.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'profile.preferences_changed')
      .where('subject_id', '=', String(account.id))
      .executeTakeFirstOrThrow();
    assert.equal(audit.details.via, 'unsubscribe');

    // The next reminder is held back; a transactional email still goes out.
    const held = await send(account, 'expiry_reminders');
    assert.equal(await statusOf(held.id), 'held');
    const receipt = await send(account, 'transactional');
    await t.smtp.waitFor((m) => m.subject === receipt.subject);
    assert.equal(t.smtp.messages.filter((m) => m.subject === held.subject).length, 0);
  });

  test('a multipart one-click POST works too', async () => {
    const account = await givenAccount(t.app);
    const url = t.app.profile.privacy.unsubscribeUrl(account.id, 'exam_reminders');
    const boundary = '----laurel';
    const res = await t.app.inject({
      method: 'POST',
      url: new URL(url).pathname,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    assert.equal(res.statusCode, 200, res.body.slice(0, 300));
    assert.equal((await t.app.profile.privacy.preferences(account.id)).exam_reminders, false);
  });

  test('a forged token, another person’s token or a POST without the one-click body changes nothing', async () => {
    const victim = await givenAccount(t.app);
    const other = await givenAccount(t.app);
    const otherUrl = new URL(t.app.profile.privacy.unsubscribeUrl(other.id, 'expiry_reminders'));
    const token = otherUrl.pathname.split('/').pop()!;
    const attempts = [
      `/unsubscribe/${victim.id}/expiry_reminders/${token}`,
      `/unsubscribe/${victim.id}/expiry_reminders/${'A'.repeat(43)}`,
      `/unsubscribe/${other.id}/exam_reminders/${token}`,
      `/unsubscribe/${other.id}/transactional/${token}`,
    ];
    for (const url of attempts) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      assert.equal(res.statusCode, 404, url);
      const get404 = await t.app.inject({ method: 'GET', url });
      assert.equal(get404.statusCode, 404, url);
    }
    const noBody = await t.app.inject({ method: 'POST', url: otherUrl.pathname });
    assert.notEqual(noBody.statusCode, 200);
    for (const account of [victim, other]) {
      const prefs = await t.app.profile.privacy.preferences(account.id);
      assert.deepEqual(prefs, {
        exam_reminders: true,
        expiry_reminders: true,
        program_news: false,
      });
    }
  });

  test('preferences on the privacy page stop a category’s mail; program news needs the marketing opt-in', async () => {
    const account = await givenAccount(t.app);
    const jar = cookieJar();
    await signIn(t, jar, account, { ip: freshIp() });

    // Program news is marketing: off by default and not sent.
    const news = await send(account, 'program_news');
    assert.equal(await statusOf(news.id), 'held');

    const saved = await post(
      t.app,
      '/privacy/preferences',
      { exam_reminders: 'yes', program_news: 'yes' },
      jar,
      { from: '/privacy' },
    );
    assert.equal(saved.statusCode, 303);
    assert.deepEqual(await t.app.profile.privacy.preferences(account.id), {
      exam_reminders: true,
      expiry_reminders: false,
      program_news: true,
    });
    const consent = await t.db
      .selectFrom('consents')
      .select(['granted'])
      .where('user_id', '=', account.id)
      .where('kind', '=', 'marketing')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(consent.granted, true);

    const reminder = await send(account, 'expiry_reminders');
    assert.equal(await statusOf(reminder.id), 'held');
    const exam = await send(account, 'exam_reminders');
    await t.smtp.waitFor((m) => m.subject === exam.subject);
    const news2 = await send(account, 'program_news');
    await t.smtp.waitFor((m) => m.subject === news2.subject);

    const page = await get(t.app, '/privacy', jar);
    assert.match(decode(page.body), /Program news and offers/);
  });
});
