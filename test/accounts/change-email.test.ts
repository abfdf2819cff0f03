import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, linksIn, type TestSmtpServer } from '../helpers/app.ts';
import type { CookieJar, TestApp } from '../helpers/app.ts';
import {
  attr,
  freshIp,
  get,
  givenAccount,
  givenProgram,
  inputTag,
  linkFromOutbox,
  pathOf,
  post,
  signIn,
  unique,
  type GivenAccount,
} from '../helpers/accounts.ts';

let t: TestApp & { smtp: TestSmtpServer };

// One app for the whole file; closed in this suite's own after hook.
describe('change of email address', () => {
  before(async () => {
    t = await createTestApp({ smtp: true });
    await givenProgram(t);
  });
  after(async () => {
    await t?.close();
  });

  async function emailOf(id: number): Promise<string> {
    return (
      await t.db.selectFrom('users').select('email').where('id', '=', id).executeTakeFirstOrThrow()
    ).email;
  }

  async function signedIn(): Promise<{ account: GivenAccount; jar: CookieJar }> {
    const account = await givenAccount(t.app);
    const jar = cookieJar();
    await signIn(t, jar, account, { ip: freshIp() });
    return { account, jar };
  }

  const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

  describe('changing the email address', () => {
    test('needs the right current password; a wrong one sends nothing', async () => {
      const { account, jar } = await signedIn();
      const newEmail = `${unique('new')}@example.net`;
      const res = await post(
        t.app,
        '/account/email',
        { newEmail, currentPassword: 'not my password, sorry' },
        jar,
      );
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Your current password is not right/);
      assert.equal(attr(inputTag(res.body, 'currentPassword'), 'aria-invalid'), 'true');
      assert.equal(
        attr(inputTag(res.body, 'newEmail'), 'value'),
        newEmail,
        'the new address is kept',
      );
      assert.equal(attr(inputTag(res.body, 'currentPassword'), 'value'), undefined);
      const mails = await t.db
        .selectFrom('outbox')
        .select('id')
        .where('to_address', 'in', [newEmail, account.email])
        .execute();
      assert.equal(mails.length, 0);
      const tokens = await t.db
        .selectFrom('account_tokens')
        .select('id')
        .where('user_id', '=', account.id)
        .execute();
      assert.equal(tokens.length, 0);

      const missing = await post(t.app, '/account/email', { newEmail }, jar);
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /Enter your password/);
    });

    test('a malformed address, or the current one, is a field error', async () => {
      const { account, jar } = await signedIn();
      const bad = await post(
        t.app,
        '/account/email',
        { newEmail: 'nope', currentPassword: account.password },
        jar,
      );
      assert.equal(bad.statusCode, 400);
      assert.equal(attr(inputTag(bad.body, 'newEmail'), 'aria-invalid'), 'true');
      const same = await post(
        t.app,
        '/account/email',
        { newEmail: account.email.toUpperCase(), currentPassword: account.password },
        jar,
      );
      assert.equal(same.statusCode, 400);
      assert.match(same.body, /This is already your email address/);
    });

    test('sends a link to the new address and a notice to the old; the link (POST) changes the address', async () => {
      const { account, jar } = await signedIn();
      const newEmail = `${unique('moved')}@example.net`;
      const res = await post(
        t.app,
        '/account/email',
        { newEmail, currentPassword: account.password },
        jar,
      );
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      assert.equal(pathOf(res.headers.location), '/account');
      assert.match(
        (await get(t.app, '/account', jar)).body,
        /We have sent a link to your new address/,
      );
      assert.equal(
        await emailOf(account.id),
        account.email,
        'nothing changes before the link is used',
      );

      await t.app.platform.mail.deliverDue();
      const confirm = await t.smtp.waitFor((m) => m.to.includes(newEmail));
      assert.equal(confirm.subject, 'Confirm your new email address');
      const notice = await t.smtp.waitFor((m) => m.to.includes(account.email));
      assert.equal(notice.subject, 'Your email address is being changed');
      assert.ok(
        notice.text.includes(newEmail),
        'the old address is told which address it is changing to',
      );
      assert.equal(
        linksIn(notice.text).filter((l) => l.includes('token=')).length,
        0,
        'the old address gets no link',
      );

      const link = linksIn(confirm.text).find((l) => l.includes('/confirm-email-change?token='));
      assert.ok(link, confirm.text);
      assert.ok(link.startsWith(t.config.publicUrl));

      // Opening the link changes nothing; its button does.
      const page = await get(t.app, pathOf(link), jar);
      assert.equal(page.statusCode, 200);
      assert.equal(page.headers['referrer-policy'], 'no-referrer');
      assert.ok(page.body.includes(newEmail));
      assert.equal(await emailOf(account.id), account.email);

      const done = await post(t.app, '/confirm-email-change', { token: tokenOf(link) }, jar, {
        from: pathOf(link),
      });
      assert.equal(done.statusCode, 303);
      assert.equal(pathOf(done.headers.location), '/account');
      assert.equal(await emailOf(account.id), newEmail);
      const accountPage = await get(t.app, '/account', jar);
      assert.match(accountPage.body, /Your email address has been changed/);
      assert.ok(accountPage.body.includes(newEmail));

      await t.app.platform.mail.deliverDue();
      await t.smtp.waitFor(
        (m) => m.to.includes(newEmail) && m.subject === 'Your email address was changed',
      );
      await t.smtp.waitFor(
        (m) => m.to.includes(account.email) && m.subject === 'Your email address was changed',
      );

      // Signing in by the new address works, by the old one no longer.
      await signIn(t, cookieJar(), account, { ip: freshIp(), identifier: newEmail });
      const old = await post(
        t.app,
        '/sign-in',
        { identifier: account.email, password: account.password },
        cookieJar(),
        { ip: freshIp() },
      );
      assert.equal(old.statusCode, 400);

      // The link works once.
      const again = await post(t.app, '/confirm-email-change', { token: tokenOf(link) }, jar, {
        from: '/account/email',
      });
      assert.equal(pathOf(again.headers.location), '/confirm-email-change');
      const audit = await t.db
        .selectFrom('audit_events')
        .select(['action', 'details'])
        .where('subject_id', '=', String(account.id))
        .where('action', '=', 'accounts.email_changed')
        .execute();
      assert.equal(audit.length, 1);
      assert.ok(
        !JSON.stringify(audit[0]!.details).includes(account.email),
        'the audit log masks addresses',
      );
    });

    test('the link works signed out too, and then leads to sign in', async () => {
      const { account, jar } = await signedIn();
      const newEmail = `${unique('out')}@example.net`;
      await post(t.app, '/account/email', { newEmail, currentPassword: account.password }, jar);
      const link = await linkFromOutbox(t.db, newEmail, 'accounts.change-email-confirm');
      const stranger = cookieJar();
      const res = await post(t.app, '/confirm-email-change', { token: tokenOf(link) }, stranger, {
        from: pathOf(link),
      });
      assert.equal(pathOf(res.headers.location), '/sign-in');
      assert.equal(await emailOf(account.id), newEmail);
    });

    test('an address another account took in the meantime is not taken over', async () => {
      const { account, jar } = await signedIn();
      const wanted = `${unique('wanted')}@example.net`;
      await post(
        t.app,
        '/account/email',
        { newEmail: wanted, currentPassword: account.password },
        jar,
      );
      const link = await linkFromOutbox(t.db, wanted, 'accounts.change-email-confirm');
      const other = await givenAccount(t.app, { email: wanted.toUpperCase() });
      const res = await post(t.app, '/confirm-email-change', { token: tokenOf(link) }, jar, {
        from: pathOf(link),
      });
      assert.equal(res.statusCode, 303);
      assert.notEqual(pathOf(res.headers.location), '/account');
      assert.equal(await emailOf(account.id), account.email);
      assert.equal(await emailOf(other.id), wanted.toUpperCase());
    });

    test('a newer request retires the older link; an expired link does nothing', async () => {
      const { account, jar } = await signedIn();
      const first = `${unique('first')}@example.net`;
      const second = `${unique('second')}@example.net`;
      await post(
        t.app,
        '/account/email',
        { newEmail: first, currentPassword: account.password },
        jar,
      );
      await post(
        t.app,
        '/account/email',
        { newEmail: second, currentPassword: account.password },
        jar,
      );
      const firstLink = await linkFromOutbox(t.db, first, 'accounts.change-email-confirm');
      const secondLink = await linkFromOutbox(t.db, second, 'accounts.change-email-confirm');

      const stale = await post(t.app, '/confirm-email-change', { token: tokenOf(firstLink) }, jar, {
        from: '/account/email',
      });
      assert.equal(pathOf(stale.headers.location), '/confirm-email-change');
      assert.equal(await emailOf(account.id), account.email);

      await t.db
        .updateTable('account_tokens')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('user_id', '=', account.id)
        .execute();
      const page = await get(t.app, pathOf(secondLink), jar);
      assert.match(page.body, /This link is not valid or has expired/);
      const expired = await post(
        t.app,
        '/confirm-email-change',
        { token: tokenOf(secondLink) },
        jar,
        { from: '/account/email' },
      );
      assert.equal(pathOf(expired.headers.location), '/confirm-email-change');
      assert.equal(await emailOf(account.id), account.email);
    });
  });
});
