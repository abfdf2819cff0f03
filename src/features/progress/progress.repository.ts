import { sql, type Kysely, type Transaction } from 'kysely';
import { anyId } from '../../platform/db/any.ts';
import type { AwardStatus, DB, ResultSource } from '../../platform/db/schema.ts';

/**
 * Every query on the tables progress owns (facts, awards, their events and
 * reminders), plus the few reads of `users` it needs (locking a candidate,
 * whom to email, staff search). No rules here.
 */
export type Executor = Kysely<DB> | Transaction<DB>;
export type Trx = Transaction<DB>;

// ---------------------------------------------------------------- candidates

const contactColumns = ['id', 'email', 'given_name', 'family_name', 'locale', 'time_zone'] as const;

/**
 * Locks the candidates' rows for the rest of the transaction, in id order so
 * that two transactions never wait on each other in a circle. `for no key
 * update`: it serializes awarding for a candidate without blocking the
 * foreign-key checks of rows that reference the user (a result inserted
 * before the lock would otherwise deadlock with another such transaction).
 */
export function lockCandidates(trx: Trx, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return trx
    .selectFrom('users')
    .select(contactColumns)
    .where('id', '=', anyId(ids))
    .orderBy('id')
    .forNoKeyUpdate()
    .execute();
}

export function contactsOf(db: Executor, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('users').select(contactColumns).where('id', '=', anyId(ids)).execute();
}

export function findCandidate(db: Executor, id: number) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'candidate_number',
      'username',
      'email',
      'given_name',
      'family_name',
      'status',
      'created_at',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Staff search by name, email, username or candidate ID; newest first. */
export async function searchCandidates(db: Executor, query: string, limit: number, offset: number) {
  const q = query.trim().toLowerCase();
  let base = db.selectFrom('users');
  if (q) {
    const like = likePattern(q);
    base = base.where((eb) =>
      eb.or([
        eb(sql`lower(email)`, 'like', like),
        eb(sql`lower(username)`, 'like', like),
        eb(sql`lower(given_name || ' ' || family_name)`, 'like', like),
        eb(sql`lower(candidate_number)`, 'like', like),
      ]),
    );
  }
  const [rows, count] = await Promise.all([
    base
      .select(['id', 'candidate_number', 'username', 'email', 'given_name', 'family_name'])
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** User ids after `after`, ascending: keyset paging for the re-evaluation job. */
export async function userIdsAfter(db: Executor, after: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export async function countUsers(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---------------------------------------------------------------- awards

export interface NewAward {
  user_id: number;
  credential_id: number;
  credential_number: string;
  requirement_version: number;
  awarded_at: Date;
  expires_at: Date | null;
  status: AwardStatus;
  status_changed_at: Date | null;
  evidence: string;
}

export function updateAward(
  trx: Trx,
  id: number,
  patch: Partial<{
    status: AwardStatus;
    status_reason: string | null;
    status_changed_at: Date | null;
    expires_at: Date | null;
    last_renewed_at: Date | null;
    requirement_version: number;
    evidence: string;
    kept_by_decision: string | null;
  }>,
) {
  return trx
    .updateTable('awards')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export function insertAwardEvent(
  trx: Executor,
  event: {
    award_id: number;
    kind: 'awarded' | 'renewed' | 'expired' | 'suspended' | 'restored' | 'revoked' | 'kept';
    actor_user_id: number | null;
    reason: string | null;
    details: Record<string, unknown>;
    at?: Date;
  },
) {
  return trx
    .insertInto('award_events')
    .values({ ...event, details: JSON.stringify(event.details) })
    .execute();
}

const awardColumns = [
  'awards.id',
  'awards.user_id',
  'awards.credential_id',
  'awards.credential_number',
  'awards.requirement_version',
  'awards.awarded_at',
  'awards.expires_at',
  'awards.last_renewed_at',
  'awards.status',
  'awards.status_reason',
  'awards.status_changed_at',
  'awards.evidence',
  'awards.kept_by_decision',
] as const;

export function awardsOfUser(db: Executor, userId: number) {
  return db
    .selectFrom('awards')
    .select(awardColumns)
    .where('user_id', '=', userId)
    .orderBy('awarded_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function awardOfUserByNumber(db: Executor, userId: number, credentialNumber: string) {
  return db
    .selectFrom('awards')
    .select(awardColumns)
    .where('user_id', '=', userId)
    .where('credential_number', '=', credentialNumber)
    .executeTakeFirst();
}

export function awardEventsOfUser(db: Executor, userId: number) {
  return db
    .selectFrom('award_events')
    .innerJoin('awards', 'awards.id', 'award_events.award_id')
    .select([
      'award_events.id',
      'award_events.award_id',
      'award_events.at',
      'award_events.kind',
      'award_events.actor_user_id',
      'award_events.reason',
      'award_events.details',
    ])
    .where('awards.user_id', '=', userId)
    .orderBy('award_events.id', 'desc')
    .execute();
}

/** Awards of the candidate that were revoked and whose last event names one of `refs`. */
export async function awardsRevokedFor(trx: Trx, userId: number, refs: readonly string[]) {
  if (refs.length === 0) return [];
  const rows = await trx
    .selectFrom('awards')
    .select(['awards.id', 'awards.credential_id', 'awards.expires_at'])
    .select((eb) =>
      eb
        .selectFrom('award_events')
        .select('award_events.details')
        .whereRef('award_events.award_id', '=', 'awards.id')
        .orderBy('award_events.id', 'desc')
        .limit(1)
        .as('last_details'),
    )
    .select((eb) =>
      eb
        .selectFrom('award_events')
        .select('award_events.kind')
        .whereRef('award_events.award_id', '=', 'awards.id')
        .orderBy('award_events.id', 'desc')
        .limit(1)
        .as('last_kind'),
    )
    .where('awards.user_id', '=', userId)
    .where('awards.status', '=', 'revoked')
    .execute();
  return rows.filter((r) => {
    if (r.last_kind !== 'revoked') return false;
    const named = (r.last_details as { refs?: unknown } | null)?.refs;
    return Array.isArray(named) && named.some((ref) => refs.includes(String(ref)));
  });
}

export function hasLiveAward(trx: Executor, userId: number, credentialId: number) {
  return trx
    .selectFrom('awards')
    .select('id')
    .where('user_id', '=', userId)
    .where('credential_id', '=', credentialId)
    .where('status', 'in', ['active', 'suspended'])
    .executeTakeFirst();
}

/** Live awards whose evidence names the result. */
export function awardsResting(db: Executor, userId: number, ref: { type: string; id: number }) {
  return db
    .selectFrom('awards')
    .select(awardColumns)
    .where('user_id', '=', userId)
    .where('status', 'in', ['active', 'suspended'])
    .where(sql<boolean>`evidence @> ${JSON.stringify([ref])}::jsonb`)
    .execute();
}

// ---------------------------------------------------------------- sweep

/** Candidates with an active award whose expiry has come, a batch at a time. */
export async function usersWithOverdueAwards(
  db: Executor,
  now: Date,
  limit: number,
): Promise<number[]> {
  const rows = await db
    .selectFrom('awards')
    .select('user_id')
    .distinct()
    .where('status', '=', 'active')
    .where('expires_at', '<=', now)
    .orderBy('user_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.user_id);
}

/** Active awards expiring in (now, until], after award id `after`, ascending by id. */
export function awardsExpiringBetween(
  db: Executor,
  now: Date,
  until: Date,
  after: number,
  limit: number,
) {
  return db
    .selectFrom('awards')
    .select(['id', 'user_id', 'credential_id', 'credential_number', 'expires_at'])
    .where('status', '=', 'active')
    .where('expires_at', '>', now)
    .where('expires_at', '<=', until)
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Marks reminders as sent; returns the rows that were not sent before (the others conflict). */
export async function claimReminders(
  trx: Executor,
  rows: readonly { award_id: number; expires_at: Date; days_before: number }[],
) {
  if (rows.length === 0) return [];
  return trx
    .insertInto('award_reminders')
    .values([...rows])
    .onConflict((oc) => oc.columns(['award_id', 'expires_at', 'days_before']).doNothing())
    .returning(['award_id', 'days_before'])
    .execute();
}

// ---------------------------------------------------------------- holders

export async function holdersOf(db: Executor, credentialId: number, limit: number, offset: number) {
  const base = db
    .selectFrom('awards')
    .innerJoin('users', 'users.id', 'awards.user_id')
    .where('awards.credential_id', '=', credentialId)
    .where('awards.status', 'in', ['active', 'suspended']);
  const [rows, count] = await Promise.all([
    base
      .select([
        'awards.id',
        'awards.user_id',
        'awards.credential_number',
        'awards.status',
        'awards.awarded_at',
        'awards.expires_at',
        'awards.last_renewed_at',
        'awards.requirement_version',
        'users.candidate_number',
        'users.given_name',
        'users.family_name',
      ])
      .orderBy('awards.awarded_at', 'desc')
      .orderBy('awards.id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

// ---------------------------------------------------------------- results

const resultColumns = [
  'id',
  'user_id',
  'exam_id',
  'exam_version',
  'score',
  'passed',
  'taken_at',
  'source',
  'status',
  'status_reason',
  'reason',
  'recorded_by',
  'created_at',
] as const;

export function insertResult(
  trx: Trx,
  result: {
    user_id: number;
    exam_id: number;
    exam_version: string | null;
    score: number | null;
    passed: boolean;
    taken_at: Date;
    source: ResultSource;
    recorded_by: number | null;
    reason: string | null;
  },
) {
  return trx
    .insertInto('results')
    .values(result)
    .returning(resultColumns)
    .executeTakeFirstOrThrow();
}

export function findResult(db: Executor, id: number) {
  return db.selectFrom('results').select(resultColumns).where('id', '=', id).executeTakeFirst();
}

export function lockResult(trx: Trx, id: number) {
  return trx
    .selectFrom('results')
    .select(resultColumns)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function updateResult(
  trx: Trx,
  id: number,
  patch: Partial<{
    score: number | null;
    passed: boolean;
    taken_at: Date;
    exam_version: string | null;
    status: 'valid' | 'revoked';
    status_reason: string | null;
  }>,
) {
  return trx
    .updateTable('results')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export function insertResultChange(
  trx: Trx,
  change: {
    result_id: number;
    actor_user_id: number | null;
    before: Record<string, unknown>;
    after: Record<string, unknown>;
    reason: string | null;
  },
) {
  return trx
    .insertInto('result_changes')
    .values({
      ...change,
      before: JSON.stringify(change.before),
      after: JSON.stringify(change.after),
    })
    .execute();
}

export function resultsOfUser(db: Executor, userId: number) {
  return db
    .selectFrom('results')
    .select(resultColumns)
    .where('user_id', '=', userId)
    .orderBy('taken_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function resultChanges(db: Executor, resultIds: readonly number[]) {
  if (resultIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('result_changes')
    .select(['id', 'result_id', 'at', 'actor_user_id', 'before', 'after', 'reason'])
    .where('result_id', 'in', [...resultIds])
    .orderBy('id', 'desc')
    .execute();
}

// ---------------------------------------------------------------- training, agreements, credits

export function insertTraining(
  trx: Trx,
  row: {
    user_id: number;
    course_id: number;
    completed_at: Date;
    source: 'manual' | 'evidence' | 'import';
    evidence_id: number | null;
    recorded_by: number | null;
    reason: string | null;
  },
) {
  return trx
    .insertInto('training_completions')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
}

export function insertCredits(
  trx: Trx,
  row: {
    user_id: number;
    category_id: number;
    amount: string;
    earned_at: Date;
    source: 'manual' | 'evidence' | 'import';
    evidence_id: number | null;
    recorded_by: number | null;
    reason: string | null;
  },
) {
  return trx.insertInto('credit_entries').values(row).returning('id').executeTakeFirstOrThrow();
}

/** Undefined when the candidate accepted that version already. */
export function insertAgreement(
  trx: Trx,
  row: {
    user_id: number;
    agreement_id: number;
    version: number;
    accepted_at: Date;
    source: 'candidate' | 'manual' | 'import';
    recorded_by: number | null;
    reason: string | null;
  },
) {
  return trx
    .insertInto('agreement_acceptances')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'agreement_id', 'version']).doNothing())
    .returning('id')
    .executeTakeFirst();
}

export function trainingsOfUser(db: Executor, userId: number) {
  return db
    .selectFrom('training_completions')
    .select(['id', 'course_id', 'completed_at', 'source', 'evidence_id', 'reason'])
    .where('user_id', '=', userId)
    .orderBy('completed_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function agreementsOfUser(db: Executor, userId: number) {
  return db
    .selectFrom('agreement_acceptances')
    .select(['id', 'agreement_id', 'version', 'accepted_at', 'source', 'reason'])
    .where('user_id', '=', userId)
    .orderBy('accepted_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function creditsOfUser(db: Executor, userId: number) {
  return db
    .selectFrom('credit_entries')
    .select(['id', 'category_id', 'amount', 'earned_at', 'source', 'evidence_id', 'reason'])
    .where('user_id', '=', userId)
    .orderBy('earned_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

// ---------------------------------------------------------------- jobs (read only)

export function findJob(db: Executor, id: number) {
  return db
    .selectFrom('jobs')
    .select([
      'id',
      'name',
      'payload',
      'status',
      'progress',
      'last_error',
      'created_at',
      'finished_at',
      'attempts',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

// ---------------------------------------------------------------- program (read only)

/**
 * The program's name and addresses for emails, read in the caller's
 * transaction: on the embedded database a query outside it would wait for
 * the one connection the transaction holds.
 */
export function programRow(db: Executor) {
  return db
    .selectFrom('program')
    .select(['name', 'short_name', 'support_email', 'accent_color', 'candidate_id_prefix'])
    .where('id', '=', 1)
    .executeTakeFirst();
}

// ---------------------------------------------------------------- public reads (credentials feature)

/**
 * The public verification page's one query: the award, its holder's name,
 * its credential and whether the holder opted into the public directory
 * (`directory_listings`, the credentials feature's table, read here so that
 * the page costs one round trip). Never the status reason.
 */
export const VERIFICATION_SQL = `
  select a.credential_number, a.status, a.awarded_at, a.expires_at, a.last_renewed_at,
         a.status_changed_at, u.given_name, u.family_name,
         c.code as credential_code, c.name as credential_name, c.kind as credential_kind,
         c.level as credential_level,
         exists (select 1 from directory_listings d where d.user_id = a.user_id) as listed
  from awards a
  join users u on u.id = a.user_id
  join credentials c on c.id = a.credential_id
  where a.credential_number = $1`;

export interface VerificationRow {
  credential_number: string;
  status: AwardStatus;
  awarded_at: Date;
  expires_at: Date | null;
  last_renewed_at: Date | null;
  status_changed_at: Date | null;
  given_name: string;
  family_name: string;
  credential_code: string;
  credential_name: string;
  credential_kind: 'accreditation' | 'certification';
  credential_level: string;
  listed: boolean;
}

export function awardsByNumbers(db: Executor, numbers: readonly string[]) {
  if (numbers.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('awards')
    .select(awardColumns)
    .where('credential_number', 'in', [...numbers])
    .orderBy('awarded_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/**
 * The public directory: active, unexpired awards of candidates who opted in
 * (`directory_listings`), one row per award, by holder name then credential.
 */
export async function directoryRows(
  db: Executor,
  filter: { name?: string; credentialId?: number; at: Date },
  limit: number,
  offset: number,
) {
  let q = db
    .selectFrom('awards')
    .innerJoin('directory_listings', 'directory_listings.user_id', 'awards.user_id')
    .innerJoin('users', 'users.id', 'awards.user_id')
    .innerJoin('credentials', 'credentials.id', 'awards.credential_id')
    .where('awards.status', '=', 'active')
    .where((eb) =>
      eb.or([eb('awards.expires_at', 'is', null), eb('awards.expires_at', '>', filter.at)]),
    )
    .where('users.status', '=', 'active');
  if (filter.name) {
    const pattern = likePattern(filter.name.trim());
    q = q.where(sql<boolean>`(users.given_name || ' ' || users.family_name) ilike ${pattern}`);
  }
  if (filter.credentialId !== undefined)
    q = q.where('awards.credential_id', '=', filter.credentialId);
  const [rows, count] = await Promise.all([
    q
      .select([
        'awards.credential_number',
        'awards.awarded_at',
        'awards.expires_at',
        'users.given_name',
        'users.family_name',
        'credentials.name as credential_name',
      ])
      .orderBy('users.family_name')
      .orderBy('users.given_name')
      .orderBy('credentials.name')
      .orderBy('awards.id')
      .limit(limit)
      .offset(offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return { rows, total: Number(count?.n ?? 0) };
}
