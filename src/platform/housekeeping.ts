import { sql } from 'kysely';
import type { Database } from './db/database.ts';

/**
 * Hourly: forget what has expired (sessions, used or stale tokens, rate-limit
 * windows), finished jobs after 14 days and delivered mail after 90 days
 * (failed mail and jobs stay for someone to look at).
 */
export async function pruneExpired(db: Database): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where('expires_at', '<', sql<Date>`now()`)
    .execute();
  await db
    .deleteFrom('account_tokens')
    .where('expires_at', '<', sql<Date>`now() - interval '7 days'`)
    .execute();
  await db
    .deleteFrom('rate_limits')
    .where('expires_at', '<', sql<Date>`now()`)
    .execute();
  await db
    .deleteFrom('jobs')
    .where('status', '=', 'succeeded')
    .where('finished_at', '<', sql<Date>`now() - interval '14 days'`)
    .execute();
  await db
    .deleteFrom('outbox')
    .where('status', '=', 'sent')
    .where('sent_at', '<', sql<Date>`now() - interval '90 days'`)
    .execute();
}
