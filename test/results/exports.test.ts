import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  post,
  signIn,
  type GivenAccount,
} from '../helpers/accounts.ts';
import { givenExam } from '../helpers/catalog.ts';
import { CDD_COLUMNS, EAD_COLUMNS } from '../../src/features/results/index.ts';

let t: TestApp;
let manager: GivenAccount;
let managerJar: CookieJar;
let exam: { id: number; code: string };

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  exam = await givenExam(t.db);
  manager = await givenAccount(t.app, { roles: ['program_manager'], totpSecret: newTotpSecret() });
  managerJar = cookieJar();
  await signIn(t, managerJar, manager);
});
after(async () => {
  await t?.close();
});

const rowsOf = (body: string) =>
  body
    .trim()
    .split('\r\n')
    .map((l) => l.split('\t'));

describe('exports to delivery providers', () => {
  test('candidates: the vendor columns, then only what is new or changed since the last export', async () => {
    const alice = await givenAccount(t.app, { givenName: 'Alice', country: 'DE' });
    // A tab inside a value must not break the columns.
    await t.db
      .updateTable('users')
      .set({ family_name: 'Tab\tName' })
      .where('id', '=', alice.id)
      .execute();
    const first = await post(t.app, '/console/results/exports/candidates', {}, managerJar, {
      from: '/console/results/exports',
    });
    assert.equal(first.statusCode, 200);
    assert.match(String(first.headers['content-type']), /text\/tab-separated-values/);
    assert.match(String(first.headers['content-disposition']), /attachment; filename="cdd-/);
    const rows = rowsOf(first.body);
    assert.deepEqual(rows[0], [...CDD_COLUMNS]);
    const mine = rows.find((r) => r[0] === alice.candidateNumber)!;
    assert.deepEqual(mine.slice(0, 4), [alice.candidateNumber, 'Alice', 'Tab Name', alice.email]);
    assert.equal(mine[10], 'DEU');
    assert.match(mine[13]!, /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);

    const second = await t.app.results.exports.export('candidates', null);
    assert.equal(second.rows, 0);

    await t.db
      .updateTable('users')
      .set({ family_name: 'Renamed', updated_at: new Date(Date.now() + 1000) })
      .where('id', '=', alice.id)
      .execute();
    const bob = await givenAccount(t.app);
    await t.db
      .updateTable('users')
      .set({ updated_at: new Date(Date.now() + 1000) })
      .where('id', '=', bob.id)
      .execute();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const third = await t.app.results.exports.export('candidates', null);
    assert.deepEqual(
      rowsOf(third.body)
        .slice(1)
        .map((r) => r[0])
        .sort(),
      [alice.candidateNumber, bob.candidateNumber].sort(),
    );
    const page = await get(t.app, '/console/results/exports', managerJar);
    assert.match(page.body, /Earlier exports/);
  });

  test('authorizations: added in the console, exported as Add, then Delete once cancelled', async () => {
    const cand = await givenAccount(t.app);
    const bad = await post(
      t.app,
      '/console/results/authorizations',
      {
        candidateNumber: cand.candidateNumber,
        examCode: 'NOPE-1',
        eligibleFrom: '2026-05-01',
        eligibleUntil: '2026-04-01',
      },
      managerJar,
      { from: '/console/results/exports' },
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /No exam has the code NOPE-1/);
    assert.match(bad.body, /must not be before the first/);
    const ok = await post(
      t.app,
      '/console/results/authorizations',
      {
        candidateNumber: cand.candidateNumber,
        examCode: exam.code.toLowerCase(),
        eligibleFrom: '2026-05-01',
        eligibleUntil: '2026-10-31',
      },
      managerJar,
      { from: '/console/results/exports' },
    );
    assert.equal(ok.statusCode, 303);
    const first = await t.app.results.exports.export('authorizations', null);
    const rows = rowsOf(first.body);
    assert.deepEqual(rows[0], [...EAD_COLUMNS]);
    const [added] = rows.slice(1);
    assert.deepEqual(added!.slice(0, 6), [
      'Add',
      added![1],
      cand.candidateNumber,
      exam.code,
      '2026/05/01',
      '2026/10/31',
    ]);

    const id = Number(added![1]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cancel = await post(
      t.app,
      `/console/results/authorizations/${id}/cancel`,
      {},
      managerJar,
      {
        from: '/console/results/exports',
      },
    );
    assert.equal(cancel.statusCode, 303);
    const second = await t.app.results.exports.export('authorizations', null);
    assert.deepEqual(
      rowsOf(second.body)
        .slice(1)
        .map((r) => [r[0], r[1]]),
      [['Delete', String(id)]],
    );
  });

  test('a candidate may not export', async () => {
    const someone = await givenAccount(t.app);
    const jar = cookieJar();
    await signIn(t, jar, someone);
    assert.equal((await get(t.app, '/console/results/exports', jar)).statusCode, 403);
  });
});
