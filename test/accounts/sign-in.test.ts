import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashToken } from '../../src/platform/auth/tokens.ts';
import { sessionCookieName } from '../../src/platform/auth/session.ts';
import { createTestApp, cookieJar, type TestApp } from '../helpers/app.ts';
import {
  GOOD_PASSWORD,
  attr,
  freshIp,
  get,
  givenAccount,
  givenProgram,
  inputTag,
  pathOf,
  post,
  sessionCookie,
  signIn,
  unique,
} from '../helpers/accounts.ts';

let t: TestApp;

// One app for the whole file; closed in this suite's own after hook.
describe('sign-in and sessions', () => {
  before(async () => {
    t = await createTestApp();
    await givenProgram(t);
  });
  after(async () => {
    await t?.close();
  });

  async function sessionsOf(userId: number) {
    return t.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();
  }

  describe('signing in', () => {
    test('works with the username or the email address, in any case', async () => {
      const account = await givenAccount(t.app, { username: unique('Mixed') });
      for (const identifier of [
        account.username,
        account.username.toUpperCase(),
        account.email,
        account.email.toUpperCase(),
        `  ${account.email}  `,
      ]) {
        const jar = cookieJar();
        const res = await post(t.app, '/sign-in', { identifier, password: account.password }, jar, {
          ip: freshIp(),
        });
        assert.equal(res.statusCode, 303, `${identifier}: ${res.body.slice(0, 300)}`);
        assert.equal(pathOf(res.headers.location), '/dashboard');
        assert.ok(sessionCookie(t, jar), identifier);
        const dashboard = await get(t.app, '/account', jar);
        assert.equal(dashboard.statusCode, 200);
        assert.match(dashboard.body, new RegExp(account.candidateNumber));
      }
    });

    test('the session cookie is HttpOnly, SameSite=Lax, path /, and holds only a random token whose hash is stored', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      const res = await signIn(t, jar, account, { ip: freshIp() });
      const cookie = res.cookies.find((c) => c.name === sessionCookieName(t.config));
      assert.ok(cookie);
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Lax');
      assert.equal(cookie.path, '/');
      assert.match(cookie.value, /^[A-Za-z0-9_-]{43}$/);
      const [session] = await sessionsOf(account.id);
      assert.ok(session);
      assert.deepEqual(Buffer.from(session.token_hash), hashToken(cookie.value));
      assert.equal(session.state, 'active');
      assert.ok(session.expires_at.getTime() > Date.now());
    });

    test('a wrong password and an unknown account get the same answer', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      const ip = freshIp();
      const wrong = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: 'not the password at all' },
        jar,
        { ip },
      );
      const unknown = await post(
        t.app,
        '/sign-in',
        { identifier: 'nobody-by-this-name', password: 'not the password at all' },
        jar,
        { ip },
      );
      assert.equal(wrong.statusCode, 400);
      assert.equal(unknown.statusCode, wrong.statusCode);
      assert.equal(unknown.headers['content-type'], wrong.headers['content-type']);
      assert.match(wrong.body, /The username, email address or password is not right/);
      // Apart from the identifier the user typed (kept in the form), the pages are the same bytes.
      const normalize = (body: string, identifier: string) =>
        body.replaceAll(identifier, '«identifier»').replace(/name="_csrf" value="[^"]*"/g, '');
      assert.equal(
        normalize(unknown.body, 'nobody-by-this-name'),
        normalize(wrong.body, account.username),
      );
      assert.equal(sessionCookie(t, jar), undefined);
      assert.equal((await sessionsOf(account.id)).length, 0);
    });

    test('an unknown email address answers like a wrong password for a known one', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      const ip = freshIp();
      const wrong = await post(
        t.app,
        '/sign-in',
        { identifier: account.email, password: 'not the password at all' },
        jar,
        { ip },
      );
      const unknown = await post(
        t.app,
        '/sign-in',
        { identifier: 'nobody@example.com', password: 'not the password at all' },
        jar,
        { ip },
      );
      assert.equal(unknown.statusCode, wrong.statusCode);
      const normalize = (body: string, identifier: string) =>
        body.replaceAll(identifier, '«identifier»');
      assert.equal(
        normalize(unknown.body, 'nobody@example.com'),
        normalize(wrong.body, account.email),
      );
    });

    test('a failed sign-in keeps the identifier, never the password, and marks the field', async () => {
      const account = await givenAccount(t.app);
      const res = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: 'secret-typed-password' },
        cookieJar(),
        { ip: freshIp() },
      );
      assert.equal(attr(inputTag(res.body, 'identifier'), 'value'), account.username);
      assert.equal(attr(inputTag(res.body, 'identifier'), 'aria-invalid'), 'true');
      assert.ok(!res.body.includes('secret-typed-password'));
    });

    test('empty fields are field errors, not a failed attempt', async () => {
      const res = await post(t.app, '/sign-in', {}, cookieJar(), { ip: freshIp() });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Enter your username or email address/);
      assert.match(res.body, /Enter your password/);
    });

    test('a disabled account cannot sign in, and answers like a wrong password', async () => {
      const account = await givenAccount(t.app);
      await t.db
        .updateTable('users')
        .set({ status: 'disabled' })
        .where('id', '=', account.id)
        .execute();
      const res = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        cookieJar(),
        { ip: freshIp() },
      );
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /The username, email address or password is not right/);
    });

    test('an account created without a password cannot sign in', async () => {
      const account = await givenAccount(t.app, { password: null });
      const res = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: GOOD_PASSWORD },
        cookieJar(),
        { ip: freshIp() },
      );
      assert.equal(res.statusCode, 400);
    });

    test('the session token changes at sign-in: a planted cookie is never the signed-in one (session fixation)', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      const planted = 'attacker-chosen-token-value-0123456789abcdef';
      jar.cookies.set(sessionCookieName(t.config), planted);
      await signIn(t, jar, account, { ip: freshIp() });
      const issued = sessionCookie(t, jar);
      assert.ok(issued);
      assert.notEqual(issued, planted);

      // The attacker's copy of the planted cookie is not signed in.
      const attacker = cookieJar();
      attacker.cookies.set(sessionCookieName(t.config), planted);
      const res = await get(t.app, '/account', attacker);
      assert.equal(res.statusCode, 303);
      assert.match(pathOf(res.headers.location), /^\/sign-in/);
    });

    test('signing in again in the same browser ends the old session and issues a new token', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      const ip = freshIp();
      await signIn(t, jar, account, { ip });
      const first = sessionCookie(t, jar)!;
      const stolen = cookieJar();
      stolen.cookies.set(sessionCookieName(t.config), first);
      assert.equal((await get(t.app, '/account', stolen)).statusCode, 200);

      // A signed-in browser is sent away from the form; it can still post it (another tab).
      const again = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        jar,
        { ip, from: '/account' },
      );
      assert.equal(again.statusCode, 303);
      const second = sessionCookie(t, jar)!;
      assert.notEqual(second, first);
      assert.equal((await sessionsOf(account.id)).length, 1);
      assert.equal((await get(t.app, '/account', stolen)).statusCode, 303, 'the old token is dead');
      assert.equal((await get(t.app, '/account', jar)).statusCode, 200);
    });

    test('signing out deletes the session row and clears the cookie', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });
      const token = sessionCookie(t, jar)!;
      assert.equal((await sessionsOf(account.id)).length, 1);

      const res = await post(t.app, '/sign-out', {}, jar, { from: '/account' });
      assert.equal(res.statusCode, 303);
      assert.equal(pathOf(res.headers.location), '/sign-in');
      assert.equal(sessionCookie(t, jar), undefined);
      assert.equal((await sessionsOf(account.id)).length, 0);

      const replay = cookieJar();
      replay.cookies.set(sessionCookieName(t.config), token);
      assert.equal((await get(t.app, '/account', replay)).statusCode, 303);
    });

    test('a session idle for longer than the idle timeout has ended', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });
      assert.equal((await get(t.app, '/account', jar)).statusCode, 200);

      await t.db
        .updateTable('sessions')
        .set({ last_seen_at: new Date(Date.now() - t.config.sessionIdleMs + 120_000) })
        .where('user_id', '=', account.id)
        .execute();
      assert.equal(
        (await get(t.app, '/account', jar)).statusCode,
        200,
        'still within the idle timeout',
      );
      const [touched] = await sessionsOf(account.id);
      assert.ok(
        touched!.last_seen_at.getTime() > Date.now() - 60_000,
        'activity moves last_seen_at',
      );

      await t.db
        .updateTable('sessions')
        .set({ last_seen_at: new Date(Date.now() - t.config.sessionIdleMs - 1000) })
        .where('user_id', '=', account.id)
        .execute();
      const res = await get(t.app, '/account', jar);
      assert.equal(res.statusCode, 303);
      assert.equal(pathOf(res.headers.location), '/sign-in?next=%2Faccount');
    });

    test('a session past its absolute lifetime has ended, however active', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });
      const [session] = await sessionsOf(account.id);
      const lifetime = session!.expires_at.getTime() - session!.created_at.getTime();
      assert.ok(Math.abs(lifetime - t.config.sessionMaxMs) < 60_000, `lifetime ${lifetime} ms`);

      await t.db
        .updateTable('sessions')
        .set({ expires_at: new Date(Date.now() - 1000), last_seen_at: new Date() })
        .where('user_id', '=', account.id)
        .execute();
      assert.equal((await get(t.app, '/account', jar)).statusCode, 303);
    });

    test('short session settings in the configuration are honoured', async () => {
      const short = await createTestApp({
        config: { sessionIdleMs: 60_000, sessionMaxMs: 120_000 },
      });
      try {
        await givenProgram(short);
        const account = await givenAccount(short.app);
        const jar = cookieJar();
        await signIn(short, jar, account, { ip: freshIp() });
        const [session] = await short.db
          .selectFrom('sessions')
          .selectAll()
          .where('user_id', '=', account.id)
          .execute();
        assert.ok(session!.expires_at.getTime() - Date.now() <= 120_000);
        await short.db
          .updateTable('sessions')
          .set({ last_seen_at: new Date(Date.now() - 61_000) })
          .execute();
        assert.equal((await get(short.app, '/account', jar)).statusCode, 303);
      } finally {
        await short.close();
      }
    });

    test('a disabled account loses its sessions at once', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });
      await t.db
        .updateTable('users')
        .set({ status: 'disabled' })
        .where('id', '=', account.id)
        .execute();
      assert.equal((await get(t.app, '/account', jar)).statusCode, 303);
    });

    test('the sessions page lists every session, and "sign out of the others" ends them but not this one', async () => {
      const account = await givenAccount(t.app);
      const laptop = cookieJar();
      const phone = cookieJar();
      const ip = freshIp();
      await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        laptop,
        {
          ip,
          headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' },
        },
      );
      await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        phone,
        {
          ip,
          headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1' },
        },
      );
      assert.equal((await sessionsOf(account.id)).length, 2);

      const page = await get(t.app, '/account/sessions', laptop);
      assert.equal(page.statusCode, 200);
      assert.equal(page.headers['cache-control'], 'no-store');
      assert.match(page.body, /Firefox on Linux/);
      assert.match(page.body, /Safari on iOS/);
      assert.equal(page.body.match(/This session/g)?.length, 1);
      assert.match(page.body, /Sign out of all other sessions/);

      const res = await post(t.app, '/account/sessions/sign-out-others', {}, laptop, {
        from: '/account/sessions',
      });
      assert.equal(res.statusCode, 303);
      assert.equal(pathOf(res.headers.location), '/account/sessions');
      assert.equal((await sessionsOf(account.id)).length, 1);
      const after = await get(t.app, '/account/sessions', laptop);
      assert.equal(after.statusCode, 200, 'this session goes on');
      assert.match(after.body, /Your other sessions were signed out/);
      assert.match(after.body, /You are not signed in anywhere else/);
      assert.equal(
        (await get(t.app, '/account', phone)).statusCode,
        303,
        'the other one has ended',
      );
      const audit = await t.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'accounts.other_sessions_ended')
        .where('subject_id', '=', String(account.id))
        .execute();
      assert.equal(audit.length, 1);
    });

    test('one user\'s "sign out of the others" leaves other users\' sessions alone', async () => {
      const a = await givenAccount(t.app);
      const b = await givenAccount(t.app);
      const jarA = cookieJar();
      const jarB = cookieJar();
      await signIn(t, jarA, a, { ip: freshIp() });
      await signIn(t, jarB, b, { ip: freshIp() });
      await post(t.app, '/account/sessions/sign-out-others', {}, jarA, {
        from: '/account/sessions',
      });
      assert.equal((await get(t.app, '/account', jarB)).statusCode, 200);
    });

    test('signed-out visitors are sent to sign in, and come back to the page they asked for', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      const res = await get(t.app, '/account/sessions', jar);
      assert.equal(res.statusCode, 303);
      assert.equal(pathOf(res.headers.location), '/sign-in?next=%2Faccount%2Fsessions');
      const form = await get(t.app, pathOf(res.headers.location), jar);
      assert.equal(attr(inputTag(form.body, 'next'), 'value'), '/account/sessions');
      const signedIn = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password, next: '/account/sessions' },
        jar,
        { ip: freshIp() },
      );
      assert.equal(pathOf(signedIn.headers.location), '/account/sessions');
    });

    test('"next" never leads to another site', async () => {
      const account = await givenAccount(t.app);
      for (const next of [
        'https://evil.example/',
        '//evil.example/x',
        '/\\evil.example',
        '/\t/evil.example',
        '/\n/evil.example',
      ]) {
        const jar = cookieJar();
        const res = await post(
          t.app,
          '/sign-in',
          { identifier: account.username, password: account.password, next },
          jar,
          { ip: freshIp() },
        );
        assert.equal(res.statusCode, 303, `${JSON.stringify(next)}: ${res.statusCode}`);
        assert.equal(res.headers.location, '/dashboard', JSON.stringify(next));
      }
    });

    test('GET /api/v1/me answers for the signed-in account and 401 problem+json otherwise', async () => {
      const account = await givenAccount(t.app, { roles: ['partner_admin'] });
      const anonymous = await get(t.app, '/api/v1/me', cookieJar());
      assert.equal(anonymous.statusCode, 401);
      assert.match(String(anonymous.headers['content-type']), /^application\/problem\+json/);
      assert.equal(anonymous.json().code, 'SIGN_IN_REQUIRED');

      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });
      const me = await get(t.app, '/api/v1/me', jar);
      assert.equal(me.statusCode, 200);
      assert.equal(me.headers['cache-control'], 'no-store');
      assert.deepEqual(me.json(), {
        candidateId: account.candidateNumber,
        username: account.username,
        email: account.email,
        givenName: 'Ada',
        familyName: 'Lovelace',
        roles: ['candidate', 'partner_admin'],
        twoFactorEnabled: false,
      });
    });
  });
});
