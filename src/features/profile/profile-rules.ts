import crypto from 'node:crypto';
import type { FieldProblem } from '../../platform/http/errors.ts';
import { isCountryCode } from '../../platform/i18n/countries.ts';
import { isValidTimeZone, supportedLocales } from '../../platform/i18n/i18n.ts';
import {
  addressFormat,
  isValidPostalCode,
  normalizePostalCode,
  type AddressField,
} from './address-formats.ts';
import { parsePhone } from './phone.ts';

/** Pure rules of the profile: contact validation, the survey, reviews, mail categories, tokens. */

// ------------------------------------------------------------------ contact details

export interface ContactInput {
  readonly country: string;
  readonly addressLine1: string;
  readonly addressLine2: string;
  readonly city: string;
  readonly region: string;
  readonly postalCode: string;
  readonly phone: string;
  readonly company: string;
  readonly jobTitle: string;
  readonly locale: string;
  readonly timeZone: string;
}

/** The stored form of contact details: empty fields are null, the phone is E.164. */
export interface Contact {
  readonly country: string;
  readonly addressLine1: string | null;
  readonly addressLine2: string | null;
  readonly city: string | null;
  readonly region: string | null;
  readonly postalCode: string | null;
  readonly phone: string | null;
  readonly company: string | null;
  readonly jobTitle: string | null;
  readonly locale: string;
  readonly timeZone: string;
}

/** Field names as the audit log and the history page know them, in page order. */
export const CONTACT_FIELDS = [
  'country',
  'addressLine1',
  'addressLine2',
  'city',
  'region',
  'postalCode',
  'phone',
  'company',
  'jobTitle',
  'locale',
  'timeZone',
] as const satisfies readonly (keyof Contact)[];
export type ContactField = (typeof CONTACT_FIELDS)[number];

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_LINE = 200;

let zones: string[] | undefined;
/** Every IANA zone the runtime knows, for the time zone list. */
export function timeZones(): string[] {
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  return zones;
}

export function checkContact(input: ContactInput): { problems: FieldProblem[]; contact: Contact } {
  const problems: FieldProblem[] = [];
  const country = input.country.trim();
  if (!isCountryCode(country)) problems.push({ field: 'country', messageKey: 'profile.v.country' });
  const format = addressFormat(country);
  const text = (field: AddressField | 'company' | 'jobTitle', value: string): string | null => {
    const v = value.trim().replace(/\s+/g, ' ');
    if (CONTROL.test(value.replace(/[\t\r\n]/g, ' '))) {
      problems.push({ field, messageKey: 'profile.v.characters' });
    } else if ([...v].length > MAX_LINE) {
      problems.push({ field, messageKey: 'profile.v.tooLong', params: { max: MAX_LINE } });
    }
    return v === '' ? null : v;
  };
  const address: Record<AddressField, string | null> = {
    addressLine1: null,
    addressLine2: null,
    city: null,
    region: null,
    postalCode: null,
  };
  for (const field of format.fields) {
    const raw = input[field];
    address[field] = text(field, raw);
    if (address[field] === null && format.required.includes(field)) {
      problems.push({ field, messageKey: `profile.v.required.${field}` });
    }
  }
  // The address is optional as a whole: a blank one is fine, a started one must be complete.
  const started = format.fields.some((f) => address[f] !== null);
  if (!started) {
    for (let i = problems.length - 1; i >= 0; i--) {
      if (problems[i]!.messageKey.startsWith('profile.v.required.')) problems.splice(i, 1);
    }
  }
  if (address.postalCode !== null) {
    address.postalCode = normalizePostalCode(address.postalCode);
    if (
      !problems.some((p) => p.field === 'postalCode') &&
      !isValidPostalCode(country, address.postalCode)
    ) {
      problems.push({
        field: 'postalCode',
        messageKey: 'profile.v.postalCode',
        params: { example: format.postalExample ?? '' },
      });
    }
  }
  let phone: string | null = null;
  if (input.phone.trim()) {
    const parsed = parsePhone(input.phone, country);
    if (parsed.ok) phone = parsed.e164;
    else problems.push({ field: 'phone', messageKey: `profile.v.${parsed.problem}` });
  }
  const company = text('company', input.company);
  const jobTitle = text('jobTitle', input.jobTitle);
  if (!supportedLocales.includes(input.locale))
    problems.push({ field: 'locale', messageKey: 'profile.v.locale' });
  if (!isValidTimeZone(input.timeZone))
    problems.push({ field: 'timeZone', messageKey: 'profile.v.timeZone' });
  return {
    problems,
    contact: {
      country,
      ...address,
      phone,
      company,
      jobTitle,
      locale: input.locale,
      timeZone: input.timeZone,
    },
  };
}

/** The fields whose value differs, with old and new (null for empty). */
export function diffContact(
  before: Contact,
  after: Contact,
): { field: ContactField; old: string | null; new: string | null }[] {
  return CONTACT_FIELDS.filter((f) => (before[f] ?? null) !== (after[f] ?? null)).map((f) => ({
    field: f,
    old: before[f] ?? null,
    new: after[f] ?? null,
  }));
}

// ------------------------------------------------------------------ demographics

export interface SurveyQuestion {
  readonly id: number;
  readonly prompt: string;
  readonly options: readonly string[];
  readonly required: boolean;
}

/** Answers keyed by question id; '' or a missing key means "prefer not to say". */
export function checkSurvey(
  questions: readonly SurveyQuestion[],
  answers: Readonly<Record<string, string | undefined>>,
): { problems: FieldProblem[]; answers: Map<number, string | null> } {
  const problems: FieldProblem[] = [];
  const out = new Map<number, string | null>();
  for (const q of questions) {
    const raw = answers[`q${q.id}`]?.trim() ?? '';
    if (raw === '') {
      if (q.required) problems.push({ field: `q${q.id}`, messageKey: 'profile.v.answerRequired' });
      out.set(q.id, null);
    } else if (!q.options.includes(raw)) {
      problems.push({ field: `q${q.id}`, messageKey: 'profile.v.answerUnknown' });
    } else {
      out.set(q.id, raw);
    }
  }
  return { problems, answers: out };
}

/** A question as a program manager types it: a prompt and one option per line. */
export function checkQuestion(input: { prompt: string; options: string }): {
  problems: FieldProblem[];
  prompt: string;
  options: string[];
} {
  const problems: FieldProblem[] = [];
  const prompt = input.prompt.trim();
  if (!prompt) problems.push({ field: 'prompt', messageKey: 'profile.v.promptRequired' });
  else if (prompt.length > 300)
    problems.push({ field: 'prompt', messageKey: 'profile.v.tooLong', params: { max: 300 } });
  const options = [
    ...new Set(
      input.options
        .split(/\r?\n/)
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  ];
  if (options.length < 2) problems.push({ field: 'options', messageKey: 'profile.v.optionsFew' });
  else if (options.length > 50 || options.some((o) => o.length > 200))
    problems.push({ field: 'options', messageKey: 'profile.v.optionsMany' });
  return { problems, prompt, options };
}

// ------------------------------------------------------------------ periodic review

export const REVIEW_INTERVALS = [12, 24, 36] as const;

/**
 * Whether to ask the person to confirm their details now: the program asks
 * every `intervalMonths` (never more than once a year), counting from the last
 * confirmation (or the account's creation), and never twice within an interval.
 */
export function reviewDue(input: {
  intervalMonths: number | null;
  now: Date;
  accountCreatedAt: Date;
  confirmedAt: Date | null;
  promptedAt: Date | null;
}): boolean {
  const months = input.intervalMonths;
  if (!months || months < 12) return false;
  const since = (d: Date) => addMonths(d, months) <= input.now;
  if (!since(input.confirmedAt ?? input.accountCreatedAt)) return false;
  return input.promptedAt === null || since(input.promptedAt);
}

export function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

// ------------------------------------------------------------------ mail categories and tokens

/** Categories a person may turn off; anything else not transactional is also treated as news. */
export const PREFERENCE_CATEGORIES = [
  'exam_reminders',
  'expiry_reminders',
  'program_news',
] as const;
export type PreferenceCategory = (typeof PREFERENCE_CATEGORIES)[number];

export function isPreferenceCategory(value: string): value is PreferenceCategory {
  return (PREFERENCE_CATEGORIES as readonly string[]).includes(value);
}

/**
 * The unsubscribe token: an HMAC of the user and category under a key derived
 * from the installation secret. It cannot be forged or moved to another person
 * or category, needs no storage, and stays valid (unsubscribing twice is harmless).
 */
export function unsubscribeToken(secret: string, userId: number, category: string): string {
  return crypto
    .createHmac('sha256', secret)
    .update(`laurel.unsubscribe\u0000${userId}\u0000${category}`)
    .digest('base64url');
}

export function checkUnsubscribeToken(
  secret: string,
  userId: number,
  category: string,
  token: string,
): boolean {
  const expected = Buffer.from(unsubscribeToken(secret, userId, category));
  const given = Buffer.from(token);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}
