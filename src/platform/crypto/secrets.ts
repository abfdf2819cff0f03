import { decryptSecret, encryptSecret } from '../auth/tokens.ts';

/**
 * Secrets Laurel must be able to read back (a delivery provider's passphrase,
 * a signing secret, a private key), stored encrypted with AES-256-GCM under a
 * key derived from the installation's `SECRET_KEY`. `purpose` separates keys,
 * so a value sealed for one use cannot be opened as another.
 */
export function sealSecret(
  secretKey: string,
  plaintext: string,
  purpose = 'stored-secret',
): string {
  return encryptSecret(secretKey, purpose, plaintext);
}

/** Throws when the value was not sealed with this installation's key and purpose. */
export function openSecret(secretKey: string, sealed: string, purpose = 'stored-secret'): string {
  return decryptSecret(secretKey, purpose, sealed);
}
