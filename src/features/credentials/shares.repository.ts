import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

/** Every query on `shares`, `share_awards` and `share_views`. No rules here. */
type Executor = Kysely<DB> | Transaction<DB>;

const shareColumns = [
  'shares.id',
  'shares.user_id',
  'shares.scope',
  'shares.include_history',
  'shares.recipient_name',
  'shares.recipient_email',
  'shares.message',
  'shares.created_at',
  'shares.expires_at',
  'shares.revoked_at',
  'shares.first_opened_at',
  'shares.last_opened_at',
  'shares.open_count',
] as const;

export interface NewShare {
  userId: number;
  tokenHash: Uint8Array;
  scope: 'awards' | 'transcript';
  includeHistory: boolean;
  recipientName: string;
  recipientEmail: string;
  message: string;
  createdAt: Date;
  expiresAt: Date;
}

export async function insertShare(
  trx: Transaction<DB>,
  share: NewShare,
  numbers: readonly string[],
): Promise<number> {
  const row = await trx
    .insertInto('shares')
    .values({
      user_id: share.userId,
      token_hash: share.tokenHash,
      scope: share.scope,
      include_history: share.includeHistory,
      recipient_name: share.recipientName,
      recipient_email: share.recipientEmail,
      message: share.message,
      created_at: share.createdAt,
      expires_at: share.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (numbers.length > 0) {
    await trx
      .insertInto('share_awards')
      .values(numbers.map((n) => ({ share_id: row.id, credential_number: n })))
      .execute();
  }
  return row.id;
}

function withNumbers(db: Executor) {
  return db
    .selectFrom('shares')
    .select(shareColumns)
    .select(
      sql<
        string[]
      >`coalesce((select array_agg(sa.credential_number order by sa.credential_number) from share_awards sa where sa.share_id = shares.id), '{}')`.as(
        'numbers',
      ),
    );
}

export function sharesOfUser(db: Executor, userId: number) {
  return withNumbers(db)
    .where('shares.user_id', '=', userId)
    .orderBy('shares.created_at', 'desc')
    .orderBy('shares.id', 'desc')
    .execute();
}

export function shareOfUser(db: Executor, userId: number, id: number) {
  return withNumbers(db)
    .where('shares.user_id', '=', userId)
    .where('shares.id', '=', id)
    .executeTakeFirst();
}

export function shareByTokenHash(db: Executor, tokenHash: Uint8Array) {
  return withNumbers(db).where('shares.token_hash', '=', tokenHash).executeTakeFirst();
}

/** True when this call revoked it (it was not revoked before). */
export async function revokeShare(db: Executor, userId: number, id: number, at: Date) {
  const result = await db
    .updateTable('shares')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function recordView(
  trx: Transaction<DB>,
  shareId: number,
  at: Date,
  userAgent: string | null,
): Promise<void> {
  await trx
    .insertInto('share_views')
    .values({ share_id: shareId, at, user_agent: userAgent })
    .execute();
  await trx
    .updateTable('shares')
    .set((eb) => ({
      first_opened_at: eb.fn.coalesce('first_opened_at', eb.val(at)),
      last_opened_at: at,
      open_count: eb('open_count', '+', 1),
    }))
    .where('id', '=', shareId)
    .execute();
}

export function viewsOf(db: Executor, shareId: number, limit: number) {
  return db
    .selectFrom('share_views')
    .select(['at', 'user_agent'])
    .where('share_id', '=', shareId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
