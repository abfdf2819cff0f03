import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, linksIn, type TestSmtpServer } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import {
  attr,
  freshIp,
  get,
  givenAccount,
  givenProgram,
  inputTag,
  newTotpSecret,
  pathOf,
  post,
  sessionCookie,
  signIn,
  unique,
  type GivenAccount,
} from '../helpers/accounts.ts';

const PUBLIC_URL = 'http://certs.heron.test:8443';
let t: TestApp & { smtp: TestSmtpServer };

// One app for the whole file; closed in this suite's own after hook.
describe('account recovery', () => {
  before(async () => {
    t = await createTestApp({ smtp: true, env: { PUBLIC_URL } });
    await givenProgram(t);
  });
  after(async () => {
    await t?.close();
  });

  const NEW_PASSWORD = 'seven quiet egrets fishing at dawn';

  /** Runs the queued jobs, then hands the outbox to the SMTP server. */
  async function deliver(): Promise<void> {
    await t.app.platform.jobs.drain();
    await t.app.platform.mail.deliverDue();
  }

  function mailsTo(address: string) {
    return t.smtp.messages.filter((m) =>
      m.to.some((to) => to.toLowerCase() === address.toLowerCase()),
    );
  }

  /** Asks for a reset link for the account and returns it, read from the delivered email. */
  async function resetLinkFor(account: GivenAccount): Promise<string> {
    const before = mailsTo(account.email).length;
    const res = await post(
      t.app,
      '/forgot-password',
      { identifier: account.username },
      cookieJar(),
      {
        ip: freshIp(),
      },
    );
    assert.equal(res.statusCode, 303);
    await deliver();
    const mail = await t.smtp.waitFor(
      (m) =>
        m.to.includes(account.email) &&
        m.subject === 'Reset your password' &&
        mailsTo(account.email).indexOf(m) >= before,
    );
    const link = linksIn(mail.text).find((l) => l.includes('/reset-password?token='));
    assert.ok(link, mail.text);
    return link;
  }

  function tokenOf(link: string): string {
    return new URL(link).searchParams.get('token')!;
  }

  async function passwordHash(userId: number) {
    return (
      await t.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', userId)
        .executeTakeFirstOrThrow()
    ).password_hash;
  }

  describe('forgot username', () => {
    test('answers the same for a known and an unknown address; only the known one gets mail, with its username', async () => {
      const account = await givenAccount(t.app);
      const unknown = `nobody-${unique()}@example.org`;
      const a = await post(t.app, '/forgot-username', { email: account.email }, cookieJar(), {
        ip: freshIp(),
      });
      const b = await post(t.app, '/forgot-username', { email: unknown }, cookieJar(), {
        ip: freshIp(),
      });
      const c = await post(t.app, '/forgot-username', { email: 'not an address' }, cookieJar(), {
        ip: freshIp(),
      });
      for (const res of [a, b, c]) {
        assert.equal(res.statusCode, 303);
        assert.equal(pathOf(res.headers.location), '/account-recovery/sent');
        assert.equal(res.body, a.body);
      }
      const sent = await get(t.app, '/account-recovery/sent', cookieJar());
      assert.match(sent.body, /If the details you entered match an account/);

      await deliver();
      const mail = await t.smtp.waitFor((m) => m.to.includes(account.email));
      assert.equal(mail.subject, 'Your username');
      assert.match(mail.text, new RegExp(`It is: ${account.username}`));
      assert.deepEqual(linksIn(mail.text), [`${PUBLIC_URL}/sign-in`]);
      assert.equal(mailsTo(unknown).length, 0);
      const queued = await t.db
        .selectFrom('outbox')
        .select('id')
        .where('to_address', '=', unknown)
        .execute();
      assert.equal(queued.length, 0);
    });

    test('an empty address is a field error', async () => {
      const res = await post(t.app, '/forgot-username', { email: '  ' }, cookieJar(), {
        ip: freshIp(),
      });
      assert.equal(res.statusCode, 400);
      assert.equal(attr(inputTag(res.body, 'email'), 'aria-invalid'), 'true');
    });
  });

  describe('forgot password', () => {
    test('answers the same for known and unknown accounts; only the known one gets mail', async () => {
      const account = await givenAccount(t.app);
      const other = await givenAccount(t.app);
      const ghost = unique('ghost');
      const responses = [
        await post(t.app, '/forgot-password', { identifier: account.username }, cookieJar(), {
          ip: freshIp(),
        }),
        await post(
          t.app,
          '/forgot-password',
          { identifier: other.email.toUpperCase() },
          cookieJar(),
          { ip: freshIp() },
        ),
        await post(t.app, '/forgot-password', { identifier: ghost }, cookieJar(), {
          ip: freshIp(),
        }),
        await post(t.app, '/forgot-password', { identifier: `${ghost}@example.org` }, cookieJar(), {
          ip: freshIp(),
        }),
      ];
      for (const res of responses) {
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, responses[0]!.headers.location);
        assert.equal(res.body, responses[0]!.body);
      }
      assert.equal(pathOf(responses[0]!.headers.location), '/account-recovery/sent');

      await deliver();
      await t.smtp.waitFor((m) => m.to.includes(account.email));
      await t.smtp.waitFor((m) => m.to.includes(other.email));
      assert.equal(mailsTo(account.email).length, 1);
      assert.equal(mailsTo(other.email).length, 1);
      assert.equal(mailsTo(`${ghost}@example.org`).length, 0);
      const queued = await t.db
        .selectFrom('outbox')
        .select('to_address')
        .where('to_address', 'like', `${ghost}%`)
        .execute();
      assert.equal(queued.length, 0);
    });

    test('the reset email links to the public URL and names the account', async () => {
      const account = await givenAccount(t.app);
      const link = await resetLinkFor(account);
      assert.ok(link.startsWith(`${PUBLIC_URL}/reset-password?token=`), link);
      const mail = mailsTo(account.email).at(-1)!;
      assert.match(mail.text, new RegExp(account.username));
      assert.match(mail.text, /within an hour/);
      assert.ok(mail.html.includes(link), 'the HTML part has the same link');
    });

    test('the link works once, ends every session, and the new password signs in', async () => {
      const account = await givenAccount(t.app);
      const elsewhere = cookieJar();
      await signIn(t, elsewhere, account, { ip: freshIp() });
      const link = await resetLinkFor(account);

      const jar = cookieJar();
      const page = await get(t.app, pathOf(link), jar);
      assert.equal(page.statusCode, 200);
      assert.equal(
        page.headers['referrer-policy'],
        'no-referrer',
        'the token must not leak in a Referer',
      );
      assert.equal(page.headers['cache-control'], 'no-store');
      assert.match(page.body, new RegExp(`Choose a new password for ${account.username}`));
      assert.equal(attr(inputTag(page.body, 'token'), 'value'), tokenOf(link));

      const res = await post(
        t.app,
        '/reset-password',
        { token: tokenOf(link), password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
        jar,
        { from: pathOf(link) },
      );
      assert.equal(res.statusCode, 303, res.body.slice(0, 400));
      assert.equal(pathOf(res.headers.location), '/sign-in');
      assert.match((await get(t.app, '/sign-in', jar)).body, /every session was signed out/);

      const sessions = await t.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', account.id)
        .execute();
      assert.equal(sessions.length, 0);
      assert.equal(
        (await get(t.app, '/account', elsewhere)).statusCode,
        303,
        'the other browser is signed out',
      );

      const old = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        cookieJar(),
        { ip: freshIp() },
      );
      assert.equal(old.statusCode, 400);
      await signIn(
        t,
        cookieJar(),
        { username: account.username, password: NEW_PASSWORD },
        { ip: freshIp() },
      );

      // Second use.
      const hash = await passwordHash(account.id);
      const again = await post(
        t.app,
        '/reset-password',
        {
          token: tokenOf(link),
          password: 'another fresh passphrase here',
          confirmPassword: 'another fresh passphrase here',
        },
        cookieJar(),
        { from: '/forgot-password' },
      );
      assert.equal(again.statusCode, 400);
      assert.match(again.body, /This reset link is not valid, has been used or has expired/);
      assert.equal(await passwordHash(account.id), hash);
      const reopened = await get(t.app, pathOf(link), cookieJar());
      assert.match(reopened.body, /not valid, has been used or has expired/);
      assert.equal(inputTag(reopened.body, 'password'), undefined);

      await deliver();
      const notice = await t.smtp.waitFor(
        (m) => m.to.includes(account.email) && m.subject === 'Your password was changed',
      );
      assert.match(notice.text, /Every other session was signed out/);
    });

    test('an expired link is refused and changes nothing', async () => {
      const account = await givenAccount(t.app);
      const link = await resetLinkFor(account);
      const expires = await t.db
        .selectFrom('account_tokens')
        .select(['expires_at', 'created_at'])
        .where('user_id', '=', account.id)
        .where('purpose', '=', 'reset_password')
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow();
      assert.ok(
        // created_at is the database clock at the start of the transaction, expires_at the app's: allow a little skew.
        expires.expires_at.getTime() - expires.created_at.getTime() <= 3_600_000 + 5_000,
        'expires within an hour',
      );

      await t.db
        .updateTable('account_tokens')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('user_id', '=', account.id)
        .execute();
      const page = await get(t.app, pathOf(link), cookieJar());
      assert.match(page.body, /not valid, has been used or has expired/);
      const hash = await passwordHash(account.id);
      const res = await post(
        t.app,
        '/reset-password',
        { token: tokenOf(link), password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
        cookieJar(),
        { from: '/forgot-password' },
      );
      assert.equal(res.statusCode, 400);
      assert.equal(await passwordHash(account.id), hash);
      await signIn(t, cookieJar(), account, { ip: freshIp() });
    });

    test('a newer link retires the older one', async () => {
      const account = await givenAccount(t.app);
      const first = await resetLinkFor(account);
      const second = await resetLinkFor(account);
      assert.notEqual(first, second);
      assert.match(
        (await get(t.app, pathOf(first), cookieJar())).body,
        /not valid, has been used or has expired/,
      );
      const res = await post(
        t.app,
        '/reset-password',
        { token: tokenOf(second), password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
        cookieJar(),
        { from: pathOf(second) },
      );
      assert.equal(res.statusCode, 303);
    });

    test('a weak or mistyped new password is a field error, and the link stays usable', async () => {
      const account = await givenAccount(t.app);
      const link = await resetLinkFor(account);
      const jar = cookieJar();
      const weak = await post(
        t.app,
        '/reset-password',
        { token: tokenOf(link), password: 'short', confirmPassword: 'short' },
        jar,
        { from: pathOf(link) },
      );
      assert.equal(weak.statusCode, 400);
      assert.match(weak.body, /at least 15 characters/);
      assert.equal(attr(inputTag(weak.body, 'password'), 'aria-invalid'), 'true');
      assert.equal(
        attr(inputTag(weak.body, 'token'), 'value'),
        tokenOf(link),
        'the form keeps the token',
      );
      const mismatch = await post(
        t.app,
        '/reset-password',
        { token: tokenOf(link), password: NEW_PASSWORD, confirmPassword: `${NEW_PASSWORD}!` },
        jar,
        { from: pathOf(link) },
      );
      assert.equal(mismatch.statusCode, 400);
      assert.match(mismatch.body, /The passwords do not match/);
      const ok = await post(
        t.app,
        '/reset-password',
        { token: tokenOf(link), password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
        jar,
        { from: pathOf(link) },
      );
      assert.equal(ok.statusCode, 303);
    });

    test('opening the link (GET) does not use it', async () => {
      const account = await givenAccount(t.app);
      const link = await resetLinkFor(account);
      for (let i = 0; i < 3; i++)
        assert.equal((await get(t.app, pathOf(link), cookieJar())).statusCode, 200);
      const token = await t.db
        .selectFrom('account_tokens')
        .select('used_at')
        .where('user_id', '=', account.id)
        .where('purpose', '=', 'reset_password')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(token.used_at, null);
      const page = await get(t.app, pathOf(link), cookieJar());
      assert.ok(inputTag(page.body, 'password'), 'the form is still offered');
    });

    test('a reset does not bypass two-factor: signing in afterwards still asks for the code', async () => {
      const secret = newTotpSecret();
      const account = await givenAccount(t.app, { totpSecret: secret });
      const link = await resetLinkFor(account);
      const page = await get(t.app, pathOf(link), cookieJar());
      assert.match(page.body, /At least 8 characters/);
      const res = await post(
        t.app,
        '/reset-password',
        { token: tokenOf(link), password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
        cookieJar(),
        { from: pathOf(link) },
      );
      assert.equal(res.statusCode, 303);

      const jar = cookieJar();
      const first = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: NEW_PASSWORD },
        jar,
        { ip: freshIp() },
      );
      assert.equal(first.statusCode, 303);
      assert.equal(pathOf(first.headers.location), '/sign-in/two-factor');
      assert.equal(
        (await get(t.app, '/account', jar)).statusCode,
        303,
        'not signed in before the code',
      );
      const user = await t.db
        .selectFrom('users')
        .select(['totp_enabled_at', 'totp_secret'])
        .where('id', '=', account.id)
        .executeTakeFirstOrThrow();
      assert.ok(user.totp_enabled_at && user.totp_secret, 'two-factor is still on');
      await signIn(t, cookieJar(), { ...account, password: NEW_PASSWORD }, { ip: freshIp() });
    });

    test(
      'the reset email is sent even when the program settings must be read afresh (no deadlock on the embedded database)',
      { timeout: 60_000 },
      async () => {
        const account = await givenAccount(t.app);
        // As when the job runs more than five seconds after the settings were last read:
        // the program is read again while the job's transaction is open.
        t.app.platform.program.invalidate();
        await t.app.accounts.runSendPasswordReset({ identifier: account.email });
        await t.app.platform.mail.deliverDue();
        await t.smtp.waitFor(
          (m) => m.to.includes(account.email) && m.subject === 'Reset your password',
        );
      },
    );

    test('a reset confirms an unconfirmed address (the link proved it)', async () => {
      const account = await givenAccount(t.app, { emailVerified: false });
      const link = await resetLinkFor(account);
      await post(
        t.app,
        '/reset-password',
        { token: tokenOf(link), password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
        cookieJar(),
        { from: pathOf(link) },
      );
      const jar = cookieJar();
      await signIn(
        t,
        jar,
        { username: account.username, password: NEW_PASSWORD },
        { ip: freshIp() },
      );
      assert.ok(sessionCookie(t, jar));
    });
  });
});
