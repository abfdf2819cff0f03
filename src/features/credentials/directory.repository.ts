import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

/** The public directory opt-in (`directory_listings`): a row means "list me". */
type Executor = Kysely<DB> | Transaction<DB>;

export async function isListed(db: Executor, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('directory_listings')
    .select('user_id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** True when the row was added (the candidate was not listed before). */
export async function addListing(db: Executor, userId: number): Promise<boolean> {
  const rows = await db
    .insertInto('directory_listings')
    .values({ user_id: userId })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .returning('user_id')
    .execute();
  return rows.length > 0;
}

/** True when a row was removed. */
export async function removeListing(db: Executor, userId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('directory_listings')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
