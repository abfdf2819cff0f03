import type { Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Evaluation, EvidenceRef } from './evaluator.ts';
import type { RequirementNode } from './requirements.ts';
import type { RecertificationRules, RetakePolicy } from '../catalog/index.ts';

/**
 * The public interface of progress and awarding, for the candidate pages,
 * evidence review, exam registration (retake) and result imports. Everything
 * here is a domain type: no database row leaves the feature.
 */

export type { Evaluation, EvidenceRef, RequirementNode, RetakePolicy };

/** Who makes a change: a signed-in person (a `Principal` fits), or null for the system. */
export type Actor = { readonly userId: number } | null;

/** A transaction the caller opened; facts and awards change inside it. */
export type Trx = Transaction<DB>;

export type AwardStatus = 'active' | 'expired' | 'suspended' | 'revoked';

/** How a credential may be renewed: the catalog's `RecertificationRules`. */
export type Recertification = RecertificationRules;

export interface AwardView {
  id: number;
  /** The public verification code, `XXXX-XXXX-XXXX-XXXX` (Crockford base32). */
  credentialNumber: string;
  credentialId: number;
  credentialCode: string;
  credentialName: string;
  status: AwardStatus;
  statusReason: string | null;
  statusChangedAt: Date | null;
  /** When the requirements became met (the evaluation's metAt). */
  awardedAt: Date;
  expiresAt: Date | null;
  lastRenewedAt: Date | null;
  requirementVersion: number;
  evidence: EvidenceRef[];
  /** A program manager's decision to keep the award when a result it rested on was revoked. */
  keptByDecision: string | null;
}

/** An award with its holder's id, for features that check who owns it. */
export interface HeldAwardView extends AwardView {
  userId: number;
}

/**
 * What the public verification page shows of an award: never the status
 * reason, never the holder's email or ids.
 */
export interface VerificationRecord {
  credentialNumber: string;
  /** The stored status (an active award past its expiry is still 'active' until the sweep). */
  status: AwardStatus;
  statusChangedAt: Date | null;
  awardedAt: Date;
  expiresAt: Date | null;
  lastRenewedAt: Date | null;
  holderName: string;
  credential: {
    code: string;
    name: string;
    kind: 'accreditation' | 'certification';
    level: string;
  };
  /** The holder opted into the public directory (their pages may be indexed). */
  listed: boolean;
}

/** One row of the public directory: a listed holder's active award. */
export interface DirectoryEntry {
  credentialNumber: string;
  holderName: string;
  credentialName: string;
  awardedAt: Date;
  expiresAt: Date | null;
}

export interface CredentialSummary {
  id: number;
  code: string;
  name: string;
  kind: 'accreditation' | 'certification';
  level: string;
  levelRank: number;
  description: string;
  validityMonths: number | null;
  recertification: Recertification;
}

export interface CredentialProgress {
  credential: CredentialSummary;
  /** The version the candidate is judged by: the award's when a live award exists, else the one in force. */
  requirementVersion: number;
  tree: RequirementNode;
  evaluation: Evaluation;
  /** The live (active or suspended) award, else the latest one, else null. */
  award: AwardView | null;
  /** For an active award that expires: its expiry date (renew before it); else null. */
  renewBy: Date | null;
}

export interface RetakeInfo {
  /**
   * The first instant a new attempt may be taken, when later than now; null
   * when it may be taken now, or when blocked for good ('passed').
   */
  allowedFrom: Date | null;
  blocked: 'passed' | 'max_attempts' | null;
}

export interface ResultView {
  id: number;
  examId: number;
  examCode: string;
  examTitle: string;
  examKind: 'exam' | 'assessment';
  examVersion: string | null;
  score: number | null;
  passingScore: number;
  passed: boolean;
  takenAt: Date;
  source: 'provider' | 'import' | 'manual' | 'api';
  status: 'valid' | 'revoked';
  statusReason: string | null;
  /**
   * On the latest valid attempt of each exam, when it failed: when the
   * candidate may try again (retake.ts). Null on every other attempt.
   */
  retake: RetakeInfo | null;
}

/** One entry of a result's correction history. */
export interface ResultChangeView {
  id: number;
  resultId: number;
  at: Date;
  actorUserId: number | null;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  reason: string | null;
}

export interface TrainingView {
  id: number;
  courseCode: string;
  courseTitle: string;
  completedAt: Date;
  source: 'manual' | 'evidence' | 'import';
  evidenceId: number | null;
  reason: string | null;
}

export interface AgreementView {
  id: number;
  agreementCode: string;
  agreementTitle: string;
  version: number;
  acceptedAt: Date;
  source: 'candidate' | 'manual' | 'import';
  reason: string | null;
}

export interface CreditView {
  id: number;
  categoryCode: string;
  categoryTitle: string;
  amount: number;
  earnedAt: Date;
  source: 'manual' | 'evidence' | 'import';
  evidenceId: number | null;
  reason: string | null;
}

/** What the engine did to one award. */
export interface AwardChange {
  kind: 'awarded' | 'renewed' | 'revoked' | 'kept' | 'expired';
  userId: number;
  awardId: number;
  credentialId: number;
  credentialCode: string;
}

export type FactSource = 'manual' | 'evidence' | 'import';

export interface RecordTrainingInput {
  courseCode: string;
  completedAt: Date;
  source: FactSource;
  evidenceId?: number;
  reason: string;
}

export interface RecordCreditsInput {
  categoryCode: string;
  amount: number;
  earnedAt: Date;
  source: FactSource;
  evidenceId?: number;
  reason: string;
}

export interface RecordAgreementInput {
  agreementCode: string;
  version: number;
  acceptedAt: Date;
  source: 'candidate' | 'manual' | 'import';
  reason?: string;
}

export interface RecordResultInput {
  examCode: string;
  examVersion?: string;
  score?: number;
  /** Default: score >= the exam's passing score (required when no score is given). */
  passed?: boolean;
  takenAt: Date;
  reason: string;
  /** Default 'manual'. */
  source?: 'provider' | 'import' | 'manual' | 'api';
}

export interface CorrectResultInput {
  /** null removes the score (a pass or fail without one). */
  score?: number | null;
  passed?: boolean;
  takenAt?: Date;
  examVersion?: string | null;
}

export interface ProgressService {
  /** Every published credential, in level order, with the candidate's evaluation. */
  candidateProgress(userId: number, at?: Date): Promise<CredentialProgress[]>;
  credentialProgress(
    userId: number,
    credentialCode: string,
    at?: Date,
  ): Promise<CredentialProgress | undefined>;
  /** Every award of the candidate, newest first. */
  awardsOf(userId: number): Promise<AwardView[]>;
  /** One award of the candidate by credential number; undefined if unknown or someone else's. */
  awardOfUser(userId: number, credentialNumber: string): Promise<AwardView | undefined>;
  /** Every attempt, newest first, with retake information on failed ones. */
  history(userId: number, filter?: { examCode?: string; year?: number }): Promise<ResultView[]>;

  /**
   * Fact writers: each writes the fact, an audit event, and re-evaluates the
   * candidate in the same transaction (the caller's `trx` when given, else
   * its own). Unknown codes throw an AppError with code `UNKNOWN_CODE` (400).
   */
  recordTraining(
    actor: Actor,
    userId: number,
    input: RecordTrainingInput,
    trx?: Trx,
  ): Promise<{ id: number }>;
  recordCredits(
    actor: Actor,
    userId: number,
    input: RecordCreditsInput,
    trx?: Trx,
  ): Promise<{ id: number }>;
  recordAgreement(
    actor: Actor,
    userId: number,
    input: RecordAgreementInput,
    trx?: Trx,
  ): Promise<{ id: number }>;
  recordResult(
    actor: Actor,
    userId: number,
    input: RecordResultInput,
    trx?: Trx,
  ): Promise<{ resultId: number }>;
  correctResult(
    actor: Actor,
    resultId: number,
    input: CorrectResultInput,
    reason: string,
  ): Promise<void>;
  /**
   * Revokes a result (e.g. misconduct). Awards that no longer hold without it
   * are revoked with the reason, unless `keepAwards` records a program
   * manager's decision to keep them.
   */
  revokeResult(
    actor: Actor,
    resultId: number,
    reason: string,
    keepAwards?: { decision: string },
  ): Promise<void>;
  restoreResult(actor: Actor, resultId: number, reason: string): Promise<void>;

  /**
   * The engine: locks the candidates' user rows (in id order), loads their
   * facts and re-evaluates every published credential, creating, renewing or
   * revoking awards until nothing changes. Call it inside the transaction
   * that changed the facts.
   */
  reevaluateCandidates(
    trx: Trx,
    userIds: readonly number[],
    trigger: string,
    options?: {
      /** The evaluation date; default now. */
      at?: Date;
      /** Who caused it, for the audit of revocations; default the system. */
      actorUserId?: number | null;
      /** Recorded on awards this revokes. */
      reason?: string;
    },
  ): Promise<AwardChange[]>;
}
