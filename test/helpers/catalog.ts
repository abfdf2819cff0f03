import type { Database } from '../../src/platform/db/database.ts';
import type { Recertification } from '../../src/platform/db/schema.ts';
import type { RequirementNode } from '../../src/features/progress/requirements.ts';

/**
 * Catalog factories for tests that need definitions without going through
 * the catalog's pages: rows straight into exams, training courses,
 * agreements, credit categories, credentials and credential_requirements.
 * Every factory returns the row's id and code. Other features' tests may
 * extend this file.
 */

let counter = 0;
/** A catalog code no other factory call in this process used: `PREFIX-7K2`. */
export function uniqueCode(prefix = 'X'): string {
  counter++;
  return `${prefix}-${counter.toString(36).toUpperCase()}${Math.random().toString(36).slice(2, 4).toUpperCase()}`;
}

export interface ExamOverrides {
  code?: string;
  title?: string;
  kind?: 'exam' | 'assessment';
  scoreMin?: number;
  scoreMax?: number;
  passingScore?: number;
  status?: 'draft' | 'published' | 'retired';
  /** Versions, available from 2020-01-01. */
  versions?: string[];
  retake?: {
    waitDaysFirst?: number;
    waitDaysLater?: number;
    maxPerYear?: number | null;
    afterPass?: boolean;
  };
}

export async function givenExam(
  db: Database,
  o: ExamOverrides = {},
): Promise<{ id: number; code: string }> {
  const code = o.code ?? uniqueCode('EX');
  const row = await db
    .insertInto('exams')
    .values({
      code,
      title: o.title ?? `Exam ${code}`,
      kind: o.kind ?? 'exam',
      delivery: o.kind === 'assessment' ? ['web'] : ['test_center', 'online_proctored'],
      score_min: o.scoreMin ?? 0,
      score_max: o.scoreMax ?? 1000,
      passing_score: o.passingScore ?? 700,
      duration_minutes: null,
      price_cents: null,
      currency: null,
      retake_wait_days_first: o.retake?.waitDaysFirst ?? 0,
      retake_wait_days_later: o.retake?.waitDaysLater ?? 0,
      retake_max_per_year: o.retake?.maxPerYear ?? null,
      retake_after_pass: o.retake?.afterPass ?? false,
      status: o.status ?? 'published',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const version of o.versions ?? []) {
    await db
      .insertInto('exam_versions')
      .values({ exam_id: row.id, version, available_from: '2020-01-01', available_until: null })
      .execute();
  }
  return { id: row.id, code };
}

type CodedTable = 'training_courses' | 'agreements' | 'credit_categories';

async function givenCoded(db: Database, table: CodedTable, prefix: string, code?: string) {
  const c = code ?? uniqueCode(prefix);
  const row = await db
    .insertInto(table)
    .values({ code: c, title: `${prefix} ${c}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, code: c };
}

export function givenTraining(db: Database, code?: string) {
  return givenCoded(db, 'training_courses', 'TR', code);
}

export function givenCreditCategory(db: Database, code?: string) {
  return givenCoded(db, 'credit_categories', 'CPE', code);
}

/** An agreement with versions (default: version 1, effective 2020-01-01). */
export async function givenAgreement(db: Database, code?: string, versions: number[] = [1]) {
  const agreement = await givenCoded(db, 'agreements', 'AG', code);
  for (const version of versions) {
    await db
      .insertInto('agreement_versions')
      .values({
        agreement_id: agreement.id,
        version,
        body: `Agreement ${agreement.code}, version ${version}.`,
        effective_at: new Date('2020-01-01T00:00:00Z'),
      })
      .execute();
  }
  return agreement;
}

export interface CredentialOverrides {
  code?: string;
  name?: string;
  kind?: 'accreditation' | 'certification';
  level?: string;
  levelRank?: number;
  status?: 'draft' | 'published' | 'retired';
  validityMonths?: number | null;
  recertification?: Recertification;
  /** Requirement versions, numbered 1, 2, ... in this order; effective 2000-01-01 unless given. */
  requirements: { tree: RequirementNode; effectiveAt?: Date }[];
}

export async function givenCredential(
  db: Database,
  o: CredentialOverrides,
): Promise<{ id: number; code: string }> {
  const code = o.code ?? uniqueCode('CR');
  const row = await db
    .insertInto('credentials')
    .values({
      code,
      name: o.name ?? `Credential ${code}`,
      kind: o.kind ?? 'certification',
      level: o.level ?? 'Associate',
      level_rank: o.levelRank ?? 1,
      status: o.status ?? 'published',
      validity_months: o.validityMonths ?? null,
      recertification: JSON.stringify({
        requirementsAgain: false,
        exams: [],
        higherCredentials: [],
        credits: null,
        ...o.recertification,
      }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  let version = 0;
  for (const r of o.requirements) {
    version++;
    await addRequirementVersion(db, row.id, r.tree, r.effectiveAt, version);
  }
  return { id: row.id, code };
}

/** Adds the next requirement version (or the one given). */
export async function addRequirementVersion(
  db: Database,
  credentialId: number,
  tree: RequirementNode,
  effectiveAt: Date = new Date('2000-01-01T00:00:00Z'),
  version?: number,
): Promise<number> {
  let v = version;
  if (v === undefined) {
    const last = await db
      .selectFrom('credential_requirements')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('credential_id', '=', credentialId)
      .executeTakeFirst();
    v = Number(last?.v ?? 0) + 1;
  }
  await db
    .insertInto('credential_requirements')
    .values({
      credential_id: credentialId,
      version: v,
      tree: JSON.stringify(tree),
      effective_at: effectiveAt,
    })
    .execute();
  return v;
}

/** A one-exam requirement tree: `exam` passed (with an optional minimum score or window). */
export function examTree(
  examCode: string,
  extra: { minScore?: number; withinMonths?: number; id?: string } = {},
): RequirementNode {
  const { id, ...rest } = extra;
  return { kind: 'exam', id: id ?? `exam-${examCode}`, examCode, ...rest };
}

export function allOf(id: string, ...children: RequirementNode[]): RequirementNode {
  return { kind: 'all', id, children };
}

export function anyOf(id: string, count: number, ...children: RequirementNode[]): RequirementNode {
  return { kind: 'any', id, count, children };
}
