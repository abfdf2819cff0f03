import crypto from 'node:crypto';

/**
 * Pure scheduling rules: voucher codes and their checks, confirmation
 * numbers, the change deadline, prices, and local times in a time zone.
 * No I/O: the service passes everything in.
 */

/**
 * Characters a person can read aloud and type back without doubt: no 0/O,
 * 1/I/L, U/V pairs. 29 characters, 12 per code: about 58 bits.
 */
export const VOUCHER_ALPHABET = 'ABCDEFGHJKMNPQRSTWXYZ23456789';
const CONFIRMATION_ALPHABET = VOUCHER_ALPHABET;

function randomChars(alphabet: string, count: number, random: (n: number) => number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += alphabet[random(alphabet.length)];
  return out;
}

const secureRandom = (n: number) => crypto.randomInt(n);

/** A new voucher code, `XXXX-XXXX-XXXX`, from a uniform secure random source. */
export function generateVoucherCode(random: (n: number) => number = secureRandom): string {
  const s = randomChars(VOUCHER_ALPHABET, 12, random);
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

/**
 * What the candidate typed, in the stored form: upper case, separators and
 * spaces ignored. Undefined when it cannot be a code at all.
 */
export function normalizeVoucherCode(input: string): string | undefined {
  const s = input.toUpperCase().replace(/[\s-]/g, '');
  if (s.length !== 12) return undefined;
  for (const ch of s) if (!VOUCHER_ALPHABET.includes(ch)) return undefined;
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

/** A confirmation number printed on emails and rosters: `LA-XXXX-XXXX`. */
export function generateConfirmationNumber(random: (n: number) => number = secureRandom): string {
  const s = randomChars(CONFIRMATION_ALPHABET, 8, random);
  return `LA-${s.slice(0, 4)}-${s.slice(4)}`;
}

/** The last instant a booked appointment may be rescheduled or cancelled. */
export function changeDeadline(startsAt: Date, deadlineHours: number): Date {
  return new Date(startsAt.getTime() - deadlineHours * 3_600_000);
}

/** Whether a candidate may still reschedule or cancel an appointment starting at `startsAt`. */
export function canChange(startsAt: Date, now: Date, deadlineHours: number): boolean {
  return now.getTime() <= changeDeadline(startsAt, deadlineHours).getTime();
}

/** Whether a new booking of a sitting starting at `startsAt` is still possible at `now`. */
export function canBook(startsAt: Date, now: Date, deadlineHours: number): boolean {
  // Booking closes at the same deadline as changes: staff need the roster.
  return canChange(startsAt, now, deadlineHours);
}

export interface VoucherState {
  readonly usedAt: Date | null;
  readonly expiresAt: Date;
  readonly examIds: readonly number[];
  readonly emailDomain: string | null;
}

export type VoucherProblem = 'used' | 'expired' | 'wrong_exam' | 'wrong_domain';

/** Why a voucher cannot pay for this booking, or null when it can. */
export function voucherProblem(
  voucher: VoucherState,
  booking: { examId: number; email: string; at: Date },
): VoucherProblem | null {
  if (voucher.usedAt) return 'used';
  if (voucher.expiresAt.getTime() <= booking.at.getTime()) return 'expired';
  if (!voucher.examIds.includes(booking.examId)) return 'wrong_exam';
  if (voucher.emailDomain && emailDomainOf(booking.email) !== voucher.emailDomain.toLowerCase()) {
    return 'wrong_domain';
  }
  return null;
}

/** The part after the last `@`, lower case. */
export function emailDomainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** A plain domain name, lower case (`corvid.example`), or undefined. */
export function normalizeEmailDomain(input: string): string | undefined {
  const d = input.trim().toLowerCase().replace(/^@/, '');
  return /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d)
    ? d
    : undefined;
}

/** The price after a percentage discount, rounded to the cent in the candidate's favour. */
export function discountedCents(cents: number, percent: number): number {
  return Math.max(0, cents - Math.ceil((cents * percent) / 100));
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length > 0 && zone.length < 64;
  } catch {
    return false;
  }
}

/** The offset of `zone` from UTC at `instant`, in milliseconds (east positive). */
function zoneOffsetMs(instant: Date, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant a wall-clock time (`YYYY-MM-DDTHH:MM`) names in `zone`.
 * Undefined for a malformed value. In the repeated hour (clocks going back)
 * the earlier instant; in a gap (clocks going forward) the time is read with
 * the offset before the change, as most calendars do.
 */
export function zonedLocalToUtc(local: string, zone: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m || !isValidTimeZone(zone)) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return undefined;
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(guess);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return undefined;
  // Two readings: with the zone's offset at the wall-clock time taken as UTC,
  // and with the offset at that first reading. A reading is right when the
  // zone really has that offset then; with two right ones (the repeated hour
  // when clocks go back) the earlier wins; with none (the skipped hour) the
  // reading with the offset before the change.
  const first = guess - zoneOffsetMs(new Date(guess), zone);
  const second = guess - zoneOffsetMs(new Date(first), zone);
  const right = [first, second].filter((t) => zoneOffsetMs(new Date(t), zone) === guess - t);
  return new Date(right.length > 0 ? Math.min(...right) : Math.max(first, second));
}

/** `YYYY-MM-DDTHH:MM` of `instant` in `zone` (for datetime-local inputs). */
export function utcToZonedLocal(instant: Date, zone: string): string {
  const shifted = new Date(instant.getTime() + zoneOffsetMs(instant, zone));
  return shifted.toISOString().slice(0, 16);
}
