import { sql } from 'kysely';
import type { Database } from './db/database.ts';

/** Hourly: forget what has expired (sessions, used or stale tokens, rate-limit windows). */
export async function pruneExpired(db: Database): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', sql<Date>`now()`).execute();
  await db
    .deleteFrom('account_tokens')
    .where('expires_at', '<', sql<Date>`now() - interval '7 days'`)
    .execute();
  await db.deleteFrom('rate_limits').where('expires_at', '<', sql<Date>`now()`).execute();
}
