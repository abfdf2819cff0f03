import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

/** Every query on the tables the profile feature owns. No rules here. */
export type Executor = Kysely<DB> | Transaction<DB>;

// ------------------------------------------------------------------ settings

export async function settings(db: Executor) {
  const row = await db
    .selectFrom('profile_settings')
    .select(['review_interval_months', 'deletion_award_name'])
    .where('id', '=', 1)
    .executeTakeFirst();
  return row ?? { review_interval_months: null, deletion_award_name: 'keep' as const };
}

export async function saveSettings(
  db: Executor,
  values: Partial<{
    review_interval_months: number | null;
    deletion_award_name: 'keep' | 'remove';
  }>,
): Promise<void> {
  await db
    .insertInto('profile_settings')
    .values({ id: 1, review_interval_months: null, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
}

// ------------------------------------------------------------------ contact

export function contact(db: Executor, userId: number) {
  return db
    .selectFrom('profile_contacts')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export function contactForUpdate(db: Transaction<DB>, userId: number) {
  return db
    .selectFrom('profile_contacts')
    .selectAll()
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
}

/** Creates the row (with its history salt) if missing; returns the salt. */
export async function ensureContact(db: Executor, userId: number, salt: string): Promise<string> {
  await db
    .insertInto('profile_contacts')
    .values({
      user_id: userId,
      address_line1: null,
      address_line2: null,
      city: null,
      region: null,
      postal_code: null,
      phone: null,
      company: null,
      job_title: null,
      confirmed_at: null,
      review_prompted_at: null,
      history_salt: salt,
    })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
  const row = await db
    .selectFrom('profile_contacts')
    .select('history_salt')
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return row.history_salt;
}

export async function updateContact(
  db: Executor,
  userId: number,
  values: Partial<{
    address_line1: string | null;
    address_line2: string | null;
    city: string | null;
    region: string | null;
    postal_code: string | null;
    phone: string | null;
    company: string | null;
    job_title: string | null;
    confirmed_at: Date | null;
    review_prompted_at: Date | null;
  }>,
): Promise<void> {
  await db
    .updateTable('profile_contacts')
    .set({ ...values, updated_at: new Date() })
    .where('user_id', '=', userId)
    .execute();
}

/** The audit events of one person's profile changes, newest first. */
export function historyEvents(db: Executor, userId: number, limit: number) {
  return db
    .selectFrom('audit_events')
    .select(['id', 'at', 'actor_user_id', 'action', 'details'])
    .where('subject_type', '=', 'user')
    .where('subject_id', '=', String(userId))
    .where('action', 'in', ['profile.field_changed', 'profile.answer_changed'])
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

// ------------------------------------------------------------------ demographics

export function questions(db: Executor, onlyActive: boolean) {
  let q = db
    .selectFrom('demographic_questions')
    .select(['id', 'prompt', 'options', 'required', 'position', 'status']);
  if (onlyActive) q = q.where('status', '=', 'active');
  return q.orderBy('position').orderBy('id').execute();
}

export function question(db: Executor, id: number) {
  return db
    .selectFrom('demographic_questions')
    .select(['id', 'prompt', 'options', 'required', 'position', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertQuestion(
  db: Executor,
  q: { prompt: string; options: string[]; required: boolean; position: number },
): Promise<number> {
  const row = await db
    .insertInto('demographic_questions')
    .values({
      prompt: q.prompt,
      options: JSON.stringify(q.options),
      required: q.required,
      position: q.position,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateQuestion(
  db: Executor,
  id: number,
  q: {
    prompt: string;
    options: string[];
    required: boolean;
    position: number;
    status: 'active' | 'retired';
  },
): Promise<void> {
  await db
    .updateTable('demographic_questions')
    .set({
      prompt: q.prompt,
      options: JSON.stringify(q.options),
      required: q.required,
      position: q.position,
      status: q.status,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

export function answers(db: Executor, userId: number) {
  return db
    .selectFrom('demographic_answers')
    .select(['question_id', 'answer', 'updated_at'])
    .where('user_id', '=', userId)
    .execute();
}

export async function setAnswer(
  db: Executor,
  userId: number,
  questionId: number,
  answer: string | null,
): Promise<void> {
  if (answer === null) {
    await db
      .deleteFrom('demographic_answers')
      .where('user_id', '=', userId)
      .where('question_id', '=', questionId)
      .execute();
    return;
  }
  await db
    .insertInto('demographic_answers')
    .values({ user_id: userId, question_id: questionId, answer })
    .onConflict((oc) =>
      oc.columns(['user_id', 'question_id']).doUpdateSet({ answer, updated_at: new Date() }),
    )
    .execute();
}

// ------------------------------------------------------------------ preferences

export function preferences(db: Executor, userId: number) {
  return db
    .selectFrom('notification_preferences')
    .select(['category', 'enabled'])
    .where('user_id', '=', userId)
    .execute();
}

export async function setPreference(
  db: Executor,
  userId: number,
  category: 'exam_reminders' | 'expiry_reminders',
  enabled: boolean,
): Promise<void> {
  await db
    .insertInto('notification_preferences')
    .values({ user_id: userId, category, enabled })
    .onConflict((oc) =>
      oc.columns(['user_id', 'category']).doUpdateSet({ enabled, updated_at: new Date() }),
    )
    .execute();
}

/** One query for the mail policy: the person's status, marketing flag and one category. */
export function mailPreferenceOf(db: Executor, userId: number, category: string) {
  return db
    .selectFrom('users')
    .leftJoin('notification_preferences as p', (join) =>
      join.onRef('p.user_id', '=', 'users.id').on('p.category', '=', category as 'exam_reminders'),
    )
    .select(['users.status', 'users.marketing_opt_in', 'p.enabled'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
}

// ------------------------------------------------------------------ exports

export async function insertExport(db: Executor, userId: number): Promise<number> {
  const row = await db
    .insertInto('data_exports')
    .values({ user_id: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function exportsOf(db: Executor, userId: number) {
  return db
    .selectFrom('data_exports')
    .select(['id', 'status', 'created_at', 'ready_at', 'expires_at'])
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(10)
    .execute();
}

export function exportRow(db: Executor, id: number) {
  return db.selectFrom('data_exports').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function finishExport(
  db: Executor,
  id: number,
  values: { status: 'ready' | 'failed'; content: Uint8Array | null; expiresAt: Date | null },
): Promise<void> {
  await db
    .updateTable('data_exports')
    .set({
      status: values.status,
      content: values.content,
      ready_at: new Date(),
      expires_at: values.expiresAt,
    })
    .where('id', '=', id)
    .execute();
}

export async function expireExports(db: Executor): Promise<number> {
  const result = await db
    .updateTable('data_exports')
    .set({ status: 'expired', content: null })
    .where('status', '=', 'ready')
    .where('expires_at', '<', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ------------------------------------------------------------------ deletion requests

export function pendingDeletion(db: Executor, userId: number) {
  return db
    .selectFrom('deletion_requests')
    .select(['id', 'requested_at'])
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

export async function insertDeletionRequest(
  db: Executor,
  userId: number,
  reason: string | null,
): Promise<number> {
  const row = await db
    .insertInto('deletion_requests')
    .values({ user_id: userId, reason })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function deletionRequests(db: Executor, status: 'pending' | 'decided') {
  let q = db
    .selectFrom('deletion_requests as d')
    .innerJoin('users as u', 'u.id', 'd.user_id')
    .leftJoin('users as by', 'by.id', 'd.decided_by')
    .select([
      'd.id',
      'd.user_id',
      'd.status',
      'd.reason',
      'd.requested_at',
      'd.decided_at',
      'd.decision_note',
      'u.candidate_number',
      'u.username',
      'u.given_name',
      'u.family_name',
      'u.email',
      'by.username as decided_by_username',
    ]);
  q =
    status === 'pending'
      ? q.where('d.status', '=', 'pending').orderBy('d.requested_at')
      : q.where('d.status', '<>', 'pending').orderBy('d.decided_at', 'desc');
  return q.limit(200).execute();
}

/** The account a deletion request is about (no lock: for checks before the decision). */
export async function deletionRequestUser(db: Executor, id: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('deletion_requests')
    .select('user_id')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.user_id;
}

export function deletionRequestForUpdate(db: Transaction<DB>, id: number) {
  return db
    .selectFrom('deletion_requests')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function decideDeletion(
  db: Executor,
  id: number,
  values: {
    status: 'approved' | 'rejected' | 'cancelled';
    decidedBy: number | null;
    note: string | null;
    eraseReason: boolean;
  },
): Promise<void> {
  await db
    .updateTable('deletion_requests')
    .set({
      status: values.status,
      decided_by: values.decidedBy,
      decided_at: new Date(),
      decision_note: values.note,
      ...(values.eraseReason ? { reason: null } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Erases what the profile feature holds about a person (the history salt goes with the row). */
export async function eraseProfileData(db: Executor, userId: number): Promise<void> {
  await db.deleteFrom('profile_contacts').where('user_id', '=', userId).execute();
  await db.deleteFrom('demographic_answers').where('user_id', '=', userId).execute();
  await db.deleteFrom('notification_preferences').where('user_id', '=', userId).execute();
  await db.deleteFrom('data_exports').where('user_id', '=', userId).execute();
}

/**
 * The outbox is the platform's, but the copies of mail sent to a person are
 * their personal data too: an erased account keeps no addresses or bodies.
 */
export async function scrubOutbox(db: Executor, userId: number): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      to_address: 'erased@deleted.invalid',
      to_name: null,
      html: '',
      text: '',
      attachments: '[]',
      user_id: null,
      status: sql`case when status in ('pending', 'sending') then 'held' else status end`,
    })
    .where('user_id', '=', userId)
    .execute();
}
