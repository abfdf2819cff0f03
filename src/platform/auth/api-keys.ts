import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { ApiScope } from '../db/schema.ts';
import { AppError, ValidationError, type FieldProblem } from '../http/errors.ts';
import { recordAudit } from '../audit.ts';
import type { RateRule } from '../http/rate-limit.ts';
import { hashToken, randomToken } from './tokens.ts';

export type { ApiScope };
export const API_SCOPES: readonly ApiScope[] = ['results', 'appointments', 'candidates'];

/** A machine that called with a valid key: what it may do and whom it speaks for. */
export interface ApiClient {
  keyId: number;
  name: string;
  scopes: ApiScope[];
  /** The delivery provider the key belongs to; results it sends carry this provider code. */
  provider: string | null;
}

export interface ApiKeyView {
  id: number;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  provider: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const KEY_PREFIX = 'lk_';
/** Wrong keys from one address: enough for a misconfigured client to notice, not to guess. */
const BAD_KEY_RULE: RateRule = { name: 'api-key-failure', limit: 30, windowSeconds: 600 };

export class ApiKeyMissingError extends AppError {
  constructor() {
    super('API_KEY_REQUIRED', 401, 'apiKeys.error.missing', {}, { 'www-authenticate': 'Bearer' });
  }
}

export class ApiKeyScopeError extends AppError {
  constructor(scope: ApiScope) {
    super('API_KEY_SCOPE', 403, 'apiKeys.error.scope', { scope });
  }
}

/** A new key: `lk_` and 32 random bytes. Only its SHA-256 is stored. */
export function newApiKey(): { key: string; prefix: string; hash: Buffer } {
  const key = `${KEY_PREFIX}${randomToken(32)}`;
  return { key, prefix: key.slice(0, 10), hash: hashToken(key) };
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const key = match?.[1];
  return key && key.startsWith(KEY_PREFIX) && key.length <= 100 ? key : null;
}

/**
 * The API key check every machine route starts with:
 * `const client = await authenticateApiKey(request, 'results')`. A missing,
 * unknown or revoked key answers 401 (the same for each, so keys cannot be
 * probed; repeated failures from one address are rate limited), a key
 * without the scope 403.
 */
export async function authenticateApiKey(
  request: FastifyRequest,
  scope: ApiScope,
): Promise<ApiClient> {
  const { db, rateLimiter } = request.server.platform;
  const key = bearer(request);
  const row = key
    ? await db
        .selectFrom('api_keys')
        .select(['id', 'name', 'scopes', 'provider', 'last_used_at'])
        .where('key_hash', '=', hashToken(key))
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
    : undefined;
  if (!row) {
    await rateLimiter.consume(BAD_KEY_RULE, request.ip);
    throw new ApiKeyMissingError();
  }
  if (!row.scopes.includes(scope)) throw new ApiKeyScopeError(scope);
  // Written at most once a minute per key, not on every call.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: sql<Date>`now()` })
      .where('id', '=', row.id)
      .execute();
  }
  return { keyId: row.id, name: row.name, scopes: row.scopes, provider: row.provider };
}

export async function listApiKeys(db: Database): Promise<ApiKeyView[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .orderBy('revoked_at', (o) => o.desc().nullsFirst())
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: r.scopes,
    provider: r.provider,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

export interface NewApiKeyInput {
  name?: string | undefined;
  scopes?: readonly string[] | undefined;
  provider?: string | undefined;
}

const PROVIDER_CODE = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** Checks a new key's fields; every problem at once, beside its field. */
export function checkNewApiKey(input: NewApiKeyInput): {
  problems: FieldProblem[];
  value: { name: string; scopes: ApiScope[]; provider: string | null };
} {
  const problems: FieldProblem[] = [];
  const name = (input.name ?? '').trim();
  if (name === '') problems.push({ field: 'name', messageKey: 'apiKeys.v.nameRequired' });
  else if (name.length > 100)
    problems.push({ field: 'name', messageKey: 'apiKeys.v.nameTooLong', params: { max: 100 } });
  const scopes = [...new Set(input.scopes ?? [])].filter((s): s is ApiScope =>
    (API_SCOPES as readonly string[]).includes(s),
  );
  if (scopes.length === 0 || scopes.length !== new Set(input.scopes ?? []).size) {
    problems.push({ field: 'scopes', messageKey: 'apiKeys.v.scopes' });
  }
  const providerText = (input.provider ?? '').trim().toLowerCase();
  if (providerText !== '' && !PROVIDER_CODE.test(providerText)) {
    problems.push({ field: 'provider', messageKey: 'apiKeys.v.provider' });
  }
  return { problems, value: { name, scopes, provider: providerText === '' ? null : providerText } };
}

/** Creates a key and returns it: the only time the whole key exists outside the caller. */
export async function createApiKey(
  db: Database,
  actorUserId: number | null,
  input: NewApiKeyInput,
): Promise<{ id: number; key: string }> {
  const { problems, value } = checkNewApiKey(input);
  if (problems.length > 0) throw new ValidationError(problems);
  const { key, prefix, hash } = newApiKey();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('api_keys')
      .values({ ...value, prefix, key_hash: hash, created_by: actorUserId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorUserId,
      action: 'api_key.created',
      subjectType: 'api_key',
      subjectId: row.id,
      details: { name: value.name, prefix, scopes: value.scopes, provider: value.provider },
    });
    return { id: row.id, key };
  });
}

/** Revokes a key at once; false when there is no such live key. */
export async function revokeApiKey(
  db: Database,
  actorUserId: number | null,
  id: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('api_keys')
      .set({ revoked_at: sql<Date>`now()`, revoked_by: actorUserId })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning(['id', 'name', 'prefix'])
      .executeTakeFirst();
    if (!row) return false;
    await recordAudit(trx, {
      actorUserId,
      action: 'api_key.revoked',
      subjectType: 'api_key',
      subjectId: row.id,
      details: { name: row.name, prefix: row.prefix },
    });
    return true;
  });
}
