import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { cookieJar, createTestApp, type TestApp } from '../helpers/app.ts';
import {
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  post,
  signIn,
} from '../helpers/accounts.ts';
import { bearer, givenApiKey } from '../helpers/api-keys.ts';
import { openSecret } from '../../src/platform/crypto/secrets.ts';
import { givenScheduledExam, givenSitting, hoursAhead, rejectsWith } from './setup.ts';

/** Delivery providers: configuration, the scheduling hand-off, appointment notifications. */

let t: TestApp;
const managerJar = cookieJar();
let examCode: string;
before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  const manager = await givenAccount(t.app, {
    roles: ['program_manager'],
    totpSecret: newTotpSecret(),
  });
  await signIn(t, managerJar, manager);
  examCode = (await givenScheduledExam(t, { title: 'Delivered Elsewhere' })).code;
});
after(async () => {
  await t?.close();
});

const PASSPHRASE = 'shared secret between us';

function hiddenFields(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const tag of html.match(/<input type="hidden"[^>]*>/g) ?? []) {
    const name = /name="([^"]+)"/.exec(tag)?.[1];
    const value = /value="([^"]*)"/.exec(tag)?.[1];
    if (name && value !== undefined)
      out.set(name, value.replace(/&amp;/g, '&').replace(/&#x2F;/g, '/'));
  }
  return out;
}

describe('delivery providers', () => {
  test('configured in the console: passphrase sealed, one provider per exam', async () => {
    const bad = await post(
      t.app,
      '/console/providers/new',
      {
        name: '',
        code: 'X',
        schedulingUrl: 'http://evil.example/',
        clientCode: '',
        passphrase: 'short',
        sessionTimeoutMinutes: '0',
      },
      managerJar,
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter an https address/);
    assert.doesNotMatch(bad.body, /value="short"/, 'the passphrase is never echoed');

    const created = await post(
      t.app,
      '/console/providers/new',
      {
        name: 'Vista Testing',
        code: 'vista',
        schedulingUrl: 'https://scheduling.vista.example/handoff',
        clientCode: 'CORVID',
        passphrase: PASSPHRASE,
        sessionTimeoutMinutes: '30',
        exams: [examCode],
      },
      managerJar,
    );
    assert.equal(created.statusCode, 303, created.body.slice(0, 400));
    const row = await t.db
      .selectFrom('delivery_providers')
      .selectAll()
      .where('code', '=', 'vista')
      .executeTakeFirstOrThrow();
    assert.ok(!row.passphrase_sealed.includes(PASSPHRASE));
    assert.equal(
      openSecret(t.config.secretKey, row.passphrase_sealed, 'scheduling.provider-passphrase'),
      PASSPHRASE,
    );

    const clash = await post(
      t.app,
      '/console/providers/new',
      {
        name: 'Other',
        code: 'other',
        schedulingUrl: 'https://o.example/',
        clientCode: 'C',
        passphrase: 'another passphrase',
        sessionTimeoutMinutes: '30',
        exams: [examCode],
      },
      managerJar,
    );
    assert.equal(clash.statusCode, 400);
    assert.match(clash.body, /is delivered by another provider already/);

    // Editing without a passphrase keeps the old one.
    const edited = await post(
      t.app,
      `/console/providers/${row.id}`,
      {
        name: 'Vista Testing',
        code: 'vista',
        schedulingUrl: 'https://scheduling.vista.example/handoff',
        clientCode: 'CORVID',
        passphrase: '',
        sessionTimeoutMinutes: '45',
        exams: [examCode],
        active: 'yes',
      },
      managerJar,
    );
    assert.equal(edited.statusCode, 303);
    const after = await t.db
      .selectFrom('delivery_providers')
      .selectAll()
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    assert.equal(after.session_timeout_minutes, 45);
    assert.equal(
      openSecret(t.config.secretKey, after.passphrase_sealed, 'scheduling.provider-passphrase'),
      PASSPHRASE,
    );
    // An exam a provider delivers has no built-in sittings or bookings.
    const sittingForm = await post(
      t.app,
      '/console/sittings/new',
      {
        exams: [examCode],
        delivery: 'online_proctored',
        timeZone: 'UTC',
        startsAt: '2099-01-01T09:00',
        durationMinutes: '60',
        seats: '5',
      },
      managerJar,
    );
    assert.equal(sittingForm.statusCode, 400);
    assert.match(sittingForm.body, /is delivered by an external provider/);
    assert.ok(!(await t.app.scheduling.bookableExams()).some((e) => e.code === examCode));
    const examRow = await t.db
      .selectFrom('exams')
      .select('id')
      .where('code', '=', examCode)
      .executeTakeFirstOrThrow();
    const stale = await givenSitting(t, { examIds: [examRow.id], startsAt: hoursAhead(24 * 5) });
    const someone = await givenAccount(t.app);
    await rejectsWith(
      t.app.scheduling.book(someone.id, { sittingId: stale, examCode }),
      'scheduling.e.examAtProvider',
    );

    const list = await get(t.app, '/console/providers', managerJar);
    assert.match(list.body, /Vista Testing/);
    assert.doesNotMatch(list.body, new RegExp(PASSPHRASE));
  });

  test('the hand-off form posts the fields and a hash anyone with the passphrase can check', async () => {
    const me = await givenAccount(t.app);
    const jar = cookieJar();
    await signIn(t, jar, me);
    const exams = await get(t.app, '/exams', jar);
    assert.match(exams.body, /Register for .* at Vista Testing/);
    const page = await get(t.app, `/exams/providers/${examCode}/register`, jar);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /action="https:\/\/scheduling\.vista\.example\/handoff"/);
    assert.match(
      String(page.headers['content-security-policy']),
      /form-action 'self' https:\/\/scheduling\.vista\.example;/,
    );
    const f = hiddenFields(page.body);
    assert.equal(f.get('CLIENT_CODE'), 'CORVID');
    assert.equal(f.get('CLIENT_CANDIDATE_ID'), me.candidateNumber);
    assert.equal(f.get('EXTERNAL_SESSION_TIMEOUT'), '45');
    assert.ok(Math.abs(Number(f.get('EXTERNAL_PAGE_TIMESTAMP')) - Date.now()) < 600_000);
    for (const k of [
      'EXTERNAL_RETURN_URL',
      'EXTERNAL_ERROR_URL',
      'EXTERNAL_LOGOUT_URL',
      'EXTERNAL_TIMEOUT_URL',
    ]) {
      assert.ok(f.get(k)?.startsWith(t.config.publicUrl), k);
    }
    const expected = crypto
      .createHash('sha256')
      .update(PASSPHRASE + 'CORVID' + f.get('EXTERNAL_PAGE_TIMESTAMP') + '45' + me.candidateNumber)
      .digest('hex');
    assert.equal(f.get('EXTERNAL_AUTH_HASH'), expected);
    // Other pages keep the strict policy; an exam no provider delivers has no hand-off.
    assert.match(String(exams.headers['content-security-policy']), /form-action 'self';/);
    const other = await givenScheduledExam(t);
    assert.equal(
      (await get(t.app, `/exams/providers/${other.code}/register`, jar)).statusCode,
      404,
    );
    assert.equal(
      (await get(t.app, `/exams/providers/${examCode}/register`)).statusCode,
      303,
      'signed out',
    );
  });

  test('appointment notifications: created, idempotent, changed, cancelled; shown to the candidate', async () => {
    const me = await givenAccount(t.app);
    const jar = cookieJar();
    await signIn(t, jar, me);
    const key = await givenApiKey(t.app, { scopes: ['appointments'], provider: 'vista' });
    const send = (body: Record<string, unknown>, k = key) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/appointments',
        headers: bearer(k),
        payload: body,
      });
    const booked = {
      event: 'booked',
      appointmentId: 'REG-778812',
      clientCandidateId: me.candidateNumber,
      examSeriesCode: examCode.toLowerCase(),
      startsAt: '2030-03-14T09:00:00+01:00',
      timeZone: 'Europe/Berlin',
      location: 'Vista Center Berlin Mitte',
    };
    const first = await send(booked);
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json(), {
      outcome: 'created',
      confirmationNumber: 'VISTA-REG-778812',
      status: 'booked',
      sequence: 0,
    });
    const again = await send(booked);
    assert.equal(again.json().outcome, 'unchanged');
    const page = await get(t.app, '/exams', jar);
    assert.match(page.body, /VISTA-REG-778812/);
    assert.match(page.body, /Vista Center Berlin Mitte/);

    const changed = await send({ ...booked, event: 'changed', startsAt: '2030-03-20T13:30:00Z' });
    assert.deepEqual(changed.json(), {
      outcome: 'updated',
      confirmationNumber: 'VISTA-REG-778812',
      status: 'booked',
      sequence: 1,
    });
    const a = (await t.app.scheduling.upcomingAppointments(me.id))[0]!;
    assert.equal(a.startsAt.toISOString(), '2030-03-20T13:30:00.000Z');
    assert.equal(a.delivery, 'provider');
    assert.equal(a.changeable, false);
    const detail = await get(t.app, `/exams/appointments/${a.id}`, jar);
    assert.match(detail.body, /managed by Vista Testing/);

    const cancelled = await send({
      event: 'cancelled',
      appointmentId: 'REG-778812',
      clientCandidateId: me.candidateNumber,
      examSeriesCode: examCode,
    });
    assert.equal(cancelled.json().outcome, 'cancelled');
    assert.equal(
      (
        await send({
          event: 'cancelled',
          appointmentId: 'REG-778812',
          clientCandidateId: me.candidateNumber,
          examSeriesCode: examCode,
        })
      ).json().outcome,
      'unchanged',
    );
    assert.equal((await t.app.scheduling.upcomingAppointments(me.id)).length, 0);
    const unknownCancel = await send({
      event: 'cancelled',
      appointmentId: 'NOPE-1',
      clientCandidateId: me.candidateNumber,
      examSeriesCode: examCode,
    });
    assert.equal(unknownCancel.statusCode, 404);
  });

  test('notifications are refused without the right key, or with bad data, every problem listed', async () => {
    const me = await givenAccount(t.app);
    const body = {
      event: 'booked',
      appointmentId: 'R-1',
      clientCandidateId: me.candidateNumber,
      examSeriesCode: examCode,
      startsAt: '2030-01-01T10:00:00Z',
    };
    const none = await t.app.inject({ method: 'POST', url: '/api/v1/appointments', payload: body });
    assert.equal(none.statusCode, 401);
    assert.match(String(none.headers['content-type']), /application\/problem\+json/);
    const resultsOnly = await givenApiKey(t.app, { scopes: ['results'], provider: 'vista' });
    assert.equal(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/appointments',
          headers: bearer(resultsOnly),
          payload: body,
        })
      ).statusCode,
      403,
    );
    const noProvider = await givenApiKey(t.app, { scopes: ['appointments'] });
    const np = await t.app.inject({
      method: 'POST',
      url: '/api/v1/appointments',
      headers: bearer(noProvider),
      payload: body,
    });
    assert.equal(np.statusCode, 403);
    assert.equal(np.json().code, 'API_KEY_NO_PROVIDER');

    const key = await givenApiKey(t.app, { scopes: ['appointments'], provider: 'vista' });
    const other = await givenScheduledExam(t);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/appointments',
      headers: bearer(key),
      payload: {
        ...body,
        clientCandidateId: 'CT-0000000',
        examSeriesCode: other.code,
        startsAt: undefined,
        timeZone: 'Mars/Base',
      },
    });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
      ['clientCandidateId', 'examSeriesCode', 'startsAt', 'timeZone'],
    );
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/appointments',
      headers: bearer(key),
      payload: { ...body, appointmentId: 'a b/c' },
    });
    assert.equal(malformed.statusCode, 400);

    // The same reference cannot be moved to another candidate.
    assert.equal(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/appointments',
          headers: bearer(key),
          payload: body,
        })
      ).statusCode,
      200,
    );
    const someoneElse = await givenAccount(t.app);
    const moved = await t.app.inject({
      method: 'POST',
      url: '/api/v1/appointments',
      headers: bearer(key),
      payload: { ...body, clientCandidateId: someoneElse.candidateNumber },
    });
    assert.equal(moved.statusCode, 400);

    const spec = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    assert.ok(spec.paths['/api/v1/appointments']?.post, 'documented in the OpenAPI document');
  });
});
