import crypto from 'node:crypto';

/**
 * Pure rules of My credentials and certificates: which awards get a
 * certificate and the other actions, the verification address, the
 * LinkedIn "add to profile" link, and the fingerprint a cached certificate
 * is keyed by. No I/O, no clock: the date is passed in.
 */

export type AwardStatus = 'active' | 'expired' | 'suspended' | 'revoked';

export interface AwardState {
  readonly status: AwardStatus;
  readonly expiresAt: Date | null;
}

/** Why an award has no certificate (and no share, badge, logo or LinkedIn action). */
export type Unavailable = 'expired' | 'suspended' | 'revoked';

/**
 * Active at `at`: status active and not past its expiry. An award still
 * marked active after its expiry (the daily sweep has not run yet) counts
 * as expired, as the evaluator judges it.
 */
export function unavailableReason(award: AwardState, at: Date): Unavailable | null {
  if (award.status !== 'active') return award.status;
  if (award.expiresAt !== null && award.expiresAt.getTime() <= at.getTime()) return 'expired';
  return null;
}

/** The public verification page of an award (printed on certificates, in QR codes). */
export function verificationUrl(publicUrl: string, credentialNumber: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/verify/${encodeURIComponent(credentialNumber)}`;
}

export interface LinkedInCertification {
  readonly credentialName: string;
  readonly organizationName: string;
  readonly awardedAt: Date;
  readonly expiresAt: Date | null;
  readonly credentialNumber: string;
  readonly verificationUrl: string;
}

/**
 * LinkedIn's "add to profile" link for a certification: name,
 * organization, issue and expiry month and year (UTC), the credential
 * number as the credential ID and the verification page as its URL.
 */
export function linkedInAddUrl(c: LinkedInCertification): string {
  const params = new URLSearchParams({
    startTask: 'CERTIFICATION_NAME',
    name: c.credentialName,
    organizationName: c.organizationName,
    issueYear: String(c.awardedAt.getUTCFullYear()),
    issueMonth: String(c.awardedAt.getUTCMonth() + 1),
  });
  if (c.expiresAt) {
    params.set('expirationYear', String(c.expiresAt.getUTCFullYear()));
    params.set('expirationMonth', String(c.expiresAt.getUTCMonth() + 1));
  }
  params.set('certUrl', c.verificationUrl);
  params.set('certId', c.credentialNumber);
  return `https://www.linkedin.com/profile/add?${params.toString()}`;
}

/**
 * A stable hash of everything that decides what a certificate looks like:
 * what is printed, the template's version and the renderer's own version.
 * Equal fingerprints mean the cached file can be sent again.
 */
export function certificateFingerprint(parts: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(parts)
      .sort()
      .map((k) => [k, parts[k] instanceof Date ? (parts[k] as Date).toISOString() : parts[k]]),
  );
  return crypto.createHash('sha256').update(canonical).digest('base64url');
}

/** A file name for the download: ASCII only, from the credential code and number. */
export function certificateFileName(credentialCode: string, credentialNumber: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9-]/g, '');
  return `certificate-${safe(credentialCode)}-${safe(credentialNumber)}.pdf`;
}
