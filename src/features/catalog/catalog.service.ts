import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit.ts';
import type { Database, DatabaseHandle } from '../../platform/db/database.ts';
import type { PublicationStatus } from '../../platform/db/schema.ts';
import { notFound, ValidationError, type FieldProblem } from '../../platform/http/errors.ts';
import type { MessageKey } from '../../platform/i18n/i18n.ts';
import {
  checkCredentialReferences,
  credentialGraph,
  normalizeCode,
  normalizeRecertification,
  Problems,
  readAgreementVersion,
  readCoded,
  readCredential,
  readExam,
  readExamVersion,
  readInstant,
  readRetireDate,
  requirementsInForce,
  LIMITS,
  type CredentialInput,
  type ExamInput,
  type Raw,
  type Read,
} from './catalog-rules.ts';
import * as repo from './catalog.repository.ts';
import {
  parseRequirementTree,
  validateRequirementTree,
  type KnownCodes,
  type RequirementNode,
  type RequirementProblem,
} from './catalog.requirements.ts';
import type {
  AgreementDefinition,
  CatalogApi,
  CredentialDefinition,
  CreditCategoryDefinition,
  ExamDefinition,
  ProgramDefinitions,
  Queryable,
  RequirementsChangeListener,
  RequirementVersion,
  TrainingDefinition,
} from './catalog.types.ts';

/** Who makes a change, from where, and (optionally) why: what the audit log records. */
export interface CatalogActor {
  userId: number | null;
  /** Dates typed without a time begin at midnight in this zone. */
  timeZone: string;
  ip?: string | null;
  reason?: string | null;
}

/** The three lists that are not exams or credentials share one shape. */
export type CodedKind = 'training' | 'agreement' | 'creditCategory';

const TABLES: Record<CodedKind, repo.CodedTableName> = {
  training: 'training_courses',
  agreement: 'agreements',
  creditCategory: 'credit_categories',
};

const CODE_TAKEN: Record<CodedKind | 'exam' | 'credential', MessageKey> = {
  exam: 'catalog.v.codeTaken.exam',
  credential: 'catalog.v.codeTaken.credential',
  training: 'catalog.v.codeTaken.training',
  agreement: 'catalog.v.codeTaken.agreement',
  creditCategory: 'catalog.v.codeTaken.creditCategory',
};

export interface Page<T> {
  rows: T[];
  total: number;
}

/** A new requirement version as sent: the tree as JSON, a date (or date-time), an optional note. */
export type RequirementVersionInput = {
  tree: unknown;
  effectiveAt: unknown;
  note?: unknown;
};

export interface ListQuery {
  q?: string | undefined;
  status?: PublicationStatus | undefined;
  page: number;
  pageSize: number;
}

/** A tree that no longer parses (it never should) is stored as one that nothing meets. */
const BROKEN_TREE: RequirementNode = { kind: 'any', id: 'invalid', count: 1, children: [] };

const CATALOG_TABLES = [
  'exams',
  'exam_versions',
  'credentials',
  'credential_requirements',
  'training_courses',
  'agreements',
  'agreement_versions',
  'credit_categories',
];
// xmin changes whenever a row is inserted or updated; the count catches deletes.
const FINGERPRINT_SQL = CATALOG_TABLES.map(
  (t) => `(select count(*) || ':' || coalesce(sum(xmin::text::bigint), 0) from ${t})`,
).join(" || '|' || ");

/** The catalog's fingerprint as an SQL expression (text), for `definitionsFor`. */
export const CATALOG_FINGERPRINT_SQL = `(${FINGERPRINT_SQL})`;

/** The catalog's rules: definitions, their validation, versions and audit. */
export class CatalogService implements CatalogApi {
  private readonly listeners: RequirementsChangeListener[] = [];

  constructor(
    private readonly db: Database,
    private readonly prepared?: DatabaseHandle['prepared'],
  ) {}

  // ---------------------------------------------------------------- for other features

  /**
   * Every page needs the definitions and they rarely change, so a copy is
   * kept per process and checked against a fingerprint of the catalog tables
   * (row counts and row versions) on each use: one cheap query instead of
   * eight, and never stale, whichever process or tool changed the catalog.
   * Reads inside a transaction always load afresh.
   */
  async definitions(db: Queryable = this.db): Promise<ProgramDefinitions> {
    if (db !== this.db) return this.loadDefinitions(db);
    const rows = this.prepared
      ? await this.prepared<{ f: string }>(
          'laurel_catalog_fingerprint',
          `select ${FINGERPRINT_SQL} as f`,
          [],
        )
      : (await sql<{ f: string }>`select ${sql.raw(FINGERPRINT_SQL)} as f`.execute(this.db)).rows;
    const fingerprint = rows[0]?.f ?? '';
    if (this.cached && this.cached.fingerprint === fingerprint) return this.cached.value;
    const value = await this.loadDefinitions(db);
    this.cached = { fingerprint, value };
    return value;
  }

  /**
   * The definitions for a fingerprint the caller read itself, in a statement
   * of its own (`CATALOG_FINGERPRINT_SQL`, e.g. beside a page's other reads:
   * one round trip fewer): the cached copy when it matches, else loaded.
   */
  async definitionsFor(fingerprint: string): Promise<ProgramDefinitions> {
    if (this.cached && this.cached.fingerprint === fingerprint) return this.cached.value;
    const value = await this.loadDefinitions(this.db);
    this.cached = { fingerprint, value };
    return value;
  }

  private cached: { fingerprint: string; value: ProgramDefinitions } | undefined;

  private async loadDefinitions(db: Queryable): Promise<ProgramDefinitions> {
    const [
      exams,
      examVersions,
      credentials,
      requirements,
      trainings,
      agreements,
      agreementVersions,
      categories,
    ] = await Promise.all([
      repo.allExams(db),
      repo.examVersions(db),
      repo.allCredentials(db),
      repo.requirementVersions(db),
      repo.allCoded(db, 'training_courses'),
      repo.allCoded(db, 'agreements'),
      repo.agreementVersions(db),
      repo.allCoded(db, 'credit_categories'),
    ]);
    const examList = exams.map((row) =>
      toExam(
        row,
        examVersions.filter((v) => v.exam_id === row.id),
      ),
    );
    const requirementsBy = groupBy(requirements, (r) => r.credential_id);
    const credentialList = credentials.map((row) =>
      toCredential(row, requirementsBy.get(row.id) ?? []),
    );
    const agreementVersionsBy = groupBy(agreementVersions, (v) => v.agreement_id);
    const agreementList = agreements.map((row) =>
      toAgreement(row, agreementVersionsBy.get(row.id) ?? []),
    );
    return {
      exams: byCode(examList),
      examsById: byId(examList),
      credentials: credentialList,
      credentialsByCode: byCode(credentialList),
      credentialsById: byId(credentialList),
      trainings: byCode(trainings),
      trainingsById: byId(trainings),
      agreements: byCode(agreementList),
      agreementsById: byId(agreementList),
      creditCategories: byCode(categories),
      creditCategoriesById: byId(categories),
    };
  }

  requirementsInForce(credential: CredentialDefinition, at: Date): RequirementVersion | undefined {
    return requirementsInForce(credential, at);
  }

  async examByCode(code: string, db: Queryable = this.db): Promise<ExamDefinition | undefined> {
    const row = await repo.findExamByCode(db, normalizeCode(code));
    return row ? toExam(row, await repo.examVersions(db, [row.id])) : undefined;
  }

  async examById(id: number, db: Queryable = this.db): Promise<ExamDefinition | undefined> {
    const row = await repo.findExamById(db, id);
    return row ? toExam(row, await repo.examVersions(db, [row.id])) : undefined;
  }

  async credentialByCode(
    code: string,
    db: Queryable = this.db,
  ): Promise<CredentialDefinition | undefined> {
    const row = await repo.findCredentialByCode(db, normalizeCode(code));
    return row ? toCredential(row, await repo.requirementVersions(db, [row.id])) : undefined;
  }

  async credentialById(
    id: number,
    db: Queryable = this.db,
  ): Promise<CredentialDefinition | undefined> {
    const row = await repo.findCredentialById(db, id);
    return row ? toCredential(row, await repo.requirementVersions(db, [row.id])) : undefined;
  }

  async trainingByCode(
    code: string,
    db: Queryable = this.db,
  ): Promise<TrainingDefinition | undefined> {
    return repo.findCodedByCode(db, 'training_courses', normalizeCode(code));
  }

  async agreementByCode(
    code: string,
    db: Queryable = this.db,
  ): Promise<AgreementDefinition | undefined> {
    const row = await repo.findCodedByCode(db, 'agreements', normalizeCode(code));
    return row ? toAgreement(row, await repo.agreementVersions(db, [row.id])) : undefined;
  }

  async creditCategoryByCode(
    code: string,
    db: Queryable = this.db,
  ): Promise<CreditCategoryDefinition | undefined> {
    return repo.findCodedByCode(db, 'credit_categories', normalizeCode(code));
  }

  onRequirementsChanged(listener: RequirementsChangeListener): void {
    this.listeners.push(listener);
  }

  // ---------------------------------------------------------------- lists for the console

  async listExams(query: ListQuery): Promise<Page<ExamDefinition>> {
    const { rows, total } = await repo.listExams(this.db, filterOf(query));
    const versions = await repo.examVersions(
      this.db,
      rows.map((r) => r.id),
    );
    return {
      rows: rows.map((r) =>
        toExam(
          r,
          versions.filter((v) => v.exam_id === r.id),
        ),
      ),
      total,
    };
  }

  async listCredentials(query: ListQuery): Promise<Page<CredentialDefinition>> {
    const { rows, total } = await repo.listCredentials(this.db, filterOf(query));
    const requirementsBy = groupBy(
      await repo.requirementVersions(
        this.db,
        rows.map((r) => r.id),
      ),
      (r) => r.credential_id,
    );
    return { rows: rows.map((r) => toCredential(r, requirementsBy.get(r.id) ?? [])), total };
  }

  async listCoded(kind: CodedKind, query: ListQuery): Promise<Page<TrainingDefinition>> {
    return repo.listCoded(this.db, TABLES[kind], filterOf(query));
  }

  async codedByCode(kind: CodedKind, code: string): Promise<TrainingDefinition | undefined> {
    return repo.findCodedByCode(this.db, TABLES[kind], normalizeCode(code));
  }

  // ---------------------------------------------------------------- exams

  async createExam(actor: CatalogActor, raw: Raw): Promise<ExamDefinition> {
    const input = valid(readExam(raw));
    const versions = readVersionList(raw);
    if (await repo.findExamByCode(this.db, input.code)) {
      throw new ValidationError([
        { field: 'code', messageKey: CODE_TAKEN.exam, params: { code: input.code } },
      ]);
    }
    return this.db.transaction().execute(async (trx) => {
      const id = await uniqueCode('exam', input.code, () =>
        repo.insertExam(trx, examValues(input)),
      );
      for (const v of versions) {
        await repo.insertExamVersion(trx, { examId: id, ...v });
      }
      await recordAudit(trx, {
        ...audit(actor),
        action: 'catalog.exam_created',
        subjectType: 'exam',
        subjectId: input.code,
        details: { ...examValuesForAudit(input), versions },
      });
      return (await this.examById(id, trx))!;
    });
  }

  /** Replaces an exam's fields (the code never changes: requirement trees name it). */
  async updateExam(actor: CatalogActor, code: string, raw: Raw): Promise<ExamDefinition> {
    const input = valid(readExam({ ...raw, code }));
    const versions = readVersionList(raw);
    return this.db.transaction().execute(async (trx) => {
      const before = await repo.lockExamByCode(trx, input.code);
      if (!before) throw notFound();
      const current = toExam(before, await repo.examVersions(trx, [before.id]));
      await repo.updateExam(trx, before.id, examValuesWithoutCode(input));
      // Versions named are added or have their dates set; versions not named stay.
      for (const v of versions) {
        if (current.versions.some((x) => x.version === v.version)) {
          await repo.setExamVersionDates(trx, before.id, v.version, v);
        } else {
          await repo.insertExamVersion(trx, { examId: before.id, ...v });
        }
      }
      const changes = diff(examValuesForAudit(examInputOf(current)), examValuesForAudit(input));
      await recordAudit(trx, {
        ...audit(actor),
        action: 'catalog.exam_updated',
        subjectType: 'exam',
        subjectId: input.code,
        details: { changes, ...(versions.length > 0 ? { versions } : {}) },
      });
      return (await this.examById(before.id, trx))!;
    });
  }

  async addExamVersion(actor: CatalogActor, code: string, raw: Raw): Promise<void> {
    const input = valid(readExamVersion(raw));
    await this.db.transaction().execute(async (trx) => {
      const exam = await repo.lockExamByCode(trx, normalizeCode(code));
      if (!exam) throw notFound();
      const existing = await repo.examVersions(trx, [exam.id]);
      if (existing.some((v) => v.version === input.version)) {
        throw new ValidationError([
          {
            field: 'version',
            messageKey: 'catalog.v.versionTaken',
            params: { version: input.version },
          },
        ]);
      }
      await repo.insertExamVersion(trx, { examId: exam.id, ...input });
      await recordAudit(trx, {
        ...audit(actor),
        action: 'catalog.exam_version_added',
        subjectType: 'exam',
        subjectId: exam.code,
        details: { ...input },
      });
    });
  }

  /** Ends a version's availability; passes of it keep counting unless a requirement says otherwise. */
  async retireExamVersion(
    actor: CatalogActor,
    code: string,
    version: string,
    raw: Raw,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const exam = await repo.lockExamByCode(trx, normalizeCode(code));
      if (!exam) throw notFound();
      const row = (await repo.examVersions(trx, [exam.id])).find((v) => v.version === version);
      if (!row) throw notFound();
      const until = valid(readRetireDate(raw, row.available_from));
      await repo.setExamVersionDates(trx, exam.id, version, { availableUntil: until });
      await recordAudit(trx, {
        ...audit(actor),
        action: 'catalog.exam_version_retired',
        subjectType: 'exam',
        subjectId: exam.code,
        details: { version, availableUntil: [row.available_until, until] },
      });
    });
  }

  // ---------------------------------------------------------------- training, agreements, credit categories

  async createCoded(actor: CatalogActor, kind: CodedKind, raw: Raw): Promise<TrainingDefinition> {
    const input = valid(readCoded(raw));
    // An agreement may be created with its first text in one go (the API does).
    const firstVersion =
      kind === 'agreement' && (raw.body !== undefined || raw.effectiveAt !== undefined)
        ? valid(readAgreementVersion(raw, actor.timeZone))
        : undefined;
    const table = TABLES[kind];
    if (await repo.findCodedByCode(this.db, table, input.code)) {
      throw new ValidationError([
        { field: 'code', messageKey: CODE_TAKEN[kind], params: { code: input.code } },
      ]);
    }
    return this.db.transaction().execute(async (trx) => {
      const id = await uniqueCode(kind, input.code, () => repo.insertCoded(trx, table, input));
      if (firstVersion) await repo.insertAgreementVersion(trx, id, firstVersion);
      await recordAudit(trx, {
        ...audit(actor),
        action: `catalog.${auditName(kind)}_created`,
        subjectType: auditName(kind),
        subjectId: input.code,
        details: {
          ...input,
          ...(firstVersion ? { version: 1, effectiveAt: firstVersion.effectiveAt } : {}),
        },
      });
      return { id, ...input };
    });
  }

  async updateCoded(actor: CatalogActor, kind: CodedKind, code: string, raw: Raw): Promise<void> {
    const input = valid(readCoded({ ...raw, code }));
    await this.db.transaction().execute(async (trx) => {
      const before = await repo.lockCodedByCode(trx, TABLES[kind], input.code);
      if (!before) throw notFound();
      await repo.updateCoded(trx, TABLES[kind], before.id, input);
      await recordAudit(trx, {
        ...audit(actor),
        action: `catalog.${auditName(kind)}_updated`,
        subjectType: auditName(kind),
        subjectId: input.code,
        details: { changes: diff(before, input) },
      });
    });
  }

  /** A new text of an agreement; earlier versions are kept as they were accepted. */
  async addAgreementVersion(actor: CatalogActor, code: string, raw: Raw): Promise<number> {
    const input = valid(readAgreementVersion(raw, actor.timeZone));
    return this.db.transaction().execute(async (trx) => {
      const agreement = await repo.lockCodedByCode(trx, 'agreements', normalizeCode(code));
      if (!agreement) throw notFound();
      const versions = await repo.agreementVersions(trx, [agreement.id]);
      const last = versions.at(-1);
      if (last && input.effectiveAt.getTime() < last.effective_at.getTime()) {
        throw new ValidationError([
          {
            field: 'effectiveAt',
            messageKey: 'catalog.v.effectiveBeforePrevious',
            params: { version: last.version, date: last.effective_at.toISOString().slice(0, 10) },
          },
        ]);
      }
      const version = await repo.insertAgreementVersion(trx, agreement.id, input);
      await recordAudit(trx, {
        ...audit(actor),
        action: 'catalog.agreement_version_added',
        subjectType: 'agreement',
        subjectId: agreement.code,
        details: { version, effectiveAt: input.effectiveAt, length: input.body.length },
      });
      return version;
    });
  }

  // ---------------------------------------------------------------- credentials

  async createCredential(actor: CatalogActor, raw: Raw): Promise<CredentialDefinition> {
    const input = valid(readCredential(raw));
    const defs = await this.definitions();
    const problems = checkCredentialReferences(input, knownSets(defs));
    if (defs.credentialsByCode.has(input.code))
      problems.unshift({
        field: 'code',
        messageKey: CODE_TAKEN.credential,
        params: { code: input.code },
      });
    if (input.status === 'published' || input.status === 'retired')
      problems.push({ field: 'status', messageKey: 'catalog.v.publishNeedsRequirements' });
    if (problems.length > 0) throw new ValidationError(problems);
    return this.db.transaction().execute(async (trx) => {
      const id = await uniqueCode('credential', input.code, () =>
        repo.insertCredential(trx, {
          code: input.code,
          ...credentialValues(input),
          status: 'draft',
        }),
      );
      await recordAudit(trx, {
        ...audit(actor),
        action: 'catalog.credential_created',
        subjectType: 'credential',
        subjectId: input.code,
        details: credentialValuesForAudit(input),
      });
      return (await this.credentialById(id, trx))!;
    });
  }

  /** Replaces a credential's fields; `status` (from the API) goes through the same rules as publishing. */
  async updateCredential(
    actor: CatalogActor,
    code: string,
    raw: Raw,
  ): Promise<CredentialDefinition> {
    const input = valid(readCredential({ ...raw, code }));
    const defs = await this.definitions();
    const problems = checkCredentialReferences(input, knownSets(defs));
    if (problems.length > 0) throw new ValidationError(problems);
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.lockCredentialByCode(trx, input.code);
      if (!row) throw notFound();
      const before = toCredential(row, await repo.requirementVersions(trx, [row.id]));
      if (input.status !== undefined && input.status !== before.status) {
        const problem = statusProblem(before, input.status);
        if (problem) throw new ValidationError([problem]);
      }
      await repo.updateCredential(trx, row.id, {
        ...credentialValues(input),
        ...(input.status ? { status: input.status } : {}),
      });
      await recordAudit(trx, {
        ...audit(actor),
        action: 'catalog.credential_updated',
        subjectType: 'credential',
        subjectId: input.code,
        details: {
          changes: diff(
            { ...credentialValuesForAudit(credentialInputOf(before)), status: before.status },
            { ...credentialValuesForAudit(input), status: input.status ?? before.status },
          ),
        },
      });
      return (await this.credentialById(row.id, trx))!;
    });
  }

  /** Publish (candidates see it), retire (no new awards) or publish again. */
  async setCredentialStatus(
    actor: CatalogActor,
    code: string,
    status: PublicationStatus,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await repo.lockCredentialByCode(trx, normalizeCode(code));
      if (!row) throw notFound();
      const before = toCredential(row, await repo.requirementVersions(trx, [row.id]));
      if (before.status === status) return;
      const problem = statusProblem(before, status);
      if (problem) throw new ValidationError([problem]);
      await repo.updateCredential(trx, row.id, { status });
      await recordAudit(trx, {
        ...audit(actor),
        action: `catalog.credential_${status === 'published' ? 'published' : status === 'retired' ? 'retired' : 'unpublished'}`,
        subjectType: 'credential',
        subjectId: row.code,
        details: { status: [before.status, status] },
      });
      // A newly published credential may already be met by candidates' facts.
      const inForce = before.requirements.at(-1);
      if (status === 'published' && inForce) {
        for (const listener of this.listeners) {
          await listener(trx, {
            credentialId: row.id,
            credentialCode: row.code,
            version: inForce.version,
            effectiveAt: new Date(),
            actorUserId: actor.userId,
          });
        }
      }
    });
  }

  /**
   * Every problem with a tree for this credential, without saving: shape
   * first (`parseRequirementTree`), then meaning against the catalog. Fields
   * are `tree` + the problem's JSON Pointer (`tree/children/0/minScore`).
   */
  async checkRequirements(
    code: string,
    tree: unknown,
    db: Queryable = this.db,
  ): Promise<{ tree: RequirementNode | undefined; problems: RequirementProblem[] }> {
    const parsed = parseRequirementTree(tree);
    if (!parsed.ok) return { tree: undefined, problems: parsed.problems };
    const defs = await this.definitions(db);
    const selfCode = normalizeCode(code);
    const others = defs.credentials.filter((c) => c.code !== selfCode);
    const problems = validateRequirementTree(
      parsed.tree,
      knownCodes(defs),
      selfCode,
      credentialGraph(others, new Date()),
    );
    return { tree: parsed.tree, problems };
  }

  /**
   * Every problem a new requirement version would have (tree, date, note),
   * without saving: what the editor shows when the form itself has problems.
   */
  async checkRequirementVersion(
    actor: CatalogActor,
    code: string,
    raw: RequirementVersionInput,
  ): Promise<FieldProblem[]> {
    const credential = await repo.findCredentialByCode(this.db, normalizeCode(code));
    if (!credential) throw notFound();
    return (await this.prepareRequirementVersion(this.db, credential, actor, raw)).problems;
  }

  /**
   * Saves a new requirement version (never edits one): the next version
   * number, effective from `effectiveAt`. Refused with every problem found.
   */
  async addRequirementVersion(
    actor: CatalogActor,
    code: string,
    raw: RequirementVersionInput,
  ): Promise<RequirementVersion> {
    return this.db.transaction().execute(async (trx) => {
      // One requirement change at a time across the program, so two saves can
      // neither take the same version number nor each miss the other's half of a cycle.
      await repo.lockRequirementChanges(trx);
      const row = await repo.lockCredentialByCode(trx, normalizeCode(code));
      if (!row) throw notFound();
      const ready = await this.prepareRequirementVersion(trx, row, actor, raw);
      if (ready.problems.length > 0 || !ready.tree || !ready.effectiveAt)
        throw new ValidationError(ready.problems);
      const { tree, effectiveAt, note } = ready;
      const version = await repo.insertRequirementVersion(trx, {
        credentialId: row.id,
        tree,
        effectiveAt,
        note,
        createdBy: actor.userId,
      });
      await repo.updateCredential(trx, row.id, {});
      await recordAudit(trx, {
        ...audit({ ...actor, reason: actor.reason ?? (note || null) }),
        action: 'catalog.requirements_versioned',
        subjectType: 'credential',
        subjectId: row.code,
        details: { version, effectiveAt, tree },
      });
      for (const listener of this.listeners) {
        await listener(trx, {
          credentialId: row.id,
          credentialCode: row.code,
          version,
          effectiveAt,
          actorUserId: actor.userId,
        });
      }
      return { version, tree, effectiveAt, note, createdAt: new Date() };
    });
  }

  private async prepareRequirementVersion(
    db: Queryable,
    credential: { id: number; code: string },
    actor: CatalogActor,
    raw: RequirementVersionInput,
  ) {
    const p = new Problems();
    const effectiveAt = readInstant(
      raw,
      'effectiveAt',
      actor.timeZone,
      p,
      'catalog.v.effectiveAtRequired',
    );
    const note = typeof raw.note === 'string' ? raw.note.trim() : '';
    if (note.length > LIMITS.note) p.add('note', 'catalog.v.tooLong', { max: LIMITS.note });
    const last = (await repo.requirementVersions(db, [credential.id])).at(-1);
    if (effectiveAt && last && effectiveAt.getTime() < last.effective_at.getTime()) {
      p.add('effectiveAt', 'catalog.v.effectiveBeforePrevious', {
        version: last.version,
        date: last.effective_at.toISOString().slice(0, 10),
      });
    }
    const checked = await this.checkRequirements(credential.code, raw.tree, db);
    return {
      problems: [...checked.problems.map(requirementProblem), ...p.list],
      tree: checked.tree,
      effectiveAt,
      note,
    };
  }

  /** The plain-language names of codes, for describing trees. */
  static names(defs: ProgramDefinitions) {
    return (
      kind: 'exam' | 'credential' | 'training' | 'agreement' | 'creditCategory',
      code: string,
    ) => {
      switch (kind) {
        case 'exam':
          return defs.exams.get(code)?.title;
        case 'credential':
          return defs.credentialsByCode.get(code)?.name;
        case 'training':
          return defs.trainings.get(code)?.title;
        case 'agreement':
          return defs.agreements.get(code)?.title;
        case 'creditCategory':
          return defs.creditCategories.get(code)?.title;
      }
    };
  }
}

// ------------------------------------------------------------------ helpers

/** A requirement problem as a field problem: `tree` + its JSON Pointer, the validator's message. */
export function requirementProblem(problem: RequirementProblem): FieldProblem {
  return {
    field: `tree${problem.path}`,
    messageKey: 'catalog.v.requirement',
    params: { message: problem.message, code: problem.code },
  };
}

function valid<T>(read: Read<T>): T {
  if (!read.ok) throw new ValidationError(read.problems);
  return read.value;
}

function filterOf(query: ListQuery): repo.ListFilter {
  return {
    q: query.q?.trim() || undefined,
    status: query.status,
    limit: query.pageSize,
    offset: (query.page - 1) * query.pageSize,
  };
}

function audit(actor: CatalogActor) {
  return { actorUserId: actor.userId, ip: actor.ip ?? null, reason: actor.reason?.trim() || null };
}

function auditName(kind: CodedKind): string {
  return kind === 'creditCategory' ? 'credit_category' : kind;
}

/** A second insert of the same code that raced past the first check still gets a field error. */
async function uniqueCode<T>(
  kind: CodedKind | 'exam' | 'credential',
  code: string,
  insert: () => Promise<T>,
): Promise<T> {
  try {
    return await insert();
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw new ValidationError([
        { field: 'code', messageKey: CODE_TAKEN[kind], params: { code } },
      ]);
    }
    throw error;
  }
}

/** Versions sent with an exam through the API (`versions: [{ version, availableFrom, availableUntil }]`). */
function readVersionList(raw: Raw) {
  const list = Array.isArray(raw.versions) ? (raw.versions as unknown[]) : [];
  const out: { version: string; availableFrom: string; availableUntil: string | null }[] = [];
  const problems: FieldProblem[] = [];
  list.forEach((item, i) => {
    const read = readExamVersion((item ?? {}) as Raw);
    if (read.ok) {
      if (out.some((v) => v.version === read.value.version)) {
        problems.push({
          field: `versions/${i}/version`,
          messageKey: 'catalog.v.versionTaken',
          params: { version: read.value.version },
        });
      }
      out.push(read.value);
    } else {
      problems.push(...read.problems.map((p) => ({ ...p, field: `versions/${i}/${p.field}` })));
    }
  });
  if (problems.length > 0) throw new ValidationError(problems);
  return out;
}

function statusProblem(
  credential: CredentialDefinition,
  next: PublicationStatus,
): FieldProblem | undefined {
  if (next === 'draft' && credential.status !== 'draft')
    return { field: 'status', messageKey: 'catalog.v.noBackToDraft' };
  if (next === 'published' && credential.requirements.length === 0)
    return { field: 'status', messageKey: 'catalog.v.publishNeedsRequirements' };
  return undefined;
}

function knownSets(defs: ProgramDefinitions) {
  return {
    exams: new Set(defs.exams.keys()),
    credentials: new Set(defs.credentialsByCode.keys()),
    creditCategories: new Set(defs.creditCategories.keys()),
  };
}

function knownCodes(defs: ProgramDefinitions): KnownCodes {
  const exams = [...defs.exams.values()];
  return {
    exams: new Set(defs.exams.keys()),
    credentials: new Set(defs.credentialsByCode.keys()),
    trainings: new Set(defs.trainings.keys()),
    agreements: new Set(defs.agreements.keys()),
    creditCategories: new Set(defs.creditCategories.keys()),
    // An exam without versions yet does not restrict them.
    examVersions: new Map(
      exams
        .filter((e) => e.versions.length > 0)
        .map((e) => [e.code, new Set(e.versions.map((v) => v.version))]),
    ),
    scoreScales: new Map(exams.map((e) => [e.code, { min: e.scoreMin, max: e.scoreMax }])),
  };
}

/** `{ field: [before, after] }` for the fields that changed. */
function diff(before: object, after: object): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  const b = before as Record<string, unknown>;
  for (const [key, value] of Object.entries(after)) {
    if (!(key in b)) continue;
    if (JSON.stringify(b[key]) !== JSON.stringify(value)) out[key] = [b[key], value];
  }
  return out;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

function byCode<T extends { code: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((i) => [i.code, i]));
}

function byId<T extends { id: number }>(items: readonly T[]): Map<number, T> {
  return new Map(items.map((i) => [i.id, i]));
}

// ------------------------------------------------------------------ rows to domain types and back

type ExamRow = NonNullable<Awaited<ReturnType<typeof repo.findExamById>>>;
type ExamVersionRow = Awaited<ReturnType<typeof repo.examVersions>>[number];
type CredentialRow = NonNullable<Awaited<ReturnType<typeof repo.findCredentialById>>>;
type RequirementRow = Awaited<ReturnType<typeof repo.requirementVersions>>[number];
type CodedRow = NonNullable<Awaited<ReturnType<typeof repo.findCodedByCode>>>;
type AgreementVersionRow = Awaited<ReturnType<typeof repo.agreementVersions>>[number];

function toExam(row: ExamRow, versions: readonly ExamVersionRow[]): ExamDefinition {
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    description: row.description,
    kind: row.kind,
    delivery: row.delivery,
    scoreMin: row.score_min,
    scoreMax: row.score_max,
    passingScore: row.passing_score,
    languages: row.languages,
    durationMinutes: row.duration_minutes,
    price:
      row.price_cents !== null && row.currency !== null
        ? { cents: row.price_cents, currency: row.currency }
        : null,
    versions: versions
      .map((v) => ({
        version: v.version,
        availableFrom: v.available_from,
        availableUntil: v.available_until,
      }))
      .sort(
        (a, b) =>
          a.availableFrom.localeCompare(b.availableFrom) || a.version.localeCompare(b.version),
      ),
    retake: {
      waitDaysFirst: row.retake_wait_days_first,
      waitDaysLater: row.retake_wait_days_later,
      maxPerYear: row.retake_max_per_year,
      afterPass: row.retake_after_pass,
    },
    status: row.status,
    updatedAt: row.updated_at,
  };
}

function toCredential(
  row: CredentialRow,
  requirements: readonly RequirementRow[],
): CredentialDefinition {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    level: row.level,
    levelRank: row.level_rank,
    description: row.description,
    status: row.status,
    validityMonths: row.validity_months,
    recertification: normalizeRecertification(row.recertification),
    requirements: requirements
      .map((r) => {
        const parsed = parseRequirementTree(r.tree);
        return {
          version: r.version,
          tree: parsed.ok ? parsed.tree : BROKEN_TREE,
          effectiveAt: r.effective_at,
          note: r.note,
          createdAt: r.created_at,
        };
      })
      .sort((a, b) => a.version - b.version),
    updatedAt: row.updated_at,
  };
}

function toAgreement(row: CodedRow, versions: readonly AgreementVersionRow[]): AgreementDefinition {
  return {
    ...row,
    versions: versions
      .map((v) => ({ version: v.version, body: v.body, effectiveAt: v.effective_at }))
      .sort((a, b) => a.version - b.version),
  };
}

function examValues(input: ExamInput): repo.NewExam {
  return { code: input.code, ...examValuesWithoutCode(input) };
}

function examValuesWithoutCode(input: ExamInput): Omit<repo.NewExam, 'code'> {
  return {
    title: input.title,
    description: input.description,
    kind: input.kind,
    delivery: input.delivery,
    score_min: input.scoreMin,
    score_max: input.scoreMax,
    passing_score: input.passingScore,
    languages: input.languages,
    duration_minutes: input.durationMinutes,
    price_cents: input.priceCents,
    currency: input.currency,
    retake_wait_days_first: input.retake.waitDaysFirst,
    retake_wait_days_later: input.retake.waitDaysLater,
    retake_max_per_year: input.retake.maxPerYear,
    retake_after_pass: input.retake.afterPass,
    status: input.status,
  };
}

function examValuesForAudit(input: ExamInput): Record<string, unknown> {
  const { retake, ...rest } = input;
  return { ...rest, ...prefixed('retake', retake) };
}

function examInputOf(exam: ExamDefinition): ExamInput {
  return {
    code: exam.code,
    title: exam.title,
    description: exam.description,
    kind: exam.kind,
    delivery: exam.delivery,
    scoreMin: exam.scoreMin,
    scoreMax: exam.scoreMax,
    passingScore: exam.passingScore,
    languages: exam.languages,
    durationMinutes: exam.durationMinutes,
    priceCents: exam.price?.cents ?? null,
    currency: exam.price?.currency ?? null,
    retake: exam.retake,
    status: exam.status,
  };
}

function credentialValues(input: CredentialInput) {
  return {
    name: input.name,
    kind: input.kind,
    level: input.level,
    level_rank: input.levelRank,
    description: input.description,
    validity_months: input.validityMonths,
    recertification: JSON.stringify(input.recertification),
  };
}

function credentialValuesForAudit(input: CredentialInput): Record<string, unknown> {
  const { recertification, status: _status, ...rest } = input;
  return { ...rest, recertification };
}

function credentialInputOf(c: CredentialDefinition): CredentialInput {
  return {
    code: c.code,
    name: c.name,
    kind: c.kind,
    level: c.level,
    levelRank: c.levelRank,
    description: c.description,
    validityMonths: c.validityMonths,
    recertification: c.recertification,
    status: c.status,
  };
}

function prefixed(prefix: string, values: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [`${prefix}${k[0]!.toUpperCase()}${k.slice(1)}`, v]),
  );
}
