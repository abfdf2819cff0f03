import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type {
  CredentialsTable,
  DB,
  ExamsTable,
  PublicationStatus,
} from '../../platform/db/schema.ts';

/** Every query on the tables the catalog owns. No rules here. */
export type Executor = Kysely<DB> | Transaction<DB>;

export type CodedTableName = 'training_courses' | 'agreements' | 'credit_categories';

export interface ListFilter {
  /** Matches code or title/name, case-insensitively. */
  q?: string | undefined;
  status?: PublicationStatus | undefined;
  limit: number;
  offset: number;
}

function like(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// ------------------------------------------------------------------ exams

const examColumns = [
  'id',
  'code',
  'title',
  'description',
  'kind',
  'delivery',
  'score_min',
  'score_max',
  'passing_score',
  'languages',
  'duration_minutes',
  'price_cents',
  'currency',
  'retake_wait_days_first',
  'retake_wait_days_later',
  'retake_max_per_year',
  'retake_after_pass',
  'status',
  'updated_at',
] as const;

export function allExams(db: Executor) {
  return db.selectFrom('exams').select(examColumns).orderBy('code').execute();
}

export function findExamByCode(db: Executor, code: string) {
  return db.selectFrom('exams').select(examColumns).where('code', '=', code).executeTakeFirst();
}

export function findExamById(db: Executor, id: number) {
  return db.selectFrom('exams').select(examColumns).where('id', '=', id).executeTakeFirst();
}

export function lockExamByCode(db: Transaction<DB>, code: string) {
  return db
    .selectFrom('exams')
    .select(examColumns)
    .where('code', '=', code)
    .forUpdate()
    .executeTakeFirst();
}

export async function listExams(db: Executor, filter: ListFilter) {
  let query = db.selectFrom('exams');
  if (filter.q) {
    const pattern = like(filter.q);
    query = query.where((eb) =>
      eb.or([eb('code', 'ilike', pattern), eb('title', 'ilike', pattern)]),
    );
  }
  if (filter.status) query = query.where('status', '=', filter.status);
  const [rows, count] = await Promise.all([
    query.select(examColumns).orderBy('code').limit(filter.limit).offset(filter.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export type NewExam = Omit<Insertable<ExamsTable>, 'id' | 'created_at' | 'updated_at'>;

export async function insertExam(db: Executor, values: NewExam) {
  const row = await db.insertInto('exams').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateExam(db: Executor, id: number, values: Omit<NewExam, 'code'>) {
  await db
    .updateTable('exams')
    .set({ ...values, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export function examVersions(db: Executor, examIds?: readonly number[]) {
  let query = db
    .selectFrom('exam_versions')
    .select(['id', 'exam_id', 'version', 'available_from', 'available_until']);
  if (examIds) {
    if (examIds.length === 0) return Promise.resolve([]);
    query = query.where('exam_id', 'in', examIds);
  }
  return query.orderBy('exam_id').orderBy('available_from').orderBy('version').execute();
}

export async function insertExamVersion(
  db: Executor,
  values: { examId: number; version: string; availableFrom: string; availableUntil: string | null },
) {
  await db
    .insertInto('exam_versions')
    .values({
      exam_id: values.examId,
      version: values.version,
      available_from: values.availableFrom,
      available_until: values.availableUntil,
    })
    .execute();
}

export async function setExamVersionDates(
  db: Executor,
  examId: number,
  version: string,
  dates: { availableFrom?: string; availableUntil: string | null },
) {
  await db
    .updateTable('exam_versions')
    .set({
      ...(dates.availableFrom ? { available_from: dates.availableFrom } : {}),
      available_until: dates.availableUntil,
    })
    .where('exam_id', '=', examId)
    .where('version', '=', version)
    .execute();
}

// ------------------------------------------------------------------ training, agreements, credit categories

const codedColumns = ['id', 'code', 'title', 'description'] as const;

export function allCoded(db: Executor, table: CodedTableName) {
  return db.selectFrom(table).select(codedColumns).orderBy('code').execute();
}

export function findCodedByCode(db: Executor, table: CodedTableName, code: string) {
  return db.selectFrom(table).select(codedColumns).where('code', '=', code).executeTakeFirst();
}

export function lockCodedByCode(db: Transaction<DB>, table: CodedTableName, code: string) {
  return db
    .selectFrom(table)
    .select(codedColumns)
    .where('code', '=', code)
    .forUpdate()
    .executeTakeFirst();
}

export async function listCoded(db: Executor, table: CodedTableName, filter: ListFilter) {
  let query = db.selectFrom(table);
  if (filter.q) {
    const pattern = like(filter.q);
    query = query.where((eb) =>
      eb.or([eb('code', 'ilike', pattern), eb('title', 'ilike', pattern)]),
    );
  }
  const [rows, count] = await Promise.all([
    query.select(codedColumns).orderBy('code').limit(filter.limit).offset(filter.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function insertCoded(
  db: Executor,
  table: CodedTableName,
  values: { code: string; title: string; description: string },
) {
  const row = await db.insertInto(table).values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateCoded(
  db: Executor,
  table: CodedTableName,
  id: number,
  values: { title: string; description: string },
) {
  await db.updateTable(table).set(values).where('id', '=', id).execute();
}

export function agreementVersions(db: Executor, agreementIds?: readonly number[]) {
  let query = db
    .selectFrom('agreement_versions')
    .select(['agreement_id', 'version', 'body', 'effective_at']);
  if (agreementIds) {
    if (agreementIds.length === 0) return Promise.resolve([]);
    query = query.where('agreement_id', 'in', agreementIds);
  }
  return query.orderBy('agreement_id').orderBy('version').execute();
}

export async function insertAgreementVersion(
  db: Executor,
  agreementId: number,
  values: { body: string; effectiveAt: Date },
): Promise<number> {
  const row = await db
    .insertInto('agreement_versions')
    .values((eb) => ({
      agreement_id: agreementId,
      version: eb
        .selectFrom('agreement_versions')
        .select(sql<number>`coalesce(max(version), 0) + 1`.as('v'))
        .where('agreement_id', '=', agreementId),
      body: values.body,
      effective_at: values.effectiveAt,
    }))
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}

// ------------------------------------------------------------------ credentials

const credentialColumns = [
  'id',
  'code',
  'name',
  'kind',
  'level',
  'level_rank',
  'description',
  'status',
  'validity_months',
  'recertification',
  'updated_at',
] as const;

export function allCredentials(db: Executor) {
  return db
    .selectFrom('credentials')
    .select(credentialColumns)
    .orderBy('level_rank')
    .orderBy('code')
    .execute();
}

export function findCredentialByCode(db: Executor, code: string) {
  return db
    .selectFrom('credentials')
    .select(credentialColumns)
    .where('code', '=', code)
    .executeTakeFirst();
}

export function findCredentialById(db: Executor, id: number) {
  return db
    .selectFrom('credentials')
    .select(credentialColumns)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function lockCredentialByCode(db: Transaction<DB>, code: string) {
  return db
    .selectFrom('credentials')
    .select(credentialColumns)
    .where('code', '=', code)
    .forUpdate()
    .executeTakeFirst();
}

export async function listCredentials(db: Executor, filter: ListFilter) {
  let query = db.selectFrom('credentials');
  if (filter.q) {
    const pattern = like(filter.q);
    query = query.where((eb) =>
      eb.or([eb('code', 'ilike', pattern), eb('name', 'ilike', pattern)]),
    );
  }
  if (filter.status) query = query.where('status', '=', filter.status);
  const [rows, count] = await Promise.all([
    query
      .select(credentialColumns)
      .orderBy('level_rank')
      .orderBy('code')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export type NewCredential = Omit<Insertable<CredentialsTable>, 'id' | 'created_at' | 'updated_at'>;

export async function insertCredential(db: Executor, values: NewCredential) {
  const row = await db
    .insertInto('credentials')
    .values(values)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateCredential(
  db: Executor,
  id: number,
  values: Partial<Omit<NewCredential, 'code'>>,
) {
  await db
    .updateTable('credentials')
    .set({ ...values, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export function requirementVersions(db: Executor, credentialIds?: readonly number[]) {
  let query = db
    .selectFrom('credential_requirements')
    .select(['credential_id', 'version', 'tree', 'effective_at', 'note', 'created_at']);
  if (credentialIds) {
    if (credentialIds.length === 0) return Promise.resolve([]);
    query = query.where('credential_id', 'in', credentialIds);
  }
  return query.orderBy('credential_id').orderBy('version').execute();
}

/** The next version number; call with the credential row locked. */
export async function insertRequirementVersion(
  db: Transaction<DB>,
  values: {
    credentialId: number;
    tree: unknown;
    effectiveAt: Date;
    note: string;
    createdBy: number | null;
  },
): Promise<number> {
  const last = await db
    .selectFrom('credential_requirements')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('credential_id', '=', values.credentialId)
    .executeTakeFirst();
  const version = Number(last?.v ?? 0) + 1;
  await db
    .insertInto('credential_requirements')
    .values({
      credential_id: values.credentialId,
      version,
      tree: JSON.stringify(values.tree),
      effective_at: values.effectiveAt,
      note: values.note,
      created_by: values.createdBy,
    })
    .execute();
  return version;
}

/** Serializes requirement changes program-wide (they are rare; cycle checks need it). */
export async function lockRequirementChanges(db: Transaction<DB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${REQUIREMENTS_LOCK})`.execute(db);
}
const REQUIREMENTS_LOCK = 0x6c61_7572; // "laur"
