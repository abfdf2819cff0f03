import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { RATE } from '../../src/features/accounts/accounts.service.ts';
import { RateLimitedError } from '../../src/platform/http/errors.ts';
import { RateLimiter, type RateRule } from '../../src/platform/http/rate-limit.ts';
import { createTestApp, cookieJar, type TestApp } from '../helpers/app.ts';
import {
  freshIp,
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  nextTotpCode,
  pathOf,
  post,
  secondHandle,
  secondInstance,
  unique,
} from '../helpers/accounts.ts';

let t: TestApp;

// One app for the whole file; closed in this suite's own after hook.
describe('rate limits', () => {
  before(async () => {
    t = await createTestApp();
    await givenProgram(t);
  });
  after(async () => {
    await t?.close();
  });

  const WRONG = 'definitely not the right password';

  async function failSignIns(app: TestApp['app'], identifier: string, times: number, ip: string) {
    for (let i = 0; i < times; i++) {
      const res = await post(app, '/sign-in', { identifier, password: WRONG }, cookieJar(), { ip });
      assert.equal(res.statusCode, 400, `attempt ${i + 1}: ${res.statusCode}`);
    }
  }

  async function rejected(promise: Promise<unknown>): Promise<RateLimitedError> {
    try {
      await promise;
    } catch (error) {
      assert.ok(
        error instanceof RateLimitedError,
        `expected a RateLimitedError, got ${String(error)}`,
      );
      return error;
    }
    assert.fail('expected the limit to trip');
  }

  describe('the rate limiter', () => {
    const rule = (): RateRule => ({ name: unique('rule'), limit: 3, windowSeconds: 600 });

    test('allows `limit` hits per window, then refuses with the seconds until the window ends', async () => {
      const limiter = new RateLimiter(t.db, t.config.secretKey);
      const r = rule();
      for (let i = 0; i < 3; i++) await limiter.consume(r, 'ada');
      const error = await rejected(limiter.consume(r, 'ada'));
      assert.equal(error.statusCode, 429);
      assert.ok(
        error.retryAfterSeconds > 0 && error.retryAfterSeconds <= 600,
        String(error.retryAfterSeconds),
      );
      assert.equal(error.headers['retry-after'], String(error.retryAfterSeconds));
      assert.equal(error.params.minutes, Math.ceil(error.retryAfterSeconds / 60));
    });

    test('check() refuses once the limit is reached, without counting a hit itself', async () => {
      const limiter = new RateLimiter(t.db, t.config.secretKey);
      const r = rule();
      for (let i = 0; i < 5; i++) await limiter.check(r, 'grace');
      for (let i = 0; i < 2; i++) await limiter.consume(r, 'grace');
      await limiter.check(r, 'grace');
      await limiter.consume(r, 'grace');
      await rejected(limiter.check(r, 'grace'));
    });

    test('subjects and rules are counted apart; a subject is the same in any case', async () => {
      const limiter = new RateLimiter(t.db, t.config.secretKey);
      const a = rule();
      const b = rule();
      for (let i = 0; i < 3; i++) await limiter.consume(a, 'Ada@Example.com');
      await rejected(limiter.consume(a, 'ada@example.com'));
      await limiter.consume(a, 'grace@example.com');
      await limiter.consume(b, 'ada@example.com');
    });

    test('reset() forgets the subject; an expired window starts again from one', async () => {
      const limiter = new RateLimiter(t.db, t.config.secretKey);
      const r = rule();
      for (let i = 0; i < 3; i++) await limiter.consume(r, 'ada');
      await limiter.reset(r, 'ada');
      for (let i = 0; i < 3; i++) await limiter.consume(r, 'ada');
      await rejected(limiter.consume(r, 'ada'));

      await t.db
        .updateTable('rate_limits')
        .set({ expires_at: sql<Date>`now() - interval '1 second'` })
        .where('key', 'like', `${r.name}:%`)
        .execute();
      await limiter.check(r, 'ada');
      await limiter.consume(r, 'ada');
      const row = await t.db
        .selectFrom('rate_limits')
        .select('hits')
        .where('key', 'like', `${r.name}:%`)
        .executeTakeFirstOrThrow();
      assert.equal(row.hits, 1);
    });

    test('the table never holds the subject in clear', async () => {
      const limiter = new RateLimiter(t.db, t.config.secretKey);
      const r = rule();
      await limiter.consume(r, 'ada.lovelace@example.com');
      await limiter.consume(r, '203.0.113.7');
      const rows = await t.db
        .selectFrom('rate_limits')
        .select('key')
        .where('key', 'like', `${r.name}:%`)
        .execute();
      assert.equal(rows.length, 2);
      for (const { key } of rows) {
        assert.ok(!key.toLowerCase().includes('ada'), key);
        assert.ok(!key.includes('203.0.113.7'), key);
      }
    });

    test('a limiter on another connection to the same database sees the same counts', async () => {
      const other = await secondHandle(t);
      try {
        const here = new RateLimiter(t.db, t.config.secretKey);
        const there = new RateLimiter(other.db, t.config.secretKey);
        const r = rule();
        await here.consume(r, 'ada');
        await there.consume(r, 'ada');
        await here.consume(r, 'ada');
        await rejected(there.consume(r, 'ada'));
        await rejected(here.check(r, 'ada'));
      } finally {
        await other.close();
      }
    });

    test('concurrent hits are all counted (no lost updates)', async () => {
      const other = await secondHandle(t);
      try {
        const limiters = [
          new RateLimiter(t.db, t.config.secretKey),
          new RateLimiter(other.db, t.config.secretKey),
        ];
        const r: RateRule = { name: unique('burst'), limit: 1000, windowSeconds: 600 };
        await Promise.all(Array.from({ length: 40 }, (_, i) => limiters[i % 2]!.consume(r, 'ada')));
        const row = await t.db
          .selectFrom('rate_limits')
          .select('hits')
          .where('key', 'like', `${r.name}:%`)
          .executeTakeFirstOrThrow();
        assert.equal(row.hits, 40);
      } finally {
        await other.close();
      }
    });
  });

  describe('sign-in limits', () => {
    test('after 10 failed sign-ins for one account the 11th is refused with 429, even with the right password', async () => {
      assert.equal(RATE.signInAccount.limit, 10);
      const account = await givenAccount(t.app);
      await failSignIns(t.app, account.username, 10, freshIp());

      const jar = cookieJar();
      const res = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        jar,
        { ip: freshIp() },
      );
      assert.equal(res.statusCode, 429);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.body, /Too many attempts/);
      assert.match(res.body, /Try again in 15 minutes/);
      const retryAfter = Number(res.headers['retry-after']);
      assert.ok(
        retryAfter > 840 && retryAfter <= 900,
        `Retry-After: ${String(res.headers['retry-after'])}`,
      );
      assert.equal(jar.get('laurel_session'), undefined);
      const sessions = await t.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', account.id)
        .execute();
      assert.equal(sessions.length, 0);
    });

    test('the account limit holds whichever name the account is signed in with', async () => {
      const account = await givenAccount(t.app);
      const ip = freshIp();
      await failSignIns(t.app, account.username, 5, ip);
      await failSignIns(t.app, account.email, 5, ip);
      const res = await post(
        t.app,
        '/sign-in',
        { identifier: account.username.toUpperCase(), password: account.password },
        cookieJar(),
        { ip: freshIp() },
      );
      assert.equal(res.statusCode, 429);
    });

    test('an unknown name is limited the same way as a known one', async () => {
      const ghost = unique('ghost');
      await failSignIns(t.app, ghost, 10, freshIp());
      const res = await post(
        t.app,
        '/sign-in',
        { identifier: ghost, password: WRONG },
        cookieJar(),
        {
          ip: freshIp(),
        },
      );
      assert.equal(res.statusCode, 429);
    });

    test('a successful sign-in clears the failures counted so far', async () => {
      const account = await givenAccount(t.app);
      const ip = freshIp();
      await failSignIns(t.app, account.username, 9, ip);
      const ok = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        cookieJar(),
        { ip },
      );
      assert.equal(ok.statusCode, 303);
      await failSignIns(t.app, account.username, 9, ip);
    });

    test('the limit holds across two app instances on one database', async () => {
      const account = await givenAccount(t.app);
      const other = await secondInstance(t);
      try {
        await failSignIns(t.app, account.username, 5, freshIp());
        await failSignIns(other.app, account.username, 5, freshIp());
        for (const app of [t.app, other.app]) {
          const res = await post(
            app,
            '/sign-in',
            { identifier: account.username, password: account.password },
            cookieJar(),
            { ip: freshIp() },
          );
          assert.equal(res.statusCode, 429);
        }
        const rows = await t.db
          .selectFrom('rate_limits')
          .select(['key', 'hits'])
          .where('key', 'like', `${RATE.signInAccount.name}:%`)
          .where('hits', '>=', 10)
          .execute();
        assert.ok(rows.length >= 1, 'the count is kept in rate_limits');
      } finally {
        await other.close();
      }
    });

    test('one client address is limited across accounts; another address is not affected', async () => {
      const ip = freshIp();
      for (let i = 0; i < RATE.signInAddress.limit; i++) {
        const res = await post(
          t.app,
          '/sign-in',
          { identifier: unique('spray'), password: WRONG },
          cookieJar(),
          { ip },
        );
        assert.equal(res.statusCode, 400, `attempt ${i + 1}`);
      }
      const account = await givenAccount(t.app);
      const blocked = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        cookieJar(),
        { ip },
      );
      assert.equal(blocked.statusCode, 429);
      const elsewhere = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        cookieJar(),
        { ip: freshIp() },
      );
      assert.equal(elsewhere.statusCode, 303);
    });

    test('API clients over a limit get 429 problem+json with Retry-After', async () => {
      const account = await givenAccount(t.app);
      await failSignIns(t.app, account.username, 10, freshIp());
      const res = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        cookieJar(),
        {
          ip: freshIp(),
          headers: { accept: 'application/json' },
        },
      );
      assert.equal(res.statusCode, 429);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const retryAfter = Number(res.headers['retry-after']);
      assert.ok(Number.isInteger(retryAfter) && retryAfter > 0, String(res.headers['retry-after']));
      const body = res.json<{ status: number; code: string; title: string; type: string }>();
      assert.equal(body.status, 429);
      assert.equal(body.code, 'RATE_LIMITED');
      assert.match(body.title, /Try again in \d+ minutes/);
    });
  });

  describe('other limits', () => {
    test('ten wrong two-factor codes lock the second step, even for the right code', async () => {
      const secret = newTotpSecret();
      const account = await givenAccount(t.app, { totpSecret: secret });
      const jar = cookieJar();
      const ip = freshIp();
      const first = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        jar,
        { ip },
      );
      assert.match(pathOf(first.headers.location), /^\/sign-in\/two-factor/);
      for (let i = 0; i < RATE.secondFactor.limit; i++) {
        const res = await post(t.app, '/sign-in/two-factor', { code: '000000' }, jar, { ip });
        assert.equal(res.statusCode, 400, `attempt ${i + 1}`);
      }
      const code = await nextTotpCode(t.db, account.id, secret);
      const res = await post(t.app, '/sign-in/two-factor', { code }, jar, {
        ip,
        from: '/sign-in/two-factor',
      });
      assert.equal(res.statusCode, 429);
      assert.equal((await get(t.app, '/account', jar)).statusCode, 303, 'still not signed in');
    });

    test('registration is limited per client address', async () => {
      const ip = freshIp();
      for (let i = 0; i < RATE.registerAddress.limit; i++) {
        const res = await post(t.app, '/register', {}, cookieJar(), { ip });
        assert.equal(res.statusCode, 400, `attempt ${i + 1}`);
      }
      const res = await post(t.app, '/register', {}, cookieJar(), { ip });
      assert.equal(res.statusCode, 429);
      assert.equal(
        (await post(t.app, '/register', {}, cookieJar(), { ip: freshIp() })).statusCode,
        400,
      );
    });

    test('recovery is limited per client address and per target account', async () => {
      const ip = freshIp();
      for (let i = 0; i < RATE.recoveryAddress.limit; i++) {
        const res = await post(
          t.app,
          '/forgot-password',
          { identifier: unique('who') },
          cookieJar(),
          { ip },
        );
        assert.equal(res.statusCode, 303, `attempt ${i + 1}`);
      }
      assert.equal(
        (await post(t.app, '/forgot-password', { identifier: 'someone' }, cookieJar(), { ip }))
          .statusCode,
        429,
      );
      assert.equal(
        (
          await post(t.app, '/forgot-username', { email: 'someone@example.com' }, cookieJar(), {
            ip,
          })
        ).statusCode,
        429,
      );

      const account = await givenAccount(t.app);
      for (let i = 0; i < RATE.recoveryTarget.limit; i++) {
        const res = await post(
          t.app,
          '/forgot-password',
          { identifier: account.username },
          cookieJar(),
          { ip: freshIp() },
        );
        assert.equal(res.statusCode, 303, `attempt ${i + 1}`);
      }
      const res = await post(
        t.app,
        '/forgot-password',
        { identifier: account.username },
        cookieJar(),
        { ip: freshIp() },
      );
      assert.equal(res.statusCode, 429);
      // Five reset emails at most, not one per request.
      await t.app.platform.jobs.drain();
      const mails = await t.db
        .selectFrom('outbox')
        .select('id')
        .where('to_address', '=', account.email)
        .where('template', '=', 'accounts.password-reset')
        .execute();
      assert.equal(mails.length, RATE.recoveryTarget.limit);
    });

    test('re-authentication (current password) is limited per account', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      const ok = await post(
        t.app,
        '/sign-in',
        { identifier: account.username, password: account.password },
        jar,
        { ip: freshIp() },
      );
      assert.equal(ok.statusCode, 303);
      for (let i = 0; i < RATE.reauth.limit; i++) {
        const res = await post(
          t.app,
          '/account/email',
          { newEmail: `${unique('n')}@example.org`, currentPassword: WRONG },
          jar,
        );
        assert.equal(res.statusCode, 400, `attempt ${i + 1}`);
      }
      const res = await post(
        t.app,
        '/account/email',
        { newEmail: `${unique('n')}@example.org`, currentPassword: account.password },
        jar,
      );
      assert.equal(res.statusCode, 429);
    });
  });
});
