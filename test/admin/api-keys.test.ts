import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { createTestApp, cookieJar, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  freshIp,
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  post,
  signIn,
} from '../helpers/accounts.ts';
import { bearer, givenApiKey } from '../helpers/api-keys.ts';
import {
  ApiKeyMissingError,
  ApiKeyScopeError,
  authenticateApiKey,
} from '../../src/platform/auth/api-keys.ts';
import { hashToken } from '../../src/platform/auth/tokens.ts';
import { openSecret, sealSecret } from '../../src/platform/crypto/secrets.ts';
import type { Role } from '../../src/platform/db/schema.ts';

let t: TestApp;

describe('API keys', () => {
  before(async () => {
    t = await createTestApp();
    await givenProgram(t);
  });
  after(async () => {
    await t?.close();
  });

  async function staff(roles: Role[]): Promise<CookieJar> {
    const account = await givenAccount(t.app, { roles, totpSecret: newTotpSecret() });
    const jar = cookieJar();
    await signIn(t, jar, account, { ip: freshIp() });
    return jar;
  }

  /** A request as the route would see it: only what authenticateApiKey reads. */
  function fakeRequest(headers: Record<string, string>, ip = freshIp()): FastifyRequest {
    return { headers, ip, server: t.app } as unknown as FastifyRequest;
  }

  test('an admin creates a key: shown once, stored only as a hash, listed by its prefix', async () => {
    const jar = await staff(['admin']);
    const res = await post(
      t.app,
      '/admin/api-keys',
      { name: 'VUE results feed', scopes: ['results', 'appointments'], provider: 'Pearson-VUE' },
      jar,
    );
    assert.equal(res.statusCode, 200);
    const key = /id="new-api-key"[^>]*>(lk_[A-Za-z0-9_-]+)</.exec(res.body)?.[1];
    assert.ok(key, 'the new key is on the page');
    assert.equal(res.headers['cache-control'], 'no-store');

    const row = await t.db
      .selectFrom('api_keys')
      .selectAll()
      .where('name', '=', 'VUE results feed')
      .executeTakeFirstOrThrow();
    assert.ok(Buffer.from(row.key_hash).equals(hashToken(key)));
    assert.deepEqual([...row.scopes].sort(), ['appointments', 'results']);
    assert.equal(row.provider, 'pearson-vue');
    assert.ok(!JSON.stringify(row).includes(key), 'the key itself is not stored');

    const list = await get(t.app, '/admin/api-keys', jar);
    assert.equal(list.statusCode, 200);
    assert.ok(list.body.includes(row.prefix));
    assert.ok(!list.body.includes(key), 'the list never shows the whole key again');

    const client = await authenticateApiKey(fakeRequest(bearer(key)), 'results');
    assert.deepEqual(
      { name: client.name, provider: client.provider },
      { name: 'VUE results feed', provider: 'pearson-vue' },
    );
    const audit = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_type', '=', 'api_key')
      .where('subject_id', '=', String(row.id))
      .execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['api_key.created'],
    );
  });

  test('a form without a name or a scope says so beside each field and creates nothing', async () => {
    const jar = await staff(['admin']);
    const before = await t.db.selectFrom('api_keys').select('id').execute();
    const res = await post(t.app, '/admin/api-keys', { name: '  ', provider: 'bad code!' }, jar);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Enter a name for the key/);
    assert.match(res.body, /Choose at least one thing the key may do/);
    assert.match(res.body, /Enter a provider code of lowercase letters/);
    assert.match(res.body, /value="bad code!"/, 'what was typed is kept');
    const afterRows = await t.db.selectFrom('api_keys').select('id').execute();
    assert.equal(afterRows.length, before.length);
  });

  test('only admins manage keys', async () => {
    const jar = await staff(['program_manager']);
    assert.equal((await get(t.app, '/admin/api-keys', jar)).statusCode, 403);
    const res = await post(t.app, '/admin/api-keys', { name: 'sneaky', scopes: 'results' }, jar, {
      from: '/account',
    });
    assert.equal(res.statusCode, 403);
    const rows = await t.db
      .selectFrom('api_keys')
      .select('id')
      .where('name', '=', 'sneaky')
      .execute();
    assert.equal(rows.length, 0);
  });

  test('a missing, malformed or unknown key is 401; a key without the scope is 403', async () => {
    await assert.rejects(authenticateApiKey(fakeRequest({}), 'results'), ApiKeyMissingError);
    await assert.rejects(
      authenticateApiKey(fakeRequest({ authorization: 'Basic abc' }), 'results'),
      ApiKeyMissingError,
    );
    await assert.rejects(
      authenticateApiKey(fakeRequest(bearer('lk_not-a-real-key')), 'results'),
      ApiKeyMissingError,
    );
    const key = await givenApiKey(t.app, { scopes: ['appointments'] });
    await assert.rejects(authenticateApiKey(fakeRequest(bearer(key)), 'results'), (e) => {
      assert.ok(e instanceof ApiKeyScopeError);
      assert.equal(e.statusCode, 403);
      return true;
    });
    const ok = await authenticateApiKey(fakeRequest(bearer(key)), 'appointments');
    assert.deepEqual(ok.scopes, ['appointments']);
  });

  test('repeated wrong keys from one address are rate limited', async () => {
    const ip = freshIp();
    let limited = false;
    for (let i = 0; i < 40 && !limited; i++) {
      try {
        await authenticateApiKey(fakeRequest(bearer(`lk_wrong${i}`), ip), 'results');
      } catch (e) {
        limited = (e as { statusCode?: number }).statusCode === 429;
      }
    }
    assert.ok(limited, 'the 31st failure within ten minutes answers 429');
  });

  test('a revoked key is refused at once; revoking it again is 404', async () => {
    const jar = await staff(['admin']);
    const key = await givenApiKey(t.app, { scopes: ['results'], name: 'to revoke' });
    const row = await t.db
      .selectFrom('api_keys')
      .select('id')
      .where('key_hash', '=', hashToken(key))
      .executeTakeFirstOrThrow();
    const res = await post(t.app, `/admin/api-keys/${row.id}/revoke`, {}, jar, {
      from: '/admin/api-keys',
    });
    assert.equal(res.statusCode, 303);
    await assert.rejects(
      authenticateApiKey(fakeRequest(bearer(key)), 'results'),
      ApiKeyMissingError,
    );
    const again = await post(t.app, `/admin/api-keys/${row.id}/revoke`, {}, jar, {
      from: '/admin/api-keys',
    });
    assert.equal(again.statusCode, 404);
  });
});

describe('sealed secrets', () => {
  const secret = 'a test installation secret of enough length';
  test('open what was sealed; a different key, purpose or a changed byte cannot', () => {
    const sealed = sealSecret(secret, 'vendor passphrase');
    assert.notEqual(sealed, sealSecret(secret, 'vendor passphrase'), 'a fresh IV each time');
    assert.ok(!sealed.includes('passphrase'));
    assert.equal(openSecret(secret, sealed), 'vendor passphrase');
    assert.throws(() => openSecret(`${secret}!`, sealed));
    assert.throws(() => openSecret(secret, sealed, 'another purpose'));
    const parts = sealed.split('.');
    const body = Buffer.from(parts[2]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[2] = body.toString('base64url');
    assert.throws(() => openSecret(secret, parts.join('.')));
  });
});
