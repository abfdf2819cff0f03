import type { DatabaseHandle } from '../../platform/db/database.ts';
import { CATALOG_FINGERPRINT_SQL } from '../catalog/index.ts';
import type { AwardStatus, EvidenceRef } from '../../platform/db/schema.ts';
import type { FactRows } from './facts.repository.ts';

/**
 * The candidate pages' read: everything a dashboard or progress page needs
 * of one candidate (results, training, agreements, credits, awards, and the
 * count of evidence waiting for a decision), and the catalog's fingerprint,
 * in ONE statement, instead of a query per table and one for the catalog. Every row is the candidate's own (`user_id = $1`), so the
 * evidence a page shows can be looked up here without another query.
 *
 * Rows come back as JSON arrays (positional, to keep them small), dates as
 * epoch milliseconds truncated as the driver truncates timestamps, so both
 * databases and the engine's own reads see the same instants.
 */

export interface SnapshotAwardRow {
  id: number;
  user_id: number;
  credential_id: number;
  credential_number: string;
  requirement_version: number;
  awarded_at: Date;
  expires_at: Date | null;
  last_renewed_at: Date | null;
  status: AwardStatus;
  status_reason: string | null;
  status_changed_at: Date | null;
  evidence: EvidenceRef[];
  kept_by_decision: string | null;
}

export interface CandidateRows extends FactRows {
  /** Newest first: by award date, then id (descending). */
  awards: SnapshotAwardRow[];
  /** Training completions with how they were recorded (the progress page says "from your evidence"). */
  trainingSources: ReadonlyMap<number, 'manual' | 'evidence' | 'import'>;
  pendingEvidence: number;
  /** The catalog's fingerprint in the same snapshot (`app.catalog.definitionsFor`). */
  catalogFingerprint: string;
}

const ms = (column: string) => `floor(extract(epoch from ${column}) * 1000)::int8`;

/** `json_agg` of positional arrays, '[]' when there are no rows. */
const agg = (columns: string[], from: string, order: string) =>
  `coalesce((select json_agg(json_build_array(${columns.join(', ')}) order by ${order}) ` +
  `from ${from} where user_id = $1), '[]'::json)`;

export const CANDIDATE_ROWS_SQL = `select
  ${agg(
    ['id', 'exam_id', 'exam_version', 'score', 'passed', ms('taken_at'), 'status', 'status_reason'],
    'results',
    'id',
  )} as results,
  ${agg(['id', 'course_id', ms('completed_at'), 'source'], 'training_completions', 'id')} as trainings,
  ${agg(['id', 'agreement_id', 'version', ms('accepted_at')], 'agreement_acceptances', 'id')} as agreements,
  ${agg(['id', 'category_id', 'amount', ms('earned_at')], 'credit_entries', 'id')} as credits,
  ${agg(
    [
      'id',
      'credential_id',
      'credential_number',
      'requirement_version',
      ms('awarded_at'),
      ms('expires_at'),
      ms('last_renewed_at'),
      'status',
      'status_reason',
      ms('status_changed_at'),
      'evidence',
      'kept_by_decision',
    ],
    'awards',
    'awarded_at desc, id desc',
  )} as awards,
  (select count(*) from evidence_submissions where user_id = $1 and status = 'pending')::int8 as pending,
  ${CATALOG_FINGERPRINT_SQL} as catalog_fingerprint`;

type Json = unknown[][];

interface RawRow {
  results: Json | string;
  trainings: Json | string;
  agreements: Json | string;
  credits: Json | string;
  awards: Json | string;
  pending: number;
  catalog_fingerprint: string;
}

const date = (v: unknown) => new Date(Number(v));
const dateOrNull = (v: unknown) => (v === null || v === undefined ? null : date(v));
/** A driver that hands json back as text (none of ours does today) still works. */
const rows = (v: Json | string): Json => (typeof v === 'string' ? (JSON.parse(v) as Json) : v);

export async function candidateRows(
  prepared: DatabaseHandle['prepared'],
  userId: number,
): Promise<CandidateRows> {
  const [raw] = await prepared<RawRow>('laurel_candidate_rows', CANDIDATE_ROWS_SQL, [userId]);
  if (!raw) throw new Error('The candidate read returned no row.');
  const trainingSources = new Map<number, 'manual' | 'evidence' | 'import'>();
  return {
    results: rows(raw.results).map((r) => ({
      id: Number(r[0]),
      user_id: userId,
      exam_id: Number(r[1]),
      exam_version: r[2] as string | null,
      score: r[3] === null ? null : Number(r[3]),
      passed: r[4] as boolean,
      taken_at: date(r[5]),
      status: r[6] as 'valid' | 'revoked',
      status_reason: r[7] as string | null,
    })),
    trainings: rows(raw.trainings).map((r) => {
      trainingSources.set(Number(r[0]), r[3] as 'manual' | 'evidence' | 'import');
      return {
        id: Number(r[0]),
        user_id: userId,
        course_id: Number(r[1]),
        completed_at: date(r[2]),
      };
    }),
    agreements: rows(raw.agreements).map((r) => ({
      id: Number(r[0]),
      user_id: userId,
      agreement_id: Number(r[1]),
      version: Number(r[2]),
      accepted_at: date(r[3]),
    })),
    credits: rows(raw.credits).map((r) => ({
      id: Number(r[0]),
      user_id: userId,
      category_id: Number(r[1]),
      amount: r[2] as number | string,
      earned_at: date(r[3]),
    })),
    awards: rows(raw.awards).map((r) => ({
      id: Number(r[0]),
      user_id: userId,
      credential_id: Number(r[1]),
      credential_number: r[2] as string,
      requirement_version: Number(r[3]),
      awarded_at: date(r[4]),
      expires_at: dateOrNull(r[5]),
      last_renewed_at: dateOrNull(r[6]),
      status: r[7] as AwardStatus,
      status_reason: r[8] as string | null,
      status_changed_at: dateOrNull(r[9]),
      evidence: (r[10] ?? []) as EvidenceRef[],
      kept_by_decision: r[11] as string | null,
    })),
    // The pages show awards; what a program manager decided to keep only matters to the engine.
    kept: [],
    trainingSources,
    pendingEvidence: Number(raw.pending),
    catalogFingerprint: raw.catalog_fingerprint ?? '',
  };
}
