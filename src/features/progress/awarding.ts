import type { FastifyBaseLogger } from 'fastify';
import type { ProgramInfo } from '../../platform/program.ts';
import type { CredentialDefinition, ProgramDefinitions, Queryable } from '../catalog/index.ts';
import {
  Candidate,
  decide,
  factCodesFor,
  overdueAwards,
  refKey,
  type AwardRecord,
  type Decision,
} from './award-rules.ts';
import { AwardWrites } from './award-writes.ts';
import { newCredentialNumber } from './credential-number.ts';
import type { EvidenceRef } from './evaluator.ts';
import {
  loadCandidates,
  toStoredEvidence,
  type CodeLookup,
  type FactScope,
  type LoadedCandidate,
} from './facts.repository.ts';
import type { AwardMail, AwardMailFacts, Recipient } from './progress.emails.ts';
import * as repo from './progress.repository.ts';
import type { AwardChange, Trx } from './progress.types.ts';

/**
 * The awarding engine: applies the rules of award-rules.ts to candidates'
 * facts, inside the caller's transaction. Batch-first: one call locks and
 * loads a whole batch of candidates in a few queries. See CONTEXT.md
 * ("Awarding") for the rules in words.
 */

export interface EngineDependencies {
  definitions(db: Queryable): Promise<ProgramDefinitions>;
  readonly publicUrl: string;
  readonly log?: Pick<FastifyBaseLogger, 'warn'>;
}

export interface ReevaluateOptions {
  /** The evaluation date; default now. */
  at?: Date;
  /** Who caused it (audit of revocations and keep decisions); null: the system. */
  actorUserId?: number | null;
  /** Revoked facts (`result:12`) that a program manager decided awards survive, with the decision. */
  keep?: { refs: readonly string[]; decision: string };
  /** The reason recorded on awards this re-evaluation revokes (e.g. why a result was revoked). */
  reason?: string;
  /** Definitions already read for this piece of work (a job batch). */
  definitions?: ProgramDefinitions;
  /** Decide only these credentials (the job passes a changed credential and its dependents). */
  credentialIds?: ReadonlySet<number>;
  /** Paces the emails of a large batch (the sweep): when each may be sent. */
  mailPacer?: () => Date | undefined;
}

/** Rounds per candidate: an award can meet another credential's `credential` node, and so on. */
const MAX_ROUNDS = 10;

export function codeLookup(defs: ProgramDefinitions): CodeLookup {
  return {
    exam: (id) => defs.examsById.get(id)?.code,
    credential: (id) => defs.credentialsById.get(id)?.code,
    training: (id) => defs.trainingsById.get(id)?.code,
    agreement: (id) => defs.agreementsById.get(id)?.code,
    creditCategory: (id) => defs.creditCategoriesById.get(id)?.code,
  };
}

/**
 * The facts that deciding these credentials can look at (their trees in
 * every version, their renewal rules, their own awards): a job that
 * re-evaluates one credential loads nothing else.
 */
export function scopeFor(defs: ProgramDefinitions, credentialIds: ReadonlySet<number>): FactScope {
  const codes = factCodesFor(defs.credentials.filter((c) => credentialIds.has(c.id)));
  const ids = <T extends { id: number }>(map: ReadonlyMap<string, T>, wanted: Set<string>) =>
    [...wanted].flatMap((code) => {
      const found = map.get(code);
      return found ? [found.id] : [];
    });
  return {
    examIds: ids(defs.exams, codes.exams),
    credentialIds: ids(defs.credentialsByCode, codes.credentials),
    trainingIds: ids(defs.trainings, codes.trainings),
    agreementIds: ids(defs.agreements, codes.agreements),
    categoryIds: ids(defs.creditCategories, codes.creditCategories),
  };
}

export class AwardingEngine {
  constructor(private readonly deps: EngineDependencies) {}

  async reevaluate(
    trx: Trx,
    userIds: readonly number[],
    trigger: string,
    options: ReevaluateOptions = {},
  ): Promise<AwardChange[]> {
    const ids = [...new Set(userIds)].filter((id) => Number.isSafeInteger(id) && id > 0);
    if (ids.length === 0) return [];
    // First the locks, in id order: two transactions on one candidate take turns here.
    const contacts = await repo.lockCandidates(trx, ids);
    if (contacts.length === 0) return [];
    const defs = options.definitions ?? (await this.deps.definitions(trx));
    const loaded = await loadCandidates(
      trx,
      contacts.map((c) => c.id),
      codeLookup(defs),
      options.credentialIds ? scopeFor(defs, options.credentialIds) : undefined,
    );
    const at = options.at ?? new Date();
    const published = defs.credentials.filter(
      (c) =>
        c.status === 'published' && (!options.credentialIds || options.credentialIds.has(c.id)),
    );
    const context: RunContext = {
      trx,
      defs,
      at,
      trigger,
      options,
      program: lazyProgram(trx),
      changes: [],
      writes: new AwardWrites(trx, contacts.length),
    };
    for (const contact of contacts) {
      const candidate = loaded.get(contact.id);
      if (!candidate) continue;
      // Nothing to expire and no facts: no tree can be met (every leaf needs a fact).
      if (candidate.awards.length === 0 && factCount(candidate) === 0) continue;
      await this.run(context, published, candidate, {
        userId: contact.id,
        email: contact.email,
        name: `${contact.given_name} ${contact.family_name}`.trim(),
        locale: contact.locale,
        timeZone: contact.time_zone,
      });
    }
    await context.writes.flush(context.program, this.deps.publicUrl);
    return context.changes;
  }

  private async run(
    ctx: RunContext,
    published: readonly CredentialDefinition[],
    loaded: LoadedCandidate,
    recipient: Recipient,
  ): Promise<void> {
    let awards: AwardRecord[] = [...loaded.awards];
    const replace = (next: AwardRecord) => {
      awards = awards.map((a) => (a.id === next.id ? next : a));
    };

    for (const overdue of overdueAwards(awards, ctx.at)) {
      await this.expire(ctx, overdue, recipient);
      replace({ ...overdue, status: 'expired', statusChangedAt: overdue.expiresAt });
    }

    for (let round = 0; ; round++) {
      let changed = false;
      let candidate = new Candidate({ facts: loaded.facts, awards });
      for (const credential of published) {
        const decision = decide(credential, candidate, ctx.at);
        if (decision.kind === 'none') continue;
        // After MAX_ROUNDS rounds of changes, one more pass only looks: it
        // warns when something would still change, never when all is settled.
        if (round >= MAX_ROUNDS) {
          this.deps.log?.warn(
            { userId: loaded.userId, trigger: ctx.trigger, credential: credential.code },
            'awarding did not settle; stopped after the maximum number of rounds',
          );
          return;
        }
        awards = await this.apply(ctx, credential, decision, awards, loaded, recipient);
        candidate = new Candidate({ facts: loaded.facts, awards });
        changed = true;
      }
      if (!changed) return;
    }
  }

  private async apply(
    ctx: RunContext,
    credential: CredentialDefinition,
    decision: Exclude<Decision, { kind: 'none' }>,
    awards: AwardRecord[],
    loaded: LoadedCandidate,
    recipient: Recipient,
  ): Promise<AwardRecord[]> {
    const { writes } = ctx;
    const now = new Date();
    const change = (kind: AwardChange['kind'], awardId: number) =>
      ctx.changes.push({
        kind,
        userId: loaded.userId,
        awardId,
        credentialId: credential.id,
        credentialCode: credential.code,
      });

    switch (decision.kind) {
      case 'award': {
        // The number is checked for clashes when the awards are written (award-writes.ts).
        const number = newCredentialNumber();
        const id = await writes.award({
          user_id: loaded.userId,
          credential_id: credential.id,
          credential_number: number,
          requirement_version: decision.version,
          awarded_at: decision.awardedAt,
          expires_at: decision.expiresAt,
          status: decision.expired ? 'expired' : 'active',
          status_changed_at: decision.expired ? decision.expiresAt : null,
          evidence: toStoredEvidence(decision.evidence),
        });
        writes.event({
          award_id: id,
          kind: 'awarded',
          actor_user_id: null,
          reason: null,
          details: {
            trigger: ctx.trigger,
            version: decision.version,
            awardedAt: decision.awardedAt.toISOString(),
            evidence: decision.evidence.map(refKey),
          },
        });
        if (decision.expired) {
          writes.event({
            award_id: id,
            kind: 'expired',
            actor_user_id: null,
            reason: null,
            details: { trigger: ctx.trigger, expiredAtCreation: true },
          });
        } else {
          email(
            ctx,
            recipient,
            id,
            {
              credentialCode: credential.code,
              credentialName: credential.name,
              credentialNumber: number,
            },
            { kind: 'earned', awardedAt: decision.awardedAt, expiresAt: decision.expiresAt },
          );
        }
        change(decision.expired ? 'expired' : 'awarded', id);
        return [
          ...awards,
          {
            id,
            credentialId: credential.id,
            credentialCode: credential.code,
            status: decision.expired ? 'expired' : 'active',
            awardedAt: decision.awardedAt,
            expiresAt: decision.expiresAt,
            lastRenewedAt: null,
            statusChangedAt: decision.expired ? decision.expiresAt : null,
            requirementVersion: decision.version,
            evidence: decision.evidence,
            keptRefs: [],
            statusReason: null,
            credentialNumber: number,
          },
        ];
      }

      case 'renew': {
        const award = awards.find((a) => a.id === decision.awardId)!;
        writes.update(award.id, {
          last_renewed_at: decision.renewedAt,
          expires_at: decision.expiresAt,
          requirement_version: decision.version,
          evidence: toStoredEvidence(decision.evidence),
        });
        writes.event({
          award_id: award.id,
          kind: 'renewed',
          actor_user_id: null,
          reason: null,
          details: {
            trigger: ctx.trigger,
            path: decision.path,
            renewedAt: decision.renewedAt.toISOString(),
            evidence: decision.renewalEvidence.map(refKey),
            previous: {
              expiresAt: award.expiresAt?.toISOString() ?? null,
              lastRenewedAt: award.lastRenewedAt?.toISOString() ?? null,
              version: award.requirementVersion,
            },
          },
        });
        change('renewed', award.id);
        return replaceIn(awards, {
          ...award,
          lastRenewedAt: decision.renewedAt,
          expiresAt: decision.expiresAt,
          requirementVersion: decision.version,
          evidence: decision.evidence,
        });
      }

      case 'reevidence': {
        const award = awards.find((a) => a.id === decision.awardId)!;
        writes.update(award.id, { evidence: toStoredEvidence(decision.evidence) });
        writes.audit({
          actorUserId: ctx.options.actorUserId ?? null,
          action: 'progress.award_evidence_replaced',
          subjectType: 'award',
          subjectId: award.id,
          details: {
            trigger: ctx.trigger,
            withdrawn: decision.revokedRefs.map(refKey),
            evidence: decision.evidence.map(refKey),
          },
        });
        return replaceIn(awards, { ...award, evidence: decision.evidence });
      }

      case 'revoke': {
        const award = awards.find((a) => a.id === decision.awardId)!;
        const refs = decision.revokedRefs.map(refKey);
        const keep = ctx.options.keep;
        if (keep && refs.every((r) => keep.refs.includes(r))) {
          writes.update(award.id, { kept_by_decision: keep.decision });
          writes.event({
            award_id: award.id,
            kind: 'kept',
            actor_user_id: ctx.options.actorUserId ?? null,
            reason: keep.decision,
            details: { trigger: ctx.trigger, refs },
          });
          writes.audit({
            actorUserId: ctx.options.actorUserId ?? null,
            action: 'progress.award_kept',
            subjectType: 'award',
            subjectId: award.id,
            reason: keep.decision,
            details: { refs, credential: credential.code, userId: loaded.userId },
          });
          change('kept', award.id);
          return replaceIn(awards, { ...award, keptRefs: [...award.keptRefs, ...refs] });
        }
        const reason = ctx.options.reason ?? reasonFrom(decision.revokedRefs, loaded, awards);
        writes.update(award.id, {
          status: 'revoked',
          status_reason: reason,
          status_changed_at: now,
        });
        writes.event({
          award_id: award.id,
          kind: 'revoked',
          actor_user_id: ctx.options.actorUserId ?? null,
          reason,
          details: { trigger: ctx.trigger, refs },
        });
        writes.audit({
          actorUserId: ctx.options.actorUserId ?? null,
          action: 'progress.award_revoked',
          subjectType: 'award',
          subjectId: award.id,
          reason,
          details: {
            refs,
            credential: credential.code,
            userId: loaded.userId,
            trigger: ctx.trigger,
          },
        });
        email(
          ctx,
          recipient,
          award.id,
          {
            credentialCode: credential.code,
            credentialName: credential.name,
            credentialNumber: award.credentialNumber ?? (await this.numberOf(ctx.trx, award.id)),
          },
          { kind: 'revoked', at: now, reason },
        );
        change('revoked', award.id);
        return replaceIn(awards, {
          ...award,
          status: 'revoked',
          statusChangedAt: now,
          statusReason: reason,
        });
      }
    }
  }

  private async expire(ctx: RunContext, award: AwardRecord, recipient: Recipient): Promise<void> {
    ctx.writes.update(award.id, {
      status: 'expired',
      status_changed_at: award.expiresAt,
    });
    ctx.writes.event({
      award_id: award.id,
      kind: 'expired',
      actor_user_id: null,
      reason: null,
      details: { trigger: ctx.trigger, expiresAt: award.expiresAt?.toISOString() ?? null },
    });
    const credential = ctx.defs.credentialsById.get(award.credentialId);
    if (credential && award.expiresAt) {
      email(
        ctx,
        recipient,
        award.id,
        {
          credentialCode: credential.code,
          credentialName: credential.name,
          credentialNumber: award.credentialNumber ?? (await this.numberOf(ctx.trx, award.id)),
        },
        { kind: 'expired', expiresAt: award.expiresAt },
      );
    }
    ctx.changes.push({
      kind: 'expired',
      userId: recipient.userId,
      awardId: award.id,
      credentialId: award.credentialId,
      credentialCode: award.credentialCode,
    });
  }

  private async numberOf(trx: Trx, awardId: number): Promise<string> {
    const row = await trx
      .selectFrom('awards')
      .select('credential_number')
      .where('id', '=', awardId)
      .executeTakeFirstOrThrow();
    return row.credential_number;
  }
}

interface RunContext {
  readonly trx: Trx;
  readonly defs: ProgramDefinitions;
  readonly at: Date;
  readonly trigger: string;
  readonly options: ReevaluateOptions;
  /** Read when the first email is written, in the transaction. */
  readonly program: () => Promise<ProgramInfo>;
  readonly changes: AwardChange[];
  /** Everything the run writes, sent at its end. */
  readonly writes: AwardWrites;
}

const FALLBACK_PROGRAM: ProgramInfo = {
  name: 'Laurel',
  shortName: 'Laurel',
  supportEmail: 'support@example.invalid',
  accentColor: '#1d4ed8',
  candidateIdPrefix: 'CT',
};

function lazyProgram(trx: Trx): () => Promise<ProgramInfo> {
  let info: Promise<ProgramInfo> | undefined;
  return () =>
    (info ??= repo.programRow(trx).then((row) =>
      row
        ? {
            name: row.name,
            shortName: row.short_name,
            supportEmail: row.support_email,
            accentColor: row.accent_color,
            candidateIdPrefix: row.candidate_id_prefix,
          }
        : FALLBACK_PROGRAM,
    ));
}

/** An email about an award, written with the run's other changes (paced in a large batch). */
function email(
  ctx: RunContext,
  to: Recipient,
  awardId: number,
  award: AwardMailFacts,
  mail: AwardMail,
): void {
  const notBefore = ctx.options.mailPacer?.();
  ctx.writes.email({ to, awardId, award, mail, options: notBefore ? { notBefore } : {} });
}

function replaceIn(awards: AwardRecord[], next: AwardRecord): AwardRecord[] {
  return awards.map((a) => (a.id === next.id ? next : a));
}

function factCount(c: LoadedCandidate): number {
  const f = c.facts;
  return f.results.length + f.trainings.length + f.agreements.length + f.credits.length;
}

/** The reason a revoked fact carries: a result's revocation reason, or a revoked award's. */
function reasonFrom(
  refs: readonly EvidenceRef[],
  loaded: LoadedCandidate,
  awards: readonly AwardRecord[],
): string | null {
  for (const ref of refs) {
    if (ref.type === 'result') {
      const reason = loaded.resultMeta.get(ref.id)?.statusReason;
      if (reason) return reason;
    } else if (ref.type === 'award') {
      const reason = awards.find((a) => String(a.id) === ref.id)?.statusReason;
      if (reason) return reason;
    }
  }
  return null;
}
