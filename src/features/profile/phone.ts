/**
 * A small phone number parser that stores numbers in E.164 (`+442079460958`).
 * It knows the calling code and trunk prefix of common countries, so a
 * national number typed as the person would dial it at home is accepted; any
 * other country needs the international form (`+…` or `00…`). It checks the
 * shape of a number (7 to 15 digits, a real calling code prefix), not whether
 * the number is in service. No I/O.
 */

interface Dialing {
  readonly code: string;
  /** Dialled before a national number inside the country and dropped in E.164. */
  readonly trunk: string;
  /** Digits of the national significant number (without the trunk prefix). */
  readonly min: number;
  readonly max: number;
}

const d = (code: string, min: number, max: number, trunk = '0'): Dialing => ({
  code,
  trunk,
  min,
  max,
});

const DIALING: Readonly<Record<string, Dialing>> = {
  US: d('1', 10, 10, '1'),
  CA: d('1', 10, 10, '1'),
  GB: d('44', 9, 10),
  IE: d('353', 7, 9),
  DE: d('49', 6, 13),
  FR: d('33', 9, 9),
  ES: d('34', 9, 9, ''),
  IT: d('39', 6, 11, ''),
  NL: d('31', 9, 9),
  BE: d('32', 8, 9),
  CH: d('41', 9, 9),
  AT: d('43', 4, 13),
  SE: d('46', 7, 9),
  NO: d('47', 8, 8, ''),
  DK: d('45', 8, 8, ''),
  FI: d('358', 5, 11),
  PL: d('48', 9, 9, ''),
  PT: d('351', 9, 9, ''),
  AU: d('61', 9, 9),
  NZ: d('64', 8, 10),
  JP: d('81', 9, 10),
  CN: d('86', 10, 11),
  IN: d('91', 10, 10),
  SG: d('65', 8, 8, ''),
  HK: d('852', 8, 8, ''),
  AE: d('971', 8, 9),
  ZA: d('27', 9, 9),
  BR: d('55', 10, 11),
  MX: d('52', 10, 10, ''),
};

/** Longest calling code first, so +358 is Finland and not a +35… that does not exist. */
const BY_CODE_LENGTH = Object.values(DIALING).sort((a, b) => b.code.length - a.code.length);

export type PhoneProblem = 'phoneInvalid' | 'phoneNeedsCountryCode';

export type PhoneParse = { ok: true; e164: string } | { ok: false; problem: PhoneProblem };

/**
 * Parses what a person typed (spaces, dashes, dots, brackets allowed) for a
 * given home country. An empty string is not a number: callers decide
 * whether the field may be empty.
 */
export function parsePhone(input: string, country: string): PhoneParse {
  const trimmed = input.trim();
  if (!/^[+\d\s().\-/]+$/.test(trimmed)) return { ok: false, problem: 'phoneInvalid' };
  let digits = trimmed.replace(/[\s().\-/]/g, '');
  let international = false;
  if (digits.startsWith('+')) {
    digits = digits.slice(1);
    international = true;
  } else if (digits.startsWith('00')) {
    digits = digits.slice(2);
    international = true;
  }
  if (!/^\d+$/.test(digits)) return { ok: false, problem: 'phoneInvalid' };

  if (international) {
    if (digits.startsWith('0') || digits.length < 7 || digits.length > 15)
      return { ok: false, problem: 'phoneInvalid' };
    // Where the calling code is one we know, hold the national part to that country's lengths.
    const known = BY_CODE_LENGTH.find((dial) => digits.startsWith(dial.code));
    if (known) {
      let national = digits.slice(known.code.length);
      // "+44 (0)20 …": the bracketed trunk zero is a common way of writing it.
      if (known.trunk === '0' && national.startsWith('0')) national = national.slice(1);
      if (national.length < known.min || national.length > known.max)
        return { ok: false, problem: 'phoneInvalid' };
      return { ok: true, e164: `+${known.code}${national}` };
    }
    return { ok: true, e164: `+${digits}` };
  }

  const dial = DIALING[country];
  if (!dial) return { ok: false, problem: 'phoneNeedsCountryCode' };
  let national = digits;
  if (dial.trunk && national.startsWith(dial.trunk) && national.length > dial.max)
    national = national.slice(dial.trunk.length);
  else if (dial.trunk === '0' && national.startsWith('0')) national = national.slice(1);
  if (
    national.length < dial.min ||
    national.length > dial.max ||
    (dial.trunk !== '' && national.startsWith('0'))
  )
    return { ok: false, problem: 'phoneInvalid' };
  const e164 = `+${dial.code}${national}`;
  if (e164.length > 16) return { ok: false, problem: 'phoneInvalid' };
  return { ok: true, e164 };
}

/** A stored E.164 number written for reading: `+44 2079460958` (calling code set apart). */
export function formatPhone(e164: string): string {
  const digits = e164.replace(/^\+/, '');
  const known = BY_CODE_LENGTH.find((dial) => digits.startsWith(dial.code))?.code;
  return known ? `+${known} ${digits.slice(known.length)}` : e164;
}
