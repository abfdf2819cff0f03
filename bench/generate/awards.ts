/**
 * The generated program's awards, decided in memory by the awarding rules
 * the engine uses (award-rules.ts `decide`, on the same definitions, facts
 * and evaluation date) and written with COPY, instead of running the engine
 * over every candidate: the engine makes three to four round trips per
 * change (award, event, email), which for 200,000 candidates with history
 * (about three changes each) would take the better part of an hour on two
 * cores. This file mirrors the engine's loop for a candidate who has no
 * awards yet (awarding.ts `run` / `apply`): rounds over the published
 * credentials in level order until nothing changes, creating and renewing
 * awards, with the same events. No emails: they are history.
 *
 * The suite checks the result against the real engine: re-evaluating a
 * sample of candidates right after loading must change nothing.
 */
import crypto from 'node:crypto';
import {
  Candidate,
  decide,
  refKey,
  type AwardRecord,
  type CandidateState,
} from '../../src/features/progress/award-rules.ts';
import { formatCredentialNumber } from '../../src/features/progress/credential-number.ts';
import { toStoredEvidence } from '../../src/features/progress/facts.repository.ts';
import type { CredentialDefinition, ProgramDefinitions } from '../../src/features/catalog/index.ts';
import { versionInForce } from '../../src/features/progress/award-rules.ts';
import type { RequirementNode } from '../../src/features/progress/requirements.ts';
import type { Cell } from './program.ts';

export const AWARD_COLUMNS = [
  'user_id',
  'credential_id',
  'credential_number',
  'requirement_version',
  'awarded_at',
  'expires_at',
  'last_renewed_at',
  'status',
  'status_changed_at',
  'evidence',
  'created_at',
  'updated_at',
] as const;

export const AWARD_EVENT_COLUMNS = ['award_id', 'at', 'kind', 'details'] as const;

/** As in awarding.ts: an award can meet another credential's `credential` node, and so on. */
const MAX_ROUNDS = 10;

export class InMemoryAwarding {
  private nextAwardId: number;
  private readonly published: readonly CredentialDefinition[];
  readonly changes = { awarded: 0, renewed: 0, expired: 0 };
  /** Candidates that did not settle within MAX_ROUNDS (the engine logs a warning for each). */
  readonly unsettledUsers: number[] = [];

  constructor(
    defs: ProgramDefinitions,
    private readonly at: Date,
    private readonly seed: number,
    firstAwardId: number,
    private readonly trigger: string,
  ) {
    this.nextAwardId = firstAwardId;
    this.published = defs.credentials.filter((c) => c.status === 'published');
    for (const c of this.published) {
      const version = versionInForce(c.requirements, at);
      this.leaves.set(c.id, version ? leafKeys(version.tree) : []);
    }
  }

  /** Per credential: the facts (`exam:CODE`, ...) any leaf of the version in force could use. */
  private readonly leaves = new Map<number, string[]>();

  /** A credential number derived from the seed and the award's id: repeatable, unguessable enough. */
  private number(id: number): string {
    const digest = crypto
      .createHash('sha256')
      .update(`laurel-bench-award:${this.seed}:${id}`)
      .digest();
    return formatCredentialNumber(digest.subarray(0, 10));
  }

  /**
   * Decides one candidate (who holds no award yet) and appends the rows of
   * their awards and events, in award id order.
   */
  candidate(
    userId: number,
    facts: CandidateState['facts'],
    out: { awards: Cell[][]; events: Cell[][] },
  ): void {
    const f = facts;
    if (f.results.length + f.trainings.length + f.agreements.length + f.credits.length === 0)
      return;
    let awards: AwardRecord[] = [];
    const owned = new Set<string>([
      ...f.results.map((r) => `exam:${r.examCode}`),
      ...f.trainings.map((t) => `training:${t.courseCode}`),
      ...f.agreements.map((a) => `agreement:${a.agreementCode}`),
      ...f.credits.map((c) => `credits:${c.categoryCode}`),
    ]);
    const events: { awardId: number; at: Date; kind: string; details: Record<string, unknown> }[] =
      [];
    const updatedAt = new Map<number, Date>();

    rounds: for (let round = 0; ; round++) {
      let changed = false;
      let candidate = new Candidate({ facts, awards });
      const held = new Set(awards.map((a) => `credential:${a.credentialCode}`));
      for (const credential of this.published) {
        // A shortcut the engine does not take (same decisions, far fewer evaluations): with no
        // award of the credential, only a met tree can change anything, and a met tree has a met
        // leaf, which needs a fact the leaf names. Skip the credential when there is none.
        if (
          !awards.some((a) => a.credentialId === credential.id) &&
          !this.leaves.get(credential.id)!.some((k) => owned.has(k) || held.has(k))
        ) {
          continue;
        }
        const decision = decide(credential, candidate, this.at);
        if (decision.kind === 'none') continue;
        // As the engine: after MAX_ROUNDS rounds of changes, a last pass only looks.
        if (round >= MAX_ROUNDS) {
          this.unsettledUsers.push(userId);
          break rounds;
        }
        if (decision.kind === 'award') {
          const id = this.nextAwardId++;
          awards = [
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
              credentialNumber: this.number(id),
            },
          ];
          events.push({
            awardId: id,
            at: decision.awardedAt,
            kind: 'awarded',
            details: {
              trigger: this.trigger,
              version: decision.version,
              awardedAt: decision.awardedAt.toISOString(),
              evidence: decision.evidence.map(refKey),
            },
          });
          updatedAt.set(id, decision.awardedAt);
          if (decision.expired) {
            events.push({
              awardId: id,
              at: decision.expiresAt!,
              kind: 'expired',
              details: { trigger: this.trigger, expiredAtCreation: true },
            });
            updatedAt.set(id, decision.expiresAt!);
            this.changes.expired++;
          } else {
            this.changes.awarded++;
          }
        } else if (decision.kind === 'renew') {
          const award = awards.find((a) => a.id === decision.awardId)!;
          events.push({
            awardId: award.id,
            at: decision.renewedAt,
            kind: 'renewed',
            details: {
              trigger: this.trigger,
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
          awards = awards.map((a) =>
            a.id === award.id
              ? {
                  ...a,
                  lastRenewedAt: decision.renewedAt,
                  expiresAt: decision.expiresAt,
                  requirementVersion: decision.version,
                  evidence: decision.evidence,
                }
              : a,
          );
          updatedAt.set(award.id, decision.renewedAt);
          this.changes.renewed++;
        } else {
          // Revocations need undermined evidence: a new candidate's awards never rest on any.
          throw new Error(`unexpected ${decision.kind} decision for generated user ${userId}`);
        }
        candidate = new Candidate({ facts, awards });
        changed = true;
      }
      if (!changed) break;
    }

    for (const a of awards) {
      out.awards.push([
        userId,
        a.credentialId,
        a.credentialNumber!,
        a.requirementVersion,
        a.awardedAt,
        a.expiresAt,
        a.lastRenewedAt,
        a.status,
        a.statusChangedAt,
        toStoredEvidence(a.evidence),
        a.awardedAt,
        updatedAt.get(a.id) ?? a.awardedAt,
      ]);
    }
    for (const e of events) out.events.push([e.awardId, e.at, e.kind, JSON.stringify(e.details)]);
  }
}

/** Every fact a leaf of the tree could be met by, as `kind:CODE`. */
function leafKeys(tree: RequirementNode): string[] {
  const keys = new Set<string>();
  const walk = (node: RequirementNode): void => {
    switch (node.kind) {
      case 'all':
      case 'any':
        node.children.forEach(walk);
        break;
      case 'exam':
        keys.add(`exam:${node.examCode}`);
        break;
      case 'credential':
        keys.add(`credential:${node.credentialCode}`);
        break;
      case 'training':
        keys.add(`training:${node.courseCode}`);
        break;
      case 'agreement':
        keys.add(`agreement:${node.agreementCode}`);
        break;
      case 'credits':
        keys.add(`credits:${node.categoryCode}`);
        break;
    }
  };
  walk(tree);
  return [...keys];
}
