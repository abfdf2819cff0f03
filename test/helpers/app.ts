import crypto from 'node:crypto';
import fs from 'node:fs';
import { after } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp, type App } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import {
  openDatabase,
  type Database,
  type DatabaseHandle,
} from '../../src/platform/db/database.ts';
import { startSmtpServer, type TestSmtpServer } from './smtp.ts';
import { migratePostgres, migratedPGliteDump } from './template.ts';

export { cookieJar, csrfFrom, formPost, redirectPath, request, type CookieJar } from './http.ts';
export { linksIn, type ReceivedMail, type TestSmtpServer } from './smtp.ts';

export interface TestAppOptions {
  /** Overrides applied after the environment is read (`loadConfig`'s second argument). */
  config?: Partial<Config>;
  /** Extra environment variables, read like the real ones (e.g. `PUBLIC_URL`). */
  env?: Record<string, string>;
  /** Start a local SMTP server and point `SMTP_URL` at it. */
  smtp?: boolean;
}

export interface TestApp {
  readonly app: App;
  readonly db: Database;
  readonly config: Config;
  readonly smtp: TestSmtpServer | undefined;
  /** Closes the database only (the app keeps running), e.g. to test what happens when it is gone. */
  closeDatabase(): Promise<void>;
  /** Closes the app, the database and the SMTP server, and drops the PostgreSQL test database. */
  close(): Promise<void>;
}

/**
 * The whole app on a database of its own, cloned from the run's migrated
 * template (scripts/test.mjs makes it). Run without that script, it migrates
 * a database itself: PostgreSQL if TEST_DATABASE_URL is set, else PGlite.
 */
export async function createTestApp(
  options: TestAppOptions & { smtp: true },
): Promise<TestApp & { smtp: TestSmtpServer }>;
export async function createTestApp(options?: TestAppOptions): Promise<TestApp>;
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const smtp = options.smtp ? await startSmtpServer() : undefined;
  let database: TestDatabase | undefined;
  try {
    database = await openTestDatabase();
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        JOBS: 'off',
        SEED_DEMO: 'false',
        LOG_LEVEL: 'silent',
        ...(smtp ? { SMTP_URL: smtp.url } : {}),
        ...options.env,
      },
      { ...(database.url ? { databaseUrl: database.url } : {}), ...options.config },
    );
    const app = await buildApp(config, {
      database: database.handle,
      migrate: false,
      logger: false,
    });
    await app.ready();
    const db = database.handle.db;
    const { closeDatabase, drop } = database;
    let closed: Promise<void> | undefined;
    const testApp: TestApp = {
      app,
      db,
      config,
      smtp,
      closeDatabase,
      close: () =>
        (closed ??= (async () => {
          unclosed.delete(testApp);
          try {
            await app.close();
          } finally {
            try {
              await closeDatabase();
              await drop();
            } finally {
              await smtp?.close();
            }
          }
        })()),
    };
    unclosed.add(testApp);
    return testApp;
  } catch (error) {
    if (database) {
      const { closeDatabase, drop } = database;
      await closeDatabase()
        .then(drop)
        .catch(() => {});
    }
    await smtp?.close();
    throw error;
  }
}

const unclosed = new Set<TestApp>();

// A test that throws before its `finally` would leave its database open, and an
// open embedded database keeps the test process from ever exiting. Whatever is
// still open when the file's tests are done is closed here, with a warning.
if (process.env.NODE_TEST_CONTEXT) {
  after(async () => {
    if (unclosed.size === 0) return;
    // Often a file's own after hook (which runs later) would have closed them; closing twice is safe.
    for (const testApp of [...unclosed]) await testApp.close().catch(() => {});
  });
}

interface TestDatabase {
  readonly handle: DatabaseHandle;
  /** Set for PostgreSQL: the URL of this test's own database. */
  readonly url: string | undefined;
  closeDatabase(): Promise<void>;
  drop(): Promise<void>;
}

async function openTestDatabase(): Promise<TestDatabase> {
  const server = process.env.LAUREL_TEST_PG_SERVER ?? process.env.TEST_DATABASE_URL;
  const template = process.env.LAUREL_TEST_PG_TEMPLATE;
  if (server) {
    const runId = process.env.LAUREL_TEST_RUN_ID ?? `${process.pid}_direct`;
    const name = `laurel_t_${runId}_${crypto.randomBytes(4).toString('hex')}`;
    await createDatabase(server, name, template);
    const url = withDatabase(server, name);
    if (!template) await migratePostgres(url);
    const handle = await openDatabase({ databaseUrl: url, poolSize: 5 });
    const closeDatabase = once(() => handle.close());
    return {
      handle,
      url,
      closeDatabase,
      drop: once(() =>
        adminQuery(server, `drop database if exists ${ident(name)} with (force)`).then(() => {}),
      ),
    };
  }
  const handle = await openDatabase({ memory: true, loadDataDir: await pgliteTemplate() });
  // Kysely's destroy() skips a driver that never ran a query, which would leave
  // this PGlite open and the test process alive; a first query avoids that.
  await sql`select 1`.execute(handle.db);
  return {
    handle,
    url: undefined,
    closeDatabase: once(() => handle.close()),
    drop: async () => {},
  };
}

let templateBytes: Promise<Blob> | undefined;

/** The migrated PGlite dump: the run's template file, or (run directly) one migrated here once per process. */
function pgliteTemplate(): Promise<Blob> {
  const file = process.env.LAUREL_TEST_PGLITE_TEMPLATE;
  templateBytes ??= file
    ? fs.promises.readFile(file).then((bytes) => new Blob([bytes]))
    : migratedPGliteDump();
  return templateBytes;
}

let adminPool: pg.Pool | undefined;

/** Server-level statements (create/drop database) on the `postgres` database; idle connections let the process exit. */
function adminQuery(server: string, text: string): Promise<pg.QueryResult> {
  adminPool ??= new pg.Pool({ connectionString: server, max: 2, allowExitOnIdle: true });
  return adminPool.query(text);
}

async function createDatabase(
  server: string,
  name: string,
  template: string | undefined,
): Promise<void> {
  const statement = `create database ${ident(name)}${template ? ` template ${ident(template)}` : ''}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await adminQuery(server, statement);
      return;
    } catch (error) {
      // 55006: someone is connected to the template; it lets go in a moment.
      if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

function withDatabase(server: string, name: string): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

function ident(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`Unexpected database name ${name}`);
  return `"${name}"`;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}
