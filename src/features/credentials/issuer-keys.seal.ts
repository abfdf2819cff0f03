import crypto from 'node:crypto';

/**
 * Seals a secret for storage in the database with AES-256-GCM under a key
 * derived (HKDF-SHA-256) from the installation's configured secret, so a
 * copy of the database alone does not give away the issuer's private key.
 * Format: `v1.<iv>.<tag>.<ciphertext>`, each base64url.
 */
const INFO = 'laurel issuer key seal v1';

function keyFrom(secret: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', Buffer.from(secret), Buffer.alloc(0), INFO, 32));
}

export function sealSecret(secret: string, plaintext: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyFrom(secret), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ['v1', iv, tag, body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Throws when the sealed text was altered or sealed under another secret. */
export function openSecret(secret: string, sealed: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) {
    throw new Error('Not a sealed secret.');
  }
  const decipher = crypto.createDecipheriv(
    'aes-256-gcm',
    keyFrom(secret),
    Buffer.from(iv, 'base64url'),
  );
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(body, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}
