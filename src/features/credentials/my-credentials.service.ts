import type { FastifyInstance } from 'fastify';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { ProgramSettings } from '../../platform/program.ts';
import type { CatalogApi } from '../catalog/index.ts';
import {
  CandidateService,
  displayStatus,
  type AwardView,
  type DisplayStatus,
  type EvidenceDetail,
} from '../progress/index.ts';
import {
  linkedInAddUrl,
  unavailableReason,
  verificationUrl,
  type Unavailable,
} from './my-credentials.rules.ts';

/**
 * My credentials: every award the candidate has or had, newest live ones
 * first, with status, dates, number, the evidence each rests on and the
 * actions an active award offers (certificate, badge, share, logos,
 * verification page, LinkedIn). Actions are withdrawn from expired,
 * suspended and revoked awards, with the reason.
 */

export interface AwardActions {
  certificate: string;
  badge: string;
  share: string;
  logos: string;
  verification: string;
  linkedIn: string;
}

export interface MyAwardView {
  credentialNumber: string;
  credentialCode: string;
  credentialName: string;
  status: DisplayStatus;
  statusReason: string | null;
  statusChangedAt: Date | null;
  awardedAt: Date;
  expiresAt: Date | null;
  evidence: EvidenceDetail[];
  /** Null when the award is not active: `unavailable` says why. */
  actions: AwardActions | null;
  unavailable: Unavailable | null;
}

export class MyCredentialsService {
  private readonly evidence: CandidateService;

  constructor(
    prepared: DatabaseHandle['prepared'],
    private readonly catalog: CatalogApi,
    private readonly progress: FastifyInstance['progress'],
    private readonly program: ProgramSettings,
    private readonly publicUrl: string,
  ) {
    // Only its evidence lookup is used (among the candidate's own facts).
    this.evidence = new CandidateService(prepared, catalog, progress);
  }

  async list(userId: number, now = new Date()): Promise<MyAwardView[]> {
    const awards = await this.progress.awardsOf(userId);
    const order = (s: DisplayStatus) =>
      ['expiring', 'active', 'suspended', 'expired', 'revoked'].indexOf(s);
    const sorted = [...awards].sort(
      (a, b) =>
        order(displayStatus(a, now)) - order(displayStatus(b, now)) ||
        b.awardedAt.getTime() - a.awardedAt.getTime(),
    );
    return this.views(userId, sorted, now);
  }

  async one(
    userId: number,
    credentialNumber: string,
    now = new Date(),
  ): Promise<MyAwardView | undefined> {
    const award = await this.progress.awardOfUser(userId, credentialNumber);
    if (!award) return undefined;
    return (await this.views(userId, [award], now))[0];
  }

  private async views(userId: number, awards: AwardView[], now: Date): Promise<MyAwardView[]> {
    if (awards.length === 0) return [];
    const program = await this.program.get();
    const details = await this.evidence.evidenceDetails(
      userId,
      awards.flatMap((a) => a.evidence),
    );
    return awards.map((a) => {
      const unavailable = unavailableReason(a, now);
      const number = encodeURIComponent(a.credentialNumber);
      const verification = verificationUrl(this.publicUrl, a.credentialNumber);
      return {
        credentialNumber: a.credentialNumber,
        credentialCode: a.credentialCode,
        credentialName: a.credentialName,
        status: displayStatus(a, now),
        statusReason: a.statusReason,
        statusChangedAt: a.statusChangedAt,
        awardedAt: a.awardedAt,
        expiresAt: a.expiresAt,
        evidence: a.evidence
          .map((ref) => details.get(`${ref.type}:${ref.id}`))
          .filter((d): d is EvidenceDetail => d !== undefined),
        unavailable,
        actions: unavailable
          ? null
          : {
              certificate: `/my-credentials/${number}/certificate`,
              badge: `/my-credentials/${number}/badge`,
              share: `/shares/new?award=${number}`,
              logos: `/my-credentials/${number}/logos`,
              verification,
              linkedIn: linkedInAddUrl({
                credentialName: a.credentialName,
                organizationName: program.name,
                awardedAt: a.awardedAt,
                expiresAt: a.expiresAt,
                credentialNumber: a.credentialNumber,
                verificationUrl: verification,
              }),
            },
      };
    });
  }
}
