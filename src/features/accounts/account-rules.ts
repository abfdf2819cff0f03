import type { FieldProblem } from '../../platform/http/errors.ts';
import { isCountryCode } from '../../platform/i18n/countries.ts';

/** Pure checks of account fields; the service adds the ones that need the database. */

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$/;
// Deliberately simple: one @, something on each side, a dot in the domain, no spaces.
// The confirmation link is the real check.
const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function normalizeEmail(email: string): string {
  return email.trim();
}

export function checkEmail(email: string, field = 'email'): FieldProblem[] {
  const value = email.trim();
  if (!value) return [{ field, messageKey: 'validation.emailRequired' }];
  if (value.length > 254 || !EMAIL_PATTERN.test(value))
    return [{ field, messageKey: 'validation.emailFormat' }];
  return [];
}

export function checkUsername(username: string): FieldProblem[] {
  const value = username.trim();
  if (!value) return [{ field: 'username', messageKey: 'validation.usernameRequired' }];
  if (!USERNAME_PATTERN.test(value))
    return [{ field: 'username', messageKey: 'validation.usernameFormat' }];
  return [];
}

export function checkName(value: string, field: 'givenName' | 'familyName'): FieldProblem[] {
  const v = value.trim();
  if (!v) {
    return [
      {
        field,
        messageKey:
          field === 'givenName' ? 'validation.givenNameRequired' : 'validation.familyNameRequired',
      },
    ];
  }
  if ([...v].length > 100) return [{ field, messageKey: 'validation.nameTooLong' }];
  if (CONTROL.test(v)) return [{ field, messageKey: 'validation.nameCharacters' }];
  return [];
}

export function checkCountry(country: string): FieldProblem[] {
  return isCountryCode(country)
    ? []
    : [{ field: 'country', messageKey: 'validation.countryRequired' }];
}

export function emailDomain(email: string): string {
  return email.trim().split('@').pop()?.toLowerCase() ?? '';
}

/** Only local paths are followed after sign-in, never another site. */
export function safeNextPath(next: unknown): string | undefined {
  if (typeof next !== 'string' || next.length > 500) return undefined;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return undefined;
  // Browsers drop tabs and newlines from URLs, so "/\t/evil.example" would lead off-site;
  // a newline would also make the Location header throw.
  if (CONTROL.test(next)) return undefined;
  return next;
}
