import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import { anyText } from '../../platform/db/any.ts';
import type { DB, ResultImportsTable } from '../../platform/db/schema.ts';

/**
 * Every query on the tables results owns (imports, their staged rows and
 * problems, signing secrets, exam authorizations, exports), plus the reads
 * of `users` and `results` ingestion needs (candidate numbers, unclaimed
 * results). Writes to `results` go through the progress service. No rules.
 */
export type Executor = Kysely<DB> | Transaction<DB>;

// ---------------------------------------------------------------- imports

export async function createImport(
  db: Executor,
  values: {
    provider: string;
    file_name: string;
    mode: 'all_or_nothing' | 'good_rows';
    created_by: number | null;
  },
): Promise<number> {
  const row = await db
    .insertInto('result_imports')
    .values(values)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function findImport(db: Executor, id: number) {
  return db.selectFrom('result_imports').selectAll().where('id', '=', id).executeTakeFirst();
}

export function updateImport(db: Executor, id: number, patch: Updateable<ResultImportsTable>) {
  return db.updateTable('result_imports').set(patch).where('id', '=', id).execute();
}

export async function listImports(db: Executor, limit: number, offset: number) {
  const [rows, total] = await Promise.all([
    db
      .selectFrom('result_imports')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute(),
    db
      .selectFrom('result_imports')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export interface StagedRow {
  import_id: number;
  line: number;
  registration_id: string;
  candidate_id: string;
  last_name: string | null;
  exam_id: number;
  exam_version: string | null;
  score: number | null;
  passed: boolean;
  taken_at: Date;
}

/** Stages rows; returns the lines kept (a registration ID already staged for this import is not). */
export async function stageRows(db: Executor, rows: readonly StagedRow[]): Promise<Set<number>> {
  if (rows.length === 0) return new Set();
  const kept = await db
    .insertInto('result_import_rows')
    .values([...rows])
    .onConflict((oc) => oc.columns(['import_id', 'registration_id']).doNothing())
    .returning('line')
    .execute();
  return new Set(kept.map((r) => r.line));
}

export function firstLineOf(db: Executor, importId: number, registrationId: string) {
  return db
    .selectFrom('result_import_rows')
    .select('line')
    .where('import_id', '=', importId)
    .where('registration_id', '=', registrationId)
    .executeTakeFirst();
}

export async function insertProblems(
  db: Executor,
  rows: {
    import_id: number;
    line: number;
    column_name: string;
    message_key: string;
    params: string;
    raw: string | null;
  }[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += 1000) {
    await db
      .insertInto('result_import_problems')
      .values(rows.slice(start, start + 1000))
      .execute();
  }
}

export function problemsOf(db: Executor, importId: number, limit: number, offset: number) {
  return db
    .selectFrom('result_import_problems')
    .select(['line', 'column_name', 'message_key', 'params'])
    .where('import_id', '=', importId)
    .orderBy('line')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countProblems(db: Executor, importId: number): Promise<number> {
  const row = await db
    .selectFrom('result_import_problems')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('import_id', '=', importId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Bad lines as they were in the file, in line order, after `afterLine` (keyset paging). */
export function badLinesAfter(db: Executor, importId: number, afterLine: number, limit: number) {
  return db
    .selectFrom('result_import_problems')
    .select(['line', 'raw'])
    .where('import_id', '=', importId)
    .where('raw', 'is not', null)
    .where('line', '>', afterLine)
    .orderBy('line')
    .limit(limit)
    .execute();
}

export function stagedRowsAfter(db: Executor, importId: number, afterLine: number, limit: number) {
  return db
    .selectFrom('result_import_rows')
    .selectAll()
    .where('import_id', '=', importId)
    .where('line', '>', afterLine)
    .orderBy('line')
    .limit(limit)
    .execute();
}

export function deleteStagedBetween(db: Executor, importId: number, first: number, last: number) {
  return db
    .deleteFrom('result_import_rows')
    .where('import_id', '=', importId)
    .where('line', '>=', first)
    .where('line', '<=', last)
    .execute();
}

/**
 * Refreshes the planner's statistics of the tables a large import reads and
 * grows: without them PostgreSQL plans the import's lookups for the tables
 * as they were before it (empty, perhaps) and scans where it should seek.
 */
export async function analyzeForImport(db: Executor): Promise<void> {
  await sql`analyze result_import_rows, results, users`.execute(db);
}

export function deleteStaged(db: Executor, importId: number) {
  return db.deleteFrom('result_import_rows').where('import_id', '=', importId).execute();
}

// ---------------------------------------------------------------- candidates (read only)

/** Users by candidate number (the ClientCandidateID Laurel gives delivery providers). */
export async function usersByCandidateNumber(
  db: Executor,
  numbers: readonly string[],
): Promise<Map<string, number>> {
  if (numbers.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'candidate_number'])
    .where('candidate_number', '=', anyText([...new Set(numbers)]))
    .execute();
  return new Map(rows.map((r) => [r.candidate_number, r.id]));
}

export function userByCandidateNumber(db: Executor, number: string) {
  return db
    .selectFrom('users')
    .select(['id', 'candidate_number', 'given_name', 'family_name', 'email'])
    .where('candidate_number', '=', number)
    .executeTakeFirst();
}

// ---------------------------------------------------------------- results (read only)

const unclaimedColumns = [
  'results.id',
  'results.provider',
  'results.provider_ref',
  'results.provider_candidate_id',
  'results.provider_last_name',
  'results.exam_id',
  'results.exam_version',
  'results.score',
  'results.passed',
  'results.taken_at',
  'results.status',
  'results.created_at',
] as const;

export async function unclaimedResults(
  db: Executor,
  filter: { q?: string },
  limit: number,
  offset: number,
) {
  let query = db.selectFrom('results').where('user_id', 'is', null);
  const q = filter.q?.trim();
  if (q) {
    query = query.where((eb) =>
      eb.or([
        eb('provider_ref', '=', q),
        eb('provider_candidate_id', '=', q),
        eb(sql`lower(provider_last_name)`, '=', q.toLowerCase()),
      ]),
    );
  }
  const [rows, total] = await Promise.all([
    query
      .select(unclaimedColumns)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export function unclaimedResult(db: Executor, id: number) {
  return db
    .selectFrom('results')
    .select(unclaimedColumns)
    .where('id', '=', id)
    .where('user_id', 'is', null)
    .executeTakeFirst();
}

/** Unclaimed results with this registration ID (from any provider). */
export function unclaimedByRef(db: Executor, ref: string) {
  return db
    .selectFrom('results')
    .select(['id', 'provider_last_name', 'exam_id', 'status'])
    .where('user_id', 'is', null)
    .where('provider_ref', '=', ref)
    .orderBy('id')
    .execute();
}

/** A provider's result by its registration ID. */
export function resultByRef(db: Executor, provider: string, ref: string) {
  return db
    .selectFrom('results')
    .select(['id', 'user_id', 'status'])
    .where('provider', '=', provider)
    .where('provider_ref', '=', ref)
    .executeTakeFirst();
}
