import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { givenProgram } from '../helpers/accounts.ts';
import { givenCandidate, givenCandidates } from '../progress/setup.ts';
import { givenScheduledExam, givenSitting, hoursAhead, problemKeys, rejectsWith } from './setup.ts';

/** Voucher batches: single use, consumed in the booking transaction, given back on a timely cancel. */

let t: TestApp;
let managerId: number;
before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  managerId = (await givenCandidate(t)).id;
});
after(async () => {
  await t?.close();
});

const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

async function givenBatch(
  examCodes: string[],
  o: { percent?: number; domain?: string; count?: number } = {},
) {
  const id = await t.app.scheduling.createBatch(
    { userId: managerId },
    {
      name: 'Partner launch',
      count: String(o.count ?? 3),
      exams: examCodes,
      discountPercent: String(o.percent ?? 100),
      expiresOn: inAYear(),
      emailDomain: o.domain ?? '',
    },
  );
  return t.app.scheduling.batch(id);
}

describe('vouchers', () => {
  test('a batch gets distinct codes; bad input is reported per field', async () => {
    const exam = await givenScheduledExam(t);
    const batch = await givenBatch([exam.code], { count: 50 });
    assert.equal(batch.vouchers.length, 50);
    assert.equal(new Set(batch.vouchers.map((v) => v.code)).size, 50);
    try {
      await t.app.scheduling.createBatch(
        { userId: managerId },
        {
          name: '',
          count: '0',
          exams: ['NOPE-1'],
          discountPercent: '120',
          expiresOn: '2020-01-01',
          emailDomain: 'x',
        },
      );
      assert.fail('accepted a bad batch');
    } catch (error) {
      assert.deepEqual(problemKeys(error).sort(), [
        'scheduling.v.batchName',
        'scheduling.v.count',
        'scheduling.v.domain',
        'scheduling.v.expiresPast',
        'scheduling.v.percent',
        'scheduling.v.unknownExam',
      ]);
    }
  });

  test('a code pays once: parallel bookings with one code give one booking', async () => {
    const exam = await givenScheduledExam(t);
    const batch = await givenBatch([exam.code], { percent: 100, count: 1 });
    const code = batch.vouchers[0]!.code;
    const sittingId = await givenSitting(t, {
      examIds: [exam.id],
      startsAt: hoursAhead(24 * 5),
      seats: 20,
    });
    const people = await givenCandidates(t, 6);
    const outcomes = await Promise.allSettled(
      people.map((p) =>
        t.app.scheduling.book(p.id, {
          sittingId,
          examCode: exam.code,
          voucher: code.toLowerCase(),
        }),
      ),
    );
    const ok = outcomes.filter(
      (o): o is PromiseFulfilledResult<number> => o.status === 'fulfilled',
    );
    assert.equal(ok.length, 1);
    for (const o of outcomes) {
      if (o.status === 'rejected')
        assert.deepEqual(problemKeys(o.reason), ['scheduling.e.voucherUsed']);
    }
    // Rolled back with the failed bookings: only one seat is taken.
    const seats = await t.db
      .selectFrom('sittings')
      .select('booked')
      .where('id', '=', sittingId)
      .executeTakeFirstOrThrow();
    assert.equal(seats.booked, 1);
    const after = await t.app.scheduling.batch(batch.id);
    assert.equal(after.used, 1);
    assert.deepEqual(after.usesByExam, [{ code: exam.code, count: 1 }]);
    const winner = people[outcomes.findIndex((o) => o.status === 'fulfilled')]!;
    const a = await t.app.scheduling.appointment(winner.id, ok[0]!.value);
    assert.equal(a.voucherCode, code);
    assert.equal(a.priceCents, 0);
  });

  test('a timely cancel gives the code back; then someone else can use it', async () => {
    const exam = await givenScheduledExam(t);
    const batch = await givenBatch([exam.code], { percent: 50, count: 1 });
    const code = batch.vouchers[0]!.code;
    const s = await givenSitting(t, { examIds: [exam.id], startsAt: hoursAhead(24 * 5) });
    const [a, b] = await givenCandidates(t, 2);
    const id = await t.app.scheduling.book(a!.id, {
      sittingId: s,
      examCode: exam.code,
      voucher: code,
    });
    assert.equal((await t.app.scheduling.appointment(a!.id, id)).priceCents, 10_000);
    await rejectsWith(
      t.app.scheduling.book(b!.id, { sittingId: s, examCode: exam.code, voucher: code }),
      'scheduling.e.voucherUsed',
    );
    await t.app.scheduling.cancel(a!.id, id);
    assert.equal((await t.app.scheduling.batch(batch.id)).used, 0);
    await t.app.scheduling.book(b!.id, { sittingId: s, examCode: exam.code, voucher: code });
    assert.equal((await t.app.scheduling.batch(batch.id)).used, 1);
  });

  test('wrong exam, wrong email domain, expired and unknown codes are refused and consume nothing', async () => {
    const [exam, otherExam] = [await givenScheduledExam(t), await givenScheduledExam(t)];
    const s = await givenSitting(t, {
      examIds: [exam.id, otherExam.id],
      startsAt: hoursAhead(24 * 5),
    });
    const me = await givenCandidate(t); // cand_…@example.com
    const forOther = await givenBatch([otherExam.code], { count: 1 });
    await rejectsWith(
      t.app.scheduling.book(me.id, {
        sittingId: s,
        examCode: exam.code,
        voucher: forOther.vouchers[0]!.code,
      }),
      'scheduling.e.voucherWrongExam',
    );
    const restricted = await givenBatch([exam.code], { count: 1, domain: 'corvid.example' });
    await rejectsWith(
      t.app.scheduling.book(me.id, {
        sittingId: s,
        examCode: exam.code,
        voucher: restricted.vouchers[0]!.code,
      }),
      'scheduling.e.voucherWrongDomain',
    );
    const expiring = await givenBatch([exam.code], { count: 1 });
    await t.db
      .updateTable('voucher_batches')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', expiring.id)
      .execute();
    await rejectsWith(
      t.app.scheduling.book(me.id, {
        sittingId: s,
        examCode: exam.code,
        voucher: expiring.vouchers[0]!.code,
      }),
      'scheduling.e.voucherExpired',
    );
    await rejectsWith(
      t.app.scheduling.book(me.id, {
        sittingId: s,
        examCode: exam.code,
        voucher: 'AAAA-BBBB-CCCC',
      }),
      'scheduling.e.voucherUnknown',
    );
    await rejectsWith(
      t.app.scheduling.book(me.id, { sittingId: s, examCode: exam.code, voucher: 'not a code' }),
      'scheduling.e.voucherUnknown',
    );
    for (const b of [forOther, restricted, expiring])
      assert.equal((await t.app.scheduling.batch(b.id)).used, 0);
    const seats = await t.db
      .selectFrom('sittings')
      .select('booked')
      .where('id', '=', s)
      .executeTakeFirstOrThrow();
    assert.equal(seats.booked, 0);
    // Someone at the domain may use the restricted code.
    const insider = await t.db
      .insertInto('users')
      .values({
        candidate_number: `TC-IN-${Date.now()}`,
        username: `insider${Date.now()}`,
        email: `insider${Date.now()}@corvid.example`,
        given_name: 'In',
        family_name: 'Sider',
        country: 'DE',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.app.scheduling.book(insider.id, {
      sittingId: s,
      examCode: exam.code,
      voucher: restricted.vouchers[0]!.code,
    });
  });
});
