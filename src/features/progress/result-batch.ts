import { recordAudit } from '../../platform/audit.ts';
import { sql } from 'kysely';
import { anyText } from '../../platform/db/any.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { ProgramDefinitions } from '../catalog/index.ts';
import type { AwardingEngine } from './awarding.ts';
import * as repo from './progress.repository.ts';
import type { Actor, AwardChange, Trx } from './progress.types.ts';

/**
 * Results from a delivery provider, many at a time, upserted on the
 * provider's own attempt reference (`provider`, `provider_ref`): a re-sent
 * result is `unchanged`, a changed one is updated in place with a
 * `result_changes` row, a new one is inserted (unclaimed when its candidate
 * is unknown). The same locks and the same engine as one result at a time:
 * the candidates' rows first (id order), then the results, then the engine
 * re-evaluates every candidate whose facts changed, in the caller's
 * transaction. One audit event per batch; the history of each result is in
 * `result_changes`.
 */

export interface ProviderResultInput {
  /** The provider's attempt reference (registration ID). */
  ref: string;
  /** The Laurel candidate, or null when the provider's candidate ID is unknown (unclaimed). */
  userId: number | null;
  /** The provider's candidate ID, as sent. */
  candidateRef: string;
  lastName: string | null;
  examId: number;
  examVersion: string | null;
  score: number | null;
  passed: boolean;
  takenAt: Date;
  /**
   * The provider's status of the result (API only; files leave it out). A
   * new or unclaimed result takes it here; a claimed result whose status
   * changes is reported back (`statusChange`) for the caller to revoke or
   * restore through the progress service, which re-checks the awards.
   */
  status?: 'valid' | 'revoked';
  statusReason?: string | null;
}

export type ProviderResultOutcome = {
  kind: 'created' | 'updated' | 'unchanged';
  resultId: number;
  claimed: boolean;
  /** A claimed result the provider revoked or restored: still to do by the caller. */
  statusChange?: 'revoke' | 'restore';
  /** An unclaimed result whose status changed here. */
  statusApplied?: 'revoked' | 'valid';
};

export interface ProviderBatchOptions {
  provider: string;
  source: 'provider' | 'import' | 'api';
  /** Why, for the history of changed results (e.g. "Import 12 (file.tsv)"). */
  reason: string;
  /** Definitions already read for this piece of work. */
  definitions?: ProgramDefinitions;
  /** The audit event's subject (e.g. the import). */
  audit?: {
    action: string;
    subjectType: string;
    subjectId: string | number;
    details?: Record<string, unknown>;
  };
}

export interface ProviderBatchResult {
  outcomes: ProviderResultOutcome[];
  awardChanges: AwardChange[];
}

export async function upsertProviderResults(
  engine: AwardingEngine,
  trx: Trx,
  actor: Actor,
  items: readonly ProviderResultInput[],
  options: ProviderBatchOptions,
): Promise<ProviderBatchResult> {
  if (items.length === 0) return { outcomes: [], awardChanges: [] };
  const refs = [...new Set(items.map((i) => i.ref))];
  if (refs.length !== items.length) {
    throw new AppError('DUPLICATE_REFERENCE', 400, 'results.p.duplicate');
  }
  const seen = await trx
    .selectFrom('results')
    .select(['id', 'user_id'])
    .where('provider', '=', options.provider)
    .where('provider_ref', '=', anyText(refs))
    .execute();
  const userIds = new Set<number>();
  for (const item of items) if (item.userId !== null) userIds.add(item.userId);
  for (const row of seen) if (row.user_id !== null) userIds.add(row.user_id);
  // Candidates first, in id order, then their results: the order of every other change.
  await repo.lockCandidates(
    trx,
    [...userIds].sort((a, b) => a - b),
  );
  // Read again under lock (only when there is something to read: a batch of new results has not).
  const existing = new Map(
    (seen.length === 0
      ? []
      : await trx
          .selectFrom('results')
          .select([
            'id',
            'user_id',
            'exam_id',
            'exam_version',
            'score',
            'passed',
            'taken_at',
            'provider_ref',
            'provider_candidate_id',
            'provider_last_name',
            'status',
          ])
          .where('provider', '=', options.provider)
          .where('provider_ref', '=', anyText(refs))
          .orderBy('id')
          .forUpdate()
          .execute()
    ).map((r) => [r.provider_ref!, r]),
  );

  const actorId = actor?.userId ?? null;
  const outcomes: (ProviderResultOutcome | undefined)[] = new Array(items.length);
  const affected = new Set<number>();
  const fresh: { index: number; item: ProviderResultInput }[] = [];
  // The history rows; who and why are the same for the whole batch.
  const changes: { result_id: number; before: string; after: string }[] = [];

  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    const row = existing.get(item.ref);
    if (!row) {
      fresh.push({ index, item });
      continue;
    }
    // A result already with a candidate stays with that candidate; an unclaimed one
    // is linked when its candidate has become known.
    const userId = row.user_id ?? item.userId;
    const next = {
      user_id: userId,
      exam_id: item.examId,
      exam_version: item.examVersion,
      score: item.score,
      passed: item.passed,
      taken_at: item.takenAt,
      provider_candidate_id: row.user_id === null ? item.candidateRef : row.provider_candidate_id,
      provider_last_name: item.lastName ?? row.provider_last_name,
    };
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const patch: Record<string, unknown> = {};
    const compare = (key: keyof typeof next, name: string, a: unknown, b: unknown) => {
      if (a !== b) {
        before[name] = a;
        after[name] = b;
        patch[key] = next[key];
      }
    };
    compare('user_id', 'userId', row.user_id, next.user_id);
    compare('exam_id', 'examId', row.exam_id, next.exam_id);
    compare('exam_version', 'examVersion', row.exam_version, next.exam_version);
    compare('score', 'score', row.score, next.score);
    compare('passed', 'passed', row.passed, next.passed);
    compare('taken_at', 'takenAt', row.taken_at.toISOString(), next.taken_at.toISOString());
    compare(
      'provider_candidate_id',
      'providerCandidateId',
      row.provider_candidate_id,
      next.provider_candidate_id,
    );
    compare(
      'provider_last_name',
      'providerLastName',
      row.provider_last_name,
      next.provider_last_name,
    );
    let statusChange: ProviderResultOutcome['statusChange'];
    let statusApplied: ProviderResultOutcome['statusApplied'];
    if (item.status && item.status !== row.status) {
      if (userId === null) {
        statusApplied = item.status;
        // Unclaimed: no award can rest on it; the status changes here.
        before.status = row.status;
        after.status = item.status;
        patch.status = item.status;
        patch.status_reason = item.status === 'revoked' ? (item.statusReason ?? null) : null;
      } else {
        statusChange = item.status === 'revoked' ? 'revoke' : 'restore';
      }
    }
    const claimed = userId !== null;
    if (Object.keys(patch).length === 0) {
      outcomes[index] = {
        kind: 'unchanged',
        resultId: row.id,
        claimed,
        ...(statusChange ? { statusChange } : {}),
      };
      continue;
    }
    await trx
      .updateTable('results')
      .set({ ...patch, updated_at: new Date() })
      .where('id', '=', row.id)
      .execute();
    // Names and candidate IDs are personal data: the history says they changed, not to what.
    for (const key of ['providerCandidateId', 'providerLastName']) {
      if (key in after) {
        before[key] = '(changed)';
        after[key] = '(changed)';
      }
    }
    changes.push({
      result_id: row.id,
      before: JSON.stringify(before),
      after: JSON.stringify(after),
    });
    if (userId !== null) affected.add(userId);
    outcomes[index] = {
      kind: 'updated',
      resultId: row.id,
      claimed,
      ...(statusChange ? { statusChange } : {}),
      ...(statusApplied ? { statusApplied } : {}),
    };
  }

  if (fresh.length > 0) {
    // One array per column (unnest): a thousand rows bind 11 parameters, not 15,000.
    const items = fresh.map((f) => f.item);
    const inserted = (
      await sql<{ id: number; provider_ref: string }>`
        insert into results (user_id, exam_id, exam_version, score, passed, taken_at, source,
          provider, provider_ref, provider_candidate_id, provider_last_name, status, status_reason,
          recorded_by, reason)
        select t.user_id, t.exam_id, t.exam_version, t.score, t.passed, t.taken_at, ${options.source},
          ${options.provider}, t.ref, t.candidate_ref, t.last_name, t.status, t.status_reason,
          ${actorId}::bigint, ${options.reason}
        from unnest(
          ${items.map((i) => i.userId)}::bigint[], ${items.map((i) => i.examId)}::bigint[],
          ${items.map((i) => i.examVersion)}::text[], ${items.map((i) => i.score)}::int[],
          ${items.map((i) => i.passed)}::boolean[], ${items.map((i) => i.takenAt)}::timestamptz[],
          ${items.map((i) => i.ref)}::text[], ${items.map((i) => i.candidateRef)}::text[],
          ${items.map((i) => i.lastName)}::text[], ${items.map((i) => i.status ?? 'valid')}::text[],
          ${items.map((i) => (i.status === 'revoked' ? (i.statusReason ?? null) : null))}::text[]
        ) as t(user_id, exam_id, exam_version, score, passed, taken_at, ref, candidate_ref,
          last_name, status, status_reason)
        returning id, provider_ref`.execute(trx)
    ).rows;
    const ids = new Map(inserted.map((r) => [r.provider_ref, Number(r.id)]));
    for (const { index, item } of fresh) {
      const id = ids.get(item.ref)!;
      outcomes[index] = { kind: 'created', resultId: id, claimed: item.userId !== null };
      if (item.userId !== null) affected.add(item.userId);
      changes.push({
        result_id: id,
        before: '{}',
        after: JSON.stringify({
          examVersion: item.examVersion,
          score: item.score,
          passed: item.passed,
          takenAt: item.takenAt.toISOString(),
        }),
      });
    }
  }
  for (let start = 0; start < changes.length; start += 5000) {
    const chunk = changes.slice(start, start + 5000);
    await sql`
      insert into result_changes (result_id, actor_user_id, before, after, reason)
      select t.result_id, ${actorId}::bigint, t.before::jsonb, t.after::jsonb, ${options.reason}
      from unnest(${chunk.map((c) => c.result_id)}::bigint[], ${chunk.map((c) => c.before)}::text[],
        ${chunk.map((c) => c.after)}::text[]) as t(result_id, before, after)`.execute(trx);
  }
  const done = outcomes as ProviderResultOutcome[];
  if (options.audit) {
    const count = (kind: ProviderResultOutcome['kind']) =>
      done.filter((o) => o.kind === kind).length;
    await recordAudit(trx, {
      actorUserId: actorId,
      action: options.audit.action,
      subjectType: options.audit.subjectType,
      subjectId: options.audit.subjectId,
      details: {
        provider: options.provider,
        created: count('created'),
        updated: count('updated'),
        unchanged: count('unchanged'),
        ...options.audit.details,
      },
    });
  }
  const awardChanges = await engine.reevaluate(trx, [...affected], `results_${options.source}`, {
    ...(options.definitions ? { definitions: options.definitions } : {}),
    actorUserId: actorId,
  });
  return { outcomes: done, awardChanges };
}

/**
 * Gives an unclaimed result to a candidate (the candidate's claim, or staff
 * linking it by hand), with its history, audit and re-evaluation in one
 * transaction. Throws 404 when the result does not exist or already has a
 * candidate.
 */
export async function assignResult(
  engine: AwardingEngine,
  trx: Trx,
  actor: Actor,
  resultId: number,
  userId: number,
  how: { action: 'results.claimed' | 'results.linked'; reason: string },
): Promise<AwardChange[]> {
  const locked = await repo.lockCandidates(trx, [userId]);
  if (locked.length === 0) throw notFound();
  const row = await trx
    .selectFrom('results')
    .select(['id', 'user_id'])
    .where('id', '=', resultId)
    .forUpdate()
    .executeTakeFirst();
  if (!row || row.user_id !== null) throw notFound();
  await trx
    .updateTable('results')
    .set({ user_id: userId, updated_at: new Date() })
    .where('id', '=', resultId)
    .execute();
  await repo.insertResultChange(trx, {
    result_id: resultId,
    actor_user_id: actor?.userId ?? null,
    before: { userId: null },
    after: { userId },
    reason: how.reason,
  });
  await recordAudit(trx, {
    actorUserId: actor?.userId ?? null,
    action: how.action,
    subjectType: 'result',
    subjectId: resultId,
    reason: how.reason,
    details: { userId },
  });
  return engine.reevaluate(
    trx,
    [userId],
    how.action === 'results.claimed' ? 'result_claimed' : 'result_linked',
    {
      actorUserId: actor?.userId ?? null,
    },
  );
}
