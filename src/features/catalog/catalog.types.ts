import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { RequirementNode } from './catalog.requirements.ts';

/**
 * The catalog as other features see it: the program's definitions (exams,
 * credentials and their requirement versions, training courses, agreements,
 * credit categories), mapped from rows to domain types. Rows never leave the
 * catalog; this file is the contract the evaluator, awarding, scheduling and
 * the candidate pages code against.
 */

export type ExamKind = 'exam' | 'assessment';
export type Delivery = 'test_center' | 'online_proctored' | 'web';
export type PublicationStatus = 'draft' | 'published' | 'retired';
export type CredentialKind = 'accreditation' | 'certification';

/** A calendar date, `YYYY-MM-DD`, with no time zone to shift it. */
export type CalendarDate = string;

/** A database or a transaction: pass the caller's `trx` to read inside it. */
export type Queryable = Kysely<DB> | Transaction<DB>;

export interface ExamVersion {
  version: string;
  availableFrom: CalendarDate;
  /** Last day it may be sat; null: still available. A retired version's passes keep counting. */
  availableUntil: CalendarDate | null;
}

export interface RetakePolicy {
  /** Days to wait after the first failure. */
  waitDaysFirst: number;
  /** Days to wait after the second and later failures. */
  waitDaysLater: number;
  /** Attempts allowed in any 12 months; null: no limit. */
  maxPerYear: number | null;
  /** Whether a passed version may be sat again. */
  afterPass: boolean;
}

export interface ExamDefinition {
  id: number;
  code: string;
  title: string;
  description: string;
  kind: ExamKind;
  delivery: Delivery[];
  /** The exam's own scale: scores lie in [scoreMin, scoreMax]. */
  scoreMin: number;
  scoreMax: number;
  /** A result at or above this passes. */
  passingScore: number;
  /** BCP 47 tags, e.g. `en`, `pt-BR`. */
  languages: string[];
  durationMinutes: number | null;
  /** Null: free or not sold through the portal. */
  price: { cents: number; currency: string } | null;
  /** Ascending by availableFrom, then version. */
  versions: ExamVersion[];
  retake: RetakePolicy;
  status: PublicationStatus;
  updatedAt: Date;
}

/** How an award is renewed; every field present (an empty list means "not this way"). */
export interface RecertificationRules {
  /** Renew by meeting the requirements in force again with evidence newer than the last award. */
  requirementsAgain: boolean;
  /** Renew by passing any of these exams (codes). */
  exams: string[];
  /** Renew by earning any of these higher credentials (codes), as stacked programs do. */
  higherCredentials: string[];
  /** Renew by earning this many credits of the category within the validity period. */
  credits: { category: string; minimum: number } | null;
}

/** One version of a credential's requirements; never edited once saved. */
export interface RequirementVersion {
  version: number;
  tree: RequirementNode;
  /** Candidates are judged by the latest version with effectiveAt <= the evaluation date. */
  effectiveAt: Date;
  note: string;
  createdAt: Date;
}

export interface CredentialDefinition {
  id: number;
  code: string;
  name: string;
  kind: CredentialKind;
  level: string;
  /** 1 (entry) to 10; orders levels across credentials. */
  levelRank: number;
  description: string;
  status: PublicationStatus;
  /** Null: never expires. */
  validityMonths: number | null;
  recertification: RecertificationRules;
  /** Ascending by version (and so by effectiveAt). */
  requirements: RequirementVersion[];
  updatedAt: Date;
}

export interface TrainingDefinition {
  id: number;
  code: string;
  title: string;
  description: string;
}

export interface AgreementVersion {
  version: number;
  body: string;
  effectiveAt: Date;
}

export interface AgreementDefinition {
  id: number;
  code: string;
  title: string;
  description: string;
  /** Ascending by version. */
  versions: AgreementVersion[];
}

export interface CreditCategoryDefinition {
  id: number;
  code: string;
  title: string;
  description: string;
}

/**
 * Everything the evaluator and awarding need, read in one go. Each call to
 * `definitions()` reads afresh; hold on to the result for the length of one
 * piece of work (a request, a job batch), not longer.
 */
export interface ProgramDefinitions {
  /** By code. */
  exams: ReadonlyMap<string, ExamDefinition>;
  examsById: ReadonlyMap<number, ExamDefinition>;
  /** Ordered by levelRank, then code. */
  credentials: readonly CredentialDefinition[];
  credentialsByCode: ReadonlyMap<string, CredentialDefinition>;
  credentialsById: ReadonlyMap<number, CredentialDefinition>;
  trainings: ReadonlyMap<string, TrainingDefinition>;
  trainingsById: ReadonlyMap<number, TrainingDefinition>;
  agreements: ReadonlyMap<string, AgreementDefinition>;
  agreementsById: ReadonlyMap<number, AgreementDefinition>;
  creditCategories: ReadonlyMap<string, CreditCategoryDefinition>;
  creditCategoriesById: ReadonlyMap<number, CreditCategoryDefinition>;
}

/** Told, inside the saving transaction, that a credential has a new requirement version. */
export interface RequirementsChange {
  credentialId: number;
  credentialCode: string;
  version: number;
  effectiveAt: Date;
  actorUserId: number | null;
}
export type RequirementsChangeListener = (
  trx: Transaction<DB>,
  change: RequirementsChange,
) => Promise<void>;

/** What other features may call on `app.catalog`. */
export interface CatalogApi {
  /** Every definition, read afresh (in `db` when given, e.g. the caller's transaction). */
  definitions(db?: Queryable): Promise<ProgramDefinitions>;
  /** Every definition as of a fingerprint the caller read (`CATALOG_FINGERPRINT_SQL`); cached per process. */
  definitionsFor(fingerprint: string): Promise<ProgramDefinitions>;
  /** The requirement version in force at `at`: the latest with effectiveAt <= at. */
  requirementsInForce(credential: CredentialDefinition, at: Date): RequirementVersion | undefined;
  examByCode(code: string, db?: Queryable): Promise<ExamDefinition | undefined>;
  examById(id: number, db?: Queryable): Promise<ExamDefinition | undefined>;
  credentialByCode(code: string, db?: Queryable): Promise<CredentialDefinition | undefined>;
  credentialById(id: number, db?: Queryable): Promise<CredentialDefinition | undefined>;
  trainingByCode(code: string, db?: Queryable): Promise<TrainingDefinition | undefined>;
  agreementByCode(code: string, db?: Queryable): Promise<AgreementDefinition | undefined>;
  creditCategoryByCode(code: string, db?: Queryable): Promise<CreditCategoryDefinition | undefined>;
  /**
   * Runs `listener` in the same transaction as every new requirement version
   * (awarding uses it to enqueue the re-evaluation job). A listener that
   * throws rolls the new version back.
   */
  onRequirementsChanged(listener: RequirementsChangeListener): void;
}
