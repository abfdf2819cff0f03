import { AppError } from '../../platform/http/errors.ts';
import type { RateLimiter, RateRule } from '../../platform/http/rate-limit.ts';
import type { ProgramSettings } from '../../platform/program.ts';
import {
  normalizeCredentialNumber,
  type AwardStatus,
  type VerificationRecord,
} from '../progress/index.ts';
import { publicStatus } from './verification.rules.ts';

/**
 * Public verification: what anyone may learn about an award from its number.
 * Holder's name, credential, issuer, dates and status (with its date), never
 * the reason for a suspension or revocation.
 */

/**
 * Unknown or mistyped numbers per client address. Only misses count: a hit
 * can only come from someone who already has the number (80 random bits),
 * while guessing produces misses. Counting hits too would cost a write on
 * every look-up of the busiest public page.
 */
export const VERIFY_MISSES: RateRule = { name: 'verify.miss', limit: 30, windowSeconds: 600 };

/** The public record, as the page shows it and the JSON answer carries it. */
export interface PublicVerification {
  credentialNumber: string;
  status: AwardStatus;
  /** When it expired, was suspended or revoked (ISO 8601); null while active. */
  statusDate: string | null;
  holder: { name: string };
  credential: {
    code: string;
    name: string;
    kind: 'accreditation' | 'certification';
    level: string;
  };
  issuer: { name: string; url: string };
  awardedAt: string;
  expiresAt: string | null;
  lastRenewedAt: string | null;
  verificationUrl: string;
  checkedAt: string;
}

export type VerificationOutcome =
  { found: true; record: PublicVerification; listed: boolean } | { found: false; typed: string };

export interface VerificationLookup {
  verificationRecord(credentialNumber: string): Promise<VerificationRecord | undefined>;
}

export class VerificationService {
  constructor(
    private readonly progress: VerificationLookup,
    private readonly program: Pick<ProgramSettings, 'get'>,
    private readonly rateLimiter: Pick<RateLimiter, 'consume'>,
    private readonly publicUrl: string,
  ) {}

  /** The URL printed on certificates and in QR codes. */
  verificationUrl(credentialNumber: string): string {
    return `${this.publicUrl}/verify/${credentialNumber}`;
  }

  /**
   * Looks a typed number up. A number that cannot be one and a number
   * nobody holds give the same answer; both count against the client's
   * address (RateLimitedError past the limit).
   */
  async lookup(typed: string, clientIp: string): Promise<VerificationOutcome> {
    const number = normalizeCredentialNumber(typed);
    const row = number ? await this.progress.verificationRecord(number) : undefined;
    if (!row) {
      await this.rateLimiter.consume(VERIFY_MISSES, clientIp);
      return { found: false, typed: typed.slice(0, 40) };
    }
    const program = await this.program.get();
    const now = new Date();
    const status = publicStatus(row, now);
    return {
      found: true,
      listed: row.listed,
      record: {
        credentialNumber: row.credentialNumber,
        status: status.status,
        statusDate: status.since?.toISOString() ?? null,
        holder: { name: row.holderName },
        credential: row.credential,
        issuer: { name: program.name, url: this.publicUrl },
        awardedAt: row.awardedAt.toISOString(),
        expiresAt: row.expiresAt?.toISOString() ?? null,
        lastRenewedAt: row.lastRenewedAt?.toISOString() ?? null,
        verificationUrl: this.verificationUrl(row.credentialNumber),
        checkedAt: now.toISOString(),
      },
    };
  }
}

/** The neutral answer for an unknown or mistyped number, as a problem for JSON clients. */
export function credentialNotFound(): AppError {
  return new AppError('CREDENTIAL_NOT_FOUND', 404, 'verify.notFound');
}
