import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import {
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  post,
  signIn,
  type GivenAccount,
} from '../helpers/accounts.ts';
import { cookieJar } from '../helpers/app.ts';
import { bearer, givenApiKey } from '../helpers/api-keys.ts';
import { examTree, givenCredential, givenExam } from '../helpers/catalog.ts';
import { awardsOf } from '../progress/setup.ts';
import { signBody } from '../../src/features/results/signing.ts';
import { resultsByRef } from './setup.ts';

let t: TestApp;
let key: string;
let candidate: GivenAccount;
let exam: { id: number; code: string };
let credential: { id: number; code: string };

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  exam = await givenExam(t.db, { passingScore: 700, scoreMax: 1000 });
  credential = await givenCredential(t.db, { requirements: [{ tree: examTree(exam.code) }] });
  candidate = await givenAccount(t.app, { familyName: 'Hamilton' });
  key = await givenApiKey(t.app, { scopes: ['results'], provider: 'vue' });
});
after(async () => {
  await t?.close();
});

function send(body: unknown, headers: Record<string, string> = bearer(key)) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/results',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const item = (over: Record<string, unknown> = {}) => ({
  registrationId: 'API-1',
  candidateId: candidate.candidateNumber,
  lastName: 'Hamilton',
  examCode: exam.code,
  takenAt: '2026-04-02T10:00:00Z',
  score: 820,
  ...over,
});

describe('POST /api/v1/results', () => {
  test('a result that completes a credential awards it; a re-send is unchanged; a change updates in place', async () => {
    const first = await send({ results: [item()] });
    assert.equal(first.statusCode, 200, first.body);
    const body = first.json();
    assert.equal(body.results[0].outcome, 'created');
    assert.equal(body.results[0].claimed, true);
    assert.equal(body.awarded, 1);
    assert.equal((await awardsOf(t, candidate.id, credential.id))[0]!.status, 'active');

    const again = await send({ results: [item()] });
    assert.equal(again.json().results[0].outcome, 'unchanged');
    assert.equal(again.json().awarded, 0);

    const changed = await send({ results: [item({ score: 860 })] });
    assert.equal(changed.json().results[0].outcome, 'updated');
    const rows = await resultsByRef(t, 'vue');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.score, 860);
    assert.equal(rows[0]!.source, 'api');
  });

  test('the provider revokes and restores a result; the award follows', async () => {
    const revoked = await send({
      results: [
        item({
          score: 860,
          status: 'revoked',
          statusReason: 'Misconduct found by the test center',
        }),
      ],
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(revoked.json().results[0].outcome, 'revoked');
    const [award] = await awardsOf(t, candidate.id, credential.id);
    assert.equal(award!.status, 'revoked');
    assert.equal(award!.status_reason, 'Misconduct found by the test center');

    const restored = await send({ results: [item({ score: 860, status: 'valid' })] });
    assert.equal(restored.json().results[0].outcome, 'restored');
    assert.equal((await awardsOf(t, candidate.id, credential.id))[0]!.status, 'active');
  });

  test('a batch with unknown candidates and no-shows: per-item outcomes', async () => {
    const res = await send({
      results: [
        item({ registrationId: 'API-B1', candidateId: 'ZZ-404', lastName: 'Unknown' }),
        item({ registrationId: 'API-B2', noShow: true, score: null }),
        item({ registrationId: 'API-B3', score: 500 }),
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      res.json().results.map((r: { outcome: string; claimed: boolean }) => [r.outcome, r.claimed]),
      [
        ['created', false],
        ['no_show', false],
        ['created', true],
      ],
    );
    const rows = await resultsByRef(t, 'vue');
    assert.equal(rows.find((r) => r.provider_ref === 'API-B3')!.passed, false);
    assert.equal(rows.find((r) => r.provider_ref === 'API-B1')!.user_id, null);
  });

  test('every problem is listed with its item and field, and nothing is recorded', async () => {
    const res = await send({
      results: [
        item({ registrationId: 'API-X1', examCode: 'NOPE-1' }),
        item({ registrationId: 'API-X2', takenAt: '2026-02-30', score: 5000 }),
        item({ registrationId: 'API-X2' }),
        item({ registrationId: 'API-X3', status: 'revoked' }),
      ],
    });
    assert.equal(res.statusCode, 400);
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    assert.deepEqual(fields, [
      'results/0/examCode',
      'results/1/takenAt',
      'results/1/score',
      'results/2/registrationId',
      'results/3/statusReason',
    ]);
    const refs = (await resultsByRef(t, 'vue')).map((r) => r.provider_ref);
    assert.ok(!refs.some((r) => r!.startsWith('API-X')));
  });

  test('bad JSON, too many items and a NUL byte answer 400, never 500', async () => {
    assert.equal((await send('{"results": [')).statusCode, 400);
    assert.equal((await send({ results: [] })).statusCode, 400);
    const many = Array.from({ length: 1001 }, (_, i) => item({ registrationId: `M-${i}` }));
    assert.equal((await send({ results: many })).statusCode, 400);
    assert.equal(
      (await send({ results: [item({ registrationId: 'NUL\u0000' })] })).statusCode,
      400,
    );
  });

  test('no key is 401, a key without the results scope is 403, a key without a provider is 403', async () => {
    assert.equal((await send({ results: [item()] }, {})).statusCode, 401);
    const other = await givenApiKey(t.app, { scopes: ['candidates'], provider: 'vue' });
    assert.equal((await send({ results: [item()] }, bearer(other))).statusCode, 403);
    const noProvider = await givenApiKey(t.app, { scopes: ['results'] });
    assert.equal((await send({ results: [item()] }, bearer(noProvider))).statusCode, 403);
  });

  test('a key with a signing secret must sign: missing, stale or wrong signatures are refused', async () => {
    const signedKey = await givenApiKey(t.app, { scopes: ['results'], provider: 'signer' });
    const row = await t.db
      .selectFrom('api_keys')
      .select('id')
      .where('provider', '=', 'signer')
      .executeTakeFirstOrThrow();
    const secret = await t.app.results.signing.rotate(row.id, null);
    const body = JSON.stringify({ results: [item({ registrationId: 'SIG-1' })] });
    const now = Math.floor(Date.now() / 1000);
    const with_ = (sig?: string) =>
      send(body, { ...bearer(signedKey), ...(sig ? { 'laurel-signature': sig } : {}) });
    assert.equal((await with_()).statusCode, 401);
    assert.equal((await with_(signBody(secret, now - 3600, body))).statusCode, 401);
    assert.equal((await with_(signBody('wrong', now, body))).statusCode, 401);
    assert.equal((await with_(signBody(secret, now, `${body} `))).statusCode, 401);
    const ok = await with_(signBody(secret, now, body));
    assert.equal(ok.statusCode, 200, ok.body);
    // The stored secret is sealed, not in clear.
    const stored = await t.db
      .selectFrom('result_signing_secrets')
      .select('sealed_secret')
      .where('api_key_id', '=', row.id)
      .executeTakeFirstOrThrow();
    assert.ok(!stored.sealed_secret.includes(secret));
    // A key without a secret that sends a signature anyway is told so.
    assert.equal(
      (await send(body, { ...bearer(key), 'laurel-signature': signBody('x', now, body) }))
        .statusCode,
      401,
    );
  });

  test('the endpoint is in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    assert.ok(doc.paths['/api/v1/results'].post);
  });

  test('an admin creates a signing secret in the console (shown once), and stops it', async () => {
    const admin = await givenAccount(t.app, { roles: ['admin'], totpSecret: newTotpSecret() });
    const jar = cookieJar();
    await signIn(t, jar, admin);
    const pageKey = await givenApiKey(t.app, {
      scopes: ['results'],
      provider: 'pagesigner',
      name: 'Page signer',
    });
    const row = await t.db
      .selectFrom('api_keys')
      .select('id')
      .where('provider', '=', 'pagesigner')
      .executeTakeFirstOrThrow();
    const list = await get(t.app, '/console/results/signing', jar);
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Page signer/);
    const created = await post(t.app, `/console/results/signing/${row.id}`, {}, jar, {
      from: '/console/results/signing',
    });
    assert.equal(created.statusCode, 200);
    const secret = /<code class="secret">([^<]+)<\/code>/.exec(created.body)?.[1];
    assert.ok(secret?.startsWith('lsig_'));
    assert.equal(created.headers['cache-control'], 'no-store');
    assert.doesNotMatch(
      (await get(t.app, '/console/results/signing', jar)).body,
      new RegExp(secret!),
    );
    const body = JSON.stringify({ results: [item({ registrationId: 'PAGE-1' })] });
    const now = Math.floor(Date.now() / 1000);
    const signed = await send(body, {
      ...bearer(pageKey),
      'laurel-signature': signBody(secret!, now, body),
    });
    assert.equal(signed.statusCode, 200, signed.body);
    const stopped = await post(t.app, `/console/results/signing/${row.id}/remove`, {}, jar, {
      from: '/console/results/signing',
    });
    assert.equal(stopped.statusCode, 303);
    assert.equal((await send(body, bearer(pageKey))).statusCode, 200);
    // Only admins.
    const manager = await givenAccount(t.app, {
      roles: ['program_manager'],
      totpSecret: newTotpSecret(),
    });
    const managerJar = cookieJar();
    await signIn(t, managerJar, manager);
    assert.equal((await get(t.app, '/console/results/signing', managerJar)).statusCode, 403);
  });
});
