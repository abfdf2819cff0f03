import crypto from 'node:crypto';
import { recordAudit } from '../../platform/audit.ts';
import type { Database } from '../../platform/db/database.ts';
import { listApiKeys } from '../../platform/auth/api-keys.ts';
import { openSecret, sealSecret } from '../../platform/crypto/secrets.ts';

/**
 * Optional request signing for providers that sign what they send: the
 * header `Laurel-Signature: t=<unix seconds>,v1=<hex>` where the hex is
 * HMAC-SHA256 under the key's signing secret of `<t>.<raw request body>`.
 * A key with a signing secret must sign every request; a signature older or
 * newer than five minutes is refused (replay). Secrets are stored sealed
 * (AES-256-GCM under the installation secret) and shown once.
 */

export const SIGNATURE_HEADER = 'laurel-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;
const PURPOSE = 'results-signing-secret';

export type SignatureCheck = 'ok' | 'missing' | 'malformed' | 'stale' | 'mismatch' | 'unexpected';

/** The header value for a body signed at `timestamp` (seconds): what a provider computes. */
export function signBody(secret: string, timestamp: number, body: string): string {
  const mac = crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** Checks a signature header against the raw body; pure but for the clock, which is passed in. */
export function checkSignature(
  secret: string | null,
  header: string | undefined,
  body: string,
  nowSeconds: number,
): SignatureCheck {
  if (secret === null) return header ? 'unexpected' : 'ok';
  if (!header) return 'missing';
  const parts = new Map<string, string[]>();
  for (const piece of header.split(',')) {
    const eq = piece.indexOf('=');
    if (eq <= 0) return 'malformed';
    const name = piece.slice(0, eq).trim();
    parts.set(name, [...(parts.get(name) ?? []), piece.slice(eq + 1).trim()]);
  }
  const t = parts.get('t')?.[0];
  const macs = parts.get('v1') ?? [];
  if (!t || !/^\d{1,12}$/.test(t) || macs.length === 0) return 'malformed';
  const timestamp = Number(t);
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return 'stale';
  const expected = crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest();
  for (const mac of macs) {
    if (!/^[0-9a-f]{64}$/i.test(mac)) continue;
    if (crypto.timingSafeEqual(expected, Buffer.from(mac, 'hex'))) return 'ok';
  }
  return 'mismatch';
}

export interface SigningKeyView {
  id: number;
  name: string;
  prefix: string;
  provider: string | null;
  signingSince: Date | null;
}

export class SigningSecrets {
  constructor(
    private readonly db: Database,
    private readonly secretKey: string,
  ) {}

  /** A new signing secret for the key (replacing any other); returned once, stored sealed. */
  async rotate(apiKeyId: number, actorUserId: number | null): Promise<string> {
    const secret = `lsig_${crypto.randomBytes(32).toString('base64url')}`;
    const sealed = sealSecret(this.secretKey, secret, PURPOSE);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('result_signing_secrets')
        .values({ api_key_id: apiKeyId, sealed_secret: sealed, created_by: actorUserId })
        .onConflict((oc) =>
          oc.column('api_key_id').doUpdateSet({
            sealed_secret: sealed,
            created_by: actorUserId,
            created_at: new Date(),
          }),
        )
        .execute();
      await recordAudit(trx, {
        actorUserId,
        action: 'results.signing_secret_set',
        subjectType: 'api_key',
        subjectId: apiKeyId,
      });
    });
    return secret;
  }

  async remove(apiKeyId: number, actorUserId: number | null): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const gone = await trx
        .deleteFrom('result_signing_secrets')
        .where('api_key_id', '=', apiKeyId)
        .returning('api_key_id')
        .executeTakeFirst();
      if (gone) {
        await recordAudit(trx, {
          actorUserId,
          action: 'results.signing_secret_removed',
          subjectType: 'api_key',
          subjectId: apiKeyId,
        });
      }
      return !!gone;
    });
  }

  /** Live keys that may send results, and whether each signs its requests. */
  async keys(): Promise<SigningKeyView[]> {
    const [keys, secrets] = await Promise.all([
      listApiKeys(this.db),
      this.db.selectFrom('result_signing_secrets').select(['api_key_id', 'created_at']).execute(),
    ]);
    const since = new Map(secrets.map((r) => [r.api_key_id, r.created_at]));
    return keys
      .filter((k) => k.revokedAt === null && k.scopes.includes('results'))
      .map((k) => ({
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        provider: k.provider,
        signingSince: since.get(k.id) ?? null,
      }));
  }

  /** The key's secret in clear, or null when its requests are not signed. */
  async secretOf(apiKeyId: number): Promise<string | null> {
    const row = await this.db
      .selectFrom('result_signing_secrets')
      .select('sealed_secret')
      .where('api_key_id', '=', apiKeyId)
      .executeTakeFirst();
    return row ? openSecret(this.secretKey, row.sealed_secret, PURPOSE) : null;
  }
}
