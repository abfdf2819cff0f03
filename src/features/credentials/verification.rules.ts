import type { AwardStatus } from '../progress/index.ts';

/**
 * What the public sees of an award's status. Pure: no I/O, the date passed in.
 *
 * The stored status is the awarding engine's; an active award whose expiry
 * has passed stays 'active' in the table until the daily sweep runs. The
 * public must never be told such an award is active, so it reads as expired
 * from its expiry date on, at once.
 */
export interface PublicStatus {
  status: AwardStatus;
  /** Since when: the expiry, suspension or revocation date; null while active. */
  since: Date | null;
}

export function publicStatus(
  award: { status: AwardStatus; expiresAt: Date | null; statusChangedAt: Date | null },
  at: Date,
): PublicStatus {
  switch (award.status) {
    case 'active':
      if (award.expiresAt && award.expiresAt.getTime() <= at.getTime()) {
        return { status: 'expired', since: award.expiresAt };
      }
      return { status: 'active', since: null };
    case 'expired':
      return { status: 'expired', since: award.statusChangedAt ?? award.expiresAt };
    case 'suspended':
    case 'revoked':
      return { status: award.status, since: award.statusChangedAt };
  }
}

/** An award counts as held (logos, new shares) only while it is publicly active. */
export function isHeld(
  award: { status: AwardStatus; expiresAt: Date | null; statusChangedAt: Date | null },
  at: Date,
): boolean {
  return publicStatus(award, at).status === 'active';
}
