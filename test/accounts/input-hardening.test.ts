import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sessionCookieName } from '../../src/platform/auth/session.ts';
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
  post,
  signIn,
  unique,
} from '../helpers/accounts.ts';

let t: TestApp;

// One app for the whole file; closed in this suite's own after hook.
describe('input hardening', () => {
  before(async () => {
    t = await createTestApp();
    await givenProgram(t);
  });
  after(async () => {
    await t?.close();
  });

  async function tokenFor(jar: CookieJar): Promise<string> {
    return csrfFrom((await get(t.app, '/sign-in', jar)).body);
  }

  function registration(username: string): Record<string, string> {
    return {
      username,
      email: `${username}@example.org`,
      givenName: 'Nul',
      familyName: 'Byte',
      country: 'DE',
      password: GOOD_PASSWORD,
      acceptPrivacy: 'yes',
    };
  }

  async function usersNamed(username: string) {
    return t.db
      .selectFrom('users')
      .select('id')
      .where('username', 'like', `${username.slice(0, 12)}%`)
      .execute();
  }

  async function send(
    payload: string,
    url: string,
    contentType = 'application/x-www-form-urlencoded',
  ) {
    const jar = cookieJar();
    const token = await tokenFor(jar);
    const body = contentType.includes('json')
      ? payload.replace('"_csrf":""', `"_csrf":${JSON.stringify(token)}`)
      : `_csrf=${encodeURIComponent(token)}&${payload}`;
    return request(
      t.app,
      {
        method: 'POST',
        url,
        headers: { 'content-type': contentType },
        payload: body,
        remoteAddress: freshIp(),
      },
      jar,
    );
  }

  describe('hostile input is a 4xx, never a 500', () => {
    test('a NUL byte in a form field is a 400 and nothing is written', async () => {
      const username = unique('nul');
      for (const field of ['username', 'email', 'givenName', 'password']) {
        const fields = registration(username);
        fields[field] = `${fields[field]}\u0000x`;
        const res = await send(new URLSearchParams(fields).toString(), '/register');
        assert.equal(res.statusCode, 400, `${field}: ${res.statusCode}`);
        assert.match(res.body, /a character that is not allowed/);
      }
      assert.equal((await usersNamed(username)).length, 0);
    });

    test('a NUL byte in sign-in, recovery, a field name or a query string is a 400', async () => {
      const account = await givenAccount(t.app);
      const cases: [string, string][] = [
        [
          '/sign-in',
          `identifier=${account.username}%00&password=${encodeURIComponent(account.password)}`,
        ],
        [
          '/sign-in',
          `identifier=${account.username}&password=${encodeURIComponent(account.password)}%00`,
        ],
        ['/forgot-password', 'identifier=%00'],
        ['/forgot-username', 'email=a%00%40example.org'],
        ['/confirm-email', 'token=abc%00'],
        ['/register', 'user%00name=x'],
      ];
      for (const [url, payload] of cases) {
        const res = await send(payload, url);
        assert.equal(res.statusCode, 400, `${url} ${payload}: ${res.statusCode}`);
      }
      for (const url of [
        '/reset-password?token=%00',
        '/confirm-email?token=a%00',
        '/sign-in?next=%2F%00',
        '/admin/users?q=%00',
      ]) {
        const res = await get(t.app, url, cookieJar());
        assert.equal(res.statusCode, 400, url);
      }
      const sessions = await t.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', account.id)
        .execute();
      assert.equal(sessions.length, 0);
    });

    test('a NUL byte in a JSON body is a 400 too', async () => {
      const res = await send(
        JSON.stringify({ _csrf: '', identifier: 'ada\u0000', password: 'x' }),
        '/sign-in',
        'application/json',
      );
      assert.equal(res.statusCode, 400);
      const api = await send(
        JSON.stringify({ _csrf: '', identifier: 'ada\u0000', password: 'x' }),
        '/sign-in',
        'application/json; charset=utf-8',
      );
      assert.equal(api.statusCode, 400);
    });

    test('a 300 KB field is refused with 413 and nothing is written', async () => {
      const username = unique('big');
      const fields = registration(username);
      fields.givenName = 'x'.repeat(300 * 1024);
      const res = await send(new URLSearchParams(fields).toString(), '/register');
      assert.ok([400, 413].includes(res.statusCode), `status ${res.statusCode}`);
      assert.equal((await usersNamed(username)).length, 0);

      const signInRes = await send(`identifier=ada&password=${'p'.repeat(300 * 1024)}`, '/sign-in');
      assert.ok([400, 413].includes(signInRes.statusCode), `status ${signInRes.statusCode}`);
    });

    test('a body over the global limit (2 MB of JSON) is a 413', async () => {
      const res = await send(
        JSON.stringify({ _csrf: '', identifier: 'x'.repeat(2 * 1024 * 1024) }),
        '/sign-in',
        'application/json',
      );
      assert.equal(res.statusCode, 413);
    });

    test('fields longer than their schema allows are a 400 before anything runs', async () => {
      const username = `a${'b'.repeat(1999)}`;
      const res = await send(new URLSearchParams(registration(username)).toString(), '/register');
      assert.equal(res.statusCode, 400);
      assert.equal((await usersNamed(username)).length, 0);
      for (const [url, payload] of [
        ['/sign-in', `identifier=${'i'.repeat(2000)}&password=x`],
        ['/sign-in', `identifier=ada&password=${'p'.repeat(1025)}`],
        ['/forgot-username', `email=${'e'.repeat(2000)}%40example.org`],
        ['/confirm-email', `token=${'t'.repeat(2000)}`],
      ] as const) {
        const answer = await send(payload, url);
        assert.equal(answer.statusCode, 400, `${url}: ${answer.statusCode}`);
      }
      assert.equal(
        (await get(t.app, `/reset-password?token=${'t'.repeat(2000)}`, cookieJar())).statusCode,
        400,
      );
    });

    test('a repeated field, an object or a number where text belongs is a 400', async () => {
      const account = await givenAccount(t.app);
      const repeated = await send(
        `identifier=${account.username}&identifier=other&password=x`,
        '/sign-in',
      );
      assert.equal(repeated.statusCode, 400);
      const object = await send(
        JSON.stringify({ _csrf: '', identifier: { $ne: '' }, password: 'x' }),
        '/sign-in',
        'application/json',
      );
      assert.equal(object.statusCode, 400);
      const array = await send(
        JSON.stringify({
          _csrf: '',
          identifier: [account.username, 'x'],
          password: account.password,
        }),
        '/sign-in',
        'application/json',
      );
      assert.equal(array.statusCode, 400);
    });

    test('a malformed body, an unknown content type or a bad parameter is a 4xx', async () => {
      const badJson = await send('{"_csrf":"", "identifier": ', '/sign-in', 'application/json');
      assert.equal(badJson.statusCode, 400);
      const percent = await send('identifier=%E0%A4%A&password=%zz', '/sign-in');
      assert.ok(percent.statusCode < 500, `bad percent-encoding: ${percent.statusCode}`);
      const xml = await send('<a/>', '/sign-in', 'application/xml');
      assert.equal(xml.statusCode, 415);
      const multipart = await send(
        '--x\r\n\r\n--x--',
        '/sign-in',
        'multipart/form-data; boundary=x',
      );
      assert.ok(
        multipart.statusCode >= 400 && multipart.statusCode < 500,
        `multipart: ${multipart.statusCode}`,
      );
      for (const url of [
        '/admin/users/99999999999999999999',
        '/admin/users/-1',
        '/admin/users/1e3',
        '/admin/users?page=0',
        '/admin/users?page=abc',
      ]) {
        const res = await get(t.app, url, cookieJar());
        assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`);
      }
    });

    test('odd cookies are ignored, not a crash', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });
      for (const value of ['x'.repeat(5000), '%00', '"quoted"', 'é', '']) {
        const odd = cookieJar();
        odd.cookies.set(sessionCookieName(t.config), value);
        odd.cookies.set('laurel_csrf', value);
        odd.cookies.set('laurel_flash', value);
        const res = await get(t.app, '/account', odd);
        assert.equal(res.statusCode, 303, `cookie ${value.slice(0, 10)}: ${res.statusCode}`);
        const page = await get(t.app, '/sign-in', odd);
        assert.equal(page.statusCode, 200);
      }
      const flash = cookieJar();
      flash.cookies.set(sessionCookieName(t.config), jar.get(sessionCookieName(t.config))!);
      flash.cookies.set('laurel_flash', 's:{"kind":"success","key":"nope"}.forged');
      assert.equal((await get(t.app, '/account', flash)).statusCode, 200);
    });

    test('names and addresses in other scripts are accepted as given', async () => {
      const username = unique('intl');
      const res = await post(
        t.app,
        '/register',
        { ...registration(username), givenName: 'Zoë 李', familyName: "O'Brien-Łukasiewicz" },
        cookieJar(),
        { ip: freshIp() },
      );
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      const user = await t.db
        .selectFrom('users')
        .select(['given_name', 'family_name'])
        .where('username', '=', username)
        .executeTakeFirstOrThrow();
      assert.equal(user.given_name, 'Zoë 李');
      assert.equal(user.family_name, "O'Brien-Łukasiewicz");
    });
  });
});
