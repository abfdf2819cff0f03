/**
 * Generates the benchmark program into a database that stays, for
 * profiling and EXPLAIN by hand (the progress suite makes and drops its own):
 *
 *   node --import tsx bench/generate/cli.ts --database-url postgres://.../empty_db [--scale 1]
 *   node --import tsx bench/generate/cli.ts --data-dir .tmp/bench-data [--scale 1]
 *
 * The database must be empty (it is migrated first). `--sessions N` signs
 * in N random candidates and prints their session cookies' values.
 * `--seed` as BENCH_SEED. Full scale on PostgreSQL: 200,000 candidates;
 * on the embedded database: 20,000.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { hashPassword } from '../../src/platform/auth/passwords.ts';
import { hashToken } from '../../src/platform/auth/tokens.ts';
import { ensureProgram } from '../../src/platform/bootstrap.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { sql } from 'kysely';
import {
  BENCH_PASSWORD,
  EMBEDDED_PROGRAM,
  FULL_PROGRAM,
  Rng,
  benchSessionToken,
  defaultReference,
  insertSink,
  loadProgram,
  mixSeed,
  postgresCopySink,
  scaled,
} from './program.ts';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '20261124' },
    sessions: { type: 'string', default: '0' },
  },
});
const databaseUrl = values['database-url'];
const dataDir = values['data-dir'];
if (!databaseUrl === !dataDir) {
  console.error('Give either --database-url or --data-dir.');
  process.exit(2);
}
const seed = Number(values.seed);
const size = scaled(databaseUrl ? FULL_PROGRAM : EMBEDDED_PROGRAM, Number(values.scale));
const handle = await openDatabase(databaseUrl ? { databaseUrl, poolSize: 4 } : { dataDir });
const client = databaseUrl ? new pg.Client({ connectionString: databaseUrl }) : undefined;
try {
  await client?.connect();
  await migrateToLatest(handle.db);
  await ensureProgram(handle.db, {
    name: 'Benchmark Certification Program',
    supportEmail: 'support@bench.example',
  });
  const started = performance.now();
  const report = await loadProgram(
    handle.db,
    client ? postgresCopySink(client) : insertSink(handle.db),
    {
      seed,
      size,
      reference: defaultReference(),
      passwordHash: await hashPassword(BENCH_PASSWORD),
      log: console.log,
    },
  );
  await sql`vacuum analyze`.execute(handle.db);
  console.log(
    `loaded in ${((performance.now() - started) / 1000).toFixed(0)} s: ${JSON.stringify(report.rows)}`,
  );
  const n = Number(values.sessions);
  if (n > 0) {
    const rng = new Rng(mixSeed(seed, 0xc11));
    const rows = Array.from({ length: n }, (_, k) => ({
      token_hash: hashToken(benchSessionToken(seed, 1_000_000 + k)),
      user_id: report.firstUserId + rng.int(0, size.candidates - 1),
      state: 'active' as const,
      expires_at: new Date(Date.now() + 7 * 86_400_000),
    }));
    await handle.db.insertInto('sessions').values(rows).execute();
    rows.forEach((r, k) =>
      console.log(`user ${r.user_id}: laurel_session=${benchSessionToken(seed, 1_000_000 + k)}`),
    );
  }
} finally {
  await client?.end();
  await handle.close();
}
