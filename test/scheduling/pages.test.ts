import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cookieJar, createTestApp, type TestApp } from '../helpers/app.ts';
import {
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  pathOf,
  post,
  signIn,
  type GivenAccount,
} from '../helpers/accounts.ts';
import { givenCandidate } from '../progress/setup.ts';
import { givenScheduledExam, givenSitting, hoursAhead, parseCalendar } from './setup.ts';

/** The candidate and staff pages, through HTTP. */

let t: TestApp;
let manager: GivenAccount;
const managerJar = cookieJar();
before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  manager = await givenAccount(t.app, { roles: ['program_manager'], totpSecret: newTotpSecret() });
  await signIn(t, managerJar, manager);
});
after(async () => {
  await t?.close();
});

async function candidate() {
  const account = await givenAccount(t.app);
  const jar = cookieJar();
  await signIn(t, jar, account);
  return { account, jar };
}

const idFrom = (location: unknown) => Number(/\/(\d+)$/.exec(pathOf(location as string))![1]);

describe('candidate pages', () => {
  test('the dashboard lists upcoming exams with time, zone and confirmation number', async () => {
    const { account, jar } = await candidate();
    const empty = await get(t.app, '/dashboard', jar);
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /No exams booked/);
    const exam = await givenScheduledExam(t, { title: 'Dashboard <Exam>' });
    const sitting = await givenSitting(t, { examIds: [exam.id], startsAt: hoursAhead(24 * 5) });
    const id = await t.app.scheduling.book(account.id, { sittingId: sitting, examCode: exam.code });
    const [appointment] = await t.app.scheduling.upcomingAppointments(account.id);
    const page = await get(t.app, '/dashboard', jar);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(`href="/exams/appointments/${id}"`));
    assert.ok(page.body.includes('Dashboard &lt;Exam>'), 'the title is escaped');
    assert.ok(page.body.includes(appointment!.confirmationNumber));
    assert.ok(page.body.includes(`(${appointment!.timeZone})`));
    assert.doesNotMatch(page.body, /No exams booked/);
    // Someone else's dashboard does not show it.
    const other = await candidate();
    const theirs = await get(t.app, '/dashboard', other.jar);
    assert.ok(!theirs.body.includes(appointment!.confirmationNumber));
  });

  test('find, book with a voucher, see it, add it to a calendar, reschedule, cancel', async () => {
    const exam = await givenScheduledExam(t, { title: 'Cloud <Foundations>' });
    const s1 = await givenSitting(t, {
      examIds: [exam.id],
      startsAt: hoursAhead(24 * 6),
      seats: 4,
    });
    const s2 = await givenSitting(t, {
      examIds: [exam.id],
      startsAt: hoursAhead(24 * 9),
      seats: 4,
    });
    const batch = await t.app.scheduling.batch(
      await t.app.scheduling.createBatch(
        { userId: manager.id },
        {
          name: 'b',
          count: '1',
          exams: [exam.code],
          discountPercent: '100',
          expiresOn: '2099-01-01',
        },
      ),
    );
    const { account, jar } = await candidate();

    const empty = await get(t.app, '/exams', jar);
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /No exams booked yet/);
    assert.match(empty.body, /Cloud &lt;Foundations/, 'titles are escaped');
    assert.doesNotMatch(empty.body, /<Foundations>/);

    const found = await get(t.app, `/exams?find=1&exam=${exam.code}&country=DE&city=berlin`, jar);
    assert.equal(found.statusCode, 200);
    assert.match(found.body, new RegExp(`/exams/sittings/${s1}/book\\?exam=${exam.code}`));
    assert.match(found.body, new RegExp(`/exams/sittings/${s2}/book`));
    const elsewhere = await get(t.app, `/exams?find=1&exam=${exam.code}&country=FR`, jar);
    assert.doesNotMatch(elsewhere.body, new RegExp(`/exams/sittings/${s1}/book`));
    assert.match(elsewhere.body, /No open sittings match/);

    const bookUrl = `/exams/sittings/${s1}/book?exam=${exam.code}`;
    const bad = await post(
      t.app,
      `/exams/sittings/${s1}/book`,
      { exam: exam.code, voucher: 'ZZZZ-ZZZZ-ZZZZ' },
      jar,
      {
        from: bookUrl,
      },
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /This voucher code is not valid/);
    assert.match(bad.body, /value="ZZZZ-ZZZZ-ZZZZ"/, 'the input is kept');

    const booked = await post(
      t.app,
      `/exams/sittings/${s1}/book`,
      { exam: exam.code, voucher: batch.vouchers[0]!.code },
      jar,
      { from: bookUrl },
    );
    assert.equal(booked.statusCode, 303, booked.body.slice(0, 300));
    const id = idFrom(booked.headers.location);
    const page = await get(t.app, `/exams/appointments/${id}`, jar);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Your exam is booked/);
    assert.match(page.body, /LA-[A-Z2-9]{4}-[A-Z2-9]{4}/);
    assert.match(page.body, /Add to calendar/);
    assert.match(page.body, /Step-free entrance/);

    const mine = await get(t.app, '/exams', jar);
    assert.match(mine.body, new RegExp(`/exams/appointments/${id}`));

    const ics = await get(t.app, `/exams/appointments/${id}/calendar.ics`, jar);
    assert.equal(ics.statusCode, 200);
    assert.match(String(ics.headers['content-type']), /^text\/calendar/);
    const cal = parseCalendar(ics.body);
    assert.equal(cal.method, 'PUBLISH');
    assert.equal(cal.sequence, 0);

    const resPage = await get(t.app, `/exams/appointments/${id}/reschedule`, jar);
    assert.equal(resPage.statusCode, 200);
    const moved = await post(t.app, `/exams/appointments/${id}/reschedule`, { sitting: s2 }, jar, {
      from: `/exams/appointments/${id}/reschedule`,
    });
    assert.equal(moved.statusCode, 303);
    const ics2 = parseCalendar(
      (await get(t.app, `/exams/appointments/${id}/calendar.ics`, jar)).body,
    );
    assert.equal(ics2.uid, cal.uid);
    assert.equal(ics2.sequence, 1);

    // Another candidate sees none of it.
    const other = await candidate();
    for (const url of [
      `/exams/appointments/${id}`,
      `/exams/appointments/${id}/calendar.ics`,
      `/exams/appointments/${id}/cancel`,
    ]) {
      assert.equal((await get(t.app, url, other.jar)).statusCode, 404, url);
    }
    const theirCancel = await post(t.app, `/exams/appointments/${id}/cancel`, {}, other.jar, {
      from: '/exams',
    });
    assert.equal(theirCancel.statusCode, 404);

    const cancelled = await post(t.app, `/exams/appointments/${id}/cancel`, {}, jar, {
      from: `/exams/appointments/${id}/cancel`,
    });
    assert.equal(cancelled.statusCode, 303);
    const after = await get(t.app, `/exams/appointments/${id}`, jar);
    assert.match(after.body, /Cancelled/);
    assert.equal((await t.app.scheduling.batch(batch.id)).used, 0, 'the voucher came back');
    assert.ok(account.id > 0);

    // Signed out: to the sign-in page.
    const anon = await get(t.app, '/exams');
    assert.equal(anon.statusCode, 303);
  });

  test('the last seat taken meanwhile: 409 and "this sitting just filled up"', async () => {
    const exam = await givenScheduledExam(t);
    const s = await givenSitting(t, { examIds: [exam.id], startsAt: hoursAhead(24 * 6), seats: 1 });
    const { jar } = await candidate();
    const from = `/exams/sittings/${s}/book?exam=${exam.code}`;
    const page = await get(t.app, from, jar);
    assert.equal(page.statusCode, 200);
    await t.app.scheduling.book((await givenCandidate(t)).id, {
      sittingId: s,
      examCode: exam.code,
    });
    const late = await post(t.app, `/exams/sittings/${s}/book`, { exam: exam.code }, jar, { from });
    assert.equal(late.statusCode, 409);
    assert.match(late.body, /This sitting just filled up/);
  });
});

describe('staff pages', () => {
  test('candidates cannot open the console', async () => {
    const { jar } = await candidate();
    for (const url of ['/console/sittings', '/console/vouchers', '/console/test-centers']) {
      assert.equal((await get(t.app, url, jar)).statusCode, 403, url);
    }
  });

  test('test center and sitting through the forms; roster, CSV and attendance', async () => {
    const exam = await givenScheduledExam(t);
    const badCenter = await post(
      t.app,
      '/console/test-centers/new',
      { name: '', city: '', country: 'XX', timeZone: 'Mars/Base' },
      managerJar,
    );
    assert.equal(badCenter.statusCode, 400);
    assert.match(badCenter.body, /Enter the test center name/);
    const center = await post(
      t.app,
      '/console/test-centers/new',
      {
        name: 'Lisbon Test Hub',
        address: 'Rua 1',
        city: 'Lisbon',
        country: 'PT',
        timeZone: 'Europe/Lisbon',
        accessibility: 'Lift',
      },
      managerJar,
    );
    assert.equal(center.statusCode, 303);
    const centerRow = await t.db
      .selectFrom('test_centers')
      .select('id')
      .where('name', '=', 'Lisbon Test Hub')
      .executeTakeFirstOrThrow();

    const day = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const created = await post(
      t.app,
      '/console/sittings/new',
      {
        exams: [exam.code],
        delivery: 'test_center',
        testCenterId: String(centerRow.id),
        timeZone: 'UTC',
        startsAt: `${day}T09:30`,
        durationMinutes: '120',
        seats: '12',
      },
      managerJar,
    );
    assert.equal(created.statusCode, 303, created.body.slice(0, 500));
    const sittingId = idFrom(created.headers.location);
    const row = await t.db
      .selectFrom('sittings')
      .selectAll()
      .where('id', '=', sittingId)
      .executeTakeFirstOrThrow();
    assert.equal(row.time_zone, 'Europe/Lisbon', 'a test center sitting uses the center’s zone');
    const view = await t.app.scheduling.sitting(sittingId);
    assert.equal(view.exams[0]!.code, exam.code);

    const badSitting = await post(
      t.app,
      '/console/sittings/new',
      { delivery: 'online_proctored', timeZone: 'UTC', startsAt: '2000-01-01T09:00', seats: '0' },
      managerJar,
    );
    assert.equal(badSitting.statusCode, 400);
    assert.match(badSitting.body, /Choose at least one exam/);
    assert.match(badSitting.body, /The start must be in the future/);

    // A sitting that started an hour ago, with one candidate booked (written directly: booking closed long ago).
    const past = await givenSitting(t, {
      examIds: [exam.id],
      startsAt: new Date(Date.now() - 3_600_000),
      booked: 1,
    });
    const person = await givenCandidate(t);
    const appt = await t.db
      .insertInto('appointments')
      .values({
        user_id: person.id,
        exam_id: exam.id,
        sitting_id: past,
        provider_id: null,
        provider_ref: null,
        confirmation_number: 'LA-TEST-0001',
        calendar_uid: `roster-${past}@test`,
        starts_at: new Date(Date.now() - 3_600_000),
        duration_minutes: 90,
        time_zone: 'Europe/Berlin',
        voucher_id: null,
        price_cents: null,
        currency: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const roster = await get(t.app, `/console/sittings/${past}`, managerJar);
    assert.equal(roster.statusCode, 200);
    assert.match(roster.body, /LA-TEST-0001/);
    assert.match(roster.body, /Attended/);
    const csv = await get(t.app, `/console/sittings/${past}/roster.csv`, managerJar);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(csv.body, /LA-TEST-0001/);
    assert.match(csv.body, new RegExp(person.email));

    const marked = await post(
      t.app,
      `/console/sittings/${past}/attendance`,
      { appointment: appt.id, outcome: 'no_show' },
      managerJar,
      {
        from: `/console/sittings/${past}`,
      },
    );
    assert.equal(marked.statusCode, 303);
    const status = await t.db
      .selectFrom('appointments')
      .select('status')
      .where('id', '=', appt.id)
      .executeTakeFirstOrThrow();
    assert.equal(status.status, 'no_show');
    // Attendance for a sitting that has not started is refused.
    const future = await t.app.scheduling.book((await givenCandidate(t)).id, {
      sittingId,
      examCode: exam.code,
    });
    const early = await post(
      t.app,
      `/console/sittings/${sittingId}/attendance`,
      { appointment: future, outcome: 'completed' },
      managerJar,
      {
        from: `/console/sittings/${sittingId}`,
      },
    );
    assert.equal(early.statusCode, 409);
    const list = await get(t.app, '/console/sittings', managerJar);
    assert.match(list.body, new RegExp(`/console/sittings/${sittingId}`));
  });

  test('voucher batch through the form, its page and CSV; policy deadline form', async () => {
    const exam = await givenScheduledExam(t);
    const created = await post(
      t.app,
      '/console/vouchers/new',
      {
        name: '=HYPERLINK()',
        count: '5',
        exams: [exam.code],
        discountPercent: '100',
        expiresOn: '2099-12-31',
        emailDomain: 'Corvid.Example',
      },
      managerJar,
    );
    assert.equal(created.statusCode, 303, created.body.slice(0, 400));
    const id = idFrom(created.headers.location);
    const page = await get(t.app, `/console/vouchers/${id}`, managerJar);
    assert.match(page.body, /corvid\.example/);
    const csv = await get(t.app, `/console/vouchers/${id}/codes.csv`, managerJar);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines.length, 6);
    assert.match(
      lines[1]!,
      /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4},'=HYPERLINK\(\)/,
      'formula cells are neutralized',
    );

    const bad = await post(
      t.app,
      '/console/vouchers/new',
      { name: 'x', count: '99999', discountPercent: '0', expiresOn: 'soon' },
      managerJar,
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Choose at least one exam/);

    const settings = await post(
      t.app,
      '/console/sittings/settings',
      { changeDeadlineHours: '48' },
      managerJar,
    );
    assert.equal(settings.statusCode, 303);
    assert.equal((await t.app.scheduling.settings()).changeDeadlineHours, 48);
    await post(t.app, '/console/sittings/settings', { changeDeadlineHours: '24' }, managerJar);
    const badSettings = await post(
      t.app,
      '/console/sittings/settings',
      { changeDeadlineHours: 'soon' },
      managerJar,
    );
    assert.equal(badSettings.statusCode, 400);
  });
});
