import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { CatalogApi, CredentialDefinition, ProgramDefinitions } from '../catalog/index.ts';
import { Candidate } from './award-rules.ts';
import { codeLookup } from './awarding.ts';
import { progressOf } from './candidate-progress.ts';
import { candidateRows, type CandidateRows } from './candidate.repository.ts';
import {
  describeRequirements,
  describeText,
  type NameLookup,
  type RequirementDescription,
} from './describe.ts';
import type { EvidenceRef, Missing, NodeEvaluation } from './evaluator.ts';
import { candidateFromRows } from './facts.repository.ts';
import { toAwardView } from './progress.service.ts';
import type {
  AwardView,
  CredentialProgress,
  ProgressService,
  ResultView,
} from './progress.types.ts';
import { credentialCodesIn, type RequirementKind, type RequirementNode } from './requirements.ts';

/**
 * The candidate pages' read side: it asks the awarding engine for progress,
 * awards and history, the catalog for names and rules, and turns them into
 * the plain view models the views render. No rule of awarding lives here;
 * the evaluator's answer is shown as it is.
 */

/** An award as a card shows it: the stored status, plus "expiring soon" and "expired" by date. */
export type DisplayStatus = 'active' | 'expiring' | 'expired' | 'suspended' | 'revoked';

/** "Expiring soon" starts this long before the expiry date. */
export const EXPIRING_SOON_DAYS = 90;
const DAY_MS = 86_400_000;

export interface AwardCardView {
  credentialCode: string;
  credentialName: string;
  kind: 'accreditation' | 'certification' | null;
  level: string | null;
  credentialNumber: string;
  status: DisplayStatus;
  statusReason: string | null;
  awardedAt: Date;
  expiresAt: Date | null;
  renewBy: Date | null;
  /** Whether the credential has a public requirements page (it is published). */
  published: boolean;
}

export interface NextStepView {
  kind: 'requirement' | 'renew' | 'evidence' | 'twoFactor' | 'start';
  text: string;
  href: string;
  /** For 'requirement': the credential it leads to; for 'renew': the date to renew by. */
  credentialName?: string;
  date?: Date;
  count?: number;
}

export interface InReachView {
  code: string;
  name: string;
  level: string;
  /** Rounded down: never shows 100 for an unmet tree. */
  percent: number;
  /** The candidate held it before (expired or revoked) and would be earning it again. */
  again: boolean;
}

export interface DashboardView {
  awards: AwardCardView[];
  inReach: InReachView[];
  nextSteps: NextStepView[];
  pendingEvidence: number;
}

export interface RecertificationView {
  requirementsAgain: boolean;
  exams: { code: string; title: string }[];
  higherCredentials: { code: string; name: string }[];
  credits: { code: string; title: string; minimum: number } | null;
}

export interface CredentialInfoView {
  code: string;
  name: string;
  kind: 'accreditation' | 'certification';
  level: string;
  levelRank: number;
  description: string;
  validityMonths: number | null;
  requirementVersion: number | null;
  /** The whole requirement in one sentence, and as nested phrases. */
  sentence: string | null;
  requirements: RequirementDescription | null;
  prerequisites: { code: string; name: string }[];
  recertification: RecertificationView;
}

export interface CatalogGroupView {
  kind: 'accreditation' | 'certification';
  level: string;
  credentials: (CredentialInfoView & {
    mine: { percent: number; status: DisplayStatus | null } | null;
  })[];
}

/** A fact a met requirement rests on, ready to show. */
export type EvidenceDetail =
  | {
      type: 'result';
      id: number;
      examCode: string;
      examTitle: string;
      version: string | null;
      score: number | null;
      passingScore: number | null;
      takenAt: Date;
    }
  | {
      type: 'award';
      id: number;
      credentialCode: string;
      credentialName: string;
      credentialNumber: string;
      awardedAt: Date;
      expiresAt: Date | null;
    }
  | {
      type: 'training';
      id: number;
      courseCode: string;
      courseTitle: string;
      completedAt: Date;
      viaEvidence: boolean;
    }
  | {
      type: 'agreement';
      id: number;
      agreementCode: string;
      title: string;
      version: number;
      acceptedAt: Date;
    }
  | {
      type: 'credit';
      id: number;
      categoryCode: string;
      categoryTitle: string;
      amount: number;
      earnedAt: Date;
    };

export interface ChecklistNode {
  id: string;
  kind: RequirementKind;
  text: string;
  met: boolean;
  metAt: Date | null;
  /** Groups: how many children must be met, and how many are. */
  count?: number;
  metCount?: number;
  evidence: EvidenceDetail[];
  missing: Missing | null;
  /** Where the candidate can act on an unmet leaf (send evidence for a course or credits). */
  action: { href: string } | null;
  children: ChecklistNode[];
}

export interface CredentialPageView {
  info: CredentialInfoView;
  mine: {
    percent: number;
    met: boolean;
    metAt: Date | null;
    checklist: ChecklistNode;
    award: AwardCardView | null;
    renewBy: Date | null;
  } | null;
}

export interface HistoryView {
  rows: ResultView[];
  exams: { code: string; title: string }[];
  years: number[];
}

/**
 * One candidate as the pages see them at one instant: the catalog, their
 * facts and awards (read in one statement), their awards as views (newest
 * first) and the evidence waiting for a decision.
 */
interface Standing {
  defs: ProgramDefinitions;
  rows: CandidateRows;
  candidate: Candidate;
  awards: AwardView[];
  awardViews: ReadonlyMap<number, AwardView>;
}

export class CandidateService {
  constructor(
    private readonly prepared: DatabaseHandle['prepared'],
    private readonly catalog: Pick<
      CatalogApi,
      'definitions' | 'definitionsFor' | 'requirementsInForce'
    >,
    private readonly progress: Pick<ProgressService, 'history'>,
  ) {}

  /**
   * The candidate's standing: one statement reads the candidate's rows and
   * the catalog's fingerprint (the catalog's cached copy is used when it
   * matches). Nothing of the candidate is cached across requests, so a page
   * always shows the facts as they are.
   */
  private async standing(userId: number): Promise<Standing> {
    const rows = await candidateRows(this.prepared, userId);
    const defs = await this.catalog.definitionsFor(rows.catalogFingerprint);
    const candidate = new Candidate(candidateFromRows(userId, rows, codeLookup(defs)));
    const awards = rows.awards.map((row) => toAwardView(row, defs));
    return { defs, rows, candidate, awards, awardViews: new Map(awards.map((a) => [a.id, a])) };
  }

  private progressOf(
    s: Standing,
    include: (c: CredentialDefinition) => boolean,
    at: Date,
  ): CredentialProgress[] {
    return progressOf(s.defs.credentials.filter(include), s.candidate, s.awardViews, at);
  }

  /**
   * The dashboard. Its sources are read at once (today one: the candidate's
   * standing, in one statement), then each part of the view is built by a
   * pure function below. A new part from another source (e.g. upcoming
   * exams from a scheduling feature) adds its read to the `Promise.all`, a
   * field to `DashboardView`, and, if it suggests something, a step in
   * `nextStepsOf`.
   */
  async dashboard(
    userId: number,
    options: { twoFactorEnabled: boolean; now?: Date },
  ): Promise<DashboardView> {
    const now = options.now ?? new Date();
    const [standing] = await Promise.all([this.standing(userId)]);
    const progress = this.progressOf(standing, (c) => c.status === 'published', now);
    const awards = awardCardsOf(standing, progress, now);
    const reach = inReachOf(progress, awards);
    const pendingEvidence = standing.rows.pendingEvidence;
    const nextSteps = nextStepsOf({
      closest: reach.closest,
      names: nameLookup(standing.defs),
      awards,
      pendingEvidence,
      twoFactorEnabled: options.twoFactorEnabled,
    });
    return { awards, inReach: reach.inReach, nextSteps, pendingEvidence };
  }

  /** Every published credential, grouped by kind and level; with the candidate's standing when signed in. */
  async catalogPage(userId: number | null, now = new Date()): Promise<CatalogGroupView[]> {
    const standing = userId === null ? undefined : await this.standing(userId);
    const defs = standing?.defs ?? (await this.catalog.definitions());
    const progress = standing
      ? this.progressOf(standing, (c) => c.status === 'published', now)
      : [];
    const awards = standing?.awards ?? [];
    const mine = new Map(progress.map((p) => [p.credential.code, p]));
    const cards = new Map(
      currentAwards(awards, now).map((a) => [a.credentialCode, awardCard(a, defs, now, null)]),
    );
    const groups = new Map<string, CatalogGroupView>();
    for (const credential of defs.credentials) {
      if (credential.status !== 'published') continue;
      const p = mine.get(credential.code);
      const info = p
        ? this.info(credential, defs, p.tree, p.requirementVersion)
        : this.infoInForce(credential, defs, now);
      const key = `${credential.kind}\u0000${credential.levelRank}\u0000${credential.level}`;
      let group = groups.get(key);
      if (!group) {
        group = { kind: credential.kind, level: credential.level, credentials: [] };
        groups.set(key, group);
      }
      const card = cards.get(credential.code);
      group.credentials.push({
        ...info,
        mine:
          userId === null
            ? null
            : {
                percent: p ? Math.floor(p.evaluation.percent) : 0,
                status: card ? card.status : null,
              },
      });
    }
    // Certifications after accreditations; within each, by level rank (the map keeps that order).
    return [...groups.values()].sort(
      (a, b) =>
        (a.kind === b.kind ? 0 : a.kind === 'accreditation' ? -1 : 1) ||
        a.credentials[0]!.levelRank - b.credentials[0]!.levelRank,
    );
  }

  /** One credential's requirements, and the candidate's progress when signed in; undefined when not published. */
  async credentialPage(
    userId: number | null,
    code: string,
    now = new Date(),
  ): Promise<CredentialPageView | undefined> {
    const standing = userId === null ? undefined : await this.standing(userId);
    const defs = standing?.defs ?? (await this.catalog.definitions());
    const credential = defs.credentialsByCode.get(code);
    if (!credential || credential.status !== 'published') return undefined;
    if (!standing) return { info: this.infoInForce(credential, defs, now), mine: null };
    const [progress] = this.progressOf(standing, (c) => c.id === credential.id, now);
    if (!progress) return { info: this.infoInForce(credential, defs, now), mine: null };
    const info = this.info(credential, defs, progress.tree, progress.requirementVersion);
    const checklist = this.checklist(standing, progress, info.requirements!);
    const award = progress.award ? awardCard(progress.award, defs, now, progress.renewBy) : null;
    return {
      info,
      mine: {
        percent: progress.evaluation.met ? 100 : Math.floor(progress.evaluation.percent),
        met: progress.evaluation.met,
        metAt: progress.evaluation.metAt,
        checklist,
        award,
        renewBy: progress.renewBy,
      },
    };
  }

  /**
   * The facts an award's evidence references point at (keyed `type:id`),
   * looked up among the candidate's own rows; for other features' pages.
   */
  async evidenceDetails(
    userId: number,
    refs: readonly EvidenceRef[],
  ): Promise<Map<string, EvidenceDetail>> {
    return evidenceDetails(await this.standing(userId), refs);
  }

  async history(
    userId: number,
    filter: { examCode?: string; year?: number },
  ): Promise<HistoryView> {
    const [all, rows] = await Promise.all([
      this.progress.history(userId),
      filter.examCode || filter.year ? this.progress.history(userId, filter) : undefined,
    ]);
    const exams = new Map<string, string>();
    for (const r of all) exams.set(r.examCode, r.examTitle);
    const years = [...new Set(all.map((r) => r.takenAt.getUTCFullYear()))].sort((a, b) => b - a);
    return {
      rows: rows ?? all,
      exams: [...exams]
        .map(([code, title]) => ({ code, title }))
        .sort((a, b) => a.code.localeCompare(b.code)),
      years,
    };
  }

  /** The rows of the CSV download: the same filter as the page. */
  historyRows(userId: number, filter: { examCode?: string; year?: number }): Promise<ResultView[]> {
    return this.progress.history(userId, filter);
  }

  // --------------------------------------------------------------------------

  private infoInForce(
    credential: CredentialDefinition,
    defs: ProgramDefinitions,
    now: Date,
  ): CredentialInfoView {
    const version = this.catalog.requirementsInForce(credential, now);
    return this.info(credential, defs, version?.tree ?? null, version?.version ?? null);
  }

  private info(
    credential: CredentialDefinition,
    defs: ProgramDefinitions,
    tree: RequirementNode | null,
    version: number | null,
  ): CredentialInfoView {
    const names = nameLookup(defs);
    const r = credential.recertification;
    return {
      code: credential.code,
      name: credential.name,
      kind: credential.kind,
      level: credential.level,
      levelRank: credential.levelRank,
      description: credential.description,
      validityMonths: credential.validityMonths,
      requirementVersion: version,
      sentence: tree ? describeText(tree, { names }) : null,
      requirements: tree ? describeRequirements(tree, { names }) : null,
      prerequisites: tree
        ? credentialCodesIn(tree).map((code) => ({
            code,
            name: defs.credentialsByCode.get(code)?.name ?? code,
          }))
        : [],
      recertification: {
        requirementsAgain: r.requirementsAgain,
        exams: r.exams.map((code) => ({ code, title: defs.exams.get(code)?.title ?? code })),
        higherCredentials: r.higherCredentials.map((code) => ({
          code,
          name: defs.credentialsByCode.get(code)?.name ?? code,
        })),
        credits: r.credits
          ? {
              code: r.credits.category,
              title: defs.creditCategories.get(r.credits.category)?.title ?? r.credits.category,
              minimum: r.credits.minimum,
            }
          : null,
      },
    };
  }

  private checklist(
    standing: Standing,
    progress: CredentialProgress,
    described: RequirementDescription,
  ): ChecklistNode {
    const refs: EvidenceRef[] = [];
    const collect = (n: NodeEvaluation) => {
      if (n.children.length === 0) refs.push(...n.evidence);
      n.children.forEach(collect);
    };
    collect(progress.evaluation.root);
    const details = evidenceDetails(standing, refs);

    const build = (
      node: RequirementNode,
      evaluation: NodeEvaluation,
      description: RequirementDescription,
    ): ChecklistNode => {
      const children =
        node.kind === 'all' || node.kind === 'any'
          ? node.children.map((child, i) =>
              build(child, evaluation.children[i]!, description.items[i]!),
            )
          : [];
      const isGroupNode = node.kind === 'all' || node.kind === 'any';
      return {
        id: node.id,
        kind: node.kind,
        text: description.text,
        met: evaluation.met,
        metAt: evaluation.metAt,
        ...(isGroupNode
          ? {
              count: node.kind === 'all' ? node.children.length : node.count,
              metCount: children.filter((c) => c.met).length,
            }
          : {}),
        evidence: isGroupNode
          ? []
          : evaluation.evidence
              .map((ref) => details.get(`${ref.type}:${ref.id}`))
              .filter((d): d is EvidenceDetail => d !== undefined),
        missing: evaluation.missing,
        action: evaluation.met ? null : actionFor(node),
        children,
      };
    };
    return build(progress.tree, progress.evaluation.root, described);
  }
}

/**
 * The facts evidence references point at, ready to show: looked up among the
 * candidate's own rows (a reference can never reveal someone else's fact).
 */
function evidenceDetails(
  { rows, defs }: Standing,
  refs: readonly EvidenceRef[],
): Map<string, EvidenceDetail> {
  const wanted = new Set(refs.map((r) => `${r.type}:${r.id}`));
  const out = new Map<string, EvidenceDetail>();
  for (const r of rows.results) {
    if (!wanted.has(`result:${r.id}`)) continue;
    const exam = defs.examsById.get(r.exam_id);
    out.set(`result:${r.id}`, {
      type: 'result',
      id: r.id,
      examCode: exam?.code ?? '?',
      examTitle: exam?.title ?? '?',
      version: r.exam_version,
      score: r.score,
      passingScore: exam?.passingScore ?? null,
      takenAt: r.taken_at,
    });
  }
  for (const a of rows.awards) {
    if (!wanted.has(`award:${a.id}`)) continue;
    const credential = defs.credentialsById.get(a.credential_id);
    out.set(`award:${a.id}`, {
      type: 'award',
      id: a.id,
      credentialCode: credential?.code ?? '?',
      credentialName: credential?.name ?? '?',
      credentialNumber: a.credential_number,
      awardedAt: a.awarded_at,
      expiresAt: a.expires_at,
    });
  }
  for (const t of rows.trainings) {
    if (!wanted.has(`training:${t.id}`)) continue;
    const course = defs.trainingsById.get(t.course_id);
    out.set(`training:${t.id}`, {
      type: 'training',
      id: t.id,
      courseCode: course?.code ?? '?',
      courseTitle: course?.title ?? '?',
      completedAt: t.completed_at,
      viaEvidence: rows.trainingSources.get(t.id) === 'evidence',
    });
  }
  for (const a of rows.agreements) {
    if (!wanted.has(`agreement:${a.id}`)) continue;
    const agreement = defs.agreementsById.get(a.agreement_id);
    out.set(`agreement:${a.id}`, {
      type: 'agreement',
      id: a.id,
      agreementCode: agreement?.code ?? '?',
      title: agreement?.title ?? '?',
      version: a.version,
      acceptedAt: a.accepted_at,
    });
  }
  for (const c of rows.credits) {
    if (!wanted.has(`credit:${c.id}`)) continue;
    const category = defs.creditCategoriesById.get(c.category_id);
    out.set(`credit:${c.id}`, {
      type: 'credit',
      id: c.id,
      categoryCode: category?.code ?? '?',
      categoryTitle: category?.title ?? '?',
      amount: Number(c.amount),
      earnedAt: c.earned_at,
    });
  }
  return out;
}

// ----------------------------------------------------------------------------
// The dashboard's parts (pure)
// ----------------------------------------------------------------------------

/** One card per credential the candidate holds or held, expiring first. */
function awardCardsOf(
  standing: Standing,
  progress: readonly CredentialProgress[],
  now: Date,
): AwardCardView[] {
  const renewBy = new Map(progress.map((p) => [p.credential.code, p.renewBy]));
  return currentAwards(standing.awards, now).map((a) =>
    awardCard(a, standing.defs, now, renewBy.get(a.credentialCode) ?? null),
  );
}

/**
 * The credentials in reach: not met, not held, started; the closest first
 * (by percent, then level, then code). `closest` is the first of them.
 */
function inReachOf(
  progress: readonly CredentialProgress[],
  cards: readonly AwardCardView[],
): { inReach: InReachView[]; closest: CredentialProgress | undefined } {
  const holding = new Set(
    cards
      .filter((c) => c.status !== 'expired' && c.status !== 'revoked')
      .map((c) => c.credentialCode),
  );
  const heldBefore = new Set(cards.map((c) => c.credentialCode));
  const started = progress
    .filter((p) => !p.evaluation.met && !holding.has(p.credential.code) && p.evaluation.percent > 0)
    .sort(
      (a, b) =>
        b.evaluation.percent - a.evaluation.percent ||
        a.credential.levelRank - b.credential.levelRank ||
        a.credential.code.localeCompare(b.credential.code),
    );
  return {
    inReach: started.slice(0, 3).map((p) => ({
      code: p.credential.code,
      name: p.credential.name,
      level: p.credential.level,
      percent: Math.floor(p.evaluation.percent),
      again: heldBefore.has(p.credential.code),
    })),
    closest: started[0],
  };
}

/** What to do next: the closest credential's unmet requirements, renewals, evidence, security. */
function nextStepsOf(input: {
  closest: CredentialProgress | undefined;
  names: NameLookup;
  awards: readonly AwardCardView[];
  pendingEvidence: number;
  twoFactorEnabled: boolean;
}): NextStepView[] {
  const { closest, names, awards, pendingEvidence } = input;
  const nextSteps: NextStepView[] = [];
  if (closest) {
    const described = describeRequirements(closest.tree, { names });
    for (const step of unmetLeaves(closest.tree, closest.evaluation.root, described).slice(0, 3)) {
      nextSteps.push({
        kind: 'requirement',
        text: step.text,
        href: `/credentials/${encodeURIComponent(closest.credential.code)}`,
        credentialName: closest.credential.name,
      });
    }
  }
  for (const card of awards) {
    if (card.status === 'expiring') {
      nextSteps.push({
        kind: 'renew',
        text: card.credentialName,
        href: `/credentials/${encodeURIComponent(card.credentialCode)}`,
        date: card.renewBy ?? card.expiresAt ?? undefined,
      });
    }
  }
  if (pendingEvidence > 0) {
    nextSteps.push({ kind: 'evidence', text: '', href: '/evidence', count: pendingEvidence });
  }
  if (!input.twoFactorEnabled) {
    nextSteps.push({ kind: 'twoFactor', text: '', href: '/account/two-factor' });
  }
  if (!closest && awards.length === 0) {
    nextSteps.unshift({ kind: 'start', text: '', href: '/credentials' });
  }
  return nextSteps;
}

// ----------------------------------------------------------------------------
// Pure helpers
// ----------------------------------------------------------------------------

export function nameLookup(defs: ProgramDefinitions): NameLookup {
  return (kind, code) => {
    switch (kind) {
      case 'exam':
        return defs.exams.get(code)?.title;
      case 'credential':
        return defs.credentialsByCode.get(code)?.name;
      case 'training':
        return defs.trainings.get(code)?.title;
      case 'agreement':
        return defs.agreements.get(code)?.title;
      case 'creditCategory':
        return defs.creditCategories.get(code)?.title;
    }
  };
}

/** How an award shows on a card at `now`: an active award past or near its expiry says so. */
export function displayStatus(
  award: Pick<AwardView, 'status' | 'expiresAt'>,
  now: Date,
): DisplayStatus {
  if (award.status !== 'active') return award.status;
  if (award.expiresAt === null) return 'active';
  const left = award.expiresAt.getTime() - now.getTime();
  if (left <= 0) return 'expired';
  return left <= EXPIRING_SOON_DAYS * DAY_MS ? 'expiring' : 'active';
}

/** One award per credential: the live one (active or suspended) when there is one, else the newest. */
export function currentAwards(awards: readonly AwardView[], now = new Date()): AwardView[] {
  const chosen = new Map<number, AwardView>();
  for (const a of awards) {
    const current = chosen.get(a.credentialId);
    const live = (x: AwardView) => x.status === 'active' || x.status === 'suspended';
    if (
      !current ||
      (live(a) && !live(current)) ||
      (live(a) === live(current) && a.awardedAt.getTime() > current.awardedAt.getTime())
    ) {
      chosen.set(a.credentialId, a);
    }
  }
  const order = (s: DisplayStatus) =>
    ['expiring', 'active', 'suspended', 'expired', 'revoked'].indexOf(s);
  return [...chosen.values()].sort(
    (a, b) =>
      order(displayStatus(a, now)) - order(displayStatus(b, now)) ||
      b.awardedAt.getTime() - a.awardedAt.getTime(),
  );
}

function awardCard(
  award: AwardView,
  defs: ProgramDefinitions,
  now: Date,
  renewBy: Date | null,
): AwardCardView {
  const credential = defs.credentialsById.get(award.credentialId);
  const status = displayStatus(award, now);
  return {
    credentialCode: award.credentialCode,
    credentialName: award.credentialName,
    kind: credential?.kind ?? null,
    level: credential?.level ?? null,
    credentialNumber: award.credentialNumber,
    status,
    statusReason: award.statusReason,
    awardedAt: award.awardedAt,
    expiresAt: award.expiresAt,
    renewBy: status === 'active' || status === 'expiring' ? (renewBy ?? award.expiresAt) : null,
    published: credential?.status === 'published',
  };
}

/**
 * The unmet leaves a candidate could work on, in tree order: the children of
 * a met group are skipped (nothing more is needed there).
 */
export function unmetLeaves(
  tree: RequirementNode,
  evaluation: NodeEvaluation,
  described: RequirementDescription,
): { id: string; text: string; missing: Missing | null }[] {
  if (evaluation.met) return [];
  if (tree.kind === 'all' || tree.kind === 'any') {
    return tree.children.flatMap((child, i) =>
      unmetLeaves(child, evaluation.children[i]!, described.items[i]!),
    );
  }
  return [{ id: tree.id, text: described.text, missing: evaluation.missing }];
}

function actionFor(node: RequirementNode): { href: string } | null {
  if (node.kind === 'training') {
    return { href: `/evidence/new?kind=training&course=${encodeURIComponent(node.courseCode)}` };
  }
  if (node.kind === 'credits') {
    return { href: `/evidence/new?kind=credits&category=${encodeURIComponent(node.categoryCode)}` };
  }
  return null;
}

/** 'YYYY-MM-DD' of an instant in a time zone (the day the candidate saw); UTC for an unknown zone. */
export function isoDateIn(value: Date, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(value);
  } catch {
    return value.toISOString().slice(0, 10);
  }
}
