import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import type { TestApp } from '../helpers/app.ts';
import { givenExam, type ExamOverrides } from '../helpers/catalog.ts';
import { ValidationError } from '../../src/platform/http/errors.ts';

/** Factories and checks for the scheduling tests (not a test file). */

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Whole minutes, as sittings are scheduled (and as calendar files carry them). */
export const hoursAhead = (n: number) =>
  new Date(Math.floor((Date.now() + n * HOUR) / 60_000) * 60_000);

export async function givenCenter(
  t: Pick<TestApp, 'db'>,
  o: { city?: string; country?: string; timeZone?: string; accessibility?: string } = {},
): Promise<number> {
  const r = await t.db
    .insertInto('test_centers')
    .values({
      name: `Center ${Math.random().toString(36).slice(2, 6)}`,
      address: 'Hauptstraße 1',
      city: o.city ?? 'Berlin',
      country: o.country ?? 'DE',
      time_zone: o.timeZone ?? 'Europe/Berlin',
      accessibility: o.accessibility ?? 'Step-free entrance',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function givenSitting(
  t: Pick<TestApp, 'db'>,
  o: {
    examIds: number[];
    startsAt: Date;
    seats?: number;
    centerId?: number | null;
    booked?: number;
  },
): Promise<number> {
  const centerId = o.centerId === undefined ? await givenCenter(t) : o.centerId;
  const r = await t.db
    .insertInto('sittings')
    .values({
      delivery: centerId === null ? 'online_proctored' : 'test_center',
      test_center_id: centerId,
      starts_at: o.startsAt,
      duration_minutes: 90,
      time_zone: centerId === null ? 'UTC' : 'Europe/Berlin',
      seats: o.seats ?? 10,
      booked: o.booked ?? 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto('sitting_exams')
    .values(o.examIds.map((exam_id) => ({ sitting_id: r.id, exam_id })))
    .execute();
  return r.id;
}

export async function givenScheduledExam(t: Pick<TestApp, 'db'>, o: ExamOverrides = {}) {
  const exam = await givenExam(t.db, o);
  await t.db
    .updateTable('exams')
    .set({ price_cents: 20_000, currency: 'EUR', duration_minutes: 90 })
    .where('id', '=', exam.id)
    .execute();
  return exam;
}

/** The field problems of a ValidationError (fails the test for anything else). */
export function problemKeys(error: unknown): string[] {
  assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
  return error.problems.map((p) => p.messageKey);
}

export async function rejectsWith(promise: Promise<unknown>, key: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.deepEqual(problemKeys(error), [key]);
    return;
  }
  assert.fail(`expected ${key}, but it succeeded`);
}

export function outboxOf(t: Pick<TestApp, 'db'>, userId: number) {
  return t.db
    .selectFrom('outbox')
    .select(['id', 'template', 'subject', 'text', 'attachments', 'category'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
}

export interface ParsedCalendar {
  method: string;
  uid: string;
  sequence: number;
  status: string;
  start: Date;
  stamp: Date;
}

/** Parses an iCalendar text with ical.js and reads the fields RFC 5545 requires ourselves. */
export function parseCalendar(ics: string): ParsedCalendar {
  const root = new ICAL.Component(ICAL.parse(ics));
  const vevent = root.getFirstSubcomponent('vevent');
  assert.ok(vevent, 'a VEVENT');
  const uid = vevent.getFirstPropertyValue('uid');
  const stamp = vevent.getFirstPropertyValue('dtstamp') as ICAL.Time | null;
  const start = vevent.getFirstPropertyValue('dtstart') as ICAL.Time | null;
  assert.equal(typeof uid, 'string', 'UID');
  assert.ok(stamp, 'DTSTAMP');
  assert.ok(start, 'DTSTART');
  return {
    method: String(root.getFirstPropertyValue('method')),
    uid: uid as string,
    sequence: Number(vevent.getFirstPropertyValue('sequence')),
    status: String(vevent.getFirstPropertyValue('status')),
    start: start.toJSDate(),
    stamp: stamp.toJSDate(),
  };
}

/** The calendar attachment of an outbox row. */
export function calendarOf(row: {
  attachments: { content: string; contentType: string }[];
}): ParsedCalendar {
  const a = row.attachments.find((x) => x.contentType.startsWith('text/calendar'));
  assert.ok(a, 'a text/calendar attachment');
  return parseCalendar(Buffer.from(a.content, 'base64').toString('utf8'));
}
