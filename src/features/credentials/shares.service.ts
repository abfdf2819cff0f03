import { recordAudit } from '../../platform/audit.ts';
import type { Principal } from '../../platform/auth/session.ts';
import { hashToken, randomToken } from '../../platform/auth/tokens.ts';
import type { Database } from '../../platform/db/database.ts';
import { notFound } from '../../platform/http/errors.ts';
import type { RateLimiter, RateRule } from '../../platform/http/rate-limit.ts';
import type { ProgramSettings } from '../../platform/program.ts';
import type { AwardStatus, AwardView, HeldAwardView, ResultView } from '../progress/index.ts';
import { sendShareEmail } from './shares.emails.ts';
import * as repo from './shares.repository.ts';
import {
  SHARES_PER_DAY,
  checkShareForm,
  expiryFrom,
  shareState,
  type ShareCheck,
  type ShareForm,
  type ShareInput,
  type ShareScope,
  type ShareState,
} from './shares.rules.ts';
import { isHeld, publicStatus } from './verification.rules.ts';

/**
 * Forwarding credentials to a third party: the candidate chooses awards (or
 * the whole transcript), Laurel emails the recipient a link to a page that
 * shows only those, with their live status. The link's token is random and
 * stored hashed; it expires and can be revoked; every opening is logged.
 */

export const SHARES_DAILY: RateRule = {
  name: 'shares.create',
  limit: SHARES_PER_DAY,
  windowSeconds: 86_400,
};
/** Unknown share links per client address (guessing). */
export const SHARE_LINK_MISSES: RateRule = { name: 'shares.miss', limit: 30, windowSeconds: 600 };

/** Who shares: the signed-in candidate (a `Principal` fits). */
export type Sender = Pick<Principal, 'userId' | 'givenName' | 'familyName' | 'locale' | 'timeZone'>;

export interface ShareSource {
  awardsOf(userId: number): Promise<AwardView[]>;
  awardsByNumbers(numbers: readonly string[]): Promise<HeldAwardView[]>;
  history(userId: number): Promise<ResultView[]>;
}

export interface HolderSource {
  accountSummary(userId: number): Promise<{ givenName: string; familyName: string }>;
}

export interface ShareSummary {
  id: number;
  scope: ShareScope;
  includeHistory: boolean;
  recipientName: string;
  recipientEmail: string;
  message: string;
  /** Names of the chosen credentials (scope 'awards'). */
  credentials: { number: string; name: string }[];
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  firstOpenedAt: Date | null;
  lastOpenedAt: Date | null;
  openCount: number;
  state: ShareState;
}

/** One credential as a share page shows it: live status and its verification link. */
export interface SharedCredential {
  credentialNumber: string;
  credentialCode: string;
  credentialName: string;
  status: AwardStatus;
  since: Date | null;
  awardedAt: Date;
  expiresAt: Date | null;
  verificationUrl: string;
}

export interface SharedExam {
  examCode: string;
  examTitle: string;
  takenAt: Date;
  passed: boolean;
  score: number | null;
}

export interface SharePageView {
  holderName: string;
  recipientName: string;
  message: string;
  scope: ShareScope;
  createdAt: Date;
  expiresAt: Date;
  credentials: SharedCredential[];
  /** Only when the candidate chose to include exam history (transcripts). */
  history: SharedExam[] | null;
}

export type ShareOpening =
  | { state: 'missing' }
  | { state: 'revoked'; at: Date }
  | { state: 'expired'; at: Date }
  | { state: 'active'; page: SharePageView };

export class SharesService {
  constructor(
    private readonly db: Database,
    private readonly progress: ShareSource,
    private readonly holders: HolderSource,
    private readonly program: Pick<ProgramSettings, 'get'>,
    private readonly rateLimiter: Pick<RateLimiter, 'consume'>,
    private readonly publicUrl: string,
  ) {}

  /** The candidate's awards that may be shared: those publicly active now. */
  async shareableAwards(userId: number): Promise<AwardView[]> {
    const now = new Date();
    return (await this.progress.awardsOf(userId)).filter((a) => isHeld(a, now));
  }

  async list(userId: number): Promise<ShareSummary[]> {
    const [rows, awards] = await Promise.all([
      repo.sharesOfUser(this.db, userId),
      this.progress.awardsOf(userId),
    ]);
    const names = new Map(awards.map((a) => [a.credentialNumber, a.credentialName]));
    const now = new Date();
    return rows.map((row) => toSummary(row, names, now));
  }

  /** One of the candidate's shares with its view log; someone else's is not found. */
  async detail(userId: number, id: number) {
    const row = await repo.shareOfUser(this.db, userId, id);
    if (!row) throw notFound();
    const [awards, views] = await Promise.all([
      this.progress.awardsOf(userId),
      repo.viewsOf(this.db, id, 200),
    ]);
    const names = new Map(awards.map((a) => [a.credentialNumber, a.credentialName]));
    return {
      share: toSummary(row, names, new Date()),
      views: views.map((v) => ({ at: v.at, userAgent: v.user_agent })),
    };
  }

  async check(userId: number, form: ShareForm): Promise<ShareCheck> {
    const shareable = await this.shareableAwards(userId);
    return checkShareForm(form, new Set(shareable.map((a) => a.credentialNumber)));
  }

  /**
   * Creates the share and queues the recipient's email in one transaction.
   * Counts against the daily limit (RateLimitedError past it). The link's
   * token leaves only in that email.
   */
  async create(principal: Sender, input: ShareInput, ip: string): Promise<{ id: number }> {
    await this.rateLimiter.consume(SHARES_DAILY, String(principal.userId));
    const program = await this.program.get();
    const token = randomToken();
    const createdAt = new Date();
    const expiresAt = expiryFrom(createdAt, input.expiresInDays);
    const holderName = `${principal.givenName} ${principal.familyName}`.trim();
    const id = await this.db.transaction().execute(async (trx) => {
      const shareId = await repo.insertShare(
        trx,
        {
          userId: principal.userId,
          tokenHash: hashToken(token),
          scope: input.scope,
          includeHistory: input.includeHistory,
          recipientName: input.recipientName,
          recipientEmail: input.recipientEmail,
          message: input.message,
          createdAt,
          expiresAt,
        },
        input.awards,
      );
      await sendShareEmail(trx, program, {
        holderName,
        recipientName: input.recipientName,
        recipientEmail: input.recipientEmail,
        message: input.message,
        url: `${this.publicUrl}/s/${token}`,
        expiresAt,
        scope: input.scope,
        count: input.awards.length,
        locale: principal.locale,
        timeZone: principal.timeZone,
      });
      await recordAudit(trx, {
        actorUserId: principal.userId,
        action: 'credentials.share_created',
        subjectType: 'share',
        subjectId: shareId,
        details: {
          scope: input.scope,
          awards: input.awards,
          includeHistory: input.includeHistory,
          expiresAt: expiresAt.toISOString(),
        },
        ip,
      });
      return shareId;
    });
    return { id };
  }

  /** Revokes one of the candidate's shares; someone else's is not found. */
  async revoke(userId: number, id: number, ip: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await repo.shareOfUser(trx, userId, id);
      if (!row) throw notFound();
      if (!(await repo.revokeShare(trx, userId, id, new Date()))) return;
      await recordAudit(trx, {
        actorUserId: userId,
        action: 'credentials.share_revoked',
        subjectType: 'share',
        subjectId: id,
        ip,
      });
    });
  }

  /**
   * Opens a share link: logs the view and returns what the page shows, or
   * why it cannot be shown. Unknown tokens count against the client address.
   */
  async open(
    token: string,
    clientIp: string,
    userAgent: string | undefined,
  ): Promise<ShareOpening> {
    const row = /^[A-Za-z0-9_-]{20,100}$/.test(token)
      ? await repo.shareByTokenHash(this.db, hashToken(token))
      : undefined;
    if (!row) {
      await this.rateLimiter.consume(SHARE_LINK_MISSES, clientIp);
      return { state: 'missing' };
    }
    const now = new Date();
    const state = shareState({ expiresAt: row.expires_at, revokedAt: row.revoked_at }, now);
    if (state === 'revoked') return { state, at: row.revoked_at! };
    if (state === 'expired') return { state, at: row.expires_at };

    const holder = await this.holders.accountSummary(row.user_id);
    let awards: AwardView[];
    if (row.scope === 'transcript') {
      awards = await this.progress.awardsOf(row.user_id);
    } else {
      // Only the chosen awards, and only while they are still this candidate's.
      awards = (await this.progress.awardsByNumbers(row.numbers)).filter(
        (a) => a.userId === row.user_id,
      );
    }
    const history =
      row.scope === 'transcript' && row.include_history
        ? (await this.progress.history(row.user_id))
            .filter((r) => r.status === 'valid')
            .map((r) => ({
              examCode: r.examCode,
              examTitle: r.examTitle,
              takenAt: r.takenAt,
              passed: r.passed,
              score: r.score,
            }))
        : null;
    await this.db
      .transaction()
      .execute((trx) =>
        repo.recordView(trx, row.id, now, userAgent ? userAgent.slice(0, 300) : null),
      );
    return {
      state: 'active',
      page: {
        holderName: `${holder.givenName} ${holder.familyName}`.trim(),
        recipientName: row.recipient_name,
        message: row.message,
        scope: row.scope,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        credentials: awards.map((a) => {
          const status = publicStatus(a, now);
          return {
            credentialNumber: a.credentialNumber,
            credentialCode: a.credentialCode,
            credentialName: a.credentialName,
            status: status.status,
            since: status.since,
            awardedAt: a.awardedAt,
            expiresAt: a.expiresAt,
            verificationUrl: `/verify/${a.credentialNumber}`,
          };
        }),
        history,
      },
    };
  }
}

function toSummary(
  row: Awaited<ReturnType<typeof repo.sharesOfUser>>[number],
  names: ReadonlyMap<string, string>,
  now: Date,
): ShareSummary {
  return {
    id: row.id,
    scope: row.scope,
    includeHistory: row.include_history,
    recipientName: row.recipient_name,
    recipientEmail: row.recipient_email,
    message: row.message,
    credentials: row.numbers.map((n) => ({ number: n, name: names.get(n) ?? n })),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    firstOpenedAt: row.first_opened_at,
    lastOpenedAt: row.last_opened_at,
    openCount: row.open_count,
    state: shareState({ expiresAt: row.expires_at, revokedAt: row.revoked_at }, now),
  };
}
