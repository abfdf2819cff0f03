import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, type TestApp } from '../helpers/app.ts';
import {
  attr,
  freshIp,
  get,
  givenAccount,
  givenProgram,
  inputTag,
  linkFromOutbox,
  newTotpSecret,
  outboxTo,
  pathOf,
  post,
  signIn,
  unique,
} from '../helpers/accounts.ts';

let t: TestApp;

// One app for the whole file; closed in this suite's own after hook.
describe('passwords', () => {
  before(async () => {
    t = await createTestApp();
    await givenProgram(t);
  });
  after(async () => {
    await t?.close();
  });

  /** `n` characters without a pattern, a dictionary word, a username or the program's name in them. */
  function longPassword(n: number, mark = 'k'): string {
    const words = ['amber', 'quartz', 'otter', 'violet', 'cinder', 'maple', 'tundra', 'pixel'];
    let out = '';
    for (let i = 0; out.length < n; i++) out += `${words[i % words.length]}${i} `;
    out = out.slice(0, n);
    return out.slice(0, 149) + mark + out.slice(150);
  }

  async function passwordHash(userId: number): Promise<string | null> {
    const row = await t.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    return row.password_hash;
  }

  describe('long passwords', () => {
    test('a 200-character password works end to end; one differing only at character 150 is refused', async () => {
      const password = longPassword(200, 'k');
      const nearMiss = longPassword(200, 'z');
      assert.equal(password.length, 200);
      assert.equal(nearMiss.length, 200);
      assert.notEqual(password, nearMiss);
      assert.equal(password.slice(0, 149), nearMiss.slice(0, 149));
      assert.equal(password.slice(150), nearMiss.slice(150));

      const username = unique('long');
      const email = `${username}@example.org`;
      const ip = freshIp();
      const registered = await post(
        t.app,
        '/register',
        {
          username,
          email,
          givenName: 'Lin',
          familyName: 'Long',
          country: 'NZ',
          password,
          acceptPrivacy: 'yes',
        },
        cookieJar(),
        { ip },
      );
      assert.equal(registered.statusCode, 303, registered.body.slice(0, 400));
      const link = await linkFromOutbox(t.db, email, 'accounts.verify-email');
      const jar = cookieJar();
      await post(
        t.app,
        '/confirm-email',
        { token: new URL(link).searchParams.get('token')! },
        jar,
        {
          from: pathOf(link),
        },
      );

      const refused = await post(
        t.app,
        '/sign-in',
        { identifier: username, password: nearMiss },
        jar,
        { ip },
      );
      assert.equal(refused.statusCode, 400);
      const truncated = await post(
        t.app,
        '/sign-in',
        { identifier: username, password: password.slice(0, 128) },
        jar,
        { ip },
      );
      assert.equal(truncated.statusCode, 400, 'the first 128 characters alone are not enough');

      await signIn(t, jar, { username, password }, { ip });
      assert.equal((await get(t.app, '/account', jar)).statusCode, 200);
    });

    test('stored hashes are argon2id with m=47104 and never the password', async () => {
      const account = await givenAccount(t.app);
      const hash = await passwordHash(account.id);
      assert.match(hash ?? '', /^\$argon2id\$v=19\$m=47104,t=1,p=1\$/);
      assert.ok(!hash?.includes(account.password));
    });
  });

  describe('changing the password', () => {
    test('needs the current password; a wrong one changes nothing', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });
      const before = await passwordHash(account.id);

      const res = await post(
        t.app,
        '/account/password',
        {
          currentPassword: 'not my current password',
          newPassword: 'a brand new long passphrase',
          confirmPassword: 'a brand new long passphrase',
        },
        jar,
      );
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Your current password is not right/);
      assert.equal(attr(inputTag(res.body, 'currentPassword'), 'aria-invalid'), 'true');
      assert.ok(!res.body.includes('a brand new long passphrase'), 'passwords are never echoed');
      assert.equal(await passwordHash(account.id), before);

      const empty = await post(
        t.app,
        '/account/password',
        { newPassword: 'a brand new long passphrase' },
        jar,
      );
      assert.equal(empty.statusCode, 400);
      assert.equal(await passwordHash(account.id), before);
    });

    test('the new password follows the policy and must be typed twice the same', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });
      const cases: [string, string, RegExp][] = [
        ['too short', 'too short', /at least 15 characters/],
        ['passwordpassword', 'passwordpassword', /too common/],
        [
          `${account.username} forever and ever`,
          `${account.username} forever and ever`,
          /must not contain your username/,
        ],
        [
          'x'.repeat(120) + longPassword(137),
          'x'.repeat(120) + longPassword(137),
          /256 characters or fewer/,
        ],
        ['a brand new long passphrase', 'a brand new long passphrasf', /do not match/],
      ];
      for (const [newPassword, confirmPassword, message] of cases) {
        const res = await post(
          t.app,
          '/account/password',
          { currentPassword: account.password, newPassword, confirmPassword },
          jar,
        );
        assert.equal(res.statusCode, 400, newPassword.slice(0, 30));
        assert.match(res.body, message);
      }
    });

    test('succeeds with the current password, ends the other sessions but not this one, and tells the owner', async () => {
      const account = await givenAccount(t.app);
      const here = cookieJar();
      const elsewhere = cookieJar();
      const ip = freshIp();
      await signIn(t, here, account, { ip });
      await signIn(t, elsewhere, account, { ip });

      const newPassword = 'quiet harbour lamps at dusk';
      const res = await post(
        t.app,
        '/account/password',
        { currentPassword: account.password, newPassword, confirmPassword: newPassword },
        here,
      );
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      assert.equal(pathOf(res.headers.location), '/account');

      const page = await get(t.app, '/account', here);
      assert.equal(page.statusCode, 200, 'this session goes on');
      assert.match(page.body, /Your password has been changed/);
      assert.equal(
        (await get(t.app, '/account', elsewhere)).statusCode,
        303,
        'the other session has ended',
      );

      const mails = await outboxTo(t.db, account.email);
      assert.ok(mails.some((m) => m.template === 'accounts.password-changed'));

      const old = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        cookieJar(),
        { ip },
      );
      assert.equal(old.statusCode, 400);
      await signIn(t, cookieJar(), { username: account.username, password: newPassword }, { ip });
      const audit = await t.db
        .selectFrom('audit_events')
        .select('action')
        .where('subject_id', '=', String(account.id))
        .execute();
      assert.ok(audit.some((a) => a.action === 'accounts.password_changed'));
    });

    test('with two-factor on, 8 characters are enough', async () => {
      const secret = newTotpSecret();
      const account = await givenAccount(t.app, { totpSecret: secret });
      const jar = cookieJar();
      await signIn(t, jar, { ...account, id: account.id }, { ip: freshIp() });
      const form = await get(t.app, '/account/password', jar);
      assert.match(form.body, /At least 8 characters/);
      const res = await post(
        t.app,
        '/account/password',
        { currentPassword: account.password, newPassword: 'tq7#vrm2', confirmPassword: 'tq7#vrm2' },
        jar,
      );
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    });

    test('the page needs a signed-in user', async () => {
      const res = await get(t.app, '/account/password', cookieJar());
      assert.equal(res.statusCode, 303);
      assert.equal(pathOf(res.headers.location), '/sign-in?next=%2Faccount%2Fpassword');
    });
  });
});
