import type { RequirementKind, RequirementNode } from './requirements.ts';

/**
 * The requirement evaluator: the one source of truth for progress pages,
 * awarding and partner standing. Pure: no I/O and no clock; the evaluation
 * date `at` is an input. Deterministic and independent of the order of the
 * facts: every choice among facts is by (date, id).
 *
 * The meaning of `met`, `metAt`, `evidence`, `missing` and `progress` is set
 * out in CONTEXT.md ("metAt semantics"); keep the two in step.
 */

// ---------------------------------------------------------------------------
// Facts: what a candidate has done, as the evaluator needs it
// ---------------------------------------------------------------------------

/** One attempt at an exam. */
export interface ResultFact {
  id: string;
  examCode: string;
  examVersion: string;
  score: number;
  passed: boolean;
  takenAt: Date;
  /** Revoked (for misconduct, or by correction): never counts, for any date. */
  revoked: boolean;
}

export type AwardStatus = 'active' | 'expired' | 'suspended' | 'revoked';

/** A credential the candidate was awarded. */
export interface AwardFact {
  id: string;
  credentialCode: string;
  status: AwardStatus;
  awardedAt: Date;
  /** The first instant at which the award is no longer valid; null: never expires. */
  expiresAt: Date | null;
}

export interface TrainingFact {
  id: string;
  courseCode: string;
  completedAt: Date;
}

export interface AgreementFact {
  id: string;
  agreementCode: string;
  version: number;
  acceptedAt: Date;
}

export interface CreditFact {
  id: string;
  categoryCode: string;
  /** Credits earned; a non-positive or non-finite amount is ignored. */
  amount: number;
  earnedAt: Date;
}

export interface Facts {
  results: readonly ResultFact[];
  awards: readonly AwardFact[];
  trainings: readonly TrainingFact[];
  agreements: readonly AgreementFact[];
  credits: readonly CreditFact[];
}

// ---------------------------------------------------------------------------
// Evaluation: what the evaluator says about a tree
// ---------------------------------------------------------------------------

export type EvidenceType = 'result' | 'award' | 'training' | 'agreement' | 'credit';

/** A fact a node relies on. Sorted by type (in this order) then id. */
export interface EvidenceRef {
  type: EvidenceType;
  id: string;
}

const EVIDENCE_ORDER: readonly EvidenceType[] = [
  'result',
  'award',
  'training',
  'agreement',
  'credit',
];

/** What is left to do for a node that is not met. */
export type Missing =
  | {
      kind: 'exam';
      examCode: string;
      minScore?: number;
      versions?: readonly string[];
      withinMonths?: number;
    }
  | {
      kind: 'credential';
      credentialCode: string;
      /**
       * The candidate's latest award of this credential (dated on or before
       * the evaluation date), so a page can say "renew" rather than "earn":
       * 'none' when there is none; 'expired' also when the award is still
       * marked active but its expiry has passed.
       */
      held: 'none' | 'expired' | 'suspended' | 'revoked';
    }
  | { kind: 'training'; courseCode: string; withinMonths?: number }
  | { kind: 'agreement'; agreementCode: string; version?: number }
  | {
      kind: 'credits';
      categoryCode: string;
      minimum: number;
      /** Credits that count now. */
      earned: number;
      /** minimum - earned: what is left to earn. */
      needed: number;
      withinMonths?: number;
    }
  | { kind: 'all'; unmet: string[] }
  | {
      kind: 'any';
      /** How many more of the `unmet` children must be met. */
      needed: number;
      unmet: string[];
    }
  /** A node the validator would refuse (e.g. an empty group); it is never met. */
  | { kind: 'invalid'; reason: string };

export interface NodeEvaluation {
  id: string;
  kind: RequirementKind;
  met: boolean;
  /** When met: the earliest date since which the node has been met on the evidence that counts at `at` (CONTEXT.md). */
  metAt: Date | null;
  /**
   * Met: the facts the node rests on (a minimal, deterministic choice).
   * Not met: what counts toward it so far (met children; credits earned).
   */
  evidence: EvidenceRef[];
  missing: Missing | null;
  /** 0..1; 1 exactly when met. */
  progress: number;
  /** The children's evaluations, in tree order (empty for a leaf). */
  children: NodeEvaluation[];
}

export interface Evaluation {
  met: boolean;
  metAt: Date | null;
  /** 0..100, rounded down to one decimal; 100 exactly when met (never 100 when not). */
  percent: number;
  /** What the whole rests on: the root's evidence. */
  evidence: EvidenceRef[];
  root: NodeEvaluation;
  /** Every node by id (if ids repeat, which the validator refuses, the first in tree order wins). */
  byId: ReadonlyMap<string, NodeEvaluation>;
}

// ---------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------

/**
 * The same UTC time of day, `months` calendar months later (earlier when
 * negative); a day missing in the target month becomes that month's last
 * day: 31 January + 1 month = 28 or 29 February.
 */
export function addMonthsUTC(date: Date, months: number): Date {
  const monthIndex = date.getUTCMonth() + months;
  const year = date.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const result = new Date(
    Date.UTC(
      2000,
      month,
      1,
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
      date.getUTCMilliseconds(),
    ),
  );
  result.setUTCFullYear(year, month, 1);
  const lastDay = new Date(Date.UTC(2000, month + 1, 0));
  lastDay.setUTCFullYear(year, month + 1, 0);
  result.setUTCDate(Math.min(date.getUTCDate(), lastDay.getUTCDate()));
  return result;
}

/**
 * The last instant at which a fact dated `date` still counts for a
 * requirement with a recency window of `months` (inclusive).
 */
export function countsUntil(date: Date, months: number): Date {
  return addMonthsUTC(date, months);
}

// ---------------------------------------------------------------------------
// evaluate
// ---------------------------------------------------------------------------

/** Credits are compared in millionths, in integers, so sums do not depend on order or float error. */
const CREDIT_UNITS = 1_000_000;

interface Dated<T> {
  fact: T;
  time: number;
}

interface Index {
  at: number;
  /** Passed, unrevoked results dated on or before `at`, by exam, sorted by (time, id). */
  results: Map<string, Dated<ResultFact>[]>;
  /** Awards dated on or before `at`, by credential, sorted by (time, id). */
  awards: Map<string, Dated<AwardFact>[]>;
  trainings: Map<string, Dated<TrainingFact>[]>;
  agreements: Map<string, Dated<AgreementFact>[]>;
  /** Positive credits dated on or before `at`, by category, sorted by (time, id). */
  credits: Map<string, Dated<CreditFact>[]>;
}

/** A node's evaluation plus the numbers its parent needs for `progress`. */
interface Internal {
  node: NodeEvaluation;
  /** Leaf-equivalents of work the node stands for (fixed by the tree, not by the facts). */
  weight: number;
  /** Leaf-equivalents of that work still to do; 0 exactly when met. */
  remaining: number;
}

/**
 * Evaluates a requirement tree against a candidate's facts at the date `at`.
 * Only facts dated on or before `at` count. Throws a RangeError if `at` is
 * not a valid date. The tree should have passed `validateRequirementTree`;
 * a node it would refuse is reported with `missing.kind === 'invalid'` and is
 * never met, so a broken definition can never award anything.
 */
export function evaluate(tree: RequirementNode, facts: Facts, at: Date): Evaluation {
  return evaluatorFor(facts, at)(tree);
}

/**
 * `evaluate` for many trees over one candidate's facts at one date: the
 * facts are indexed once instead of once per tree (a page that shows every
 * credential evaluates fifty trees). `evaluatorFor(facts, at)(tree)` equals
 * `evaluate(tree, facts, at)`; the facts must not change in between.
 */
export function evaluatorFor(facts: Facts, at: Date): (tree: RequirementNode) => Evaluation {
  const atTime = at.getTime();
  if (Number.isNaN(atTime)) throw new RangeError('evaluate: `at` is not a valid date.');
  const index = indexFacts(facts, atTime);
  return (tree) => evaluateIndexed(tree, index);
}

function evaluateIndexed(tree: RequirementNode, index: Index): Evaluation {
  const byId = new Map<string, NodeEvaluation>();
  const root = evaluateNode(tree, index, byId);
  const { node } = root;
  const rawPercent = node.met ? 100 : Math.floor(node.progress * 1000 + 1e-9) / 10;
  return {
    met: node.met,
    metAt: node.metAt,
    percent: node.met ? 100 : Math.min(rawPercent, 99.9),
    evidence: node.evidence,
    root: node,
    byId,
  };
}

function indexFacts(facts: Facts, at: number): Index {
  return {
    at,
    results: group(
      facts.results.filter((r) => r.passed === true && r.revoked !== true),
      (r) => r.examCode,
      (r) => r.takenAt,
      at,
    ),
    awards: group(
      facts.awards,
      (a) => a.credentialCode,
      (a) => a.awardedAt,
      at,
    ),
    trainings: group(
      facts.trainings,
      (t) => t.courseCode,
      (t) => t.completedAt,
      at,
    ),
    agreements: group(
      facts.agreements,
      (a) => a.agreementCode,
      (a) => a.acceptedAt,
      at,
    ),
    credits: group(
      facts.credits.filter((c) => Number.isFinite(c.amount) && c.amount > 0),
      (c) => c.categoryCode,
      (c) => c.earnedAt,
      at,
    ),
  };
}

function group<T extends { id: string }>(
  facts: readonly T[],
  codeOf: (fact: T) => string,
  dateOf: (fact: T) => Date,
  at: number,
): Map<string, Dated<T>[]> {
  const groups = new Map<string, Dated<T>[]>();
  for (const fact of facts) {
    const time = dateOf(fact).getTime();
    // NaN (an invalid date) fails this test too, so such a fact never counts.
    if (!(time <= at)) continue;
    const code = codeOf(fact);
    let list = groups.get(code);
    if (!list) groups.set(code, (list = []));
    list.push({ fact, time });
  }
  for (const list of groups.values()) list.sort(byTimeThenId);
  return groups;
}

function byTimeThenId<T extends { id: string }>(a: Dated<T>, b: Dated<T>): number {
  return a.time - b.time || compareStrings(a.fact.id, b.fact.id);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when a fact dated `time` counts at `at` under a recency window (inclusive). */
function withinWindow(time: number, months: number | undefined, at: number): boolean {
  if (months === undefined) return true;
  return at <= addMonthsUTC(new Date(time), months).getTime();
}

function evaluateNode(
  node: RequirementNode,
  index: Index,
  byId: Map<string, NodeEvaluation>,
): Internal {
  const result = evaluateKind(node, index, byId);
  if (!byId.has(node.id)) byId.set(node.id, result.node);
  return result;
}

function evaluateKind(
  node: RequirementNode,
  index: Index,
  byId: Map<string, NodeEvaluation>,
): Internal {
  switch (node.kind) {
    case 'all':
    case 'any':
      return evaluateGroup(node, index, byId);
    case 'exam': {
      if (!validMonths(node.withinMonths))
        return invalid(node, 'withinMonths is not a whole number of 0 or more');
      const versions = node.versions;
      const found = (index.results.get(node.examCode) ?? []).find(
        ({ fact, time }) =>
          (node.minScore === undefined || fact.score >= node.minScore) &&
          (versions === undefined || versions.includes(fact.examVersion)) &&
          withinWindow(time, node.withinMonths, index.at),
      );
      return leaf(node, found, 'result', {
        kind: 'exam',
        examCode: node.examCode,
        ...(node.minScore !== undefined && { minScore: node.minScore }),
        ...(versions !== undefined && { versions }),
        ...(node.withinMonths !== undefined && { withinMonths: node.withinMonths }),
      });
    }
    case 'credential': {
      const awards = index.awards.get(node.credentialCode) ?? [];
      const found = awards.find(({ fact }) => isActiveAt(fact, index.at));
      return leaf(node, found, 'award', {
        kind: 'credential',
        credentialCode: node.credentialCode,
        held: heldStatus(awards, index.at),
      });
    }
    case 'training': {
      if (!validMonths(node.withinMonths))
        return invalid(node, 'withinMonths is not a whole number of 0 or more');
      const found = (index.trainings.get(node.courseCode) ?? []).find(({ time }) =>
        withinWindow(time, node.withinMonths, index.at),
      );
      return leaf(node, found, 'training', {
        kind: 'training',
        courseCode: node.courseCode,
        ...(node.withinMonths !== undefined && { withinMonths: node.withinMonths }),
      });
    }
    case 'agreement': {
      const minimum = node.version;
      const found = (index.agreements.get(node.agreementCode) ?? []).find(
        ({ fact }) => minimum === undefined || fact.version >= minimum,
      );
      return leaf(node, found, 'agreement', {
        kind: 'agreement',
        agreementCode: node.agreementCode,
        ...(minimum !== undefined && { version: minimum }),
      });
    }
    case 'credits':
      return evaluateCredits(node, index);
    default: {
      const unknownNode: { id: string; kind: unknown } = node;
      return invalid(
        { id: unknownNode.id, kind: String(unknownNode.kind) as RequirementKind },
        `unknown requirement kind ${JSON.stringify(unknownNode.kind)}`,
      );
    }
  }
}

function validMonths(months: number | undefined): boolean {
  return months === undefined || (Number.isInteger(months) && months >= 0);
}

/** Active at `at`: marked active and not past its expiry. Suspended, revoked and expired awards never count. */
function isActiveAt(award: AwardFact, at: number): boolean {
  return award.status === 'active' && (award.expiresAt === null || at < award.expiresAt.getTime());
}

const STATUS_RANK: Record<AwardStatus, number> = {
  active: 0,
  expired: 1,
  suspended: 2,
  revoked: 3,
};

function heldStatus(
  awards: readonly Dated<AwardFact>[],
  at: number,
): 'none' | 'expired' | 'suspended' | 'revoked' {
  // The latest award by (date, id); `awards` is sorted that way. Should two
  // share date and id, the most severe status wins, so the answer is order-free.
  const last = awards[awards.length - 1];
  if (!last) return 'none';
  let latest = last.fact;
  for (const { fact, time } of awards) {
    if (
      time === last.time &&
      fact.id === latest.id &&
      STATUS_RANK[fact.status] > STATUS_RANK[latest.status]
    ) {
      latest = fact;
    }
  }
  // Called only when no award is active at `at`, so an 'active' one has passed its expiry.
  return latest.status === 'active' ? (isActiveAt(latest, at) ? 'none' : 'expired') : latest.status;
}

function leaf(
  node: RequirementNode,
  found: Dated<{ id: string }> | undefined,
  type: EvidenceType,
  missing: Missing,
): Internal {
  const met = found !== undefined;
  return {
    node: {
      id: node.id,
      kind: node.kind,
      met,
      metAt: met ? new Date(found.time) : null,
      evidence: met ? [{ type, id: found.fact.id }] : [],
      missing: met ? null : missing,
      progress: met ? 1 : 0,
      children: [],
    },
    weight: 1,
    remaining: met ? 0 : 1,
  };
}

function invalid(node: { id: string; kind: RequirementKind }, reason: string): Internal {
  return {
    node: {
      id: node.id,
      kind: node.kind,
      met: false,
      metAt: null,
      evidence: [],
      missing: { kind: 'invalid', reason },
      progress: 0,
      children: [],
    },
    weight: 1,
    remaining: 1,
  };
}

/**
 * Credits count while inside the window; the node is met once they add up
 * to the minimum. metAt is the date of the credit that brought the running
 * total (in date order) to the minimum; that prefix is the evidence.
 */
function evaluateCredits(
  node: Extract<RequirementNode, { kind: 'credits' }>,
  index: Index,
): Internal {
  const minimumUnits = Math.round(node.minimum * CREDIT_UNITS);
  if (!Number.isFinite(node.minimum) || minimumUnits <= 0) {
    return invalid(node, 'minimum is not a number of credits above 0');
  }
  if (!validMonths(node.withinMonths)) {
    return invalid(node, 'withinMonths is not a whole number of 0 or more');
  }
  const counting = (index.credits.get(node.categoryCode) ?? []).filter(({ time }) =>
    withinWindow(time, node.withinMonths, index.at),
  );
  let total = 0;
  let reachedAt = -1;
  counting.forEach(({ fact }, i) => {
    total += Math.round(fact.amount * CREDIT_UNITS);
    if (reachedAt < 0 && total >= minimumUnits) reachedAt = i;
  });
  const met = reachedAt >= 0;
  const used = met ? counting.slice(0, reachedAt + 1) : counting;
  const ratio = Math.min(1, total / minimumUnits);
  const remaining = met ? 0 : Math.max(1 - ratio, Number.EPSILON);
  return {
    node: {
      id: node.id,
      kind: 'credits',
      met,
      metAt: met ? new Date(counting[reachedAt]!.time) : null,
      evidence: sortEvidence(used.map(({ fact }) => ({ type: 'credit', id: fact.id }))),
      missing: met
        ? null
        : {
            kind: 'credits',
            categoryCode: node.categoryCode,
            minimum: node.minimum,
            earned: total / CREDIT_UNITS,
            needed: (minimumUnits - total) / CREDIT_UNITS,
            ...(node.withinMonths !== undefined && { withinMonths: node.withinMonths }),
          },
      progress: met ? 1 : 1 - remaining,
      children: [],
    },
    weight: 1,
    remaining,
  };
}

/**
 * `all`: met when every child is; metAt is the latest child's metAt.
 * `any N`: met when N children are; the N met children with the earliest
 * metAt (ties: tree order) are chosen, metAt is the N-th smallest metAt.
 *
 * Progress is measured in leaf-equivalents of work: a leaf weighs 1, `all`
 * the sum of its children, `any N` the N lightest children; what remains is
 * the sum over children for `all` and the N smallest remainders for `any N`
 * (its best N children). Weights depend on the tree only, so adding a fact
 * never lowers progress.
 */
function evaluateGroup(
  node: Extract<RequirementNode, { kind: 'all' | 'any' }>,
  index: Index,
  byId: Map<string, NodeEvaluation>,
): Internal {
  const children = node.children.map((child) => evaluateNode(child, index, byId));
  const childNodes = children.map((c) => c.node);
  const count = node.kind === 'all' ? children.length : node.count;
  if (children.length === 0) {
    return withChildren(invalid(node, `"${node.kind}" has no requirements inside it`), childNodes);
  }
  if (!Number.isInteger(count) || count < 1 || count > children.length) {
    return withChildren(
      invalid(node, `"any ${count}" of ${children.length} requirements can never be met`),
      childNodes,
    );
  }

  const metChildren = children
    .map((c, position) => ({ c: c.node, position }))
    .filter(({ c }) => c.met)
    .sort((a, b) => a.c.metAt!.getTime() - b.c.metAt!.getTime() || a.position - b.position)
    .map(({ c }) => c);
  const met = metChildren.length >= count;
  const chosen = met ? metChildren.slice(0, count) : metChildren;
  const unmet = childNodes.filter((c) => !c.met).map((c) => c.id);

  let weight: number;
  let remaining: number;
  if (node.kind === 'all') {
    weight = sum(children.map((c) => c.weight));
    remaining = sum(children.map((c) => c.remaining));
  } else {
    weight = sum(
      smallest(
        children.map((c) => c.weight),
        count,
      ),
    );
    remaining = sum(
      smallest(
        children.map((c) => c.remaining),
        count,
      ),
    );
  }
  // A sum of positive remainders is positive, but guard the invariant "1 exactly when met".
  const progress = met ? 1 : Math.min(1 - remaining / weight, 1 - Number.EPSILON);

  return {
    node: {
      id: node.id,
      kind: node.kind,
      met,
      metAt: met ? chosen[count - 1]!.metAt : null,
      evidence: unionEvidence(chosen),
      missing: met
        ? null
        : node.kind === 'all'
          ? { kind: 'all', unmet }
          : { kind: 'any', needed: count - metChildren.length, unmet },
      progress,
      children: childNodes,
    },
    weight,
    remaining: met ? 0 : remaining,
  };
}

function withChildren(internal: Internal, children: NodeEvaluation[]): Internal {
  return { ...internal, node: { ...internal.node, children } };
}

function smallest(values: number[], n: number): number[] {
  return [...values].sort((a, b) => a - b).slice(0, n);
}

/** Sums in ascending order, so that float rounding does not depend on input order. */
function sum(values: number[]): number {
  return [...values].sort((a, b) => a - b).reduce((total, v) => total + v, 0);
}

function unionEvidence(nodes: readonly NodeEvaluation[]): EvidenceRef[] {
  const seen = new Map<string, EvidenceRef>();
  for (const n of nodes) {
    for (const ref of n.evidence) seen.set(`${ref.type}\u0000${ref.id}`, ref);
  }
  return sortEvidence([...seen.values()]);
}

function sortEvidence(refs: EvidenceRef[]): EvidenceRef[] {
  return refs.sort(
    (a, b) =>
      EVIDENCE_ORDER.indexOf(a.type) - EVIDENCE_ORDER.indexOf(b.type) || compareStrings(a.id, b.id),
  );
}
