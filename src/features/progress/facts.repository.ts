import type { Kysely, Transaction } from 'kysely';
import { anyId } from '../../platform/db/any.ts';
import type { DB, EvidenceRef as StoredEvidenceRef } from '../../platform/db/schema.ts';
import type { AwardRecord, CandidateState } from './award-rules.ts';
import type {
  AgreementFact,
  CreditFact,
  EvidenceRef,
  ResultFact,
  TrainingFact,
} from './evaluator.ts';

/**
 * A candidate's facts and awards for many candidates at once: one query per
 * table for a whole batch of user ids (the engine and the re-evaluation job
 * work in batches of a thousand), mapped to the evaluator's facts. Catalog
 * ids are turned into codes through `codes`; a fact whose definition is gone
 * is left out (it can count for nothing).
 */

type Executor = Kysely<DB> | Transaction<DB>;

/** Catalog ids to codes (from the catalog's definitions). */
export interface CodeLookup {
  exam(id: number): string | undefined;
  credential(id: number): string | undefined;
  training(id: number): string | undefined;
  agreement(id: number): string | undefined;
  creditCategory(id: number): string | undefined;
}

/** What the engine knows of a result besides the evaluator's fact. */
export interface ResultMeta {
  examId: number;
  statusReason: string | null;
}

export interface LoadedCandidate extends CandidateState {
  readonly userId: number;
  readonly resultMeta: ReadonlyMap<string, ResultMeta>;
}

/**
 * Only facts of these catalog ids (a re-evaluation of a few credentials);
 * undefined: everything. An empty list loads nothing of that kind.
 */
export interface FactScope {
  examIds: readonly number[];
  credentialIds: readonly number[];
  trainingIds: readonly number[];
  agreementIds: readonly number[];
  categoryIds: readonly number[];
}

/** Up to this many ids in one `in (...)` list. */
const CHUNK = 5000;

export async function loadCandidates(
  db: Executor,
  userIds: readonly number[],
  codes: CodeLookup,
  scope?: FactScope,
): Promise<Map<number, LoadedCandidate>> {
  const ids = [...new Set(userIds)];
  const out = new Map<number, LoadedCandidate>();
  if (ids.length === 0) return out;

  const state = new Map<number, MutableState>();
  for (const id of ids) state.set(id, emptyState());

  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const none = Promise.resolve([] as never[]);
    const [results, trainings, agreements, credits, awards, kept] = await Promise.all([
      scope?.examIds.length === 0
        ? none
        : db
            .selectFrom('results')
            .select([
              'id',
              'user_id',
              'exam_id',
              'exam_version',
              'score',
              'passed',
              'taken_at',
              'status',
              'status_reason',
            ])
            .where('user_id', '=', anyId(chunk))
            .$if(scope !== undefined, (q) => q.where('exam_id', 'in', [...scope!.examIds]))
            .execute(),
      scope?.trainingIds.length === 0
        ? none
        : db
            .selectFrom('training_completions')
            .select(['id', 'user_id', 'course_id', 'completed_at'])
            .where('user_id', '=', anyId(chunk))
            .$if(scope !== undefined, (q) => q.where('course_id', 'in', [...scope!.trainingIds]))
            .execute(),
      scope?.agreementIds.length === 0
        ? none
        : db
            .selectFrom('agreement_acceptances')
            .select(['id', 'user_id', 'agreement_id', 'version', 'accepted_at'])
            .where('user_id', '=', anyId(chunk))
            .$if(scope !== undefined, (q) =>
              q.where('agreement_id', 'in', [...scope!.agreementIds]),
            )
            .execute(),
      scope?.categoryIds.length === 0
        ? none
        : db
            .selectFrom('credit_entries')
            .select(['id', 'user_id', 'category_id', 'amount', 'earned_at'])
            .where('user_id', '=', anyId(chunk))
            .$if(scope !== undefined, (q) => q.where('category_id', 'in', [...scope!.categoryIds]))
            .execute(),
      scope?.credentialIds.length === 0
        ? none
        : db
            .selectFrom('awards')
            .select([
              'id',
              'user_id',
              'credential_id',
              'credential_number',
              'status',
              'awarded_at',
              'expires_at',
              'last_renewed_at',
              'status_changed_at',
              'status_reason',
              'requirement_version',
              'evidence',
            ])
            .where('user_id', '=', anyId(chunk))
            .$if(scope !== undefined, (q) =>
              q.where('credential_id', 'in', [...scope!.credentialIds]),
            )
            .execute(),
      db
        .selectFrom('award_events')
        .innerJoin('awards', 'awards.id', 'award_events.award_id')
        .select(['award_events.award_id', 'award_events.details'])
        .where('award_events.kind', '=', 'kept')
        .where('awards.user_id', '=', anyId(chunk))
        .execute(),
    ]);

    addFactRows(state, { results, trainings, agreements, credits, awards, kept }, codes);
  }

  for (const [userId, s] of state) out.set(userId, toLoaded(userId, s));
  return out;
}

/** One candidate's facts and awards from rows read elsewhere (the candidate pages read them in one statement). */
export function candidateFromRows(
  userId: number,
  rows: FactRows,
  codes: CodeLookup,
): LoadedCandidate {
  const state = new Map([[userId, emptyState()]]);
  addFactRows(state, rows, codes);
  return toLoaded(userId, state.get(userId)!);
}

/** The rows `loadCandidates` reads (and the candidate pages' one-statement read), by table. */
export interface FactRows {
  results: readonly {
    id: number;
    user_id: number | null;
    exam_id: number;
    exam_version: string | null;
    score: number | null;
    passed: boolean;
    taken_at: Date;
    status: 'valid' | 'revoked';
    status_reason: string | null;
  }[];
  trainings: readonly { id: number; user_id: number; course_id: number; completed_at: Date }[];
  agreements: readonly {
    id: number;
    user_id: number;
    agreement_id: number;
    version: number;
    accepted_at: Date;
  }[];
  credits: readonly {
    id: number;
    user_id: number;
    category_id: number;
    amount: string | number;
    earned_at: Date;
  }[];
  awards: readonly {
    id: number;
    user_id: number;
    credential_id: number;
    credential_number: string;
    status: AwardRecord['status'];
    awarded_at: Date;
    expires_at: Date | null;
    last_renewed_at: Date | null;
    status_changed_at: Date | null;
    status_reason: string | null;
    requirement_version: number;
    evidence: unknown;
  }[];
  /** `kept` award events: their `details.refs`. */
  kept: readonly { award_id: number; details: unknown }[];
}

interface MutableState {
  results: ResultFact[];
  trainings: TrainingFact[];
  agreements: AgreementFact[];
  credits: CreditFact[];
  awards: AwardRecord[];
  resultMeta: Map<string, ResultMeta>;
}

function emptyState(): MutableState {
  return {
    results: [],
    trainings: [],
    agreements: [],
    credits: [],
    awards: [],
    resultMeta: new Map(),
  };
}

function toLoaded(userId: number, s: MutableState): LoadedCandidate {
  return {
    userId,
    facts: {
      results: s.results,
      trainings: s.trainings,
      agreements: s.agreements,
      credits: s.credits,
    },
    awards: s.awards,
    resultMeta: s.resultMeta,
  };
}

/** Maps rows to the evaluator's facts and the engine's awards, into the candidates of `state`. */
function addFactRows(state: Map<number, MutableState>, rows: FactRows, codes: CodeLookup): void {
  const { results, trainings, agreements, credits, awards, kept } = rows;
  for (const r of results) {
    const examCode = codes.exam(r.exam_id);
    const s = r.user_id === null ? undefined : state.get(r.user_id);
    if (!examCode || !s) continue;
    const id = String(r.id);
    s.results.push({
      id,
      examCode,
      examVersion: r.exam_version ?? '',
      // A pass without a score meets no minimum score.
      score: r.score ?? Number.NEGATIVE_INFINITY,
      passed: r.passed,
      takenAt: r.taken_at,
      revoked: r.status === 'revoked',
    });
    s.resultMeta.set(id, { examId: r.exam_id, statusReason: r.status_reason });
  }
  for (const t of trainings) {
    const courseCode = codes.training(t.course_id);
    if (courseCode) {
      state
        .get(t.user_id)
        ?.trainings.push({ id: String(t.id), courseCode, completedAt: t.completed_at });
    }
  }
  for (const a of agreements) {
    const agreementCode = codes.agreement(a.agreement_id);
    if (agreementCode) {
      state.get(a.user_id)?.agreements.push({
        id: String(a.id),
        agreementCode,
        version: a.version,
        acceptedAt: a.accepted_at,
      });
    }
  }
  for (const c of credits) {
    const categoryCode = codes.creditCategory(c.category_id);
    if (categoryCode) {
      state.get(c.user_id)?.credits.push({
        id: String(c.id),
        categoryCode,
        amount: Number(c.amount),
        earnedAt: c.earned_at,
      });
    }
  }
  const keptByAward = new Map<number, string[]>();
  for (const k of kept) {
    const refs = (k.details as { refs?: unknown }).refs;
    if (!Array.isArray(refs)) continue;
    const list = keptByAward.get(k.award_id) ?? [];
    for (const ref of refs) if (typeof ref === 'string') list.push(ref);
    keptByAward.set(k.award_id, list);
  }
  for (const a of awards) {
    const credentialCode = codes.credential(a.credential_id);
    if (!credentialCode) continue;
    state.get(a.user_id)?.awards.push({
      id: a.id,
      credentialId: a.credential_id,
      credentialCode,
      status: a.status,
      awardedAt: a.awarded_at,
      expiresAt: a.expires_at,
      lastRenewedAt: a.last_renewed_at,
      statusChangedAt: a.status_changed_at,
      requirementVersion: a.requirement_version,
      evidence: fromStoredEvidence(a.evidence),
      keptRefs: keptByAward.get(a.id) ?? [],
      statusReason: a.status_reason,
      credentialNumber: a.credential_number,
    });
  }
}

/** Stored evidence uses numeric ids; the evaluator's ids are strings. */
export function fromStoredEvidence(stored: unknown): EvidenceRef[] {
  if (!Array.isArray(stored)) return [];
  const refs: EvidenceRef[] = [];
  for (const item of stored as StoredEvidenceRef[]) {
    if (item && typeof item === 'object' && typeof item.type === 'string') {
      refs.push({ type: item.type, id: String(item.id) });
    }
  }
  return refs;
}

export function toStoredEvidence(refs: readonly EvidenceRef[]): string {
  return JSON.stringify(refs.map((r) => ({ type: r.type, id: Number(r.id) })));
}
