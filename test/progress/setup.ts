import crypto from 'node:crypto';
import type { TestApp } from '../helpers/app.ts';

/** Small helpers for the awarding tests (not a test file: no `.test.ts`). */

export const DAY = 86_400_000;
export const daysAgo = (n: number) => new Date(Date.now() - n * DAY);
export const daysAhead = (n: number) => new Date(Date.now() + n * DAY);
export const iso = (s: string) => new Date(s);

/**
 * Candidates straight into `users` (no password hashing), for tests that
 * need many; `givenAccount` is the way for ones that sign in.
 */
export async function givenCandidates(
  t: Pick<TestApp, 'db'>,
  count: number,
): Promise<{ id: number; email: string }[]> {
  const out: { id: number; email: string }[] = [];
  const tag = crypto.randomBytes(3).toString('hex');
  for (let start = 0; start < count; start += 500) {
    const rows = Array.from({ length: Math.min(500, count - start) }, (_, i) => {
      const n = start + i;
      return {
        candidate_number: `TC-${tag}-${n}`,
        username: `cand_${tag}_${n}`,
        email: `cand_${tag}_${n}@example.com`,
        given_name: 'Grace',
        family_name: `Hopper ${n}`,
        country: 'US',
      };
    });
    const inserted = await t.db
      .insertInto('users')
      .values(rows)
      .returning(['id', 'email'])
      .execute();
    out.push(...inserted);
  }
  return out;
}

export async function givenCandidate(t: Pick<TestApp, 'db'>) {
  return (await givenCandidates(t, 1))[0]!;
}

export function awardsOf(t: Pick<TestApp, 'db'>, userId: number, credentialId?: number) {
  let q = t.db.selectFrom('awards').selectAll().where('user_id', '=', userId);
  if (credentialId !== undefined) q = q.where('credential_id', '=', credentialId);
  return q.orderBy('id').execute();
}

export function eventsOf(t: Pick<TestApp, 'db'>, awardId: number) {
  return t.db
    .selectFrom('award_events')
    .selectAll()
    .where('award_id', '=', awardId)
    .orderBy('id')
    .execute();
}

export function mailsTo(t: Pick<TestApp, 'db'>, email: string) {
  return t.db
    .selectFrom('outbox')
    .select(['id', 'template', 'subject', 'text', 'category', 'next_attempt_at'])
    .where('to_address', '=', email)
    .orderBy('id')
    .execute();
}

export function auditOf(t: Pick<TestApp, 'db'>, action: string) {
  return t.db
    .selectFrom('audit_events')
    .selectAll()
    .where('action', '=', action)
    .orderBy('id')
    .execute();
}

/** A passing or failing result recorded by the system, as an import would. */
export async function pass(
  t: TestApp,
  userId: number,
  examCode: string,
  takenAt: Date,
  score = 800,
  extra: { examVersion?: string } = {},
): Promise<number> {
  const { resultId } = await t.app.progress.recordResult(null, userId, {
    examCode,
    score,
    takenAt,
    reason: 'test',
    source: 'import',
    ...extra,
  });
  return resultId;
}

export async function fail(
  t: TestApp,
  userId: number,
  examCode: string,
  takenAt: Date,
): Promise<number> {
  return pass(t, userId, examCode, takenAt, 100);
}
