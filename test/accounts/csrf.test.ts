import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sessionCookieName } from '../../src/platform/auth/session.ts';
import { csrfCookieName } from '../../src/platform/http/security.ts';
import {
  createTestApp,
  cookieJar,
  csrfFrom,
  request,
  type CookieJar,
  type TestApp,
} from '../helpers/app.ts';
import {
  GOOD_PASSWORD,
  freshIp,
  get,
  givenAccount,
  givenProgram,
  linkFromOutbox,
  newTotpSecret,
  pathOf,
  post,
  routePaths,
  signIn,
  unique,
  type GivenAccount,
} from '../helpers/accounts.ts';

let t: TestApp;
let admin: GivenAccount;
let adminJar: CookieJar;

// One app for the whole file; closed in this suite's own after hook.
describe('cross-site request forgery and web security', () => {
  before(async () => {
    t = await createTestApp();
    await givenProgram(t);
    admin = await givenAccount(t.app, { roles: ['admin'], totpSecret: newTotpSecret() });
    adminJar = cookieJar();
    await signIn(t, adminJar, admin, { ip: freshIp() });
  });
  after(async () => {
    await t?.close();
  });

  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

  /**
   * Every state-changing route, with its parameters filled in. Form routes must
   * answer the CSRF 403 itself; JSON API routes and routes with parameters this
   * test cannot fill meaningfully may refuse earlier (schema 400, 404), but
   * never succeed.
   */
  function postRoutes(): { url: string; strict: boolean }[] {
    const paths = routePaths(t.app, 'POST').map((p) => p.replace(/:id\b/g, String(admin.id)));
    assert.ok(
      paths.includes('/sign-in') && paths.includes('/register'),
      `routes: ${paths.join(', ')}`,
    );
    assert.ok(paths.length >= 15, `only ${paths.length} POST routes found`);
    return paths.map((p) => ({
      url: p.replace(/:\w+/g, 'X1'),
      strict: !p.startsWith('/api/') && !p.includes(':'),
    }));
  }

  function rawPost(
    url: string,
    payload: string,
    jar: CookieJar,
    headers: Record<string, string> = {},
  ) {
    return request(
      t.app,
      { method: 'POST', url, headers: { ...FORM, ...headers }, payload, remoteAddress: freshIp() },
      jar,
    );
  }

  function assertCsrfRefusal(res: { statusCode: number; body: string }, label: string) {
    assert.equal(res.statusCode, 403, `${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    assert.match(res.body, /This form has expired or did not come from this site/, label);
  }

  function assertRefused(
    route: { url: string; strict: boolean },
    res: { statusCode: number; body: string },
    label: string,
  ) {
    if (route.strict) return assertCsrfRefusal(res, label);
    assert.ok(
      res.statusCode >= 400 && res.statusCode < 500,
      `${label}: ${res.statusCode} ${res.body.slice(0, 200)}`,
    );
  }

  describe('CSRF protection', () => {
    test('every POST without a token is refused with 403, signed in or not', async () => {
      const anonymous = cookieJar();
      await get(t.app, '/sign-in', anonymous);
      const routes = postRoutes();
      assert.ok(routes.filter((r) => r.strict).length >= 15);
      for (const route of routes) {
        for (const [who, jar] of [
          ['anonymous', anonymous],
          ['admin', adminJar],
        ] as const) {
          assertRefused(route, await rawPost(route.url, '', jar), `${who} ${route.url}`);
          assertRefused(
            route,
            await rawPost(route.url, 'password=x&roles=admin', jar),
            `${who} ${route.url} with fields`,
          );
        }
      }
    });

    test('every POST with a wrong token, or with no CSRF cookie, is refused', async () => {
      const page = await get(t.app, '/account', adminJar);
      const token = csrfFrom(page.body);
      const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
      const noCookie = cookieJar();
      noCookie.cookies.set(sessionCookieName(t.config), adminJar.get(sessionCookieName(t.config))!);
      for (const route of postRoutes()) {
        const { url } = route;
        assertRefused(
          route,
          await rawPost(url, `_csrf=${encodeURIComponent(forged)}`, adminJar),
          `forged ${url}`,
        );
        assertRefused(route, await rawPost(url, `_csrf=`, adminJar), `empty ${url}`);
        assertRefused(
          route,
          await rawPost(url, `_csrf=${encodeURIComponent(token)}`, noCookie),
          `no cookie ${url}`,
        );
      }
    });

    test("a token from another browser's cookie is refused", async () => {
      const other = cookieJar();
      const otherToken = csrfFrom((await get(t.app, '/sign-in', other)).body);
      const mine = cookieJar();
      await get(t.app, '/sign-in', mine);
      assert.notEqual(mine.get(csrfCookieName(t.config)), other.get(csrfCookieName(t.config)));
      const account = await givenAccount(t.app);
      const res = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password, _csrf: otherToken },
        mine,
        { ip: freshIp() },
      );
      assertCsrfRefusal(res, 'sign-in');
      assert.equal(mine.get(sessionCookieName(t.config)), undefined);
    });

    test('a cross-site Origin is refused even with a valid token; our own origin is fine', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      const evil = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        jar,
        {
          ip: freshIp(),
          headers: { origin: 'https://evil.example' },
        },
      );
      assertCsrfRefusal(evil, 'evil origin');
      assert.equal(jar.get(sessionCookieName(t.config)), undefined);

      const lookalike = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        jar,
        {
          ip: freshIp(),
          headers: { origin: `${t.config.publicUrl}.evil.example` },
        },
      );
      assertCsrfRefusal(lookalike, 'look-alike origin');

      const ours = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        jar,
        {
          ip: freshIp(),
          headers: { origin: t.config.publicUrl },
        },
      );
      assert.equal(ours.statusCode, 303);
    });

    test('the token may come in the X-CSRF-Token header instead of the body', async () => {
      const jar = cookieJar();
      const token = csrfFrom((await get(t.app, '/sign-in', jar)).body);
      const res = await rawPost('/forgot-password', `identifier=${unique('x')}`, jar, {
        'x-csrf-token': token,
      });
      assert.equal(res.statusCode, 303);
    });

    test('a refused request changes nothing', async () => {
      // Registration: no account.
      const username = unique('csrf');
      const jar = cookieJar();
      await get(t.app, '/register', jar);
      const fields = new URLSearchParams({
        username,
        email: `${username}@example.org`,
        givenName: 'C',
        familyName: 'S',
        country: 'FR',
        password: GOOD_PASSWORD,
        acceptPrivacy: 'yes',
      });
      assertCsrfRefusal(await rawPost('/register', fields.toString(), jar), 'register');
      assert.equal(
        (await t.db.selectFrom('users').select('id').where('username', '=', username).execute())
          .length,
        0,
      );

      // Signed in: no sign-out, no password change, no email change, no role change, no two-factor set-up.
      const account = await givenAccount(t.app);
      const victim = cookieJar();
      await signIn(t, victim, account, { ip: freshIp() });
      const before = await t.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', account.id)
        .executeTakeFirstOrThrow();
      const attempts: [string, string][] = [
        ['/sign-out', ''],
        [
          '/account/password',
          `currentPassword=${encodeURIComponent(account.password)}&newPassword=attacker+chosen+passphrase&confirmPassword=attacker+chosen+passphrase`,
        ],
        [
          '/account/email',
          `currentPassword=${encodeURIComponent(account.password)}&newEmail=attacker%40evil.example`,
        ],
        ['/account/two-factor/setup', ''],
        ['/account/sessions/sign-out-others', ''],
      ];
      for (const [url, payload] of attempts)
        assertCsrfRefusal(
          await rawPost(url, payload, victim, { origin: 'https://evil.example' }),
          url,
        );
      for (const [url, payload] of attempts)
        assertCsrfRefusal(await rawPost(url, payload, victim), url);
      const after = await t.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', account.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(after, before);
      assert.equal((await get(t.app, '/account', victim)).statusCode, 200, 'still signed in');
      const outbox = await t.db
        .selectFrom('outbox')
        .select('id')
        .where('to_address', '=', 'attacker@evil.example')
        .execute();
      assert.equal(outbox.length, 0);

      const target = await givenAccount(t.app);
      assertCsrfRefusal(
        await rawPost(`/admin/users/${target.id}/roles`, 'roles=admin', adminJar),
        'roles',
      );
      const roles = await t.db
        .selectFrom('user_roles')
        .select('role')
        .where('user_id', '=', target.id)
        .execute();
      assert.equal(roles.length, 0);
    });

    test('a token is refused for email confirmation without CSRF, and the address stays unconfirmed', async () => {
      const account = await givenAccount(t.app, { emailVerified: false });
      await post(t.app, '/confirm-email/resend', { email: account.email }, cookieJar(), {
        ip: freshIp(),
      });
      await t.app.platform.jobs.drain();
      const link = await linkFromOutbox(t.db, account.email, 'accounts.verify-email');
      const token = new URL(link).searchParams.get('token')!;
      const jar = cookieJar();
      await get(t.app, pathOf(link), jar);
      assertCsrfRefusal(await rawPost('/confirm-email', `token=${token}`, jar), 'confirm-email');
      const user = await t.db
        .selectFrom('users')
        .select('email_verified_at')
        .where('id', '=', account.id)
        .executeTakeFirstOrThrow();
      assert.equal(user.email_verified_at, null);
    });
  });

  describe('no state change by GET', () => {
    test('GET /confirm-email?token=… leaves the account unconfirmed and the token unused', async () => {
      const account = await givenAccount(t.app, { emailVerified: false });
      await post(t.app, '/confirm-email/resend', { email: account.email }, cookieJar(), {
        ip: freshIp(),
      });
      await t.app.platform.jobs.drain();
      const link = await linkFromOutbox(t.db, account.email, 'accounts.verify-email');
      for (let i = 0; i < 3; i++) {
        const res = await get(t.app, pathOf(link), cookieJar());
        assert.equal(res.statusCode, 200);
      }
      const user = await t.db
        .selectFrom('users')
        .select('email_verified_at')
        .where('id', '=', account.id)
        .executeTakeFirstOrThrow();
      assert.equal(user.email_verified_at, null);
      const tokens = await t.db
        .selectFrom('account_tokens')
        .select('used_at')
        .where('user_id', '=', account.id)
        .where('purpose', '=', 'verify_email')
        .where('used_at', 'is', null)
        .execute();
      assert.equal(tokens.length, 1);
    });

    test('no GET route answers a state-changing path with a change (sign-out, set-up, roles)', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });
      for (const url of [
        '/sign-out',
        '/account/two-factor/setup',
        '/account/sessions/sign-out-others',
        `/admin/users/${account.id}/roles`,
      ]) {
        const res = await get(t.app, url, jar);
        assert.equal(res.statusCode, 404, url);
      }
      assert.equal((await get(t.app, '/account', jar)).statusCode, 200);
      const user = await t.db
        .selectFrom('users')
        .select('totp_secret')
        .where('id', '=', account.id)
        .executeTakeFirstOrThrow();
      assert.equal(user.totp_secret, null);
    });
  });

  describe('cookies and headers over HTTPS', () => {
    test('cookies are __Host- prefixed, Secure, HttpOnly and SameSite=Lax; HSTS is sent', async () => {
      const secure = await createTestApp({ env: { PUBLIC_URL: 'https://certs.heron.example' } });
      try {
        await givenProgram(secure);
        const account = await givenAccount(secure.app);
        const jar = cookieJar();
        const page = await get(secure.app, '/sign-in', jar);
        assert.match(String(page.headers['strict-transport-security']), /max-age=\d{7,}/);
        const csrf = page.cookies.find((c) => c.name === '__Host-laurel_csrf');
        assert.ok(csrf, `cookies: ${page.cookies.map((c) => c.name).join(', ')}`);
        const res = await post(
          secure.app,
          '/sign-in',
          { identifier: account.username, password: account.password },
          jar,
          { ip: freshIp() },
        );
        assert.equal(res.statusCode, 303);
        const session = res.cookies.find((c) => c.name === '__Host-laurel_session');
        assert.ok(session);
        for (const cookie of [csrf, session]) {
          assert.equal(cookie.secure, true, cookie.name);
          assert.equal(cookie.httpOnly, true, cookie.name);
          assert.equal(cookie.sameSite, 'Lax', cookie.name);
          assert.equal(cookie.path, '/', cookie.name);
          assert.equal(cookie.domain, undefined, `${cookie.name} has no Domain`);
        }
        assert.equal((await get(secure.app, '/account', jar)).statusCode, 200);
      } finally {
        await secure.close();
      }
    });

    test('over plain HTTP there is no HSTS and no Secure flag', async () => {
      const page = await get(t.app, '/sign-in', cookieJar());
      assert.equal(page.headers['strict-transport-security'], undefined);
      const csrf = page.cookies.find((c) => c.name === 'laurel_csrf');
      assert.ok(csrf);
      assert.notEqual(csrf.secure, true);
    });

    test('pages with personal data are not cached', async () => {
      for (const url of ['/account', '/account/sessions', '/account/two-factor', '/api/v1/me']) {
        const res = await get(t.app, url, adminJar);
        assert.equal(res.statusCode, 200, url);
        assert.equal(res.headers['cache-control'], 'no-store', url);
      }
    });
  });
});
