import crypto from 'node:crypto';

/**
 * Credential numbers: the public verification code printed on certificates
 * and in QR codes. 80 random bits in Crockford base32 (no I, L, O, U, so
 * nothing is misread), as `XXXX-XXXX-XXXX-XXXX`. Unguessable: nobody can walk
 * the numbers to find other people's awards.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const CREDENTIAL_NUMBER_PATTERN =
  /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/** Encodes 10 bytes (80 bits) as 16 base32 digits in groups of four. */
export function formatCredentialNumber(bytes: Uint8Array): string {
  if (bytes.length !== 10) throw new RangeError('A credential number is made of 10 bytes.');
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let digits = '';
  for (let i = 0; i < 16; i++) {
    digits = ALPHABET[Number(value & 31n)]! + digits;
    value >>= 5n;
  }
  return digits.match(/.{4}/g)!.join('-');
}

export function newCredentialNumber(): string {
  return formatCredentialNumber(crypto.randomBytes(10));
}

/**
 * Reads what a person typed: case, spaces and dashes do not matter, and the
 * letters people confuse with digits (O, I, L) are read as 0 and 1, as
 * Crockford's alphabet intends. Undefined when it cannot be a number.
 */
export function normalizeCredentialNumber(input: string): string | undefined {
  const compact = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{16}$/.test(compact)) return undefined;
  return compact.match(/.{4}/g)!.join('-');
}
