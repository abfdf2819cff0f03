import type { CredentialDefinition } from '../catalog/index.ts';
import { versionInForce, type Candidate } from './award-rules.ts';
import { evaluatorFor } from './evaluator.ts';
import type { AwardView, CredentialProgress } from './progress.types.ts';

/**
 * A candidate's standing toward each of `credentials` at `at`: the version
 * they are judged by (their live award's, else the one in force), its
 * evaluation, and their award. Pure; the candidate's facts are indexed once
 * for all the trees. `views` holds the candidate's awards as pages show
 * them, by id.
 */
export function progressOf(
  credentials: readonly CredentialDefinition[],
  candidate: Candidate,
  views: ReadonlyMap<number, AwardView>,
  at: Date,
): CredentialProgress[] {
  const evaluate = evaluatorFor(candidate.facts, at);
  const out: CredentialProgress[] = [];
  for (const credential of credentials) {
    const live = candidate.liveAward(credential.id);
    const latest = live ?? candidate.latestAward(credential.id);
    const version =
      (live && credential.requirements.find((v) => v.version === live.requirementVersion)) ||
      versionInForce(credential.requirements, at);
    if (!version) continue;
    out.push({
      credential: {
        id: credential.id,
        code: credential.code,
        name: credential.name,
        kind: credential.kind,
        level: credential.level,
        levelRank: credential.levelRank,
        description: credential.description,
        validityMonths: credential.validityMonths,
        recertification: credential.recertification,
      },
      requirementVersion: version.version,
      tree: version.tree,
      evaluation: evaluate(version.tree),
      award: latest ? (views.get(latest.id) ?? null) : null,
      renewBy: live && live.status === 'active' ? live.expiresAt : null,
    });
  }
  return out;
}
