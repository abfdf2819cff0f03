import { CompiledQuery } from 'kysely';
import type { MessageKey } from '../../platform/i18n/i18n.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Database, DatabaseHandle } from '../../platform/db/database.ts';
import { notFound, ValidationError, type FieldProblem } from '../../platform/http/errors.ts';
import type { CatalogApi, ProgramDefinitions } from '../catalog/index.ts';
import { Candidate, type AwardRecord } from './award-rules.ts';
import { AwardingEngine, codeLookup, type ReevaluateOptions } from './awarding.ts';
import {
  changeAwardStatus,
  previewAwardStatus,
  searchAwards,
  type AwardListFilter,
  type AwardListRow,
  type AwardStatusAction,
  type AwardStatusOutcome,
  type AwardStatusPreview,
} from './award-status.ts';
import { progressOf } from './candidate-progress.ts';
import { fromStoredEvidence, loadCandidates } from './facts.repository.ts';
import * as repo from './progress.repository.ts';
import type {
  Actor,
  AwardChange,
  AwardView,
  CorrectResultInput,
  CredentialProgress,
  DirectoryEntry,
  HeldAwardView,
  ProgressService,
  RecordAgreementInput,
  RecordCreditsInput,
  RecordResultInput,
  RecordTrainingInput,
  ResultView,
  Trx,
  VerificationRecord,
} from './progress.types.ts';
import { retakeEligibility } from './retake.ts';
import {
  assignResult,
  upsertProviderResults,
  type ProviderBatchOptions,
  type ProviderBatchResult,
  type ProviderResultInput,
} from './result-batch.ts';

/**
 * Progress and awarding: reads for the candidate pages, and every change to
 * a candidate's facts. Each change writes the fact, its history and audit
 * rows, and re-evaluates the candidate in the same transaction, so an award
 * never lags behind the facts it rests on.
 */

/** A calendar date typed for "today" may lie ahead of the server's clock by up to a day (UTC+14). */
const FUTURE_TOLERANCE_MS = 36 * 3_600_000;
const MAX_REASON = 2000;
const MAX_CREDITS = 100_000;

export class ProgressServiceImpl implements ProgressService {
  constructor(
    private readonly db: Database,
    private readonly catalog: Pick<CatalogApi, 'definitions'>,
    readonly engine: AwardingEngine,
    private readonly publicUrl = '',
    /** Named prepared statements (the verification lookup); without them, plain queries. */
    private readonly prepared?: DatabaseHandle['prepared'],
  ) {}

  private within<T>(trx: Trx | undefined, work: (trx: Trx) => Promise<T>): Promise<T> {
    return trx ? work(trx) : this.db.transaction().execute(work);
  }

  // ---------------------------------------------------------------- the engine

  reevaluateCandidates(
    trx: Trx,
    userIds: readonly number[],
    trigger: string,
    options?: ReevaluateOptions,
  ): Promise<AwardChange[]> {
    return this.engine.reevaluate(trx, userIds, trigger, options);
  }

  // ---------------------------------------------------------------- award status by hand

  /**
   * Suspends, restores or revokes awards by credential number, with a reason
   * (award-status.ts): what changed, and what was skipped and why.
   */
  changeAwardStatus(
    actor: Actor,
    credentialNumbers: readonly string[],
    action: AwardStatusAction,
    reason: string,
  ): Promise<AwardStatusOutcome> {
    return changeAwardStatus(
      {
        db: this.db,
        engine: this.engine,
        definitions: () => this.catalog.definitions(),
        publicUrl: this.publicUrl,
      },
      actor,
      credentialNumbers,
      action,
      reason,
    );
  }

  /** What `changeAwardStatus` would do, without doing it (the page that asks to check first). */
  async previewAwardStatus(
    credentialNumbers: readonly string[],
    action: AwardStatusAction,
  ): Promise<AwardStatusPreview> {
    return previewAwardStatus(this.db, await this.catalog.definitions(), credentialNumbers, action);
  }

  /** The staff list of awards: search, status filter, paging. */
  async searchAwards(filter: AwardListFilter): Promise<{ rows: AwardListRow[]; total: number }> {
    return searchAwards(this.db, await this.catalog.definitions(), filter);
  }

  /** Results from a provider, many at a time, in the caller's transaction (result-batch.ts). */
  upsertProviderResults(
    trx: Trx,
    actor: Actor,
    items: readonly ProviderResultInput[],
    options: ProviderBatchOptions,
  ): Promise<ProviderBatchResult> {
    return upsertProviderResults(this.engine, trx, actor, items, options);
  }

  /** Gives an unclaimed result to a candidate, in the caller's transaction (result-batch.ts). */
  assignResult(
    trx: Trx,
    actor: Actor,
    resultId: number,
    userId: number,
    how: { action: 'results.claimed' | 'results.linked'; reason: string },
  ): Promise<AwardChange[]> {
    return assignResult(this.engine, trx, actor, resultId, userId, how);
  }

  // ---------------------------------------------------------------- reads

  async candidateProgress(userId: number, at: Date = new Date()): Promise<CredentialProgress[]> {
    return this.progressFor(userId, at, (c) => c.status === 'published');
  }

  async credentialProgress(
    userId: number,
    credentialCode: string,
    at: Date = new Date(),
  ): Promise<CredentialProgress | undefined> {
    const code = credentialCode.trim().toUpperCase();
    const list = await this.progressFor(userId, at, (c) => c.code === code && c.status !== 'draft');
    return list[0];
  }

  private async progressFor(
    userId: number,
    at: Date,
    include: (c: ProgramDefinitions['credentials'][number]) => boolean,
  ): Promise<CredentialProgress[]> {
    const defs = await this.catalog.definitions();
    const credentials = defs.credentials.filter(include);
    if (credentials.length === 0) return [];
    const [loaded, awardRows] = await Promise.all([
      loadCandidates(this.db, [userId], codeLookup(defs)),
      repo.awardsOfUser(this.db, userId),
    ]);
    const state = loaded.get(userId);
    if (!state) return [];
    const views = new Map(awardRows.map((row) => [row.id, toAwardView(row, defs)]));
    return progressOf(credentials, new Candidate(state), views, at);
  }

  async awardsOf(userId: number): Promise<AwardView[]> {
    const [defs, rows] = await Promise.all([
      this.catalog.definitions(),
      repo.awardsOfUser(this.db, userId),
    ]);
    return rows.map((row) => toAwardView(row, defs));
  }

  // ---------------------------------------------------------------- public reads (credentials feature)

  /**
   * The public verification page's record of an award, by its normalized
   * number, in one prepared query (the page is hit anonymously and often).
   */
  async verificationRecord(credentialNumber: string): Promise<VerificationRecord | undefined> {
    const values = [credentialNumber];
    const [row] = this.prepared
      ? await this.prepared<repo.VerificationRow>(
          'laurel_verification',
          repo.VERIFICATION_SQL,
          values,
        )
      : (
          await this.db.executeQuery<repo.VerificationRow>(
            CompiledQuery.raw(repo.VERIFICATION_SQL, values),
          )
        ).rows;
    if (!row) return undefined;
    return {
      credentialNumber: row.credential_number,
      status: row.status,
      statusChangedAt: row.status_changed_at,
      awardedAt: row.awarded_at,
      expiresAt: row.expires_at,
      lastRenewedAt: row.last_renewed_at,
      holderName: `${row.given_name} ${row.family_name}`.trim(),
      credential: {
        code: row.credential_code,
        name: row.credential_name,
        kind: row.credential_kind,
        level: row.credential_level,
      },
      listed: row.listed,
    };
  }

  /** One award by its public number, with its holder's id; undefined when there is none. */
  async awardByNumber(credentialNumber: string): Promise<HeldAwardView | undefined> {
    return (await this.awardsByNumbers([credentialNumber]))[0];
  }

  /** Awards by their public numbers (unknown numbers are left out), newest first. */
  async awardsByNumbers(numbers: readonly string[]): Promise<HeldAwardView[]> {
    if (numbers.length === 0) return [];
    const [defs, rows] = await Promise.all([
      this.catalog.definitions(),
      repo.awardsByNumbers(this.db, numbers),
    ]);
    return rows.map((row) => ({ ...toAwardView(row, defs), userId: row.user_id }));
  }

  /** The public directory: active awards of holders who opted in, paged. */
  async publicDirectory(
    filter: { name?: string; credentialId?: number },
    limit: number,
    offset: number,
  ): Promise<{ entries: DirectoryEntry[]; total: number }> {
    const { rows, total } = await repo.directoryRows(
      this.db,
      { ...filter, at: new Date() },
      limit,
      offset,
    );
    return {
      total,
      entries: rows.map((r) => ({
        credentialNumber: r.credential_number,
        holderName: `${r.given_name} ${r.family_name}`.trim(),
        credentialName: r.credential_name,
        awardedAt: r.awarded_at,
        expiresAt: r.expires_at,
      })),
    };
  }

  /**
   * One award of the candidate by its credential number; undefined when the
   * number is unknown or the award is someone else's (callers answer 404
   * either way).
   */
  async awardOfUser(userId: number, credentialNumber: string): Promise<AwardView | undefined> {
    const row = await repo.awardOfUserByNumber(this.db, userId, credentialNumber);
    if (!row) return undefined;
    return toAwardView(row, await this.catalog.definitions());
  }

  async history(
    userId: number,
    filter: { examCode?: string; year?: number } = {},
  ): Promise<ResultView[]> {
    const [defs, rows] = await Promise.all([
      this.catalog.definitions(),
      repo.resultsOfUser(this.db, userId),
    ]);
    const now = new Date();
    // Retake information belongs to the latest attempt of each exam, when it failed.
    const latestByExam = new Map<number, number>();
    for (const r of rows) {
      if (r.status === 'valid' && !latestByExam.has(r.exam_id)) latestByExam.set(r.exam_id, r.id);
    }
    const out: ResultView[] = [];
    for (const r of rows) {
      const exam = defs.examsById.get(r.exam_id);
      if (!exam) continue;
      if (filter.examCode && exam.code !== filter.examCode.toUpperCase()) continue;
      if (filter.year && r.taken_at.getUTCFullYear() !== filter.year) continue;
      let retake: ResultView['retake'] = null;
      if (!r.passed && r.status === 'valid' && latestByExam.get(r.exam_id) === r.id) {
        const attempts = rows
          .filter((a) => a.exam_id === r.exam_id && a.status === 'valid')
          .map((a) => ({ takenAt: a.taken_at, passed: a.passed, version: a.exam_version }));
        retake = retakeEligibility(exam.retake, attempts, now);
      }
      out.push({
        id: r.id,
        examId: exam.id,
        examCode: exam.code,
        examTitle: exam.title,
        examKind: exam.kind,
        examVersion: r.exam_version,
        score: r.score,
        passingScore: exam.passingScore,
        passed: r.passed,
        takenAt: r.taken_at,
        source: r.source,
        status: r.status,
        statusReason: r.status_reason,
        retake,
      });
    }
    return out;
  }

  // ---------------------------------------------------------------- facts

  async recordTraining(
    actor: Actor,
    userId: number,
    input: RecordTrainingInput,
    trx?: Trx,
  ): Promise<{ id: number }> {
    return this.within(trx, async (t) => {
      await this.lockCandidate(t, userId);
      const defs = await this.catalog.definitions(t);
      const problems: FieldProblem[] = [];
      const course = checkCode(
        defs.trainings,
        input.courseCode,
        'courseCode',
        {
          unknown: 'progress.v.unknownCourse',
          required: 'progress.v.courseRequired',
        },
        problems,
      );
      const completedAt = checkDate(input.completedAt, 'completedAt', problems);
      const reason = checkReason(input.reason, input.source === 'manual', problems);
      if (problems.length > 0 || !course || !completedAt) throw new ValidationError(problems);
      const row = await repo.insertTraining(t, {
        user_id: userId,
        course_id: course.id,
        completed_at: completedAt,
        source: input.source,
        evidence_id: input.evidenceId ?? null,
        recorded_by: actor?.userId ?? null,
        reason,
      });
      await recordAudit(t, {
        actorUserId: actor?.userId ?? null,
        action: 'progress.training_recorded',
        subjectType: 'user',
        subjectId: userId,
        reason,
        details: {
          trainingId: row.id,
          course: course.code,
          completedAt: completedAt.toISOString(),
          source: input.source,
          evidenceId: input.evidenceId ?? null,
        },
      });
      await this.engine.reevaluate(t, [userId], 'training', {
        definitions: defs,
        actorUserId: actor?.userId ?? null,
      });
      return { id: row.id };
    });
  }

  async recordCredits(
    actor: Actor,
    userId: number,
    input: RecordCreditsInput,
    trx?: Trx,
  ): Promise<{ id: number }> {
    return this.within(trx, async (t) => {
      await this.lockCandidate(t, userId);
      const defs = await this.catalog.definitions(t);
      const problems: FieldProblem[] = [];
      const category = checkCode(
        defs.creditCategories,
        input.categoryCode,
        'categoryCode',
        {
          unknown: 'progress.v.unknownCategory',
          required: 'progress.v.categoryRequired',
        },
        problems,
      );
      const amount = input.amount;
      // numeric(8, 2): two decimals at most.
      if (
        !Number.isFinite(amount) ||
        amount <= 0 ||
        amount > MAX_CREDITS ||
        Math.round(amount * 100) !== amount * 100
      ) {
        problems.push({ field: 'amount', messageKey: 'progress.v.amount' });
      }
      const earnedAt = checkDate(input.earnedAt, 'earnedAt', problems);
      const reason = checkReason(input.reason, input.source === 'manual', problems);
      if (problems.length > 0 || !category || !earnedAt) throw new ValidationError(problems);
      const row = await repo.insertCredits(t, {
        user_id: userId,
        category_id: category.id,
        amount: amount.toFixed(2),
        earned_at: earnedAt,
        source: input.source,
        evidence_id: input.evidenceId ?? null,
        recorded_by: actor?.userId ?? null,
        reason,
      });
      await recordAudit(t, {
        actorUserId: actor?.userId ?? null,
        action: 'progress.credits_recorded',
        subjectType: 'user',
        subjectId: userId,
        reason,
        details: {
          creditId: row.id,
          category: category.code,
          amount,
          earnedAt: earnedAt.toISOString(),
          source: input.source,
          evidenceId: input.evidenceId ?? null,
        },
      });
      await this.engine.reevaluate(t, [userId], 'credits', {
        definitions: defs,
        actorUserId: actor?.userId ?? null,
      });
      return { id: row.id };
    });
  }

  async recordAgreement(
    actor: Actor,
    userId: number,
    input: RecordAgreementInput,
    trx?: Trx,
  ): Promise<{ id: number }> {
    return this.within(trx, async (t) => {
      await this.lockCandidate(t, userId);
      const defs = await this.catalog.definitions(t);
      const problems: FieldProblem[] = [];
      const agreement = checkCode(
        defs.agreements,
        input.agreementCode,
        'agreementCode',
        {
          unknown: 'progress.v.unknownAgreement',
          required: 'progress.v.agreementRequired',
        },
        problems,
      );
      if (
        agreement &&
        (!Number.isInteger(input.version) ||
          (agreement.versions.length > 0 &&
            !agreement.versions.some((v) => v.version === input.version)))
      ) {
        problems.push({
          field: 'version',
          messageKey: Number.isInteger(input.version)
            ? 'progress.v.agreementVersion'
            : 'progress.v.agreementVersionRequired',
          params: { version: String(input.version) },
        });
      }
      const acceptedAt = checkDate(input.acceptedAt, 'acceptedAt', problems);
      const reason = checkReason(input.reason ?? '', input.source === 'manual', problems);
      if (problems.length > 0 || !agreement || !acceptedAt) throw new ValidationError(problems);
      const row = await repo.insertAgreement(t, {
        user_id: userId,
        agreement_id: agreement.id,
        version: input.version,
        accepted_at: acceptedAt,
        source: input.source,
        recorded_by: actor?.userId ?? null,
        reason,
      });
      if (!row) {
        throw new ValidationError([
          {
            field: 'version',
            messageKey: 'progress.v.alreadyAccepted',
            params: { version: input.version },
          },
        ]);
      }
      await recordAudit(t, {
        actorUserId: actor?.userId ?? null,
        action: 'progress.agreement_recorded',
        subjectType: 'user',
        subjectId: userId,
        reason,
        details: {
          acceptanceId: row.id,
          agreement: agreement.code,
          version: input.version,
          acceptedAt: acceptedAt.toISOString(),
          source: input.source,
        },
      });
      await this.engine.reevaluate(t, [userId], 'agreement', {
        definitions: defs,
        actorUserId: actor?.userId ?? null,
      });
      return { id: row.id };
    });
  }

  async recordResult(
    actor: Actor,
    userId: number,
    input: RecordResultInput,
    trx?: Trx,
  ): Promise<{ resultId: number }> {
    return this.within(trx, async (t) => {
      await this.lockCandidate(t, userId);
      const defs = await this.catalog.definitions(t);
      const problems: FieldProblem[] = [];
      const exam = checkCode(
        defs.exams,
        input.examCode,
        'examCode',
        {
          unknown: 'progress.v.unknownExam',
          required: 'progress.v.examRequired',
        },
        problems,
      );
      const version = input.examVersion?.trim() || null;
      if (
        exam &&
        version &&
        exam.versions.length > 0 &&
        !exam.versions.some((v) => v.version === version)
      ) {
        problems.push({
          field: 'examVersion',
          messageKey: 'progress.v.examVersion',
          params: { version },
        });
      }
      const score = input.score ?? null;
      if (
        exam &&
        score !== null &&
        (!Number.isInteger(score) || score < exam.scoreMin || score > exam.scoreMax)
      ) {
        problems.push({
          field: 'score',
          messageKey: 'progress.v.score',
          params: { min: exam.scoreMin, max: exam.scoreMax },
        });
      }
      let passed = input.passed;
      if (passed === undefined && exam && score !== null) passed = score >= exam.passingScore;
      if (passed === undefined && exam && !problems.some((p) => p.field === 'score')) {
        problems.push({ field: 'passed', messageKey: 'progress.v.outcomeRequired' });
      }
      const source = input.source ?? 'manual';
      const takenAt = checkDate(input.takenAt, 'takenAt', problems);
      const reason = checkReason(input.reason, source === 'manual', problems);
      if (problems.length > 0 || !exam || !takenAt || passed === undefined) {
        throw new ValidationError(problems);
      }
      const row = await repo.insertResult(t, {
        user_id: userId,
        exam_id: exam.id,
        exam_version: version,
        score,
        passed,
        taken_at: takenAt,
        source,
        recorded_by: actor?.userId ?? null,
        reason,
      });
      await repo.insertResultChange(t, {
        result_id: row.id,
        actor_user_id: actor?.userId ?? null,
        before: {},
        after: snapshot(row),
        reason,
      });
      await recordAudit(t, {
        actorUserId: actor?.userId ?? null,
        action: 'progress.result_recorded',
        subjectType: 'result',
        subjectId: row.id,
        reason,
        details: { userId, exam: exam.code, ...snapshot(row), source },
      });
      await this.engine.reevaluate(t, [userId], 'result', {
        definitions: defs,
        actorUserId: actor?.userId ?? null,
      });
      return { resultId: row.id };
    });
  }

  async correctResult(
    actor: Actor,
    resultId: number,
    input: CorrectResultInput,
    reason: string,
  ): Promise<void> {
    await this.db.transaction().execute(async (t) => {
      const current = await this.lockResultAndCandidate(t, resultId);
      const defs = await this.catalog.definitions(t);
      const exam = defs.examsById.get(current.exam_id);
      if (!exam) throw notFound();
      const problems: FieldProblem[] = [];
      const patch: Parameters<typeof repo.updateResult>[2] = {};
      if (input.score !== undefined && input.score !== current.score) {
        if (
          input.score !== null &&
          (!Number.isInteger(input.score) ||
            input.score < exam.scoreMin ||
            input.score > exam.scoreMax)
        ) {
          problems.push({
            field: 'score',
            messageKey: 'progress.v.score',
            params: { min: exam.scoreMin, max: exam.scoreMax },
          });
        } else {
          patch.score = input.score;
        }
      }
      const passed =
        input.passed ??
        (patch.score !== undefined && patch.score !== null
          ? patch.score >= exam.passingScore
          : undefined);
      if (passed !== undefined && passed !== current.passed) patch.passed = passed;
      if (input.takenAt !== undefined && input.takenAt.getTime() !== current.taken_at.getTime()) {
        const takenAt = checkDate(input.takenAt, 'takenAt', problems);
        if (takenAt) patch.taken_at = takenAt;
      }
      if (input.examVersion !== undefined) {
        const version = input.examVersion?.trim() || null;
        if (version !== current.exam_version) {
          if (
            version &&
            exam.versions.length > 0 &&
            !exam.versions.some((v) => v.version === version)
          ) {
            problems.push({
              field: 'examVersion',
              messageKey: 'progress.v.examVersion',
              params: { version },
            });
          } else {
            patch.exam_version = version;
          }
        }
      }
      const why = checkReason(reason, true, problems);
      if (problems.length === 0 && Object.keys(patch).length === 0) {
        problems.push({ field: 'score', messageKey: 'progress.v.nothingToCorrect' });
      }
      if (problems.length > 0) throw new ValidationError(problems);
      await repo.updateResult(t, resultId, patch);
      const before = snapshot(current);
      const after = { ...before, ...snapshot({ ...current, ...patch }) };
      await repo.insertResultChange(t, {
        result_id: resultId,
        actor_user_id: actor?.userId ?? null,
        before: pick(before, Object.keys(patch)),
        after: pick(after, Object.keys(patch)),
        reason: why,
      });
      await recordAudit(t, {
        actorUserId: actor?.userId ?? null,
        action: 'progress.result_corrected',
        subjectType: 'result',
        subjectId: resultId,
        reason: why,
        details: {
          userId: current.user_id,
          before: pick(before, Object.keys(patch)),
          after: pick(after, Object.keys(patch)),
        },
      });
      await this.engine.reevaluate(t, [current.user_id!], 'result_corrected', {
        definitions: defs,
        actorUserId: actor?.userId ?? null,
        ...(why ? { reason: why } : {}),
      });
    });
  }

  async revokeResult(
    actor: Actor,
    resultId: number,
    reason: string,
    keepAwards?: { decision: string },
  ): Promise<void> {
    await this.db.transaction().execute(async (t) => {
      const current = await this.lockResultAndCandidate(t, resultId);
      const problems: FieldProblem[] = [];
      if (current.status === 'revoked') {
        problems.push({ field: 'reason', messageKey: 'progress.v.alreadyRevoked' });
      }
      const why = checkReason(reason, true, problems);
      const decision = keepAwards ? keepAwards.decision.trim() : undefined;
      if (keepAwards && !decision) {
        problems.push({ field: 'decision', messageKey: 'progress.v.decisionRequired' });
      }
      if (decision && decision.length > MAX_REASON) {
        problems.push({ field: 'decision', messageKey: 'progress.v.decisionRequired' });
      }
      if (problems.length > 0 || !why) throw new ValidationError(problems);
      await repo.updateResult(t, resultId, { status: 'revoked', status_reason: why });
      await repo.insertResultChange(t, {
        result_id: resultId,
        actor_user_id: actor?.userId ?? null,
        before: { status: current.status },
        after: { status: 'revoked', ...(decision ? { keepAwards: decision } : {}) },
        reason: why,
      });
      await recordAudit(t, {
        actorUserId: actor?.userId ?? null,
        action: 'progress.result_revoked',
        subjectType: 'result',
        subjectId: resultId,
        reason: why,
        details: { userId: current.user_id, keepAwards: decision ?? null },
      });
      await this.engine.reevaluate(t, [current.user_id!], 'result_revoked', {
        actorUserId: actor?.userId ?? null,
        reason: why,
        ...(decision ? { keep: { refs: [`result:${resultId}`], decision } } : {}),
      });
    });
  }

  async restoreResult(actor: Actor, resultId: number, reason: string): Promise<void> {
    await this.db.transaction().execute(async (t) => {
      const current = await this.lockResultAndCandidate(t, resultId);
      const problems: FieldProblem[] = [];
      if (current.status !== 'revoked') {
        problems.push({ field: 'reason', messageKey: 'progress.v.notRevoked' });
      }
      const why = checkReason(reason, true, problems);
      if (problems.length > 0 || !why) throw new ValidationError(problems);
      const userId = current.user_id!;
      await repo.updateResult(t, resultId, { status: 'valid', status_reason: null });
      await repo.insertResultChange(t, {
        result_id: resultId,
        actor_user_id: actor?.userId ?? null,
        before: { status: 'revoked', statusReason: current.status_reason },
        after: { status: 'valid' },
        reason: why,
      });
      await recordAudit(t, {
        actorUserId: actor?.userId ?? null,
        action: 'progress.result_restored',
        subjectType: 'result',
        subjectId: resultId,
        reason: why,
        details: { userId },
      });
      // Awards revoked because of this result come back, and so, in turn, do
      // the awards revoked because of those.
      const now = new Date();
      let refs = [`result:${resultId}`];
      const restored = new Set<number>();
      while (refs.length > 0) {
        const awards = (await repo.awardsRevokedFor(t, userId, refs)).filter(
          (a) => !restored.has(a.id),
        );
        refs = [];
        for (const award of awards) {
          if (await repo.hasLiveAward(t, userId, award.credential_id)) continue;
          const expired = award.expires_at !== null && award.expires_at.getTime() <= now.getTime();
          await repo.updateAward(t, award.id, {
            status: expired ? 'expired' : 'active',
            status_reason: null,
            status_changed_at: expired ? award.expires_at : now,
          });
          await repo.insertAwardEvent(t, {
            award_id: award.id,
            kind: 'restored',
            actor_user_id: actor?.userId ?? null,
            reason: why,
            details: { trigger: 'result_restored', resultId, expired },
          });
          await recordAudit(t, {
            actorUserId: actor?.userId ?? null,
            action: 'progress.award_restored',
            subjectType: 'award',
            subjectId: award.id,
            reason: why,
            details: { userId, resultId, expired },
          });
          restored.add(award.id);
          refs.push(`award:${award.id}`);
        }
      }
      await this.engine.reevaluate(t, [userId], 'result_restored', {
        actorUserId: actor?.userId ?? null,
      });
    });
  }

  private async lockCandidate(trx: Trx, userId: number): Promise<void> {
    const rows = await repo.lockCandidates(trx, [userId]);
    if (rows.length === 0) throw notFound();
  }

  /** The result's candidate first, then the result: the same lock order as every other change. */
  private async lockResultAndCandidate(trx: Trx, resultId: number) {
    const found = await repo.findResult(trx, resultId);
    if (!found || found.user_id === null) throw notFound();
    await this.lockCandidate(trx, found.user_id);
    const current = await repo.lockResult(trx, resultId);
    if (!current || current.user_id !== found.user_id) throw notFound();
    return current;
  }
}

// ---------------------------------------------------------------- helpers

export function toAwardView(
  row: Awaited<ReturnType<typeof repo.awardsOfUser>>[number],
  defs: Pick<ProgramDefinitions, 'credentialsById'>,
): AwardView {
  const credential = defs.credentialsById.get(row.credential_id);
  return {
    id: row.id,
    credentialNumber: row.credential_number,
    credentialId: row.credential_id,
    credentialCode: credential?.code ?? '',
    credentialName: credential?.name ?? '',
    status: row.status,
    statusReason: row.status_reason,
    statusChangedAt: row.status_changed_at,
    awardedAt: row.awarded_at,
    expiresAt: row.expires_at,
    lastRenewedAt: row.last_renewed_at,
    requirementVersion: row.requirement_version,
    evidence: fromStoredEvidence(row.evidence),
    keptByDecision: row.kept_by_decision,
  };
}

/** A catalog code typed by a person: the definition, or a problem saying it is missing or unknown. */
function checkCode<T>(
  known: ReadonlyMap<string, T>,
  raw: string,
  field: string,
  keys: { unknown: MessageKey; required: MessageKey },
  problems: FieldProblem[],
): T | undefined {
  const found = known.get(raw.trim().toUpperCase());
  if (!found) {
    problems.push(
      raw.trim()
        ? { field, messageKey: keys.unknown, params: { code: raw } }
        : { field, messageKey: keys.required },
    );
  }
  return found;
}

function checkDate(value: Date, field: string, problems: FieldProblem[]): Date | undefined {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    problems.push({ field, messageKey: 'progress.v.date' });
    return undefined;
  }
  const now = Date.now();
  if (value.getTime() > now + FUTURE_TOLERANCE_MS) {
    problems.push({ field, messageKey: 'progress.v.dateFuture' });
    return undefined;
  }
  // "Today" typed east of UTC: it happened, just not later than now.
  return value.getTime() > now ? new Date(now) : value;
}

function checkReason(reason: string, required: boolean, problems: FieldProblem[]): string | null {
  const trimmed = (reason ?? '').trim();
  if (!trimmed) {
    if (required) problems.push({ field: 'reason', messageKey: 'progress.v.reasonRequired' });
    return null;
  }
  return trimmed.slice(0, MAX_REASON);
}

function snapshot(row: {
  exam_version: string | null;
  score: number | null;
  passed: boolean;
  taken_at: Date;
}): Record<string, unknown> {
  return {
    examVersion: row.exam_version,
    score: row.score,
    passed: row.passed,
    takenAt: row.taken_at.toISOString(),
  };
}

const PATCH_TO_SNAPSHOT: Record<string, string> = {
  exam_version: 'examVersion',
  score: 'score',
  passed: 'passed',
  taken_at: 'takenAt',
};

function pick(values: Record<string, unknown>, patchKeys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of patchKeys) {
    const name = PATCH_TO_SNAPSHOT[key] ?? key;
    out[name] = values[name];
  }
  return out;
}

export type { AwardRecord };
