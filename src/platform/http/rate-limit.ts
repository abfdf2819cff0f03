import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { hmac } from '../auth/tokens.ts';
import { RateLimitedError } from './errors.ts';

/**
 * Rate limits live in the database so that they hold across every app node.
 * A rule is a fixed window: at most `limit` hits per `windowSeconds` for one
 * subject (an account, a client address). Subjects are stored as keyed hashes
 * so the table never holds an email address or an IP in clear.
 */
export interface RateRule {
  readonly name: string;
  readonly limit: number;
  readonly windowSeconds: number;
}

export class RateLimiter {
  constructor(
    private readonly db: Database,
    private readonly secret: string,
  ) {}

  private key(rule: RateRule, subject: string): string {
    return `${rule.name}:${hmac(this.secret, 'rate-limit', subject.toLowerCase())}`;
  }

  /** Counts one hit; throws RateLimitedError when the subject is over the limit. */
  async consume(rule: RateRule, subject: string): Promise<void> {
    const key = this.key(rule, subject);
    const window = `${rule.windowSeconds} seconds`;
    const { rows } = await sql<{ hits: number; retry: number }>`
      insert into rate_limits (key, window_start, hits, expires_at)
      values (${key}, now(), 1, now() + ${window}::interval)
      on conflict (key) do update set
        window_start = case when rate_limits.expires_at <= now() then now() else rate_limits.window_start end,
        hits = case when rate_limits.expires_at <= now() then 1 else rate_limits.hits + 1 end,
        expires_at = case when rate_limits.expires_at <= now() then now() + ${window}::interval else rate_limits.expires_at end
      returning hits, ceil(extract(epoch from expires_at - now()))::int as retry`.execute(this.db);
    const row = rows[0];
    if (row && row.hits > rule.limit) throw new RateLimitedError(Math.max(1, row.retry));
  }

  /** Throws when the subject is already over the limit, without counting a hit. */
  async check(rule: RateRule, subject: string): Promise<void> {
    const row = await this.db
      .selectFrom('rate_limits')
      .select(['hits', sql<number>`ceil(extract(epoch from expires_at - now()))::int`.as('retry')])
      .where('key', '=', this.key(rule, subject))
      .where('expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    if (row && row.hits >= rule.limit) throw new RateLimitedError(Math.max(1, row.retry));
  }

  async reset(rule: RateRule, subject: string): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('key', '=', this.key(rule, subject)).execute();
  }
}
