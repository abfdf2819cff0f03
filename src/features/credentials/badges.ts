import crypto from 'node:crypto';
import { OB_V3_CONTEXT, OB_V3_EXTENSIONS_CONTEXT, VC_V2_CONTEXT } from './jsonld-loader.ts';

/**
 * The Open Badges 3.0 credential of one award, unsigned: pure, no I/O, no
 * clock. Every property used here is defined by the VC 2.0 or OB 3.0
 * contexts (signing refuses any that is not).
 */

export interface BadgeInput {
  /** The installation's public base URL, without a trailing slash. */
  publicUrl: string;
  issuer: { did: string; name: string; url: string; email?: string };
  award: {
    credentialNumber: string;
    awardedAt: Date;
    expiresAt: Date | null;
  };
  credential: {
    code: string;
    name: string;
    kind: 'accreditation' | 'certification';
    description: string;
    /** The requirements in plain language. */
    criteria: string;
  };
  holder: { email: string; salt: string };
  status: StatusPosition;
}

export interface StatusPosition {
  listNumber: number;
  index: number;
}

export type StatusPurpose = 'revocation' | 'suspension';
export const STATUS_PURPOSES: readonly StatusPurpose[] = ['revocation', 'suspension'];

export function statusListUrl(
  publicUrl: string,
  purpose: StatusPurpose,
  listNumber: number,
): string {
  return `${publicUrl}/status-lists/${purpose}/${listNumber}`;
}

/** OB 3.0's hashed identity: `sha256$` + hex SHA-256 of the value followed by the salt. */
export function identityHash(email: string, salt: string): string {
  const value = email.trim().toLowerCase();
  return `sha256$${crypto
    .createHash('sha256')
    .update(value + salt)
    .digest('hex')}`;
}

/** ISO 8601 without milliseconds, as credentials usually carry. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function buildOpenBadge(input: BadgeInput): Record<string, unknown> {
  const { publicUrl, award, credential, status } = input;
  const number = encodeURIComponent(award.credentialNumber);
  const issuer: Record<string, unknown> = {
    id: input.issuer.did,
    type: ['Profile'],
    name: input.issuer.name,
    url: input.issuer.url,
  };
  if (input.issuer.email) issuer.email = input.issuer.email;
  return {
    '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT, OB_V3_EXTENSIONS_CONTEXT],
    id: `${publicUrl}/verify/${number}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: credential.name,
    issuer,
    validFrom: isoSeconds(award.awardedAt),
    ...(award.expiresAt ? { validUntil: isoSeconds(award.expiresAt) } : {}),
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [
        {
          type: 'IdentityObject',
          identityType: 'emailAddress',
          hashed: true,
          salt: input.holder.salt,
          identityHash: identityHash(input.holder.email, input.holder.salt),
        },
      ],
      licenseNumber: award.credentialNumber,
      achievement: {
        id: `${publicUrl}/credentials/${encodeURIComponent(credential.code)}`,
        type: ['Achievement'],
        achievementType: credential.kind === 'certification' ? 'Certification' : 'Certificate',
        name: credential.name,
        description: credential.description || credential.name,
        criteria: { narrative: credential.criteria },
        humanCode: credential.code,
      },
    },
    credentialStatus: STATUS_PURPOSES.map((purpose) => {
      const list = statusListUrl(publicUrl, purpose, status.listNumber);
      return {
        id: `${list}#${status.index}`,
        type: 'BitstringStatusListEntry',
        statusPurpose: purpose,
        statusListIndex: String(status.index),
        statusListCredential: list,
      };
    }),
  };
}

/** `<code>-<number>.json`, safe as a file name. */
export function badgeFileName(code: string, credentialNumber: string): string {
  return `${code}-${credentialNumber}.json`.replace(/[^A-Za-z0-9._-]/g, '_');
}
