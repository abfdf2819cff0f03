import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { totpCode } from '../../src/features/accounts/totp.ts';
import { createTestApp, cookieJar, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  freshIp,
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  nextTotpCode,
  outboxTo,
  pathOf,
  post,
  sessionCookie,
  signIn,
  textOfClass,
  type GivenAccount,
} from '../helpers/accounts.ts';

let t: TestApp;

// One app for the whole file; closed in this suite's own after hook.
describe('two-factor authentication', () => {
  before(async () => {
    t = await createTestApp();
    await givenProgram(t);
  });
  after(async () => {
    await t?.close();
  });

  function recoveryCodesIn(html: string): string[] {
    const list = /<ul class="codes"[^>]*>([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
    return [...list.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]!);
  }

  async function userRow(id: number) {
    return t.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  /** Signs in with the password only and checks that the code is asked for next. */
  async function passwordStep(account: GivenAccount, jar: CookieJar, ip = freshIp()) {
    const res = await post(
      t.app,
      '/sign-in',
      { identifier: account.username, password: account.password },
      jar,
      { ip },
    );
    assert.equal(res.statusCode, 303);
    assert.equal(pathOf(res.headers.location), '/sign-in/two-factor');
    return res;
  }

  /** Turns two-factor on through the pages; returns the key and the recovery codes. */
  async function turnOn(
    account: GivenAccount,
    jar: CookieJar,
  ): Promise<{ secret: string; codes: string[] }> {
    const before = await get(t.app, '/account/two-factor', jar);
    assert.equal(before.statusCode, 200);
    assert.match(before.body, /Two-factor authentication is off/);
    const setup = await post(t.app, '/account/two-factor/setup', {}, jar, {
      from: '/account/two-factor',
    });
    assert.equal(setup.statusCode, 303);
    assert.equal(pathOf(setup.headers.location), '/account/two-factor');

    const page = await get(t.app, '/account/two-factor', jar);
    assert.equal(page.statusCode, 200);
    const secret = textOfClass(page.body, 'secret')?.replace(/\s+/g, '');
    assert.ok(secret, 'the page shows the key');
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.match(page.body, /<svg/, 'and a QR code');

    const wrong = await post(t.app, '/account/two-factor/enable', { code: '000000' }, jar, {
      from: '/account/two-factor',
    });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /The code is not right/);
    assert.equal((await userRow(account.id)).totp_enabled_at, null);

    const enabled = await post(
      t.app,
      '/account/two-factor/enable',
      { code: totpCode(secret) },
      jar,
      {
        from: '/account/two-factor',
      },
    );
    assert.equal(enabled.statusCode, 200, enabled.body.slice(0, 300));
    const codes = recoveryCodesIn(enabled.body);
    assert.equal(codes.length, 10, enabled.body);
    return { secret, codes };
  }

  describe('turning two-factor on', () => {
    test('setup shows a key and QR code; a valid code turns it on and shows ten recovery codes once', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });
      const { secret, codes } = await turnOn(account, jar);

      assert.equal(new Set(codes).size, 10);
      for (const code of codes) assert.match(code, /^[a-z2-9]{5}-[a-z2-9]{5}$/);
      const user = await userRow(account.id);
      assert.ok(user.totp_enabled_at instanceof Date);
      assert.ok(
        user.totp_secret && !user.totp_secret.includes(secret),
        'the key is stored encrypted',
      );
      const stored = await t.db
        .selectFrom('recovery_codes')
        .select('code_hash')
        .where('user_id', '=', account.id)
        .execute();
      assert.equal(stored.length, 10);
      for (const code of codes) {
        assert.ok(
          stored.every((s) => !Buffer.from(s.code_hash).toString('utf8').includes(code)),
          'codes are stored hashed',
        );
      }

      const page = await get(t.app, '/account/two-factor', jar);
      assert.match(page.body, /Two-factor authentication is on since/);
      assert.match(page.body, /Recovery codes left: 10/);
      assert.equal(textOfClass(page.body, 'secret'), undefined, 'the key is not shown again');
      assert.ok(!page.body.includes(codes[0]!), 'nor the codes');

      const mails = await outboxTo(t.db, account.email);
      assert.ok(mails.some((m) => m.template === 'accounts.two-factor-on'));
    });

    test('then sign-in asks for the code; a wrong code is refused, a valid one signs in with a new session token', async () => {
      const account = await givenAccount(t.app);
      const setupJar = cookieJar();
      await signIn(t, setupJar, account, { ip: freshIp() });
      const { secret } = await turnOn(account, setupJar);

      const jar = cookieJar();
      await passwordStep(account, jar);
      const pending = sessionCookie(t, jar);
      assert.ok(pending, 'a session waiting for the second factor');
      assert.equal((await get(t.app, '/account', jar)).statusCode, 303, 'not signed in yet');
      assert.equal((await get(t.app, '/api/v1/me', jar)).statusCode, 401);
      assert.equal(
        pathOf((await get(t.app, '/sign-in', jar)).headers.location),
        '/sign-in/two-factor',
      );

      const page = await get(t.app, '/sign-in/two-factor', jar);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Enter your verification code/);

      const wrong = await post(t.app, '/sign-in/two-factor', { code: '123456' }, jar);
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /The code is not right/);
      const empty = await post(t.app, '/sign-in/two-factor', { code: ' ' }, jar);
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Enter the code/);

      const code = await nextTotpCode(t.db, account.id, secret);
      const ok = await post(t.app, '/sign-in/two-factor', { code }, jar);
      assert.equal(ok.statusCode, 303);
      assert.equal(pathOf(ok.headers.location), '/dashboard');
      const active = sessionCookie(t, jar);
      assert.ok(active);
      assert.notEqual(active, pending, 'a new token once both factors are in');
      assert.equal((await get(t.app, '/account', jar)).statusCode, 200);
      const sessions = await t.db
        .selectFrom('sessions')
        .select(['state'])
        .where('user_id', '=', account.id)
        .execute();
      assert.deepEqual(
        sessions.map((s) => s.state).sort(),
        ['active', 'active'],
        'the pending session is gone',
      );

      // The same code a second time, in another browser, is refused.
      const replay = cookieJar();
      await passwordStep(account, replay);
      const again = await post(t.app, '/sign-in/two-factor', { code }, replay);
      assert.equal(again.statusCode, 400);
      assert.equal((await get(t.app, '/account', replay)).statusCode, 303);
    });

    test('a recovery code signs in once, in any case and without the dash', async () => {
      const account = await givenAccount(t.app);
      const setupJar = cookieJar();
      await signIn(t, setupJar, account, { ip: freshIp() });
      const { codes } = await turnOn(account, setupJar);
      const code = codes[3]!;

      const jar = cookieJar();
      await passwordStep(account, jar);
      const ok = await post(
        t.app,
        '/sign-in/two-factor',
        { code: code.toUpperCase().replace('-', '') },
        jar,
      );
      assert.equal(ok.statusCode, 303);
      const next = await get(t.app, '/account', jar);
      assert.equal(next.statusCode, 200);
      assert.match(next.body, /You signed in with a recovery code. You have 9 left/);

      const again = cookieJar();
      await passwordStep(account, again);
      const reused = await post(t.app, '/sign-in/two-factor', { code }, again);
      assert.equal(reused.statusCode, 400);
      const other = await post(t.app, '/sign-in/two-factor', { code: codes[4]! }, again);
      assert.equal(other.statusCode, 303);
      const audit = await t.db
        .selectFrom('audit_events')
        .select('action')
        .where('subject_id', '=', String(account.id))
        .where('action', '=', 'accounts.recovery_code_used')
        .execute();
      assert.equal(audit.length, 2);
    });

    test('"cancel and sign out" on the code page ends the waiting session', async () => {
      const account = await givenAccount(t.app, { totpSecret: newTotpSecret() });
      const jar = cookieJar();
      await passwordStep(account, jar);
      const res = await post(t.app, '/sign-out', {}, jar, { from: '/sign-in/two-factor' });
      assert.equal(res.statusCode, 303);
      const sessions = await t.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', account.id)
        .execute();
      assert.equal(sessions.length, 0);
      assert.equal(
        pathOf((await get(t.app, '/sign-in/two-factor', jar)).headers.location),
        '/sign-in',
      );
    });

    test('the code page without a password step sends back to sign in', async () => {
      const res = await get(t.app, '/sign-in/two-factor', cookieJar());
      assert.equal(res.statusCode, 303);
      assert.equal(pathOf(res.headers.location), '/sign-in');
      const posted = await post(t.app, '/sign-in/two-factor', { code: '123456' }, cookieJar(), {
        from: '/sign-in',
      });
      assert.equal(pathOf(posted.headers.location), '/sign-in');
    });

    test('enabling without a set-up in progress, or twice, does nothing', async () => {
      const secret = newTotpSecret();
      const account = await givenAccount(t.app, { totpSecret: secret });
      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });
      const before = await userRow(account.id);
      await post(t.app, '/account/two-factor/setup', {}, jar, { from: '/account/two-factor' });
      const after = await userRow(account.id);
      assert.equal(after.totp_secret, before.totp_secret, 'set-up does not replace a key in use');
      const res = await post(t.app, '/account/two-factor/enable', { code: totpCode(secret) }, jar, {
        from: '/account/two-factor',
      });
      assert.equal(res.statusCode, 400);
    });
  });

  describe('turning two-factor off', () => {
    test('needs the password and a current code', async () => {
      const secret = newTotpSecret();
      const account = await givenAccount(t.app, { totpSecret: secret });
      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });
      await post(
        t.app,
        '/account/two-factor/recovery-codes',
        { regenPassword: account.password },
        jar,
        { from: '/account/two-factor' },
      );

      const badPassword = await post(
        t.app,
        '/account/two-factor/disable',
        { currentPassword: 'not my password at all', code: totpCode(secret) },
        jar,
        { from: '/account/two-factor' },
      );
      assert.equal(badPassword.statusCode, 400);
      assert.match(badPassword.body, /Your current password is not right/);
      const badCode = await post(
        t.app,
        '/account/two-factor/disable',
        { currentPassword: account.password, code: '000000' },
        jar,
        { from: '/account/two-factor' },
      );
      assert.equal(badCode.statusCode, 400);
      assert.match(badCode.body, /The code is not right/);
      assert.ok((await userRow(account.id)).totp_enabled_at, 'still on');

      const code = await nextTotpCode(t.db, account.id, secret);
      const ok = await post(
        t.app,
        '/account/two-factor/disable',
        { currentPassword: account.password, code },
        jar,
        { from: '/account/two-factor' },
      );
      assert.equal(ok.statusCode, 303);
      const user = await userRow(account.id);
      assert.equal(user.totp_enabled_at, null);
      assert.equal(user.totp_secret, null);
      const codes = await t.db
        .selectFrom('recovery_codes')
        .select('id')
        .where('user_id', '=', account.id)
        .execute();
      assert.equal(codes.length, 0);
      assert.ok(
        (await outboxTo(t.db, account.email)).some((m) => m.template === 'accounts.two-factor-off'),
      );

      const again = cookieJar();
      const res = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        again,
        { ip: freshIp() },
      );
      assert.equal(pathOf(res.headers.location), '/dashboard', 'no code asked any more');
    });

    test('an account whose password is only long enough with two-factor must change it first', async () => {
      const secret = newTotpSecret();
      const account = await givenAccount(t.app, { totpSecret: secret, password: 'tq7#vrm2kx' });
      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });
      const res = await post(
        t.app,
        '/account/two-factor/disable',
        { currentPassword: account.password, code: totpCode(secret, Date.now() + 30_000) },
        jar,
        { from: '/account/two-factor' },
      );
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /shorter than 15 characters/);
      assert.ok((await userRow(account.id)).totp_enabled_at);
    });

    test('staff cannot turn it off', async () => {
      const secret = newTotpSecret();
      const account = await givenAccount(t.app, { totpSecret: secret, roles: ['support_agent'] });
      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });
      const page = await get(t.app, '/account/two-factor', jar);
      assert.match(page.body, /must stay on/);
      assert.ok(
        !page.body.includes('action="/account/two-factor/disable"'),
        'no form to turn it off',
      );

      const res = await post(
        t.app,
        '/account/two-factor/disable',
        { currentPassword: account.password, code: totpCode(secret, Date.now() + 30_000) },
        jar,
        { from: '/account/two-factor' },
      );
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /must stay on/);
      assert.ok((await userRow(account.id)).totp_enabled_at, 'still on');
    });
  });

  describe('recovery codes', () => {
    test('new codes need the password and replace the old ones', async () => {
      const secret = newTotpSecret();
      const account = await givenAccount(t.app, { totpSecret: secret });
      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });

      const refused = await post(
        t.app,
        '/account/two-factor/recovery-codes',
        { regenPassword: 'wrong password entirely' },
        jar,
        { from: '/account/two-factor' },
      );
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Your current password is not right/);

      const first = recoveryCodesIn(
        (
          await post(
            t.app,
            '/account/two-factor/recovery-codes',
            { regenPassword: account.password },
            jar,
            { from: '/account/two-factor' },
          )
        ).body,
      );
      const second = recoveryCodesIn(
        (
          await post(
            t.app,
            '/account/two-factor/recovery-codes',
            { regenPassword: account.password },
            jar,
            { from: '/account/two-factor' },
          )
        ).body,
      );
      assert.equal(first.length, 10);
      assert.equal(second.length, 10);

      const old = cookieJar();
      await passwordStep(account, old);
      assert.equal(
        (await post(t.app, '/sign-in/two-factor', { code: first[0]! }, old)).statusCode,
        400,
      );
      assert.equal(
        (await post(t.app, '/sign-in/two-factor', { code: second[0]! }, old)).statusCode,
        303,
      );
    });
  });
});
