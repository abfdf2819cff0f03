import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

/**
 * Every query on evidence submissions (the files candidates send for review),
 * and the look-ups that turn a requirement's evidence references into what a
 * progress page shows. No rules here: evidence.service.ts has them.
 */

type Db = Kysely<DB> | Transaction<DB>;

export type EvidenceStatus = 'pending' | 'approved' | 'rejected';

/** Everything about a submission except the file's bytes. */
const META = [
  'id',
  'user_id',
  'kind',
  'course_id',
  'category_id',
  'amount',
  'occurred_on',
  'description',
  'file_name',
  'content_type',
  'file_size',
  'status',
  'decided_by',
  'decided_at',
  'decision_note',
  'created_at',
] as const;

export interface NewSubmissionRow {
  userId: number;
  kind: 'training' | 'credits';
  courseId: number | null;
  categoryId: number | null;
  amount: string | null;
  occurredOn: string;
  description: string;
  fileName: string;
  contentType: 'application/pdf' | 'image/png' | 'image/jpeg';
  file: Uint8Array;
}

export async function insertSubmission(db: Db, s: NewSubmissionRow): Promise<number> {
  const row = await db
    .insertInto('evidence_submissions')
    .values({
      user_id: s.userId,
      kind: s.kind,
      course_id: s.courseId,
      category_id: s.categoryId,
      amount: s.amount,
      occurred_on: s.occurredOn,
      description: s.description,
      file_name: s.fileName,
      content_type: s.contentType,
      file_size: s.file.length,
      file: s.file,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function submissionsOfUser(db: Db, userId: number) {
  return db
    .selectFrom('evidence_submissions')
    .select(META)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function countPendingOfUser(db: Db, userId: number) {
  return db
    .selectFrom('evidence_submissions')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.count));
}

/** A submission's details; with `userId`, only when it belongs to that candidate. */
export function findSubmission(db: Db, id: number, userId?: number) {
  let query = db.selectFrom('evidence_submissions').select(META).where('id', '=', id);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  return query.executeTakeFirst();
}

/** The submission row locked for a decision (two reviewers never decide one submission twice). */
export function lockSubmission(trx: Transaction<DB>, id: number) {
  return trx
    .selectFrom('evidence_submissions')
    .select(META)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** The stored file; with `userId`, only when it belongs to that candidate. */
export function findFile(db: Db, id: number, userId?: number) {
  let query = db
    .selectFrom('evidence_submissions')
    .select(['id', 'file_name', 'content_type', 'file'])
    .where('id', '=', id);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  return query.executeTakeFirst();
}

export async function queue(
  db: Db,
  filter: { status: 'pending' | 'decided' },
  limit: number,
  offset: number,
) {
  const base = db
    .selectFrom('evidence_submissions')
    .$if(filter.status === 'pending', (q) => q.where('status', '=', 'pending'))
    .$if(filter.status === 'decided', (q) => q.where('status', '<>', 'pending'));
  const [rows, total] = await Promise.all([
    base
      .select(META)
      // The oldest pending first (fair to candidates); the latest decisions first.
      .$if(filter.status === 'pending', (q) => q.orderBy('created_at', 'asc').orderBy('id', 'asc'))
      .$if(filter.status === 'decided', (q) =>
        q.orderBy('decided_at', 'desc').orderBy('id', 'desc'),
      )
      .limit(limit)
      .offset(offset)
      .execute(),
    base
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.count)),
  ]);
  return { rows, total };
}

export async function decide(
  trx: Transaction<DB>,
  id: number,
  decision: { status: 'approved' | 'rejected'; decidedBy: number; note: string | null },
): Promise<void> {
  await trx
    .updateTable('evidence_submissions')
    .set({
      status: decision.status,
      decided_by: decision.decidedBy,
      decided_at: new Date(),
      decision_note: decision.note,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}
