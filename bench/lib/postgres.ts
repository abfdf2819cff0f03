import crypto from 'node:crypto';
import pg from 'pg';

/** Where a throwaway database is created when BENCH_DATABASE_URL is not set. */
export const DEFAULT_POSTGRES_SERVER = 'postgres://postgres@127.0.0.1:5432/';

export interface BenchDatabase {
  readonly url: string;
  /** True when the bench created the database (and so drops it). */
  readonly created: boolean;
  readonly serverVersion: string;
  /** Drops the database if the bench created it; a no-op otherwise. */
  drop(): Promise<void>;
}

/**
 * The PostgreSQL database a suite runs Laurel on: the one BENCH_DATABASE_URL
 * names, used as it is, or a fresh `laurel_bench_<random>` on
 * BENCH_POSTGRES_SERVER (default the local server), dropped afterwards.
 */
export async function benchDatabase(env: NodeJS.ProcessEnv = process.env): Promise<BenchDatabase> {
  const given = env.BENCH_DATABASE_URL || undefined;
  if (given) {
    const serverVersion = await query(given, 'show server_version').then((r) =>
      String(r.rows[0]?.server_version ?? '?'),
    );
    return { url: given, created: false, serverVersion, drop: async () => {} };
  }
  const server = env.BENCH_POSTGRES_SERVER || DEFAULT_POSTGRES_SERVER;
  const name = `laurel_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = withDatabase(server, 'postgres');
  let serverVersion: string;
  try {
    serverVersion = String(
      (await query(admin, 'show server_version')).rows[0]?.server_version ?? '?',
    );
    await query(admin, `create database "${name}"`);
  } catch (error) {
    throw new Error(
      `Cannot create a benchmark database on ${redact(server)}: ${(error as Error).message}\n` +
        'Start a local PostgreSQL, or set BENCH_POSTGRES_SERVER (a server the bench may create ' +
        'and drop databases on) or BENCH_DATABASE_URL (a database to use as it is).',
    );
  }
  let dropped = false;
  return {
    url: withDatabase(server, name),
    created: true,
    serverVersion,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await query(admin, `drop database if exists "${name}" with (force)`);
    },
  };
}

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

function withDatabase(server: string, name: string): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A URL fit for printing: no password. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
