import type { FieldProblem } from '../../platform/http/errors.ts';
import type { MessageKey } from '../../platform/i18n/i18n.ts';
import type {
  CalendarDate,
  CredentialDefinition,
  CredentialKind,
  Delivery,
  ExamKind,
  PublicationStatus,
  RecertificationRules,
  RequirementVersion,
  RetakePolicy,
} from './catalog.types.ts';
import { credentialCodesIn } from './catalog.requirements.ts';

/**
 * The catalog's rules on input, with no I/O: each reader takes what a form
 * or a JSON body sent (strings from forms, typed values from JSON) and
 * returns either a clean value or one problem per field. Field names are
 * the form's; the JSON API maps them to its own shape.
 */

export type Raw = Readonly<Record<string, unknown>>;
export type Read<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

// ------------------------------------------------------------------ limits

export const LIMITS = {
  title: 200,
  description: 5000,
  level: 60,
  agreementBody: 100_000,
  note: 1000,
  languages: 30,
  codeList: 50,
  scoreAbs: 1_000_000,
  durationMinutes: 1440,
  priceCents: 100_000_000,
  retakeDays: 3650,
  retakeMaxPerYear: 100,
  validityMonths: 600,
  creditsMinimum: 1_000_000,
} as const;

export const EXAM_KINDS: readonly ExamKind[] = ['exam', 'assessment'];
export const DELIVERIES: readonly Delivery[] = ['test_center', 'online_proctored', 'web'];
export const STATUSES: readonly PublicationStatus[] = ['draft', 'published', 'retired'];
export const CREDENTIAL_KINDS: readonly CredentialKind[] = ['accreditation', 'certification'];

/** The database's own check: 2 to 32 capitals, digits and hyphens. */
const CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;
const VERSION = /^[A-Za-z0-9._-]{1,20}$/;
/** BCP 47, loosely: `en`, `pt-BR`, `zh-Hant`. */
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const CURRENCY = /^[A-Z]{3}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

// ------------------------------------------------------------------ small readers

/** Collects at most one problem per field (the first found is the one to fix first). */
export class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, messageKey: MessageKey, params?: Record<string, string | number>): void {
    if (this.list.some((p) => p.field === field)) return;
    this.list.push(params ? { field, messageKey, params } : { field, messageKey });
  }
  has(field: string): boolean {
    return this.list.some((p) => p.field === field);
  }
}

function str(raw: Raw, field: string): string {
  const v = raw[field];
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return '';
}

/** Normalizes a code as people type it: spaces around dropped, letters upper-cased. */
export function normalizeCode(value: string): string {
  return value.trim().toUpperCase();
}

export function isCode(value: string): boolean {
  return CODE.test(value);
}

function readCode(raw: Raw, field: string, p: Problems): string {
  const code = normalizeCode(str(raw, field));
  if (!code) p.add(field, 'catalog.v.codeRequired');
  else if (!CODE.test(code)) p.add(field, 'catalog.v.codeFormat');
  return code;
}

function readText(
  raw: Raw,
  field: string,
  p: Problems,
  opts: { required?: MessageKey; max: number; multiline?: boolean },
): string {
  const value = str(raw, field);
  if (!value && opts.required) p.add(field, opts.required);
  else if (value.length > opts.max) p.add(field, 'catalog.v.tooLong', { max: opts.max });
  else if (opts.multiline ? CONTROL.test(value) : CONTROL.test(value) || /[\r\n\t]/.test(value))
    p.add(field, 'catalog.v.characters');
  return value;
}

function readChoice<T extends string>(
  raw: Raw,
  field: string,
  choices: readonly T[],
  p: Problems,
  required: MessageKey,
): T {
  const value = str(raw, field);
  if (!(choices as readonly string[]).includes(value)) p.add(field, required);
  return value as T;
}

/**
 * A whole number in [min, max]. Forms send strings; JSON sends numbers.
 * Blank gives `null` (the caller decides whether that is allowed).
 */
function readInt(
  raw: Raw,
  field: string,
  p: Problems,
  range: { min: number; max: number; message: MessageKey },
): number | null {
  const v = raw[field];
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return null;
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^[+-]?\d{1,12}$/.test(v.trim())) n = Number(v.trim());
  else {
    p.add(field, 'catalog.v.wholeNumber');
    return null;
  }
  if (!Number.isInteger(n)) {
    p.add(field, 'catalog.v.wholeNumber');
    return null;
  }
  if (n < range.min || n > range.max) {
    p.add(field, range.message, { min: range.min, max: range.max });
    return null;
  }
  return n;
}

function readBool(raw: Raw, field: string): boolean {
  const v = raw[field];
  return v === true || v === 'yes' || v === 'true' || v === 'on';
}

/** A list from JSON (array) or a form (one string, split on commas, spaces or new lines). */
function readList(raw: Raw, field: string): string[] {
  const v = raw[field];
  const items = Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string')
    : typeof v === 'string'
      ? v.split(/[\s,;]+/)
      : [];
  return [...new Set(items.map((s) => s.trim()).filter(Boolean))];
}

/** A real calendar date, `YYYY-MM-DD`. */
export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3]) &&
    Number(m[1]) >= 1900 &&
    Number(m[1]) <= 9999
  );
}

function readDate(
  raw: Raw,
  field: string,
  p: Problems,
  required?: MessageKey,
): CalendarDate | null {
  const value = str(raw, field);
  if (!value) {
    if (required) p.add(field, required);
    return null;
  }
  if (!isCalendarDate(value)) {
    p.add(field, 'catalog.v.date');
    return null;
  }
  return value;
}

/**
 * The instant a date begins in a time zone: a program manager in Sydney who
 * says "effective 1 March" means midnight in Sydney, not in London.
 */
export function startOfDayIn(date: CalendarDate, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const utcGuess = Date.UTC(y, m - 1, d);
  const offset = (at: number): number => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(at));
    const get = (type: string) => Number(parts.find((x) => x.type === type)?.value);
    const asUtc = Date.UTC(
      get('year'),
      get('month') - 1,
      get('day'),
      get('hour'),
      get('minute'),
      get('second'),
    );
    return asUtc - at;
  };
  let at = utcGuess - offset(utcGuess);
  // Once more, in case the first guess fell across a change of offset.
  at = utcGuess - offset(at);
  return new Date(at);
}

/** An instant from JSON (`2027-03-01` or a full ISO 8601 date-time) or a form (a date). */
export function readInstant(
  raw: Raw,
  field: string,
  timeZone: string,
  p: Problems,
  required: MessageKey,
): Date | null {
  const v = raw[field];
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  const value = typeof v === 'string' ? v.trim() : '';
  if (!value) {
    p.add(field, required);
    return null;
  }
  if (isCalendarDate(value)) return startOfDayIn(value, timeZone);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime()) && isCalendarDate(value.slice(0, 10))) return d;
  }
  p.add(field, 'catalog.v.date');
  return null;
}

function done<T>(p: Problems, value: T): Read<T> {
  return p.list.length > 0 ? { ok: false, problems: p.list } : { ok: true, value };
}

// ------------------------------------------------------------------ exams

export interface ExamInput {
  code: string;
  title: string;
  description: string;
  kind: ExamKind;
  delivery: Delivery[];
  scoreMin: number;
  scoreMax: number;
  passingScore: number;
  languages: string[];
  durationMinutes: number | null;
  priceCents: number | null;
  currency: string | null;
  retake: RetakePolicy;
  status: PublicationStatus;
}

/** Form field names of an exam, in the order the form shows them. */
export const EXAM_FIELDS = [
  'code',
  'title',
  'description',
  'kind',
  'delivery',
  'scoreMin',
  'scoreMax',
  'passingScore',
  'languages',
  'durationMinutes',
  'price',
  'currency',
  'retakeWaitDaysFirst',
  'retakeWaitDaysLater',
  'retakeMaxPerYear',
  'retakeAfterPass',
  'status',
] as const;

/** A price as people write it ("150", "149.5", "149.50") in cents, without float error. */
export function parsePrice(value: string): number | null {
  const m = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(value.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export function formatPrice(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export function readExam(raw: Raw): Read<ExamInput> {
  const p = new Problems();
  const code = readCode(raw, 'code', p);
  const title = readText(raw, 'title', p, {
    required: 'catalog.v.titleRequired',
    max: LIMITS.title,
  });
  const description = readText(raw, 'description', p, {
    max: LIMITS.description,
    multiline: true,
  });
  const kind = readChoice(raw, 'kind', EXAM_KINDS, p, 'catalog.v.examKindRequired');
  const deliveryRaw = readList(raw, 'delivery');
  const delivery = DELIVERIES.filter((d) => deliveryRaw.includes(d));
  if (delivery.length === 0 || delivery.length !== deliveryRaw.length)
    p.add('delivery', 'catalog.v.deliveryRequired');
  const scoreRange = {
    min: -LIMITS.scoreAbs,
    max: LIMITS.scoreAbs,
    message: 'catalog.v.scoreRange' as const,
  };
  // Left out altogether (as JSON clients may), the scale is the usual 0 to 1000
  // and the language English; a form always sends them, so a blank is an error.
  const scoreMin = raw.scoreMin === undefined ? 0 : readInt(raw, 'scoreMin', p, scoreRange);
  const scoreMax = raw.scoreMax === undefined ? 1000 : readInt(raw, 'scoreMax', p, scoreRange);
  const passingScore = readInt(raw, 'passingScore', p, scoreRange);
  if (scoreMin === null && !p.has('scoreMin')) p.add('scoreMin', 'catalog.v.scoreMinRequired');
  if (scoreMax === null && !p.has('scoreMax')) p.add('scoreMax', 'catalog.v.scoreMaxRequired');
  if (passingScore === null && !p.has('passingScore'))
    p.add('passingScore', 'catalog.v.passingScoreRequired');
  if (scoreMin !== null && scoreMax !== null && scoreMin >= scoreMax)
    p.add('scoreMax', 'catalog.v.scoreMaxAboveMin');
  if (
    passingScore !== null &&
    scoreMin !== null &&
    scoreMax !== null &&
    scoreMin < scoreMax &&
    (passingScore < scoreMin || passingScore > scoreMax)
  )
    p.add('passingScore', 'catalog.v.passingScoreOnScale', { min: scoreMin, max: scoreMax });
  const languages = raw.languages === undefined ? ['en'] : readList(raw, 'languages');
  if (languages.length === 0) p.add('languages', 'catalog.v.languagesRequired');
  else if (languages.length > LIMITS.languages || !languages.every((l) => LANGUAGE.test(l)))
    p.add('languages', 'catalog.v.languages');
  const durationMinutes = readInt(raw, 'durationMinutes', p, {
    min: 1,
    max: LIMITS.durationMinutes,
    message: 'catalog.v.duration',
  });
  const priceText = str(raw, 'price');
  let priceCents: number | null = null;
  if (priceText) {
    priceCents = parsePrice(priceText);
    if (priceCents === null || priceCents > LIMITS.priceCents) p.add('price', 'catalog.v.price');
  }
  const currencyText = normalizeCode(str(raw, 'currency'));
  let currency: string | null = null;
  if (currencyText) {
    if (!CURRENCY.test(currencyText)) p.add('currency', 'catalog.v.currency');
    else currency = currencyText;
  }
  if (priceCents !== null && !currencyText) p.add('currency', 'catalog.v.currencyRequired');
  if (priceCents === null && currency !== null && !p.has('price'))
    p.add('price', 'catalog.v.priceRequired');
  const days = { min: 0, max: LIMITS.retakeDays, message: 'catalog.v.retakeDays' as const };
  const waitDaysFirst = readInt(raw, 'retakeWaitDaysFirst', p, days) ?? 0;
  const waitDaysLater = readInt(raw, 'retakeWaitDaysLater', p, days) ?? 0;
  const maxPerYear = readInt(raw, 'retakeMaxPerYear', p, {
    min: 1,
    max: LIMITS.retakeMaxPerYear,
    message: 'catalog.v.retakeMax',
  });
  const status = str(raw, 'status')
    ? readChoice(raw, 'status', STATUSES, p, 'catalog.v.status')
    : 'published';
  return done(p, {
    code,
    title,
    description,
    kind,
    delivery,
    scoreMin: scoreMin ?? 0,
    scoreMax: scoreMax ?? 0,
    passingScore: passingScore ?? 0,
    languages,
    durationMinutes,
    priceCents,
    currency: priceCents === null ? null : currency,
    retake: {
      waitDaysFirst,
      waitDaysLater,
      maxPerYear,
      afterPass: readBool(raw, 'retakeAfterPass'),
    },
    status,
  });
}

export interface ExamVersionInput {
  version: string;
  availableFrom: CalendarDate;
  availableUntil: CalendarDate | null;
}

export function readExamVersion(raw: Raw): Read<ExamVersionInput> {
  const p = new Problems();
  const version = str(raw, 'version');
  if (!version) p.add('version', 'catalog.v.versionRequired');
  else if (!VERSION.test(version)) p.add('version', 'catalog.v.versionFormat');
  const availableFrom = readDate(raw, 'availableFrom', p, 'catalog.v.availableFromRequired');
  const availableUntil = readDate(raw, 'availableUntil', p);
  if (availableFrom && availableUntil && availableUntil < availableFrom)
    p.add('availableUntil', 'catalog.v.untilBeforeFrom');
  return done(p, { version, availableFrom: availableFrom ?? '', availableUntil });
}

export function readRetireDate(raw: Raw, availableFrom: CalendarDate): Read<CalendarDate> {
  const p = new Problems();
  const until = readDate(raw, 'availableUntil', p, 'catalog.v.availableUntilRequired');
  if (until && until < availableFrom) p.add('availableUntil', 'catalog.v.untilBeforeFrom');
  return done(p, until ?? '');
}

// ------------------------------------------------------------------ training, agreements, credit categories

export interface CodedInput {
  code: string;
  title: string;
  description: string;
}

export const CODED_FIELDS = ['code', 'title', 'description'] as const;

export function readCoded(raw: Raw): Read<CodedInput> {
  const p = new Problems();
  const code = readCode(raw, 'code', p);
  const title = readText(raw, 'title', p, {
    required: 'catalog.v.titleRequired',
    max: LIMITS.title,
  });
  const description = readText(raw, 'description', p, {
    max: LIMITS.description,
    multiline: true,
  });
  return done(p, { code, title, description });
}

export interface AgreementVersionInput {
  body: string;
  effectiveAt: Date;
}

export function readAgreementVersion(raw: Raw, timeZone: string): Read<AgreementVersionInput> {
  const p = new Problems();
  const body = readText(raw, 'body', p, {
    required: 'catalog.v.agreementBodyRequired',
    max: LIMITS.agreementBody,
    multiline: true,
  });
  const effectiveAt = readInstant(raw, 'effectiveAt', timeZone, p, 'catalog.v.effectiveAtRequired');
  return done(p, { body, effectiveAt: effectiveAt ?? new Date(0) });
}

// ------------------------------------------------------------------ credentials

export interface CredentialInput {
  code: string;
  name: string;
  kind: CredentialKind;
  level: string;
  levelRank: number;
  description: string;
  validityMonths: number | null;
  recertification: RecertificationRules;
  /** Only from the JSON API; pages publish and retire with their own buttons. */
  status: PublicationStatus | undefined;
}

export const CREDENTIAL_FIELDS = [
  'code',
  'name',
  'kind',
  'level',
  'levelRank',
  'description',
  'validityMonths',
  'recertRequirementsAgain',
  'recertExams',
  'recertHigherCredentials',
  'recertCreditsCategory',
  'recertCreditsMinimum',
  'status',
] as const;

/** The shape checks; `checkCredentialReferences` then checks the codes it names. */
export function readCredential(raw: Raw): Read<CredentialInput> {
  const p = new Problems();
  const code = readCode(raw, 'code', p);
  const name = readText(raw, 'name', p, { required: 'catalog.v.nameRequired', max: LIMITS.title });
  const kind = readChoice(raw, 'kind', CREDENTIAL_KINDS, p, 'catalog.v.credentialKindRequired');
  const level = readText(raw, 'level', p, {
    required: 'catalog.v.levelRequired',
    max: LIMITS.level,
  });
  const levelRank =
    readInt(raw, 'levelRank', p, { min: 1, max: 10, message: 'catalog.v.levelRank' }) ?? 1;
  const description = readText(raw, 'description', p, {
    max: LIMITS.description,
    multiline: true,
  });
  const validityMonths = readInt(raw, 'validityMonths', p, {
    min: 1,
    max: LIMITS.validityMonths,
    message: 'catalog.v.validityMonths',
  });
  const exams = readList(raw, 'recertExams').map(normalizeCode);
  const higher = readList(raw, 'recertHigherCredentials').map(normalizeCode);
  for (const [field, list] of [
    ['recertExams', exams],
    ['recertHigherCredentials', higher],
  ] as const) {
    if (list.length > LIMITS.codeList) p.add(field, 'catalog.v.tooMany', { max: LIMITS.codeList });
    else if (!list.every(isCode)) p.add(field, 'catalog.v.codeListFormat');
  }
  if (higher.includes(code)) p.add('recertHigherCredentials', 'catalog.v.higherIsSelf');
  const category = normalizeCode(str(raw, 'recertCreditsCategory'));
  const minimumText = str(raw, 'recertCreditsMinimum');
  let credits: RecertificationRules['credits'] = null;
  if (category || minimumText) {
    if (!category) p.add('recertCreditsCategory', 'catalog.v.creditsCategoryRequired');
    const minimum = Number(minimumText.replace(',', '.'));
    if (!minimumText) p.add('recertCreditsMinimum', 'catalog.v.creditsMinimumRequired');
    else if (
      !/^\d{1,7}([.,]\d{1,2})?$/.test(minimumText) ||
      !(minimum > 0) ||
      minimum > LIMITS.creditsMinimum
    )
      p.add('recertCreditsMinimum', 'catalog.v.creditsMinimum', { max: LIMITS.creditsMinimum });
    if (category && minimum > 0) credits = { category, minimum };
  }
  const status = str(raw, 'status')
    ? readChoice(raw, 'status', STATUSES, p, 'catalog.v.status')
    : undefined;
  return done(p, {
    code,
    name,
    kind,
    level,
    levelRank,
    description,
    validityMonths,
    recertification: {
      requirementsAgain: readBool(raw, 'recertRequirementsAgain'),
      exams,
      higherCredentials: higher,
      credits,
    },
    status,
  });
}

/** The codes a credential's recertification rules name must exist. */
export function checkCredentialReferences(
  input: CredentialInput,
  known: {
    exams: ReadonlySet<string>;
    credentials: ReadonlySet<string>;
    creditCategories: ReadonlySet<string>;
  },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { exams, higherCredentials, credits } = input.recertification;
  const unknownExams = exams.filter((c) => !known.exams.has(c));
  if (unknownExams.length > 0)
    problems.push({
      field: 'recertExams',
      messageKey: 'catalog.v.unknownExams',
      params: { codes: unknownExams.join(', ') },
    });
  const unknownCredentials = higherCredentials.filter((c) => !known.credentials.has(c));
  if (unknownCredentials.length > 0)
    problems.push({
      field: 'recertHigherCredentials',
      messageKey: 'catalog.v.unknownCredentials',
      params: { codes: unknownCredentials.join(', ') },
    });
  if (credits && !known.creditCategories.has(credits.category))
    problems.push({
      field: 'recertCreditsCategory',
      messageKey: 'catalog.v.unknownCreditCategory',
      params: { code: credits.category },
    });
  return problems;
}

/** Stored recertification JSON, with every field present. */
export function normalizeRecertification(stored: unknown): RecertificationRules {
  const r = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  const codes = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  const c = r.credits as { category?: unknown; minimum?: unknown } | null | undefined;
  return {
    requirementsAgain: r.requirementsAgain === true,
    exams: codes(r.exams),
    higherCredentials: codes(r.higherCredentials),
    credits:
      c && typeof c.category === 'string' && typeof c.minimum === 'number'
        ? { category: c.category, minimum: c.minimum }
        : null,
  };
}

// ------------------------------------------------------------------ requirement versions

/** The latest version with effectiveAt <= at (the highest version wins a tie). */
export function requirementsInForce(
  credential: Pick<CredentialDefinition, 'requirements'>,
  at: Date,
): RequirementVersion | undefined {
  let found: RequirementVersion | undefined;
  for (const v of credential.requirements) {
    if (v.effectiveAt.getTime() > at.getTime()) continue;
    if (
      !found ||
      v.effectiveAt.getTime() > found.effectiveAt.getTime() ||
      (v.effectiveAt.getTime() === found.effectiveAt.getTime() && v.version > found.version)
    )
      found = v;
  }
  return found;
}

/**
 * What each credential requires of other credentials, for cycle checks: the
 * codes named by the version in force at `at` and by every later version
 * (already saved to take effect in the future). Superseded versions no
 * longer matter.
 */
export function credentialGraph(
  credentials: readonly Pick<CredentialDefinition, 'code' | 'requirements'>[],
  at: Date,
): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const c of credentials) {
    const current = requirementsInForce(c, at);
    const relevant = c.requirements.filter(
      (v) => v === current || v.effectiveAt.getTime() > at.getTime(),
    );
    graph.set(c.code, [...new Set(relevant.flatMap((v) => credentialCodesIn(v.tree)))]);
  }
  return graph;
}

/** Today's date where the person is, `YYYY-MM-DD`. */
export function todayIn(timeZone: string, now = new Date()): CalendarDate {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}
