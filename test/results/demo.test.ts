import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_UNCLAIMED } from '../../src/demo/results.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;

before(async () => {
  t = await createTestApp();
  assert.equal(await seedDemo(t.app), true);
});
after(async () => {
  await t?.close();
});

test('the demo has an imported results file, an authorization, and a result casey can claim', async () => {
  const { rows } = await t.app.results.imports.list(1, 10);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.status, 'done');
  assert.deepEqual([rows[0]!.created, rows[0]!.rowsNoShow, rows[0]!.unclaimed], [4, 1, 1]);
  const casey = await t.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'casey')
    .executeTakeFirstOrThrow();
  const history = await t.app.progress.history(casey.id, { examCode: 'PRC-100' });
  assert.equal(history.filter((r) => r.source === 'import').length, 1);
  const claimed = await t.app.results.unclaimed.claim(
    casey.id,
    DEMO_UNCLAIMED.registrationId,
    DEMO_UNCLAIMED.lastName,
  );
  assert.equal(claimed.ok, true);
  assert.equal((await t.app.progress.history(casey.id, { examCode: 'DEV-240' })).length, 1);
  const ead = await t.app.results.exports.export('authorizations', null);
  assert.match(ead.body, /\tACS-201\t/);
});
