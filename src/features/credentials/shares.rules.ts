import type { FieldProblem } from '../../platform/http/errors.ts';

/**
 * Rules of forwarding credentials to a third party. Pure: no I/O, the date
 * passed in.
 */

/** How long a link may live, in days; the candidate picks one. */
export const EXPIRY_CHOICES = [7, 30, 90, 180, 365] as const;
export const DEFAULT_EXPIRY_DAYS = 90;
/** Shares a candidate may make in any 24 hours. */
export const SHARES_PER_DAY = 20;
export const MAX_MESSAGE = 1000;
export const MAX_RECIPIENT_NAME = 120;
/** Awards one share may carry (a transcript carries all of them). */
export const MAX_AWARDS_PER_SHARE = 50;

const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f]/;

export type ShareScope = 'awards' | 'transcript';
export type ShareState = 'active' | 'expired' | 'revoked';

/** What the form sent, as strings (checkbox lists as arrays). */
export interface ShareForm {
  scope?: string | undefined;
  awards?: string | string[] | undefined;
  includeHistory?: string | undefined;
  recipientName?: string | undefined;
  recipientEmail?: string | undefined;
  message?: string | undefined;
  expiresInDays?: string | undefined;
}

export interface ShareInput {
  scope: ShareScope;
  /** Credential numbers, for scope 'awards'; empty for a transcript. */
  awards: string[];
  includeHistory: boolean;
  recipientName: string;
  recipientEmail: string;
  message: string;
  expiresInDays: number;
}

export type ShareCheck = { ok: true; input: ShareInput } | { ok: false; problems: FieldProblem[] };

/**
 * Checks a share form against the numbers of the candidate's own shareable
 * (active) awards. A number that is not among them (another person's, or an
 * award that is no longer active) is refused like a missing choice.
 */
export function checkShareForm(form: ShareForm, shareable: ReadonlySet<string>): ShareCheck {
  const problems: FieldProblem[] = [];
  const scope: ShareScope | undefined =
    form.scope === 'awards' || form.scope === 'transcript' ? form.scope : undefined;
  if (!scope) problems.push({ field: 'scope', messageKey: 'shares.problem.scope' });

  const chosen = [...new Set(asList(form.awards).map((n) => n.trim().toUpperCase()))];
  if (scope === 'awards') {
    if (chosen.length === 0) {
      problems.push({ field: 'awards', messageKey: 'shares.problem.awardsRequired' });
    } else if (chosen.length > MAX_AWARDS_PER_SHARE || chosen.some((n) => !shareable.has(n))) {
      problems.push({ field: 'awards', messageKey: 'shares.problem.awardsUnknown' });
    }
  }

  const recipientName = (form.recipientName ?? '').trim();
  if (!recipientName) {
    problems.push({ field: 'recipientName', messageKey: 'shares.problem.nameRequired' });
  } else if (recipientName.length > MAX_RECIPIENT_NAME || CONTROL_OR_NEWLINE.test(recipientName)) {
    problems.push({
      field: 'recipientName',
      messageKey: 'shares.problem.nameInvalid',
      params: { max: MAX_RECIPIENT_NAME },
    });
  }

  const recipientEmail = (form.recipientEmail ?? '').trim();
  if (!recipientEmail) {
    problems.push({ field: 'recipientEmail', messageKey: 'shares.problem.emailRequired' });
  } else if (recipientEmail.length > 254 || !EMAIL_PATTERN.test(recipientEmail)) {
    problems.push({ field: 'recipientEmail', messageKey: 'shares.problem.emailFormat' });
  }

  const message = (form.message ?? '').replace(/\r\n/g, '\n').trim();
  if (message.length > MAX_MESSAGE || CONTROL.test(message)) {
    problems.push({
      field: 'message',
      messageKey: 'shares.problem.messageTooLong',
      params: { max: MAX_MESSAGE },
    });
  }

  const days = form.expiresInDays ? Number(form.expiresInDays) : DEFAULT_EXPIRY_DAYS;
  if (!(EXPIRY_CHOICES as readonly number[]).includes(days)) {
    problems.push({ field: 'expiresInDays', messageKey: 'shares.problem.expiry' });
  }

  if (problems.length > 0 || !scope) return { ok: false, problems };
  return {
    ok: true,
    input: {
      scope,
      awards: scope === 'awards' ? chosen : [],
      includeHistory: scope === 'transcript' && form.includeHistory === 'yes',
      recipientName,
      recipientEmail,
      message,
      expiresInDays: days,
    },
  };
}

export function expiryFrom(createdAt: Date, days: number): Date {
  return new Date(createdAt.getTime() + days * 86_400_000);
}

export function shareState(
  share: { expiresAt: Date; revokedAt: Date | null },
  at: Date,
): ShareState {
  if (share.revokedAt) return 'revoked';
  if (share.expiresAt.getTime() <= at.getTime()) return 'expired';
  return 'active';
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'string' && v !== '');
}
