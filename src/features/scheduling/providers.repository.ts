import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

/** Queries on delivery_providers and provider_exams; no rules here. */

type Q = Kysely<DB> | Transaction<DB>;

export function providers(db: Q) {
  return db.selectFrom('delivery_providers').selectAll().orderBy('name').orderBy('id').execute();
}

export function providerById(db: Q, id: number) {
  return db.selectFrom('delivery_providers').selectAll().where('id', '=', id).executeTakeFirst();
}

export function providerByCode(db: Q, code: string) {
  return db
    .selectFrom('delivery_providers')
    .selectAll()
    .where('code', '=', code)
    .executeTakeFirst();
}

export async function examIdsByProvider(db: Q): Promise<Map<number, number[]>> {
  const rows = await db
    .selectFrom('provider_exams')
    .select(['provider_id', 'exam_id'])
    .orderBy('exam_id')
    .execute();
  const out = new Map<number, number[]>();
  for (const r of rows) out.set(r.provider_id, [...(out.get(r.provider_id) ?? []), r.exam_id]);
  return out;
}

/** The provider that delivers the exam, if any. */
export function providerOfExam(db: Q, examId: number) {
  return db
    .selectFrom('provider_exams as pe')
    .innerJoin('delivery_providers as p', 'p.id', 'pe.provider_id')
    .selectAll('p')
    .where('pe.exam_id', '=', examId)
    .executeTakeFirst();
}

export interface ProviderRow {
  code: string;
  name: string;
  scheduling_url: string;
  client_code: string;
  session_timeout_minutes: number;
  active: boolean;
}

export async function insertProvider(
  db: Q,
  row: ProviderRow & { passphrase_sealed: string },
): Promise<number> {
  const r = await db
    .insertInto('delivery_providers')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updateProvider(
  db: Q,
  id: number,
  row: ProviderRow & { passphrase_sealed?: string },
): Promise<boolean> {
  const r = await db
    .updateTable('delivery_providers')
    .set({ ...row, updated_at: new Date() })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Exams already delivered by another provider than `providerId`. */
export async function examsTakenByOthers(
  db: Q,
  providerId: number | null,
  examIds: readonly number[],
) {
  if (examIds.length === 0) return [];
  let q = db.selectFrom('provider_exams').select('exam_id').where('exam_id', 'in', examIds);
  if (providerId !== null) q = q.where('provider_id', '<>', providerId);
  return (await q.execute()).map((r) => r.exam_id);
}

export async function setProviderExams(
  db: Q,
  providerId: number,
  examIds: readonly number[],
): Promise<void> {
  await db.deleteFrom('provider_exams').where('provider_id', '=', providerId).execute();
  if (examIds.length > 0) {
    await db
      .insertInto('provider_exams')
      .values(examIds.map((exam_id) => ({ exam_id, provider_id: providerId })))
      .execute();
  }
}

/** A provider appointment by the provider's own reference, locked for the change. */
export function providerAppointmentForUpdate(trx: Q, providerId: number, ref: string) {
  return trx
    .selectFrom('appointments')
    .select([
      'id',
      'user_id',
      'exam_id',
      'status',
      'sequence',
      'starts_at',
      'duration_minutes',
      'time_zone',
      'location',
    ])
    .where('provider_id', '=', providerId)
    .where('provider_ref', '=', ref)
    .forUpdate()
    .executeTakeFirst();
}
