import { dictionary } from '@zxcvbn-ts/language-common';
import type { FieldProblem } from '../../platform/http/errors.ts';

/**
 * NIST SP 800-63B rev. 4 passwords: length is what counts. At least 15
 * characters when the password is the only factor, 8 with a second factor;
 * up to 256 accepted and compared whole; no composition rules; refused when
 * it is a known common or breached password (the ~49,000-entry list that
 * zxcvbn ships) or contains the username or the program's name.
 */
export const MIN_LENGTH_SINGLE_FACTOR = 15;
export const MIN_LENGTH_WITH_SECOND_FACTOR = 8;
export const MAX_LENGTH = 256;

let blocklist: Set<string> | undefined;

function commonPasswords(): Set<string> {
  blocklist ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return blocklist;
}

export function blocklistSize(): number {
  return commonPasswords().size;
}

export interface PasswordContext {
  readonly username?: string | undefined;
  readonly programNames: readonly string[];
  readonly hasSecondFactor: boolean;
}

export function checkPassword(
  password: string,
  ctx: PasswordContext,
  field = 'password',
): FieldProblem[] {
  const min = ctx.hasSecondFactor ? MIN_LENGTH_WITH_SECOND_FACTOR : MIN_LENGTH_SINGLE_FACTOR;
  // Count characters as people see them, not UTF-16 units.
  const length = [...password].length;
  if (length === 0) return [{ field, messageKey: 'password.required' }];
  if (length < min) return [{ field, messageKey: 'password.tooShort', params: { min } }];
  if (length > MAX_LENGTH)
    return [{ field, messageKey: 'password.tooLong', params: { max: MAX_LENGTH } }];
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower) || isRepetitive(lower)) {
    return [{ field, messageKey: 'password.common' }];
  }
  const username = ctx.username?.trim().toLowerCase();
  if (username && username.length >= 3 && lower.includes(username)) {
    return [{ field, messageKey: 'password.containsUsername' }];
  }
  for (const name of ctx.programNames) {
    const n = name.trim().toLowerCase();
    if (n.length >= 3 && lower.includes(n))
      return [{ field, messageKey: 'password.containsProgram' }];
  }
  return [];
}

/** One character or a short pattern over and over ("aaaaaaaaaaaaaaa", "abcabcabc..."). */
function isRepetitive(lower: string): boolean {
  const chars = [...lower];
  for (let size = 1; size <= 3; size++) {
    const unit = chars.slice(0, size).join('');
    if (unit.repeat(Math.ceil(chars.length / size)).slice(0, lower.length) === lower) return true;
  }
  return false;
}
