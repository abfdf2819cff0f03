import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_VOUCHER_CODE } from '../../src/demo/scheduling.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/** The demo program shows scheduling: centers, open sittings, vouchers, a booked appointment. */

let t: TestApp;
before(async () => {
  t = await createTestApp();
  assert.equal(await seedDemo(t.app), true);
});
after(async () => {
  await t?.close();
});

const userId = async (username: string) =>
  (
    await t.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', username)
      .executeTakeFirstOrThrow()
  ).id;

test('the demo has test centers, upcoming sittings, one nearly full, and casey’s appointment paid by voucher', async () => {
  assert.equal((await t.app.scheduling.centers()).length, 3);
  const open = await t.app.scheduling.findSittings({}, 'UTC');
  assert.ok(open.length >= 20, `${open.length} open sittings`);
  assert.ok(
    open.some((s) => s.free === 1),
    'a sitting with one seat left',
  );
  assert.ok(open.some((s) => s.delivery === 'online_proctored' && s.place === null));

  const casey = await t.app.scheduling.upcomingAppointments(await userId('casey'));
  assert.equal(casey.length, 1);
  assert.equal(casey[0]!.examCode, 'SEC-220');
  assert.ok(casey[0]!.voucherCode, 'paid with a voucher');
  assert.equal(casey[0]!.priceCents, 0);
});

test('the README’s voucher code is valid and unused; the provider is configured', async () => {
  const batches = await t.app.scheduling.batches();
  assert.equal(batches.length, 2);
  const launch = await t.app.scheduling.batch(
    batches.find((b) => b.name.startsWith('Partner launch'))!.id,
  );
  const code = launch.vouchers.find((v) => v.code === DEMO_VOUCHER_CODE);
  assert.ok(code, 'the printed code exists');
  assert.equal(code.usedAt, null);
  assert.equal(launch.used, 1);
  const row = await t.db
    .selectFrom('delivery_providers')
    .select(['code', 'name'])
    .executeTakeFirstOrThrow();
  assert.equal(row.code, 'vista');
});
