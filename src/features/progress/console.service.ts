import type { Database } from '../../platform/db/database.ts';
import type { CatalogApi, ProgramDefinitions } from '../catalog/index.ts';
import { Candidate, decide, versionInForce } from './award-rules.ts';
import { codeLookup, scopeFor } from './awarding.ts';
import { evaluate } from './evaluator.ts';
import { loadCandidates } from './facts.repository.ts';
import * as repo from './progress.repository.ts';
import { toAwardView, type ProgressServiceImpl } from './progress.service.ts';
import type {
  AgreementView,
  AwardView,
  CreditView,
  ResultChangeView,
  ResultView,
  TrainingView,
} from './progress.types.ts';

/**
 * The staff console's read side: candidate search, a candidate's facts,
 * one result with its history, a credential's holders and counts, and a
 * background job's progress. Plain view models for the views.
 */

export interface CandidateRow {
  id: number;
  candidateNumber: string;
  username: string;
  email: string;
  name: string;
}

export interface CredentialProgressRow {
  code: string;
  name: string;
  percent: number;
  holding: boolean;
}

export interface CandidateFile {
  candidate: CandidateRow;
  awards: AwardView[];
  progress: CredentialProgressRow[];
  results: ResultView[];
  trainings: TrainingView[];
  agreements: AgreementView[];
  credits: CreditView[];
}

export interface ResultFile {
  candidate: CandidateRow;
  result: ResultView;
  scoreMin: number;
  scoreMax: number;
  versions: string[];
  changes: ResultChangeView[];
  resting: AwardView[];
}

export interface HolderCounts {
  holding: number;
  metNotAwarded: number;
  inProgress: number;
  notStarted: number;
}

export interface HoldersView {
  credential: { id: number; code: string; name: string; status: string };
  counts: HolderCounts;
  rows: {
    awardId: number;
    userId: number;
    candidateNumber: string;
    name: string;
    credentialNumber: string;
    status: 'active' | 'expired' | 'suspended' | 'revoked';
    awardedAt: Date;
    expiresAt: Date | null;
    lastRenewedAt: Date | null;
    requirementVersion: number;
  }[];
  total: number;
}

export interface JobView {
  id: number;
  name: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  done: number;
  total: number;
  tally: Record<string, number> | null;
  credentialName: string | null;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface FormOptions {
  exams: { code: string; title: string }[];
  trainings: { code: string; title: string }[];
  agreements: { code: string; title: string; versions: number[] }[];
  categories: { code: string; title: string }[];
}

const COUNT_BATCH = 1000;

export class ConsoleService {
  constructor(
    private readonly db: Database,
    private readonly catalog: Pick<CatalogApi, 'definitions'>,
    private readonly progress: ProgressServiceImpl,
  ) {}

  async search(query: string, page: number, pageSize: number) {
    const { rows, total } = await repo.searchCandidates(
      this.db,
      query,
      pageSize,
      (page - 1) * pageSize,
    );
    return { rows: rows.map(toCandidateRow), total };
  }

  async candidate(userId: number): Promise<CandidateFile | undefined> {
    const user = await repo.findCandidate(this.db, userId);
    if (!user) return undefined;
    const [defs, awards, progress, results, trainings, agreements, credits] = await Promise.all([
      this.catalog.definitions(),
      this.progress.awardsOf(userId),
      this.progress.candidateProgress(userId),
      this.progress.history(userId),
      repo.trainingsOfUser(this.db, userId),
      repo.agreementsOfUser(this.db, userId),
      repo.creditsOfUser(this.db, userId),
    ]);
    return {
      candidate: toCandidateRow(user),
      awards,
      progress: progress.map((p) => ({
        code: p.credential.code,
        name: p.credential.name,
        percent: p.evaluation.percent,
        holding: p.award?.status === 'active',
      })),
      results,
      trainings: trainings.map((t) => {
        const course = defs.trainingsById.get(t.course_id);
        return {
          id: t.id,
          courseCode: course?.code ?? '',
          courseTitle: course?.title ?? '',
          completedAt: t.completed_at,
          source: t.source,
          evidenceId: t.evidence_id,
          reason: t.reason,
        };
      }),
      agreements: agreements.map((a) => {
        const agreement = defs.agreementsById.get(a.agreement_id);
        return {
          id: a.id,
          agreementCode: agreement?.code ?? '',
          agreementTitle: agreement?.title ?? '',
          version: a.version,
          acceptedAt: a.accepted_at,
          source: a.source,
          reason: a.reason,
        };
      }),
      credits: credits.map((c) => {
        const category = defs.creditCategoriesById.get(c.category_id);
        return {
          id: c.id,
          categoryCode: category?.code ?? '',
          categoryTitle: category?.title ?? '',
          amount: Number(c.amount),
          earnedAt: c.earned_at,
          source: c.source,
          evidenceId: c.evidence_id,
          reason: c.reason,
        };
      }),
    };
  }

  async result(resultId: number): Promise<ResultFile | undefined> {
    const row = await repo.findResult(this.db, resultId);
    if (!row || row.user_id === null) return undefined;
    const userId = row.user_id;
    const [user, defs, history, changes, resting] = await Promise.all([
      repo.findCandidate(this.db, userId),
      this.catalog.definitions(),
      this.progress.history(userId),
      repo.resultChanges(this.db, [resultId]),
      repo.awardsResting(this.db, userId, { type: 'result', id: resultId }),
    ]);
    const result = history.find((r) => r.id === resultId);
    const exam = defs.examsById.get(row.exam_id);
    if (!user || !result || !exam) return undefined;
    return {
      candidate: toCandidateRow(user),
      result,
      scoreMin: exam.scoreMin,
      scoreMax: exam.scoreMax,
      versions: exam.versions.map((v) => v.version),
      changes: changes.map((c) => ({
        id: c.id,
        resultId: c.result_id,
        at: c.at,
        actorUserId: c.actor_user_id,
        before: c.before,
        after: c.after,
        reason: c.reason,
      })),
      resting: resting.map((a) => toAwardView(a, defs)),
    };
  }

  async formOptions(): Promise<FormOptions> {
    const defs = await this.catalog.definitions();
    const coded = (m: ReadonlyMap<string, { code: string; title: string }>) =>
      [...m.values()]
        .map((x) => ({ code: x.code, title: x.title }))
        .sort((a, b) => a.code.localeCompare(b.code));
    return {
      exams: [...defs.exams.values()]
        .filter((e) => e.status !== 'draft')
        .map((e) => ({ code: e.code, title: e.title }))
        .sort((a, b) => a.code.localeCompare(b.code)),
      trainings: coded(defs.trainings),
      agreements: [...defs.agreements.values()]
        .map((a) => ({ code: a.code, title: a.title, versions: a.versions.map((v) => v.version) }))
        .sort((a, b) => a.code.localeCompare(b.code)),
      categories: coded(defs.creditCategories),
    };
  }

  /**
   * Holders and counts. The counts walk every candidate (in batches, reading
   * only), judging each by the same rules as the engine: "met but not
   * awarded" is whoever the engine would award now, and should be 0.
   */
  async holders(code: string, page: number, pageSize: number): Promise<HoldersView | undefined> {
    const defs = await this.catalog.definitions();
    const credential = defs.credentialsByCode.get(code.trim().toUpperCase());
    if (!credential) return undefined;
    const [{ rows, total }, counts] = await Promise.all([
      repo.holdersOf(this.db, credential.id, pageSize, (page - 1) * pageSize),
      this.counts(defs, credential.id),
    ]);
    return {
      credential: {
        id: credential.id,
        code: credential.code,
        name: credential.name,
        status: credential.status,
      },
      counts,
      rows: rows.map((r) => ({
        awardId: r.id,
        userId: r.user_id,
        candidateNumber: r.candidate_number,
        name: `${r.given_name} ${r.family_name}`.trim(),
        credentialNumber: r.credential_number,
        status: r.status,
        awardedAt: r.awarded_at,
        expiresAt: r.expires_at,
        lastRenewedAt: r.last_renewed_at,
        requirementVersion: r.requirement_version,
      })),
      total,
    };
  }

  private async counts(defs: ProgramDefinitions, credentialId: number): Promise<HolderCounts> {
    const credential = defs.credentialsById.get(credentialId)!;
    const counts: HolderCounts = { holding: 0, metNotAwarded: 0, inProgress: 0, notStarted: 0 };
    const now = new Date();
    const inForce = versionInForce(credential.requirements, now);
    const codes = codeLookup(defs);
    // Only the facts this credential's decisions can look at.
    const scope = scopeFor(defs, new Set([credentialId]));
    let after = 0;
    for (;;) {
      const ids = await repo.userIdsAfter(this.db, after, COUNT_BATCH);
      if (ids.length === 0) break;
      after = ids[ids.length - 1]!;
      const loaded = await loadCandidates(this.db, ids, codes, scope);
      for (const id of ids) {
        const state = loaded.get(id);
        if (!state) continue;
        const candidate = new Candidate(state);
        const live = candidate.liveAward(credentialId);
        if (live?.status === 'active' && (live.expiresAt === null || live.expiresAt > now)) {
          counts.holding++;
        } else if (
          credential.status === 'published' &&
          !live &&
          decide(credential, candidate, now).kind === 'award'
        ) {
          counts.metNotAwarded++;
        } else if (inForce && evaluate(inForce.tree, candidate.facts, now).percent > 0) {
          counts.inProgress++;
        } else {
          counts.notStarted++;
        }
      }
    }
    return counts;
  }

  async job(id: number): Promise<JobView | undefined> {
    const row = await repo.findJob(this.db, id);
    if (!row) return undefined;
    const progress = (row.progress ?? null) as {
      done?: number;
      total?: number;
      note?: string | null;
    } | null;
    let tally: Record<string, number> | null = null;
    if (progress?.note) {
      try {
        const parsed = JSON.parse(progress.note) as unknown;
        if (parsed && typeof parsed === 'object') tally = parsed as Record<string, number>;
      } catch {
        tally = null;
      }
    }
    let credentialName: string | null = null;
    const payload = row.payload as { credentialId?: unknown } | null;
    if (payload && typeof payload.credentialId === 'number') {
      const defs = await this.catalog.definitions();
      credentialName = defs.credentialsById.get(payload.credentialId)?.name ?? null;
    }
    return {
      id: row.id,
      name: row.name,
      status: row.status,
      done: Number(progress?.done ?? 0),
      total: Number(progress?.total ?? 0),
      tally,
      credentialName,
      lastError: row.last_error,
      createdAt: row.created_at,
      finishedAt: row.finished_at,
    };
  }
}

function toCandidateRow(u: {
  id: number;
  candidate_number: string;
  username: string;
  email: string;
  given_name: string;
  family_name: string;
}): CandidateRow {
  return {
    id: u.id,
    candidateNumber: u.candidate_number,
    username: u.username,
    email: u.email,
    name: `${u.given_name} ${u.family_name}`.trim(),
  };
}
