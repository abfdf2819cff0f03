import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { openDatabase, type Database } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { PGliteDialect } from '../../src/platform/db/pglite-dialect.ts';
import type { DB } from '../../src/platform/db/schema.ts';

/**
 * A migrated embedded database, dumped as an uncompressed tar. Tests load it
 * into a fresh in-memory PGlite instead of migrating each time.
 */
export async function migratedPGliteDump(): Promise<Blob> {
  const pglite = await PGlite.create();
  const db: Database = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  try {
    await migrateToLatest(db);
    return await pglite.dumpDataDir('none');
  } finally {
    await db.destroy();
  }
}

/** Runs every migration against a PostgreSQL database (the template of a test run). */
export async function migratePostgres(databaseUrl: string): Promise<string[]> {
  const handle = await openDatabase({ databaseUrl, poolSize: 1 });
  try {
    return await migrateToLatest(handle.db);
  } finally {
    await handle.close();
  }
}
