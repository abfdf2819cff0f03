import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, NameChangeStatus } from '../../platform/db/schema.ts';

/** Every query on the name change tables. No rules here. */

type Executor = Kysely<DB> | Transaction<DB>;

const columns = [
  'id',
  'user_id',
  'current_given_name',
  'current_family_name',
  'requested_given_name',
  'requested_family_name',
  'reason',
  'status',
  'decided_by',
  'decided_at',
  'decision_note',
  'created_at',
] as const;

export function requestsOfUser(db: Executor, userId: number) {
  return db
    .selectFrom('name_change_requests')
    .select(columns)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function findRequest(db: Executor, id: number) {
  return db
    .selectFrom('name_change_requests')
    .select(columns)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function lockRequest(db: Transaction<DB>, id: number) {
  return db
    .selectFrom('name_change_requests')
    .select(columns)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function insertRequest(
  db: Executor,
  values: {
    user_id: number;
    current_given_name: string;
    current_family_name: string;
    requested_given_name: string;
    requested_family_name: string;
    reason: string;
  },
): Promise<number | undefined> {
  const row = await db
    .insertInto('name_change_requests')
    .values(values)
    // The partial unique index allows one pending request per candidate.
    .onConflict((oc) =>
      // Literal, not a parameter: see enqueueJob (a prepared statement's generic plan).
      oc
        .column('user_id')
        .where(sql<boolean>`status = 'pending'`)
        .doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function decide(
  db: Executor,
  id: number,
  values: {
    status: Exclude<NameChangeStatus, 'pending'>;
    decided_by: number;
    decision_note: string | null;
  },
): Promise<void> {
  await db
    .updateTable('name_change_requests')
    .set({ ...values, decided_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

export async function insertEvent(
  db: Executor,
  values: {
    request_id: number;
    actor_user_id: number | null;
    kind: 'submitted' | 'approved' | 'rejected' | 'withdrawn';
    note: string | null;
  },
): Promise<void> {
  await db.insertInto('name_change_events').values(values).execute();
}

export function eventsOf(db: Executor, requestIds: readonly number[]) {
  if (requestIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('name_change_events')
    .select(['id', 'request_id', 'at', 'kind', 'note', 'actor_user_id'])
    .where('request_id', 'in', requestIds)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

/** The queue for support: pending first by age, or decided newest first. */
export async function queue(
  db: Executor,
  status: 'pending' | 'decided',
  limit: number,
  offset: number,
) {
  let q = db.selectFrom('name_change_requests').select(columns);
  q =
    status === 'pending'
      ? q.where('status', '=', 'pending').orderBy('created_at')
      : q.where('status', '!=', 'pending').orderBy('decided_at', 'desc');
  const rows = await q.orderBy('id').limit(limit).offset(offset).execute();
  const total = await db
    .selectFrom('name_change_requests')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', status === 'pending' ? '=' : '!=', 'pending')
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}
