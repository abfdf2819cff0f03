import {
  addMonthsUTC,
  evaluate,
  type AwardFact,
  type AwardStatus,
  type Evaluation,
  type EvidenceRef,
  type Facts,
} from './evaluator.ts';
import { credentialCodesIn, type RequirementNode } from './requirements.ts';

/**
 * The awarding rules: given one candidate's facts and awards and one
 * credential's definition, what should happen to that credential now?
 * Pure: no I/O, no clock. The engine (awarding.ts) applies the decisions and
 * asks again until nothing changes. CONTEXT.md ("Awarding") states the rules
 * in words; keep the two in step.
 */

/** What the rules need of a credential definition (the catalog's `CredentialDefinition` fits). */
export interface CredentialRules {
  readonly id: number;
  readonly code: string;
  readonly validityMonths: number | null;
  readonly recertification: {
    readonly requirementsAgain: boolean;
    readonly exams: readonly string[];
    readonly higherCredentials: readonly string[];
    readonly credits: { readonly category: string; readonly minimum: number } | null;
  };
  /** Ascending by version. */
  readonly requirements: readonly {
    readonly version: number;
    readonly tree: RequirementNode;
    readonly effectiveAt: Date;
  }[];
}

/** An award as the rules see it. */
export interface AwardRecord {
  readonly id: number;
  readonly credentialId: number;
  readonly credentialCode: string;
  readonly status: AwardStatus;
  /** When the requirements became met. */
  readonly awardedAt: Date;
  readonly expiresAt: Date | null;
  readonly lastRenewedAt: Date | null;
  readonly statusChangedAt: Date | null;
  readonly requirementVersion: number;
  readonly evidence: readonly EvidenceRef[];
  /**
   * Revoked facts (`type:id`) a program manager decided the award survives;
   * they no longer put it in question.
   */
  readonly keptRefs: readonly string[];
  /** Why its status last changed (a revocation's reason). */
  readonly statusReason?: string | null;
  readonly credentialNumber?: string;
}

/** A candidate's facts (their awards come from `awards`) and awards. */
export interface CandidateState {
  readonly facts: Omit<Facts, 'awards'>;
  readonly awards: readonly AwardRecord[];
}

export type RenewalPath = 'requirements' | 'exam' | 'higher_credential' | 'credits';

export type Decision =
  | { kind: 'none' }
  /** Create an award: met by the version in force (with evidence newer than any earlier award's cut-off). */
  | {
      kind: 'award';
      version: number;
      awardedAt: Date;
      expiresAt: Date | null;
      /** Created already expired: its validity ran out before today. */
      expired: boolean;
      evidence: EvidenceRef[];
    }
  /** Renew the live award: a recertification rule is met with evidence newer than its last (re)award. */
  | {
      kind: 'renew';
      awardId: number;
      path: RenewalPath;
      version: number;
      renewedAt: Date;
      expiresAt: Date | null;
      /** What the renewal rests on. */
      renewalEvidence: EvidenceRef[];
      /** What the award rests on afterwards: its evidence and the renewal's. */
      evidence: EvidenceRef[];
    }
  /** The live award rests on revoked facts and is not met without them. */
  | { kind: 'revoke'; awardId: number; revokedRefs: EvidenceRef[] }
  /** The live award rests on revoked facts but is met without them: it rests on `evidence` now. */
  | { kind: 'reevidence'; awardId: number; revokedRefs: EvidenceRef[]; evidence: EvidenceRef[] };

export const refKey = (ref: EvidenceRef): string => `${ref.type}:${ref.id}`;

export function isLive(award: Pick<AwardRecord, 'status'>): boolean {
  return award.status === 'active' || award.status === 'suspended';
}

/** The last (re)award date: what "newer evidence" is measured against. */
export function baselineOf(award: Pick<AwardRecord, 'awardedAt' | 'lastRenewedAt'>): Date {
  return award.lastRenewedAt ?? award.awardedAt;
}

/** The requirement version in force at `at`: the latest effective on or before it. */
export function versionInForce<V extends { version: number; effectiveAt: Date }>(
  versions: readonly V[],
  at: Date,
): V | undefined {
  let found: V | undefined;
  for (const v of versions) {
    if (v.effectiveAt.getTime() <= at.getTime() && (!found || v.version > found.version)) found = v;
  }
  return found;
}

/** Active awards whose expiry has come: the sweep and the engine mark them expired. */
export function overdueAwards(awards: readonly AwardRecord[], at: Date): AwardRecord[] {
  return awards.filter(
    (a) => a.status === 'active' && a.expiresAt !== null && a.expiresAt.getTime() <= at.getTime(),
  );
}

/**
 * One candidate prepared for many decisions: the evaluator's facts and the
 * date of every fact by evidence key. Rebuild it after the awards change.
 */
export class Candidate {
  readonly facts: Facts;
  readonly awards: readonly AwardRecord[];
  private readonly dates = new Map<string, number>();
  private readonly undermined = new Set<string>();
  private readonly awardsByCredential = new Map<number, AwardRecord[]>();

  constructor(state: CandidateState) {
    this.awards = state.awards;
    this.facts = { ...state.facts, awards: state.awards.map(toAwardFact) };
    for (const r of state.facts.results) {
      this.dates.set(`result:${r.id}`, r.takenAt.getTime());
      // A result revoked, or corrected to a fail, no longer holds anything up.
      if (r.revoked || !r.passed) this.undermined.add(`result:${r.id}`);
    }
    for (const t of state.facts.trainings)
      this.dates.set(`training:${t.id}`, t.completedAt.getTime());
    for (const a of state.facts.agreements)
      this.dates.set(`agreement:${a.id}`, a.acceptedAt.getTime());
    for (const c of state.facts.credits) this.dates.set(`credit:${c.id}`, c.earnedAt.getTime());
    for (const a of state.awards) {
      // An award counts as evidence from its last (re)award: renewing a prerequisite is news.
      this.dates.set(`award:${a.id}`, baselineOf(a).getTime());
      if (a.status === 'revoked') this.undermined.add(`award:${a.id}`);
      let list = this.awardsByCredential.get(a.credentialId);
      if (!list) this.awardsByCredential.set(a.credentialId, (list = []));
      list.push(a);
    }
    for (const list of this.awardsByCredential.values()) list.sort((a, b) => a.id - b.id);
  }

  awardsOf(credentialId: number): readonly AwardRecord[] {
    return this.awardsByCredential.get(credentialId) ?? [];
  }

  /** The live award (active or suspended); the newest should there ever be two. */
  liveAward(credentialId: number): AwardRecord | undefined {
    return this.awardsOf(credentialId).filter(isLive).at(-1);
  }

  latestAward(credentialId: number): AwardRecord | undefined {
    return this.awardsOf(credentialId).at(-1);
  }

  /** A fact that no longer counts: a revoked or failed result, a revoked award. */
  isUndermined(ref: EvidenceRef): boolean {
    return this.undermined.has(refKey(ref));
  }

  dateOf(ref: EvidenceRef): number | undefined {
    return this.dates.get(refKey(ref));
  }

  /**
   * The facts that may count as evidence newer than `cutoff`: results,
   * training and credits dated after it (what is earned), with agreements
   * and awards as they are (what is held: an old acceptance of the
   * candidate agreement or a prerequisite held since long ago still counts).
   */
  newerThan(cutoff: Date): Facts {
    const c = cutoff.getTime();
    return {
      results: this.facts.results.filter((r) => r.takenAt.getTime() > c),
      trainings: this.facts.trainings.filter((t) => t.completedAt.getTime() > c),
      credits: this.facts.credits.filter((x) => x.earnedAt.getTime() > c),
      agreements: this.facts.agreements,
      awards: this.facts.awards,
    };
  }

  /** Met on newer evidence: on `newerThan(cutoff)`, with at least one piece of evidence dated after the cutoff. */
  evaluateNewer(tree: RequirementNode, cutoff: Date, at: Date): Evaluation | undefined {
    const evaluation = evaluate(tree, this.newerThan(cutoff), at);
    if (!evaluation.met) return undefined;
    const c = cutoff.getTime();
    const fresh = evaluation.evidence.some(
      (ref) => (this.dateOf(ref) ?? Number.NEGATIVE_INFINITY) > c,
    );
    return fresh ? evaluation : undefined;
  }
}

function toAwardFact(a: AwardRecord): AwardFact {
  return {
    id: String(a.id),
    credentialCode: a.credentialCode,
    status: a.status,
    awardedAt: a.awardedAt,
    expiresAt: a.expiresAt,
  };
}

/**
 * What should happen to one credential for one candidate at `at`. Call it
 * after expiring overdue awards (`overdueAwards`), for published
 * credentials only.
 */
export function decide(credential: CredentialRules, candidate: Candidate, at: Date): Decision {
  const live = candidate.liveAward(credential.id);
  if (live) return decideLive(credential, candidate, live, at);
  return decideNew(credential, candidate, at);
}

function decideNew(credential: CredentialRules, candidate: Candidate, at: Date): Decision {
  const inForce = versionInForce(credential.requirements, at);
  if (!inForce) return { kind: 'none' };
  const latest = candidate.latestAward(credential.id);
  let evaluation: Evaluation | undefined;
  if (latest) {
    // An expired award is re-earned with evidence newer than its last (re)award;
    // a revoked one with evidence newer than its revocation.
    const cutoff =
      latest.status === 'revoked'
        ? (latest.statusChangedAt ?? baselineOf(latest))
        : baselineOf(latest);
    evaluation = candidate.evaluateNewer(inForce.tree, cutoff, at);
  } else {
    const e = evaluate(inForce.tree, candidate.facts, at);
    evaluation = e.met ? e : undefined;
  }
  if (!evaluation || !evaluation.metAt) return { kind: 'none' };
  const awardedAt = evaluation.metAt;
  const expiresAt =
    credential.validityMonths === null ? null : addMonthsUTC(awardedAt, credential.validityMonths);
  return {
    kind: 'award',
    version: inForce.version,
    awardedAt,
    expiresAt,
    expired: expiresAt !== null && expiresAt.getTime() <= at.getTime(),
    evidence: evaluation.evidence,
  };
}

function decideLive(
  credential: CredentialRules,
  candidate: Candidate,
  live: AwardRecord,
  at: Date,
): Decision {
  const revokedRefs = live.evidence.filter(
    (ref) => candidate.isUndermined(ref) && !live.keptRefs.includes(refKey(ref)),
  );
  if (revokedRefs.length > 0) {
    const version =
      credential.requirements.find((v) => v.version === live.requirementVersion) ??
      versionInForce(credential.requirements, at);
    // Still earned without them: at its (re)award date, or today.
    const still = version
      ? [baselineOf(live), at]
          .map((date) => evaluate(version.tree, candidate.facts, date))
          .find((e) => e.met)
      : undefined;
    if (still)
      return { kind: 'reevidence', awardId: live.id, revokedRefs, evidence: still.evidence };
    return { kind: 'revoke', awardId: live.id, revokedRefs };
  }
  if (live.status !== 'active' || live.expiresAt === null) return { kind: 'none' };
  if (live.expiresAt.getTime() <= at.getTime()) return { kind: 'none' }; // expires first
  return decideRenewal(credential, candidate, live, at);
}

interface RenewalOption {
  path: RenewalPath;
  date: number;
  evidence: EvidenceRef[];
}

function decideRenewal(
  credential: CredentialRules,
  candidate: Candidate,
  live: AwardRecord,
  at: Date,
): Decision {
  const rules = credential.recertification;
  const baseline = baselineOf(live).getTime();
  const atTime = at.getTime();
  const inForce = versionInForce(credential.requirements, at);
  const options: RenewalOption[] = [];

  if (rules.requirementsAgain && inForce) {
    const e = candidate.evaluateNewer(inForce.tree, baselineOf(live), at);
    if (e?.metAt)
      options.push({ path: 'requirements', date: e.metAt.getTime(), evidence: e.evidence });
  }

  if (rules.exams.length > 0) {
    const pass = candidate.facts.results
      .filter(
        (r) =>
          r.passed &&
          !r.revoked &&
          rules.exams.includes(r.examCode) &&
          r.takenAt.getTime() > baseline &&
          r.takenAt.getTime() <= atTime,
      )
      .sort(byDateThenId((r) => r.takenAt))[0];
    if (pass)
      options.push({
        path: 'exam',
        date: pass.takenAt.getTime(),
        evidence: [{ type: 'result', id: pass.id }],
      });
  }

  if (rules.higherCredentials.length > 0) {
    const higher = candidate.awards
      .filter(
        (a) =>
          a.status === 'active' &&
          (a.expiresAt === null || a.expiresAt.getTime() > atTime) &&
          rules.higherCredentials.includes(a.credentialCode) &&
          baselineOf(a).getTime() > baseline &&
          baselineOf(a).getTime() <= atTime,
      )
      .sort((a, b) => baselineOf(a).getTime() - baselineOf(b).getTime() || a.id - b.id)[0];
    if (higher) {
      options.push({
        path: 'higher_credential',
        date: baselineOf(higher).getTime(),
        evidence: [{ type: 'award', id: String(higher.id) }],
      });
    }
  }

  if (rules.credits && rules.credits.minimum > 0) {
    const { category, minimum } = rules.credits;
    const entries = candidate.facts.credits
      .filter(
        (c) =>
          c.categoryCode === category &&
          Number.isFinite(c.amount) &&
          c.amount > 0 &&
          c.earnedAt.getTime() > baseline &&
          c.earnedAt.getTime() <= atTime,
      )
      .sort(byDateThenId((c) => c.earnedAt));
    // In millionths, as the evaluator sums them, so the total does not depend on float error.
    const needed = Math.round(minimum * 1_000_000);
    let total = 0;
    const used: EvidenceRef[] = [];
    for (const entry of entries) {
      total += Math.round(entry.amount * 1_000_000);
      used.push({ type: 'credit', id: entry.id });
      if (total >= needed) {
        options.push({ path: 'credits', date: entry.earnedAt.getTime(), evidence: used });
        break;
      }
    }
  }

  if (options.length === 0 || !inForce) return { kind: 'none' };
  // The earliest way wins; on the same date, in the order above.
  const chosen = options.reduce((best, o) => (o.date < best.date ? o : best));
  const renewedAt = new Date(chosen.date);
  const fromRenewal =
    credential.validityMonths === null ? null : addMonthsUTC(renewedAt, credential.validityMonths);
  const expiresAt =
    fromRenewal === null
      ? null
      : new Date(Math.max(fromRenewal.getTime(), live.expiresAt?.getTime() ?? 0));
  return {
    kind: 'renew',
    awardId: live.id,
    path: chosen.path,
    version: inForce.version,
    renewedAt,
    expiresAt,
    renewalEvidence: chosen.evidence,
    evidence: mergeEvidence(live.evidence, chosen.evidence),
  };
}

const EVIDENCE_ORDER = ['result', 'award', 'training', 'agreement', 'credit'];

export function mergeEvidence(a: readonly EvidenceRef[], b: readonly EvidenceRef[]): EvidenceRef[] {
  const seen = new Map<string, EvidenceRef>();
  for (const ref of [...a, ...b]) seen.set(refKey(ref), { type: ref.type, id: ref.id });
  return [...seen.values()].sort(
    (x, y) =>
      EVIDENCE_ORDER.indexOf(x.type) - EVIDENCE_ORDER.indexOf(y.type) ||
      Number(x.id) - Number(y.id) ||
      (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
  );
}

function byDateThenId<T extends { id: string }>(dateOf: (x: T) => Date) {
  return (a: T, b: T) =>
    dateOf(a).getTime() - dateOf(b).getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The credentials whose decisions can change when `changed` changes: those
 * themselves, and transitively every credential that requires one of them
 * (a `credential` node in any version) or is renewed by one of them
 * (`higherCredentials`). Credential ids, for the re-evaluation job.
 */
export function dependentCredentials(
  credentials: readonly (CredentialRules & { readonly code: string })[],
  changed: readonly number[],
): Set<number> {
  const byCode = new Map(credentials.map((c) => [c.code, c]));
  const dependents = new Map<number, Set<number>>();
  const link = (from: string, to: number) => {
    const source = byCode.get(from);
    if (!source) return;
    let set = dependents.get(source.id);
    if (!set) dependents.set(source.id, (set = new Set()));
    set.add(to);
  };
  for (const c of credentials) {
    for (const v of c.requirements) for (const code of credentialCodesIn(v.tree)) link(code, c.id);
    // A lower credential renewed by a higher one depends on the higher one's awards.
    for (const code of c.recertification.higherCredentials) link(code, c.id);
  }
  const out = new Set<number>();
  const queue = [...changed];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    for (const next of dependents.get(id) ?? []) queue.push(next);
  }
  return out;
}

/** The catalog codes whose facts can matter to some credentials' decisions. */
export interface FactCodes {
  exams: Set<string>;
  credentials: Set<string>;
  trainings: Set<string>;
  agreements: Set<string>;
  creditCategories: Set<string>;
}

/**
 * What deciding `credentials` can look at: the codes in every version of
 * their trees, their recertification rules, and the credentials
 * themselves (their own awards). Facts outside it cannot change those
 * decisions, so a re-evaluation of a few credentials loads only these.
 */
export function factCodesFor(
  credentials: readonly (CredentialRules & { readonly code: string })[],
): FactCodes {
  const codes: FactCodes = {
    exams: new Set(),
    credentials: new Set(),
    trainings: new Set(),
    agreements: new Set(),
    creditCategories: new Set(),
  };
  const walk = (node: RequirementNode): void => {
    switch (node.kind) {
      case 'all':
      case 'any':
        node.children.forEach(walk);
        break;
      case 'exam':
        codes.exams.add(node.examCode);
        break;
      case 'credential':
        codes.credentials.add(node.credentialCode);
        break;
      case 'training':
        codes.trainings.add(node.courseCode);
        break;
      case 'agreement':
        codes.agreements.add(node.agreementCode);
        break;
      case 'credits':
        codes.creditCategories.add(node.categoryCode);
        break;
    }
  };
  for (const c of credentials) {
    codes.credentials.add(c.code);
    for (const v of c.requirements) walk(v.tree);
    for (const e of c.recertification.exams) codes.exams.add(e);
    for (const h of c.recertification.higherCredentials) codes.credentials.add(h);
    if (c.recertification.credits) codes.creditCategories.add(c.recertification.credits.category);
  }
  return codes;
}
