import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { givenProgram } from '../helpers/accounts.ts';
import { givenCandidate, givenCandidates } from '../progress/setup.ts';
import {
  DAY,
  HOUR,
  calendarOf,
  givenScheduledExam,
  givenSitting,
  hoursAhead,
  outboxOf,
  problemKeys,
  rejectsWith,
} from './setup.ts';

/**
 * Booking rules through the service: seats, the policy deadline, the retake
 * policy, emails with calendar files, reminders. On PostgreSQL
 * (TEST_DATABASE_URL) the parallel bookings really run at once on separate
 * connections; on the embedded database they take turns, and the outcome
 * must be the same.
 */

let t: TestApp;
before(async () => {
  t = await createTestApp();
  await givenProgram(t);
});
after(async () => {
  await t?.close();
});

const seatsOf = async (sittingId: number) =>
  (
    await t.db
      .selectFrom('sittings')
      .select('booked')
      .where('id', '=', sittingId)
      .executeTakeFirstOrThrow()
  ).booked;

describe('booking', () => {
  test('a booking takes a seat, sends a confirmation with a calendar file and queues the reminder', async () => {
    const exam = await givenScheduledExam(t);
    const startsAt = hoursAhead(24 * 10);
    const sittingId = await givenSitting(t, { examIds: [exam.id], startsAt, seats: 3 });
    const me = await givenCandidate(t);

    const id = await t.app.scheduling.book(me.id, { sittingId, examCode: exam.code });
    assert.equal(await seatsOf(sittingId), 1);
    const a = await t.app.scheduling.appointment(me.id, id);
    assert.equal(a.status, 'booked');
    assert.match(a.confirmationNumber, /^LA-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    assert.equal(a.startsAt.getTime(), startsAt.getTime());
    assert.equal(a.priceCents, 20_000);

    const mails = await outboxOf(t, me.id);
    assert.equal(mails.length, 1);
    assert.equal(mails[0]!.template, 'scheduling.appointment-booked');
    assert.match(mails[0]!.text, new RegExp(a.confirmationNumber));
    const cal = calendarOf(mails[0]!);
    assert.equal(cal.method, 'REQUEST');
    assert.equal(cal.uid, a.calendarUid);
    assert.equal(cal.sequence, 0);
    assert.equal(cal.start.getTime(), startsAt.getTime());

    const job = await t.db
      .selectFrom('jobs')
      .select(['run_at', 'payload'])
      .where('name', '=', 'scheduling.appointment-reminder')
      .where('dedupe_key', '=', `scheduling.appointment-reminder:${id}:0`)
      .executeTakeFirstOrThrow();
    assert.equal(job.run_at.getTime(), startsAt.getTime() - 2 * DAY);

    // The same exam cannot be booked twice at once.
    const other = await givenSitting(t, { examIds: [exam.id], startsAt: hoursAhead(24 * 12) });
    await rejectsWith(
      t.app.scheduling.book(me.id, { sittingId: other, examCode: exam.code }),
      'scheduling.e.alreadyBooked',
    );
    const upcoming = await t.app.scheduling.upcomingAppointments(me.id);
    assert.deepEqual(
      upcoming.map((u) => u.id),
      [id],
    );
  });

  test('parallel bookings of the last seats never overbook: one success per seat, the rest "just filled up"', async () => {
    const exam = await givenScheduledExam(t);
    for (const seats of [1, 2]) {
      const sittingId = await givenSitting(t, {
        examIds: [exam.id],
        startsAt: hoursAhead(24 * 5),
        seats,
      });
      const people = await givenCandidates(t, 8);
      const outcomes = await Promise.allSettled(
        people.map((p) => t.app.scheduling.book(p.id, { sittingId, examCode: exam.code })),
      );
      const ok = outcomes.filter((o) => o.status === 'fulfilled');
      const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      assert.equal(ok.length, seats, `seats ${seats}: ${ok.length} bookings`);
      for (const f of failed) assert.deepEqual(problemKeys(f.reason), ['scheduling.e.full']);
      assert.equal(await seatsOf(sittingId), seats);
      const rows = await t.db
        .selectFrom('appointments')
        .select('id')
        .where('sitting_id', '=', sittingId)
        .where('status', '=', 'booked')
        .execute();
      assert.equal(rows.length, seats);
    }
  });

  test('booking and changes close at the policy deadline, which staff can change', async () => {
    const exam = await givenScheduledExam(t);
    const me = await givenCandidate(t);
    const soon = await givenSitting(t, { examIds: [exam.id], startsAt: hoursAhead(20) });
    await rejectsWith(
      t.app.scheduling.book(me.id, { sittingId: soon, examCode: exam.code }),
      'scheduling.e.bookingClosed',
    );
    const found = await t.app.scheduling.findSittings({ examCode: exam.code }, 'UTC');
    assert.ok(!found.some((s) => s.id === soon), 'a closed sitting is not offered');

    const later = await givenSitting(t, { examIds: [exam.id], startsAt: hoursAhead(30) });
    const id = await t.app.scheduling.book(me.id, { sittingId: later, examCode: exam.code });
    // Seven hours later the appointment is 23 hours away: too late to cancel or move.
    const tooLate = new Date(Date.now() + 7 * HOUR);
    await assert.rejects(t.app.scheduling.cancel(me.id, id, tooLate), {
      code: 'CHANGE_DEADLINE_PASSED',
    });
    const third = await givenSitting(t, { examIds: [exam.id], startsAt: hoursAhead(24 * 8) });
    await assert.rejects(t.app.scheduling.reschedule(me.id, id, third, tooLate), {
      code: 'CHANGE_DEADLINE_PASSED',
    });
    // With a 12-hour policy, the same moment is in time.
    await t.app.scheduling.updateSettings({ userId: me.id }, '12');
    try {
      await t.app.scheduling.cancel(me.id, id, tooLate);
      assert.equal((await t.app.scheduling.appointment(me.id, id)).status, 'cancelled');
      assert.equal(await seatsOf(later), 0);
      // The soon sitting (20 hours away) is open for booking now.
      await t.app.scheduling.book(me.id, { sittingId: soon, examCode: exam.code });
    } finally {
      await t.app.scheduling.updateSettings({ userId: me.id }, '24');
    }
  });

  test('the retake policy is enforced at booking, at the sitting’s date', async () => {
    const exam = await givenScheduledExam(t, { retake: { waitDaysFirst: 14, afterPass: false } });
    const me = await givenCandidate(t);
    await t.app.progress.recordResult(null, me.id, {
      examCode: exam.code,
      score: 500,
      takenAt: new Date(Date.now() - 5 * DAY),
      reason: 'first attempt',
      source: 'provider',
    });
    const tooEarly = await givenSitting(t, { examIds: [exam.id], startsAt: hoursAhead(24 * 3) });
    try {
      await t.app.scheduling.book(me.id, { sittingId: tooEarly, examCode: exam.code });
      assert.fail('booked within the waiting period');
    } catch (error) {
      assert.deepEqual(problemKeys(error), ['scheduling.e.retakeFrom']);
      const problem = (error as { problems: { params?: Record<string, string> }[] }).problems[0]!;
      assert.equal(problem.params?.exam, exam.code);
      assert.ok(problem.params?.date, 'the date from which a retake is allowed');
    }
    const inTime = await givenSitting(t, { examIds: [exam.id], startsAt: hoursAhead(24 * 10) });
    const id = await t.app.scheduling.book(me.id, { sittingId: inTime, examCode: exam.code });
    assert.ok(id > 0);
    // Moving it back into the waiting period is refused too.
    await rejectsWith(t.app.scheduling.reschedule(me.id, id, tooEarly), 'scheduling.e.retakeFrom');

    // A passed exam that cannot be retaken after a pass.
    const passedExam = await givenScheduledExam(t, { retake: { afterPass: false } });
    await t.app.progress.recordResult(null, me.id, {
      examCode: passedExam.code,
      score: 900,
      takenAt: new Date(Date.now() - 30 * DAY),
      reason: 'passed',
      source: 'provider',
    });
    const s = await givenSitting(t, { examIds: [passedExam.id], startsAt: hoursAhead(24 * 10) });
    await rejectsWith(
      t.app.scheduling.book(me.id, { sittingId: s, examCode: passedExam.code }),
      'scheduling.e.passed',
    );
  });

  test('reschedule keeps the UID and raises SEQUENCE; cancel sends METHOD:CANCEL and frees the seat', async () => {
    const exam = await givenScheduledExam(t);
    const me = await givenCandidate(t);
    const first = await givenSitting(t, { examIds: [exam.id], startsAt: hoursAhead(24 * 6) });
    const second = await givenSitting(t, { examIds: [exam.id], startsAt: hoursAhead(24 * 9) });
    const id = await t.app.scheduling.book(me.id, { sittingId: first, examCode: exam.code });
    await t.app.scheduling.reschedule(me.id, id, second);
    assert.equal(await seatsOf(first), 0);
    assert.equal(await seatsOf(second), 1);
    await t.app.scheduling.cancel(me.id, id);
    assert.equal(await seatsOf(second), 0);

    const mails = await outboxOf(t, me.id);
    assert.deepEqual(
      mails.map((m) => m.template),
      [
        'scheduling.appointment-booked',
        'scheduling.appointment-rescheduled',
        'scheduling.appointment-cancelled',
      ],
    );
    const [booked, moved, cancelled] = mails.map(calendarOf) as [
      ReturnType<typeof calendarOf>,
      ReturnType<typeof calendarOf>,
      ReturnType<typeof calendarOf>,
    ];
    assert.equal(moved.uid, booked.uid);
    assert.equal(cancelled.uid, booked.uid);
    assert.deepEqual([booked.sequence, moved.sequence, cancelled.sequence], [0, 1, 2]);
    assert.equal(moved.method, 'REQUEST');
    assert.equal(cancelled.method, 'CANCEL');
    assert.equal(cancelled.status, 'CANCELLED');
    const secondStart = (
      await t.db
        .selectFrom('sittings')
        .select('starts_at')
        .where('id', '=', second)
        .executeTakeFirstOrThrow()
    ).starts_at;
    assert.equal(moved.start.getTime(), secondStart.getTime());

    // A cancelled appointment cannot be cancelled again.
    await assert.rejects(t.app.scheduling.cancel(me.id, id), { code: 'APPOINTMENT_NOT_BOOKED' });
    // Someone else's appointment does not exist for them.
    const other = await givenCandidate(t);
    await assert.rejects(t.app.scheduling.appointment(other.id, id), { code: 'NOT_FOUND' });
    await assert.rejects(t.app.scheduling.cancel(other.id, id), { code: 'NOT_FOUND' });
  });

  test('the reminder goes for a booked appointment, once per version, never for a changed one', async () => {
    const exam = await givenScheduledExam(t);
    const me = await givenCandidate(t);
    const s1 = await givenSitting(t, { examIds: [exam.id], startsAt: hoursAhead(24 * 6) });
    const s2 = await givenSitting(t, { examIds: [exam.id], startsAt: hoursAhead(24 * 7) });
    const id = await t.app.scheduling.book(me.id, { sittingId: s1, examCode: exam.code });
    await t.app.scheduling.reschedule(me.id, id, s2);
    assert.equal(await t.app.scheduling.sendReminder({ appointmentId: id, sequence: 0 }), false);
    assert.equal(await t.app.scheduling.sendReminder({ appointmentId: id, sequence: 1 }), true);
    const reminders = (await outboxOf(t, me.id)).filter(
      (m) => m.template === 'scheduling.appointment-reminder',
    );
    assert.equal(reminders.length, 1);
    // The reminder follows the "exam reminders" preference; the booking mails are receipts.
    assert.equal(reminders[0]!.category, 'exam_reminders');
    const receipts = (await outboxOf(t, me.id)).filter(
      (m) => m.template !== 'scheduling.appointment-reminder',
    );
    assert.ok(receipts.length >= 2);
    assert.ok(receipts.every((m) => m.category === 'transactional'));
    const cal = calendarOf(reminders[0]!);
    assert.equal(cal.sequence, 1);
    const jobs = await t.db
      .selectFrom('jobs')
      .select('dedupe_key')
      .where('name', '=', 'scheduling.appointment-reminder')
      .where('dedupe_key', 'like', `scheduling.appointment-reminder:${id}:%`)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      jobs.map((j) => j.dedupe_key),
      [`scheduling.appointment-reminder:${id}:0`, `scheduling.appointment-reminder:${id}:1`],
    );
  });
});
