import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MailDelivery } from '../../src/platform/mail/delivery.ts';
import { queueEmail } from '../../src/platform/mail/outbox.ts';
import { createTestApp, cookieJar, type TestApp, type TestSmtpServer } from '../helpers/app.ts';
import {
  PROGRAM,
  closedPort,
  get,
  givenProgram,
  secondHandle,
  unique,
} from '../helpers/accounts.ts';

let t: TestApp & { smtp: TestSmtpServer };

// One app for the whole file; closed in this suite's own after hook.
describe('mail delivery', () => {
  before(async () => {
    t = await createTestApp({ smtp: true });
    await givenProgram(t);
  });
  after(async () => {
    await t?.close();
  });

  async function queue(to: string, subject: string): Promise<number> {
    const program = await t.app.platform.program.get();
    return queueEmail(t.db, program, {
      to,
      toName: 'Test Person',
      template: 'test.delivery',
      content: {
        subject,
        greeting: 'Hello,',
        paragraphs: ['A message for the delivery tests.'],
        action: { label: 'Open', url: `${t.config.publicUrl}/x?a=1&b=2` },
      },
      footer: {
        sentBy: `Sent by ${program.name}.`,
        help: `Questions? Write to ${program.supportEmail}.`,
      },
    });
  }

  async function row(id: number) {
    return t.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  const programName = async () => PROGRAM.name;

  describe('outbox delivery', () => {
    test('messages carry an HTML and a text part, the program name and support address, and keep their Message-ID', async () => {
      const to = `${unique('parts')}@example.org`;
      const id = await queue(to, 'Both parts please');
      await t.app.platform.mail.deliverDue();
      const mail = await t.smtp.waitFor((m) => m.to.includes(to));
      assert.match(mail.text, /A message for the delivery tests\./);
      assert.match(mail.html, /A message for the delivery tests\./);
      assert.match(mail.html, /^<!doctype html>/i);
      for (const part of [mail.text, mail.html]) {
        assert.ok(part.includes(PROGRAM.name), 'program name');
        assert.ok(part.includes(PROGRAM.supportEmail), 'support address');
      }
      assert.ok(mail.html.includes('/x?a=1&amp;b=2'), 'links are escaped in HTML');
      assert.ok(mail.text.includes('/x?a=1&b=2'), 'and plain in text');
      const from = mail.headers.get('from') as { value: { name: string; address: string }[] };
      assert.equal(from.value[0]?.name, PROGRAM.name);
      assert.match(from.value[0]?.address ?? '', /@/);
      const sent = await row(id);
      assert.equal(mail.headers.get('message-id'), sent.message_id);
      assert.equal(sent.status, 'sent');
      assert.equal(sent.attempts, 1);
      assert.ok(sent.sent_at instanceof Date);
      assert.equal(sent.locked_until, null);
    });

    test('an account email (registration) arrives with both parts, branded with the program', async () => {
      const username = unique('brand');
      const account = await t.app.accounts.createAccount({
        username,
        email: `${username}@example.org`,
        givenName: 'Brand',
        familyName: 'Check',
        country: 'FR',
        password: 'violet tractor humming seven lanterns',
        emailVerified: false,
      });
      await t.app.accounts.requestNewConfirmation(`${username}@example.org`, '10.250.0.1');
      await t.app.platform.jobs.drain();
      await t.app.platform.mail.deliverDue();
      const mail = await t.smtp.waitFor((m) => m.to.includes(`${username}@example.org`));
      assert.ok(account.id > 0);
      assert.equal(mail.subject, 'Confirm your email address');
      assert.match(mail.text, /Hello Brand,/);
      assert.match(mail.text, new RegExp(`Thank you for creating an account with ${PROGRAM.name}`));
      assert.match(mail.html, new RegExp(PROGRAM.name));
      assert.match(mail.text, new RegExp(PROGRAM.supportEmail));
    });

    test('two deliverers running at once on one database send every message exactly once', async () => {
      const other = await secondHandle(t);
      const a = new MailDelivery(t.db, t.config, programName);
      const b = new MailDelivery(other.db, t.config, programName);
      try {
        const tag = unique('once');
        const ids: number[] = [];
        for (let i = 0; i < 30; i++)
          ids.push(await queue(`${tag}-${i}@example.org`, `${tag} #${i}`));

        const reports = await Promise.all([
          a.deliverDue(),
          b.deliverDue(),
          a.deliverDue(),
          b.deliverDue(),
        ]);
        const sent = reports.reduce((n, r) => n + r.sent, 0);
        assert.equal(sent, 30, JSON.stringify(reports));
        await t.smtp.waitFor((m) => m.subject === `${tag} #29`);
        for (let i = 0; i < 30; i++) {
          const copies = t.smtp.messages.filter((m) => m.subject === `${tag} #${i}`);
          assert.equal(copies.length, 1, `message ${i} arrived ${copies.length} times`);
        }
        const rows = await t.db
          .selectFrom('outbox')
          .select(['status', 'attempts'])
          .where('id', 'in', ids)
          .execute();
        assert.ok(
          rows.every((r) => r.status === 'sent' && r.attempts === 1),
          JSON.stringify(rows),
        );
      } finally {
        a.close();
        b.close();
        await other.close();
      }
    });

    test('a message is not sent again once it is sent', async () => {
      const to = `${unique('again')}@example.org`;
      await queue(to, 'Only once');
      await t.app.platform.mail.deliverDue();
      await t.smtp.waitFor((m) => m.to.includes(to));
      const report = await t.app.platform.mail.deliverDue();
      assert.equal(report.sent, 0);
      assert.equal(t.smtp.messages.filter((m) => m.to.includes(to)).length, 1);
    });

    test('when the SMTP server is down the message stays pending, with attempts=1 and a retry time in the future', async () => {
      const port = await closedPort();
      const down = new MailDelivery(
        t.db,
        { ...t.config, smtpUrl: `smtp://127.0.0.1:${port}` },
        programName,
      );
      try {
        // Anything else due goes out first, so that only this message is in play.
        await t.app.platform.mail.deliverDue();
        const to = `${unique('down')}@example.org`;
        const id = await queue(to, 'Server is down');
        const before = Date.now();
        const report = await down.deliverDue();
        assert.deepEqual(report, { sent: 0, failed: 1 });
        const failed = await row(id);
        assert.equal(failed.status, 'pending');
        assert.equal(failed.attempts, 1);
        assert.equal(failed.locked_until, null);
        assert.ok(
          failed.next_attempt_at.getTime() > before + 20_000,
          `next attempt at ${failed.next_attempt_at.toISOString()}`,
        );
        assert.ok(failed.last_error && failed.last_error.length > 0);

        // Not due yet: nobody picks it up.
        assert.deepEqual(await t.app.platform.mail.deliverDue(), { sent: 0, failed: 0 });

        // Once due, it goes out with the server back.
        await t.db
          .updateTable('outbox')
          .set({ next_attempt_at: new Date(Date.now() - 1000) })
          .where('id', '=', id)
          .execute();
        const retry = await t.app.platform.mail.deliverDue();
        assert.equal(retry.sent, 1);
        await t.smtp.waitFor((m) => m.to.includes(to));
        const sent = await row(id);
        assert.equal(sent.status, 'sent');
        assert.equal(sent.attempts, 2);
      } finally {
        down.close();
      }
    });

    test('the wait grows with each failure, and the message is marked failed after the last attempt', async () => {
      const port = await closedPort();
      const down = new MailDelivery(
        t.db,
        { ...t.config, smtpUrl: `smtp://127.0.0.1:${port}` },
        programName,
      );
      try {
        await t.app.platform.mail.deliverDue();
        const id = await queue(`${unique('backoff')}@example.org`, 'Backoff');
        const waits: number[] = [];
        for (let attempt = 1; attempt <= 3; attempt++) {
          await t.db
            .updateTable('outbox')
            .set({ next_attempt_at: new Date(Date.now() - 1000) })
            .where('id', '=', id)
            .execute();
          const start = Date.now();
          await down.deliverDue();
          waits.push((await row(id)).next_attempt_at.getTime() - start);
        }
        assert.ok(waits[1]! > waits[0]! && waits[2]! > waits[1]!, `waits ${waits.join(', ')}`);

        await t.db
          .updateTable('outbox')
          .set({ attempts: 7, next_attempt_at: new Date(Date.now() - 1000) })
          .where('id', '=', id)
          .execute();
        await down.deliverDue();
        const given = await row(id);
        assert.equal(given.status, 'failed');
        assert.equal(given.attempts, 8);
        await t.db
          .updateTable('outbox')
          .set({ next_attempt_at: new Date(Date.now() - 1000) })
          .where('id', '=', id)
          .execute();
        assert.deepEqual(
          await t.app.platform.mail.deliverDue(),
          { sent: 0, failed: 0 },
          'a failed message is left alone',
        );
      } finally {
        down.close();
      }
    });

    test('a message left "sending" by a node that died is retried when its lease runs out, not before', async () => {
      const to = `${unique('lease')}@example.org`;
      const id = await queue(to, 'Leased');
      await t.db
        .updateTable('outbox')
        .set({ status: 'sending', attempts: 1, locked_until: new Date(Date.now() + 60_000) })
        .where('id', '=', id)
        .execute();
      await t.app.platform.mail.deliverDue();
      assert.equal((await row(id)).status, 'sending', 'still leased to the other node');
      await t.db
        .updateTable('outbox')
        .set({ locked_until: new Date(Date.now() - 1000) })
        .where('id', '=', id)
        .execute();
      await t.app.platform.mail.deliverDue();
      await t.smtp.waitFor((m) => m.to.includes(to));
      const sent = await row(id);
      assert.equal(sent.status, 'sent');
      assert.equal(sent.attempts, 2);
    });
  });

  describe('without SMTP', () => {
    test('mail stays in the outbox and the development mailbox shows it', async () => {
      const local = await createTestApp();
      try {
        await givenProgram(local);
        const program = await local.app.platform.program.get();
        const id = await queueEmail(local.db, program, {
          to: 'dev@example.org',
          template: 'test.dev',
          content: { subject: 'Kept <in> the outbox', paragraphs: ['Body text'] },
          footer: { sentBy: 'x', help: 'y' },
        });
        assert.equal(local.app.platform.mail.enabled, false);
        assert.deepEqual(await local.app.platform.mail.deliverDue(), { sent: 0, failed: 0 });
        const list = await get(local.app, '/dev/mailbox', cookieJar());
        assert.equal(list.statusCode, 200);
        assert.ok(list.body.includes('Kept &lt;in> the outbox'), 'the subject is listed, escaped');
        const one = await get(local.app, `/dev/mailbox/${id}`, cookieJar());
        assert.equal(one.statusCode, 200);
        assert.match(one.body, /Body text/);
        const html = await get(local.app, `/dev/mailbox/${id}/html`, cookieJar());
        assert.match(String(html.headers['content-security-policy']), /sandbox/);
        const pending = await local.db
          .selectFrom('outbox')
          .select('status')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        assert.equal(pending.status, 'pending');
      } finally {
        await local.close();
      }
    });

    test('with SMTP configured there is no development mailbox', async () => {
      assert.equal((await get(t.app, '/dev/mailbox', cookieJar())).statusCode, 404);
    });
  });
});
