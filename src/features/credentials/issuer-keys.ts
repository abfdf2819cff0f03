import crypto from 'node:crypto';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { sql, type Transaction } from 'kysely';
import { recordAudit } from '../../platform/audit.ts';
import type { Database } from '../../platform/db/database.ts';
import type { DB } from '../../platform/db/schema.ts';
import { openSecret, sealSecret } from '../../platform/crypto/secrets.ts';

/**
 * The installation's issuer: a `did:web` derived from the public URL, and
 * its Ed25519 key pairs. Exactly one key is current and signs; rotating
 * retires it (its secret is erased) and makes a new one current. Every key,
 * current and retired, stays in the DID document, so a badge signed years
 * ago still verifies.
 */

export interface IssuerIdentity {
  did: string;
  /** Paths (relative to the app) at which the DID document is served. */
  documentPaths: string[];
}

/**
 * `https://example.org` -> `did:web:example.org` (document at
 * `/.well-known/did.json`); a port is percent-encoded (`did:web:host%3A8443`);
 * a path becomes colon-separated segments (`did:web:host:laurel`, document
 * at `<path>/did.json`, which the app sees as `/did.json` behind a proxy that
 * strips the path).
 */
export function didWebFor(publicUrl: string): IssuerIdentity {
  const url = new URL(publicUrl);
  const segments = url.pathname.split('/').filter(Boolean).map(encodeURIComponent);
  const did = ['did:web', encodeURIComponent(url.host), ...segments].join(':');
  return {
    did,
    documentPaths:
      segments.length > 0 ? ['/.well-known/did.json', '/did.json'] : ['/.well-known/did.json'],
  };
}

export interface IssuerKeyView {
  keyId: string;
  verificationMethod: string;
  publicKeyMultibase: string;
  status: 'current' | 'retired';
  createdAt: Date;
  retiredAt: Date | null;
}

export interface CurrentSigner {
  /** The key's row id: changes when the key is rotated. */
  rowId: number;
  verificationMethod: string;
  keyPair: Ed25519Multikey.Ed25519KeyPair;
}

/** Keeps the sealed issuer key from being opened as any other kind of secret. */
export const SEAL_PURPOSE = 'issuer-key';

const LOCK = sql`select pg_advisory_xact_lock(hashtext('laurel.issuer_keys'))`;

export class IssuerKeys {
  readonly identity: IssuerIdentity;
  private cached: CurrentSigner | undefined;

  constructor(
    private readonly db: Database,
    publicUrl: string,
    private readonly secret: string,
  ) {
    this.identity = didWebFor(publicUrl);
  }

  get did(): string {
    return this.identity.did;
  }

  /** Creates the first key pair when there is none (first start); safe on several nodes at once. */
  async ensureCurrent(): Promise<void> {
    const found = await this.currentRow();
    if (found) return;
    await this.db.transaction().execute(async (trx) => {
      await LOCK.execute(trx);
      const again = await trx
        .selectFrom('issuer_keys')
        .select('id')
        .where('status', '=', 'current')
        .executeTakeFirst();
      if (!again) await this.insertNewKey(trx);
    });
  }

  /** Retires the current key and makes a new one current; returns the new key's id. */
  async rotate(actorUserId: number | null, reason: string | null = null): Promise<string> {
    const keyId = await this.db.transaction().execute(async (trx) => {
      await LOCK.execute(trx);
      const old = await trx
        .updateTable('issuer_keys')
        .set({ status: 'retired', retired_at: new Date(), secret_key_sealed: null })
        .where('status', '=', 'current')
        .returning('key_id')
        .executeTakeFirst();
      const created = await this.insertNewKey(trx);
      await recordAudit(trx, {
        actorUserId,
        action: 'credentials.issuer_key_rotated',
        subjectType: 'issuer_key',
        subjectId: created,
        reason,
        details: { did: this.did, retired: old?.key_id ?? null, current: created },
      });
      return created;
    });
    this.cached = undefined;
    return keyId;
  }

  /** The current key, ready to sign; read from the database so a rotation on another node shows at once. */
  async currentSigner(): Promise<CurrentSigner> {
    let row = await this.currentRow();
    if (!row) {
      await this.ensureCurrent();
      row = await this.currentRow();
    }
    if (!row || !row.secret_key_sealed) throw new Error('The issuer has no current key.');
    if (this.cached?.rowId === row.id) return this.cached;
    const verificationMethod = `${this.did}#${row.key_id}`;
    const keyPair = await Ed25519Multikey.from({
      id: verificationMethod,
      controller: this.did,
      type: 'Multikey',
      publicKeyMultibase: row.public_key_multibase,
      secretKeyMultibase: openSecret(this.secret, row.secret_key_sealed, SEAL_PURPOSE),
    });
    this.cached = { rowId: row.id, verificationMethod, keyPair };
    return this.cached;
  }

  async list(): Promise<IssuerKeyView[]> {
    const rows = await this.db
      .selectFrom('issuer_keys')
      .select(['key_id', 'public_key_multibase', 'status', 'created_at', 'retired_at'])
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => ({
      keyId: r.key_id,
      verificationMethod: `${this.did}#${r.key_id}`,
      publicKeyMultibase: r.public_key_multibase,
      status: r.status,
      createdAt: r.created_at,
      retiredAt: r.retired_at,
    }));
  }

  /** The DID document: every key, current first, as a Multikey usable for assertions. */
  async didDocument(): Promise<Record<string, unknown>> {
    const keys = await this.list();
    const ids = keys.map((k) => k.verificationMethod);
    return {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: this.did,
      verificationMethod: keys.map((k) => ({
        id: k.verificationMethod,
        type: 'Multikey',
        controller: this.did,
        publicKeyMultibase: k.publicKeyMultibase,
      })),
      assertionMethod: ids,
    };
  }

  private currentRow() {
    return this.db
      .selectFrom('issuer_keys')
      .select(['id', 'key_id', 'public_key_multibase', 'secret_key_sealed'])
      .where('status', '=', 'current')
      .executeTakeFirst();
  }

  private async insertNewKey(trx: Transaction<DB>): Promise<string> {
    const keyPair = await Ed25519Multikey.generate({ controller: this.did });
    const exported = await keyPair.export({
      publicKey: true,
      secretKey: true,
      includeContext: false,
    });
    const secretKey = exported.secretKeyMultibase;
    if (!secretKey) throw new Error('The new key pair has no secret key.');
    const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    const keyId = `key-${day}-${crypto.randomBytes(4).toString('hex')}`;
    await trx
      .insertInto('issuer_keys')
      .values({
        key_id: keyId,
        public_key_multibase: keyPair.publicKeyMultibase,
        secret_key_sealed: sealSecret(this.secret, secretKey, SEAL_PURPOSE),
        status: 'current',
      })
      .execute();
    return keyId;
  }
}
