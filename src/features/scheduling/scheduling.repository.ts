import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

/** Every query on the scheduling tables; no rules here. */

type Q = Kysely<DB> | Transaction<DB>;

// ---------------------------------------------------------------- settings

export async function settings(db: Q): Promise<{ changeDeadlineHours: number }> {
  const row = await db
    .selectFrom('scheduling_settings')
    .select('change_deadline_hours')
    .where('id', '=', 1)
    .executeTakeFirst();
  return { changeDeadlineHours: row?.change_deadline_hours ?? 24 };
}

export async function setDeadline(db: Q, hours: number): Promise<void> {
  await db
    .insertInto('scheduling_settings')
    .values({ id: 1, change_deadline_hours: hours })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({ change_deadline_hours: hours, updated_at: new Date() }),
    )
    .execute();
}

// ---------------------------------------------------------------- test centers

export function centers(db: Q) {
  return db
    .selectFrom('test_centers')
    .selectAll()
    .orderBy('country')
    .orderBy('city')
    .orderBy('name')
    .execute();
}

export function centerById(db: Q, id: number) {
  return db.selectFrom('test_centers').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface CenterRow {
  name: string;
  address: string;
  city: string;
  country: string;
  time_zone: string;
  accessibility: string;
  active: boolean;
}

export async function insertCenter(db: Q, row: CenterRow): Promise<number> {
  const r = await db
    .insertInto('test_centers')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updateCenter(db: Q, id: number, row: CenterRow): Promise<boolean> {
  const r = await db
    .updateTable('test_centers')
    .set({ ...row, updated_at: new Date() })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

// ---------------------------------------------------------------- sittings

const sittingColumns = [
  's.id',
  's.delivery',
  's.test_center_id',
  's.starts_at',
  's.duration_minutes',
  's.time_zone',
  's.seats',
  's.booked',
  's.status',
  's.notes',
  'c.name as center_name',
  'c.address as center_address',
  'c.city as center_city',
  'c.country as center_country',
  'c.accessibility as center_accessibility',
] as const;

function sittingsQuery(db: Q) {
  return db
    .selectFrom('sittings as s')
    .leftJoin('test_centers as c', 'c.id', 's.test_center_id')
    .select(sittingColumns);
}

export type SittingRow = Awaited<ReturnType<typeof sittingById>> & {};

export function sittingById(db: Q, id: number) {
  return sittingsQuery(db).where('s.id', '=', id).executeTakeFirst();
}

export async function examIdsOfSittings(
  db: Q,
  ids: readonly number[],
): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('sitting_exams')
    .select(['sitting_id', 'exam_id'])
    .where('sitting_id', 'in', ids)
    .orderBy('exam_id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.sitting_id) ?? [];
    list.push(r.exam_id);
    out.set(r.sitting_id, list);
  }
  return out;
}

export interface SittingSearch {
  examId?: number;
  country?: string;
  city?: string;
  from: Date;
  to?: Date;
  delivery?: 'test_center' | 'online_proctored';
  status?: 'scheduled';
  limit: number;
  offset?: number;
}

export function searchSittings(db: Q, f: SittingSearch) {
  let q = sittingsQuery(db).where('s.starts_at', '>=', f.from);
  if (f.to) q = q.where('s.starts_at', '<', f.to);
  if (f.status) q = q.where('s.status', '=', f.status);
  if (f.delivery) q = q.where('s.delivery', '=', f.delivery);
  if (f.country) q = q.where('c.country', '=', f.country);
  if (f.city) q = q.where(sql<string>`lower(c.city)`, '=', f.city.toLowerCase());
  if (f.examId !== undefined) {
    const examId = f.examId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('sitting_exams as se')
          .select('se.exam_id')
          .whereRef('se.sitting_id', '=', 's.id')
          .where('se.exam_id', '=', examId),
      ),
    );
  }
  return q
    .orderBy('s.starts_at')
    .orderBy('s.id')
    .limit(f.limit)
    .offset(f.offset ?? 0)
    .execute();
}

export async function insertSitting(
  trx: Q,
  row: {
    delivery: 'test_center' | 'online_proctored';
    test_center_id: number | null;
    starts_at: Date;
    duration_minutes: number;
    time_zone: string;
    seats: number;
    notes: string;
  },
  examIds: readonly number[],
): Promise<number> {
  const r = await trx.insertInto('sittings').values(row).returning('id').executeTakeFirstOrThrow();
  await trx
    .insertInto('sitting_exams')
    .values(examIds.map((exam_id) => ({ sitting_id: r.id, exam_id })))
    .execute();
  return r.id;
}

/** Takes one seat if one is free: the row lock and the condition make it atomic. */
export async function takeSeat(trx: Q, sittingId: number): Promise<boolean> {
  const r = await trx
    .updateTable('sittings')
    .set((eb) => ({ booked: eb('booked', '+', 1), updated_at: new Date() }))
    .where('id', '=', sittingId)
    .where('status', '=', 'scheduled')
    .whereRef('booked', '<', 'seats')
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

export async function releaseSeat(trx: Q, sittingId: number): Promise<void> {
  await trx
    .updateTable('sittings')
    .set((eb) => ({ booked: eb('booked', '-', 1), updated_at: new Date() }))
    .where('id', '=', sittingId)
    .where('booked', '>', 0)
    .execute();
}

/** Exams an external provider delivers (no built-in sittings or bookings for them). */
export async function providerExamIds(db: Q): Promise<Set<number>> {
  const rows = await db.selectFrom('provider_exams').select('exam_id').execute();
  return new Set(rows.map((r) => r.exam_id));
}

// ---------------------------------------------------------------- appointments

const appointmentColumns = [
  'a.id',
  'a.user_id',
  'a.exam_id',
  'a.sitting_id',
  'a.provider_id',
  'a.provider_ref',
  'a.confirmation_number',
  'a.calendar_uid',
  'a.sequence',
  'a.status',
  'a.starts_at',
  'a.duration_minutes',
  'a.time_zone',
  'a.location',
  'a.voucher_id',
  'a.price_cents',
  'a.currency',
  'a.rescheduled_at',
  'a.cancelled_at',
  'a.attendance_marked_at',
  'a.created_at',
  's.delivery',
  'c.name as center_name',
  'c.address as center_address',
  'c.city as center_city',
  'c.country as center_country',
  'c.accessibility as center_accessibility',
  'p.name as provider_name',
  'v.code as voucher_code',
] as const;

function appointmentsQuery(db: Q) {
  return db
    .selectFrom('appointments as a')
    .leftJoin('sittings as s', 's.id', 'a.sitting_id')
    .leftJoin('test_centers as c', 'c.id', 's.test_center_id')
    .leftJoin('delivery_providers as p', 'p.id', 'a.provider_id')
    .leftJoin('vouchers as v', 'v.id', 'a.voucher_id')
    .select(appointmentColumns);
}

export type AppointmentRow = NonNullable<Awaited<ReturnType<typeof appointmentById>>>;

export function appointmentById(db: Q, id: number) {
  return appointmentsQuery(db).where('a.id', '=', id).executeTakeFirst();
}

export function appointmentsOfUser(db: Q, userId: number) {
  return appointmentsQuery(db)
    .where('a.user_id', '=', userId)
    .orderBy('a.starts_at', 'desc')
    .execute();
}

export function upcomingOfUser(db: Q, userId: number, now: Date) {
  return appointmentsQuery(db)
    .where('a.user_id', '=', userId)
    .where('a.status', '=', 'booked')
    .where('a.starts_at', '>=', now)
    .orderBy('a.starts_at')
    .execute();
}

/** Locks the appointment row for a change. */
export function lockAppointment(trx: Q, id: number) {
  return trx
    .selectFrom('appointments')
    .select([
      'id',
      'user_id',
      'exam_id',
      'sitting_id',
      'provider_id',
      'status',
      'starts_at',
      'sequence',
      'voucher_id',
    ])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function bookedAppointmentFor(trx: Q, userId: number, examId: number) {
  return trx
    .selectFrom('appointments')
    .select('id')
    .where('user_id', '=', userId)
    .where('exam_id', '=', examId)
    .where('status', '=', 'booked')
    .where('sitting_id', 'is not', null)
    .executeTakeFirst();
}

export async function insertAppointment(
  trx: Q,
  row: {
    user_id: number;
    exam_id: number;
    sitting_id: number | null;
    provider_id: number | null;
    provider_ref: string | null;
    confirmation_number: string;
    calendar_uid: string;
    starts_at: Date;
    duration_minutes: number;
    time_zone: string;
    location?: string;
    voucher_id: number | null;
    price_cents: number | null;
    currency: string | null;
  },
): Promise<number> {
  const r = await trx
    .insertInto('appointments')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updateAppointment(
  trx: Q,
  id: number,
  set: Partial<{
    sitting_id: number | null;
    starts_at: Date;
    duration_minutes: number;
    time_zone: string;
    location: string;
    exam_id: number;
    status: 'booked' | 'cancelled' | 'completed' | 'no_show';
    sequence: number;
    rescheduled_at: Date | null;
    cancelled_at: Date | null;
    attendance_marked_by: number | null;
    attendance_marked_at: Date | null;
  }>,
): Promise<void> {
  await trx
    .updateTable('appointments')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export function roster(db: Q, sittingId: number) {
  return db
    .selectFrom('appointments as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .leftJoin('vouchers as v', 'v.id', 'a.voucher_id')
    .select([
      'a.id',
      'a.exam_id',
      'a.confirmation_number',
      'a.status',
      'a.attendance_marked_at',
      'u.candidate_number',
      'u.given_name',
      'u.family_name',
      'u.email',
      'v.code as voucher_code',
    ])
    .where('a.sitting_id', '=', sittingId)
    .where('a.status', '<>', 'cancelled')
    .orderBy('u.family_name')
    .orderBy('u.given_name')
    .orderBy('a.id')
    .execute();
}

export function userContact(db: Q, userId: number) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'given_name', 'family_name', 'locale', 'time_zone', 'candidate_number'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

export function userByCandidateNumber(db: Q, candidateNumber: string) {
  return db
    .selectFrom('users')
    .select(['id'])
    .where('candidate_number', '=', candidateNumber)
    .executeTakeFirst();
}

// ---------------------------------------------------------------- vouchers

export async function insertBatch(
  trx: Q,
  row: {
    name: string;
    discount_percent: number;
    expires_at: Date;
    email_domain: string | null;
    created_by: number | null;
  },
  examIds: readonly number[],
  codes: readonly string[],
): Promise<number> {
  const r = await trx
    .insertInto('voucher_batches')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('voucher_batch_exams')
    .values(examIds.map((exam_id) => ({ batch_id: r.id, exam_id })))
    .execute();
  for (let i = 0; i < codes.length; i += 500) {
    await trx
      .insertInto('vouchers')
      .values(codes.slice(i, i + 500).map((code) => ({ batch_id: r.id, code })))
      .execute();
  }
  return r.id;
}

export function batches(db: Q) {
  return db
    .selectFrom('voucher_batches as b')
    .select([
      'b.id',
      'b.name',
      'b.discount_percent',
      'b.expires_at',
      'b.email_domain',
      'b.created_at',
      (eb) =>
        eb
          .selectFrom('vouchers as v')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('v.batch_id', '=', 'b.id')
          .as('total'),
      (eb) =>
        eb
          .selectFrom('vouchers as v')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('v.batch_id', '=', 'b.id')
          .where('v.used_at', 'is not', null)
          .as('used'),
    ])
    .orderBy('b.created_at', 'desc')
    .orderBy('b.id', 'desc')
    .execute();
}

export function batchById(db: Q, id: number) {
  return db.selectFrom('voucher_batches').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function batchExamIds(db: Q, batchId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('voucher_batch_exams')
    .select('exam_id')
    .where('batch_id', '=', batchId)
    .orderBy('exam_id')
    .execute();
  return rows.map((r) => r.exam_id);
}

export function vouchersOfBatch(db: Q, batchId: number) {
  return db
    .selectFrom('vouchers as v')
    .leftJoin('users as u', 'u.id', 'v.used_by')
    .leftJoin('appointments as a', (j) =>
      j.onRef('a.voucher_id', '=', 'v.id').on('a.status', '<>', 'cancelled'),
    )
    .select([
      'v.id',
      'v.code',
      'v.used_at',
      'u.candidate_number',
      'u.given_name',
      'u.family_name',
      'a.exam_id',
      'a.confirmation_number',
      'a.status as appointment_status',
    ])
    .where('v.batch_id', '=', batchId)
    .orderBy('v.id')
    .execute();
}

/** The voucher by code with its batch's terms, locked for the booking transaction. */
export async function voucherForUpdate(trx: Q, code: string) {
  const v = await trx
    .selectFrom('vouchers')
    .select(['id', 'batch_id', 'used_at'])
    .where('code', '=', code)
    .forUpdate()
    .executeTakeFirst();
  if (!v) return undefined;
  const batch = await trx
    .selectFrom('voucher_batches')
    .select(['discount_percent', 'expires_at', 'email_domain'])
    .where('id', '=', v.batch_id)
    .executeTakeFirstOrThrow();
  return { ...v, ...batch, examIds: await batchExamIds(trx, v.batch_id) };
}

export async function useVoucher(trx: Q, id: number, userId: number): Promise<boolean> {
  const r = await trx
    .updateTable('vouchers')
    .set({ used_at: new Date(), used_by: userId })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

export async function returnVoucher(trx: Q, id: number): Promise<void> {
  await trx
    .updateTable('vouchers')
    .set({ used_at: null, used_by: null })
    .where('id', '=', id)
    .execute();
}
