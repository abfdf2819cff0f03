import type { Database } from '../../platform/db/database.ts';
import { recordAudit } from '../../platform/audit.ts';
import { AppError, notFound, ValidationError } from '../../platform/http/errors.ts';
import type { RateLimiter, RateRule } from '../../platform/http/rate-limit.ts';
import type { CatalogApi } from '../catalog/index.ts';
import type { FastifyInstance } from 'fastify';
import { normalizeLastName } from './result-file.ts';
import * as repo from './results.repository.ts';

/**
 * Unclaimed results: listing them for staff, linking one to a candidate by
 * hand, and a candidate's claim with the registration ID and last name on
 * their score report.
 */

const CLAIM_RULE: RateRule = { name: 'results.claim', limit: 10, windowSeconds: 3600 };
const MAX_REASON = 2000;

export interface UnclaimedView {
  id: number;
  provider: string | null;
  registrationId: string | null;
  candidateId: string | null;
  lastName: string | null;
  examCode: string;
  examTitle: string;
  examVersion: string | null;
  score: number | null;
  passed: boolean;
  takenAt: Date;
  status: 'valid' | 'revoked';
  receivedAt: Date;
}

export class ResultsService {
  constructor(
    private readonly db: Database,
    private readonly catalog: Pick<CatalogApi, 'definitions'>,
    private readonly progress: FastifyInstance['progress'],
    private readonly limiter: RateLimiter,
  ) {}

  async unclaimed(
    q: string,
    page: number,
    pageSize: number,
  ): Promise<{ rows: UnclaimedView[]; total: number }> {
    const defs = await this.catalog.definitions();
    const { rows, total } = await repo.unclaimedResults(
      this.db,
      { q },
      pageSize,
      (page - 1) * pageSize,
    );
    return { rows: rows.map((r) => toUnclaimedView(r, defs)), total };
  }

  async unclaimedResult(id: number): Promise<UnclaimedView | undefined> {
    const defs = await this.catalog.definitions();
    const row = await repo.unclaimedResult(this.db, id);
    return row ? toUnclaimedView(row, defs) : undefined;
  }

  /** Staff link an unclaimed result to a candidate (by candidate number), with a reason. */
  async link(
    actor: { userId: number },
    resultId: number,
    candidateNumber: string,
    reason: string,
  ): Promise<{ userId: number }> {
    const problems: {
      field: string;
      messageKey:
        'results.v.candidateUnknown' | 'results.v.candidateRequired' | 'results.v.reasonRequired';
      params?: Record<string, string>;
    }[] = [];
    const number = candidateNumber.trim().toUpperCase();
    const why = reason.trim().slice(0, MAX_REASON);
    const user = number ? await repo.userByCandidateNumber(this.db, number) : undefined;
    if (!number)
      problems.push({ field: 'candidateNumber', messageKey: 'results.v.candidateRequired' });
    else if (!user) {
      problems.push({
        field: 'candidateNumber',
        messageKey: 'results.v.candidateUnknown',
        params: { number: candidateNumber.trim() },
      });
    }
    if (!why) problems.push({ field: 'reason', messageKey: 'results.v.reasonRequired' });
    if (problems.length > 0 || !user) throw new ValidationError(problems);
    await this.db.transaction().execute((trx) =>
      this.progress.assignResult(trx, actor, resultId, user.id, {
        action: 'results.linked',
        reason: why,
      }),
    );
    return { userId: user.id };
  }

  /**
   * A candidate claims an unclaimed result with the registration ID and the
   * last name printed on the score report. Any mismatch gives the same
   * answer as an unknown ID, and attempts are rate limited, so the form
   * cannot be used to find out what results exist.
   */
  async claim(
    userId: number,
    registrationId: string,
    lastName: string,
  ): Promise<{ ok: true; resultId: number } | { ok: false }> {
    const ref = registrationId.trim();
    const name = normalizeLastName(lastName);
    const problems: {
      field: string;
      messageKey: 'results.claim.refRequired' | 'results.claim.nameRequired';
    }[] = [];
    if (!ref) problems.push({ field: 'registrationId', messageKey: 'results.claim.refRequired' });
    if (!name) problems.push({ field: 'lastName', messageKey: 'results.claim.nameRequired' });
    if (problems.length > 0) throw new ValidationError(problems);
    await this.limiter.consume(CLAIM_RULE, `user:${userId}`);
    const candidates = (await repo.unclaimedByRef(this.db, ref.slice(0, 64))).filter(
      (r) => r.provider_last_name !== null && normalizeLastName(r.provider_last_name) === name,
    );
    // Two providers with the same registration ID and name: ambiguous, staff must link it.
    if (candidates.length !== 1) return { ok: false };
    const resultId = candidates[0]!.id;
    try {
      await this.db.transaction().execute((trx) =>
        this.progress.assignResult(trx, { userId }, resultId, userId, {
          action: 'results.claimed',
          reason:
            'Claimed by the candidate with the registration ID and last name of the score report',
        }),
      );
    } catch (error) {
      // Claimed by someone else a moment ago.
      if (error instanceof AppError && error.statusCode === 404) return { ok: false };
      throw error;
    }
    return { ok: true, resultId };
  }

  /** Records the download of the bad rows of an import (personal data leaves the system). */
  async auditBadRowsDownload(actorUserId: number, importId: number): Promise<void> {
    const found = await repo.findImport(this.db, importId);
    if (!found) throw notFound();
    await recordAudit(this.db, {
      actorUserId,
      action: 'results.bad_rows_downloaded',
      subjectType: 'result_import',
      subjectId: importId,
    });
  }
}

function toUnclaimedView(
  r: NonNullable<Awaited<ReturnType<typeof repo.unclaimedResult>>>,
  defs: Awaited<ReturnType<CatalogApi['definitions']>>,
): UnclaimedView {
  const exam = defs.examsById.get(r.exam_id);
  return {
    id: r.id,
    provider: r.provider,
    registrationId: r.provider_ref,
    candidateId: r.provider_candidate_id,
    lastName: r.provider_last_name,
    examCode: exam?.code ?? '',
    examTitle: exam?.title ?? '',
    examVersion: r.exam_version,
    score: r.score,
    passed: r.passed,
    takenAt: r.taken_at,
    status: r.status,
    receivedAt: r.created_at,
  };
}
