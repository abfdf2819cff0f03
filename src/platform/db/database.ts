import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { sqlLiteral } from './literal.ts';
import { PGliteDialect, simpleQuery } from './pglite-dialect.ts';
import type { DB } from './schema.ts';

export type Database = Kysely<DB>;

export interface DatabaseHandle {
  readonly db: Database;
  readonly kind: 'postgres' | 'embedded';
  /**
   * Runs a hand-written query as a named prepared statement (on PostgreSQL,
   * planned once per connection). For the few queries on every request's
   * path, where parse and plan time outweigh the execution.
   */
  prepared<R>(name: string, text: string, values: readonly unknown[]): Promise<R[]>;
  /**
   * PostgreSQL only: `COPY table (columns) FROM STDIN` with rows in COPY's
   * text format (see `copyText`), on a connection of its own, committed when
   * it returns. For bulk loads (staging an imported file); the embedded
   * database has none and callers insert instead.
   */
  copyIn?(table: string, columns: readonly string[], rows: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * One value in COPY's text format: `\N` for null; backslash, tab, newline
 * and carriage return escaped. Join a row's values with tabs and end it
 * with a newline.
 */
export function copyText(value: string | number | boolean | Date | null): string {
  if (value === null) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : value;
}

const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

const INT8 = 20;
const DATE = 1082;

// Both drivers must hand the app the same JavaScript types: counts and ids as
// numbers (they stay far below 2^53), dates as 'YYYY-MM-DD' strings so that no
// time zone can shift a calendar date.
pg.types.setTypeParser(INT8, (v) => Number(v));
pg.types.setTypeParser(DATE, (v) => v);

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  poolSize?: number | undefined;
  /** A PGlite data directory dump to start from (tests clone a migrated template). */
  loadDataDir?: Blob | File | undefined;
  /** Keep the embedded database in memory only. */
  memory?: boolean;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      idleTimeoutMillis: 30_000,
    });
    // A dropped connection must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparing(pool) }) });
    return {
      db,
      kind: 'postgres',
      prepared: async <R>(name: string, text: string, values: readonly unknown[]) =>
        (await pool.query<R & pg.QueryResultRow>({ name, text, values: [...values] })).rows as R[],
      copyIn: async (table, columns, rows) => {
        if (![table, ...columns].every((name) => IDENTIFIER.test(name))) {
          throw new Error(`COPY into ${table}: not a plain identifier`);
        }
        const client = await pool.connect();
        try {
          await pipeline(
            Readable.from([rows]),
            client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`)),
          );
        } finally {
          client.release();
        }
      },
      close: () => db.destroy(),
    };
  }
  let dataDir: string | undefined;
  if (!options.memory && options.dataDir) {
    dataDir = path.resolve(options.dataDir, 'pglite');
    fs.mkdirSync(dataDir, { recursive: true });
  }
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: { [DATE]: (v: string) => v },
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'embedded',
    prepared: embeddedPrepared(db),
    close: async () => {
      await db.destroy();
      // Kysely skips a driver that never ran a query; PGlite must still be closed.
      if (!pglite.closed) await pglite.close();
    },
  };
}

/**
 * Every query Kysely sends on PostgreSQL becomes a named prepared statement
 * (named after a hash of its text), so that each connection parses and plans
 * a query once instead of on every call: the planning of a join of a few
 * tables costs more than running it for one candidate (350 µs against 40 µs
 * for the dashboard's upcoming exams). Transaction control and texts beyond
 * MAX_PREPARED distinct ones go as they are; the list is per process and
 * bounds what each connection keeps prepared. One consequence: after five
 * runs PostgreSQL may plan a statement generically, without its parameters'
 * values, so an `ON CONFLICT ... WHERE` naming a partial unique index must
 * write that predicate as literals (see enqueueJob), or no index matches.
 */
const MAX_PREPARED = 2000;
const PREPARED = Symbol('laurel.prepared');
const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|savepoint|release|start|set)\b/i;

function preparing(pool: pg.Pool): pg.Pool {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED && !TRANSACTION_CONTROL.test(text)) {
      name = `k_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
      names.set(text, name);
    }
    return name;
  };
  const prepare = (client: pg.PoolClient & { [PREPARED]?: true }) => {
    if (!client[PREPARED]) {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      client.query = ((text: unknown, ...rest: unknown[]) => {
        const values = rest[0];
        const name =
          typeof text === 'string' && Array.isArray(values) && rest.length === 1
            ? nameOf(text)
            : undefined;
        return name === undefined ? query(text, ...rest) : query({ name, text, values });
      }) as typeof client.query;
      client[PREPARED] = true;
    }
    return client;
  };
  // Kysely takes connections with `connect()`; whatever else uses the pool gets it as it is.
  return new Proxy(pool, {
    get(target, property) {
      if (property !== 'connect') return Reflect.get(target, property, target);
      return async () => prepare(await target.connect());
    },
  });
}

/**
 * Named prepared statements on the embedded database: `PREPARE` once, then
 * `EXECUTE name('arg', ...)` through PGlite's simple protocol, so a request's
 * statement is neither parsed nor planned again (PGlite would otherwise do
 * both on every call, in WebAssembly) and costs one call into the database
 * instead of five. Arguments are written as quoted literals of the text a
 * bound parameter would carry (`sqlLiteral`), which needs
 * `standard_conforming_strings`; without it, or for a value `sqlLiteral`
 * declines, the statement is bound as an ordinary query. Everything goes
 * through Kysely's driver, so it waits its turn on PGlite's one connection.
 */
function embeddedPrepared(db: Database): DatabaseHandle['prepared'] {
  const texts = new Map<string, string>();
  let conforming: boolean | undefined;
  return async <R>(name: string, text: string, values: readonly unknown[]) => {
    const literals = values.map(sqlLiteral);
    if (
      !/^[a-z_][a-z0-9_]{0,62}$/.test(name) ||
      literals.some((l) => l === undefined) ||
      conforming === false
    ) {
      return (await db.executeQuery<R>(CompiledQuery.raw(text, [...values]))).rows as R[];
    }
    return db.connection().execute(async (conn) => {
      if (conforming === undefined) {
        const { rows } = await conn.executeQuery<{ standard_conforming_strings: string }>(
          simpleQuery('show standard_conforming_strings'),
        );
        conforming = rows[0]?.standard_conforming_strings === 'on';
        if (!conforming) {
          return (await conn.executeQuery<R>(CompiledQuery.raw(text, [...values]))).rows as R[];
        }
      }
      if (texts.get(name) !== text) {
        if (texts.has(name)) await conn.executeQuery(simpleQuery(`deallocate ${name}`));
        texts.delete(name);
        await conn.executeQuery(simpleQuery(`prepare ${name} as ${text}`));
        texts.set(name, text);
      }
      const args = literals.length > 0 ? `(${literals.join(', ')})` : '';
      return (await conn.executeQuery<R>(simpleQuery(`execute ${name}${args}`))).rows as R[];
    });
  };
}

export async function pingDatabase(db: Database): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
