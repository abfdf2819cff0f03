/**
 * A/B comparison of two checkouts of Laurel on one generated program, for a
 * machine too busy for back-to-back suite runs to be comparable: both
 * servers run at once and are loaded in turns (A, B, A, B, ...), so whatever
 * else the machine does weighs on both alike. Not a suite: it writes nothing
 * to BENCHMARKS.md.
 *
 *   node --import tsx bench/ab.ts --a <dir> --b <dir> \
 *     (--database-url postgres://.../db | --data-dir-a <dir> --data-dir-b <dir>) \
 *     [--paths /dashboard,progress,/account] [--rounds 4] [--seconds 4] [--sessions 100]
 *
 * The program comes from bench/generate/cli.ts with `--sessions N` (its
 * session tokens are the ones used here); "progress" stands for
 * `/credentials/<a random published credential>`. An embedded database can
 * be opened by one process only: give each checkout a copy of it.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { benchSessionToken } from './generate/program.ts';
import { processCpuSeconds } from './lib/cpu.ts';
import { startLaurel, type LaurelDatabase } from './lib/laurel.ts';
import { measure } from './lib/load.ts';
import { openDatabase } from '../src/platform/db/database.ts';

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    'database-url': { type: 'string' },
    'data-dir-a': { type: 'string' },
    'data-dir-b': { type: 'string' },
    paths: { type: 'string', default: '/dashboard,progress' },
    rounds: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '4' },
    sessions: { type: 'string', default: '20' },
    seed: { type: 'string', default: '20261124' },
  },
});
if (!values.a || !values.b) throw new Error('--a and --b name the two checkouts');
const url = values['database-url'];
const dbFor = (side: 'a' | 'b'): LaurelDatabase =>
  url
    ? { kind: 'postgres', url }
    : // Each checkout's server runs in its own directory: the data directory must not be relative.
      { kind: 'embedded', dataDir: path.resolve(values[`data-dir-${side}`]!) };

const probe = await openDatabase(url ? { databaseUrl: url } : { dataDir: values['data-dir-a']! });
if (!url) {
  const other = await openDatabase({ dataDir: values['data-dir-b']! });
  await sql`update sessions set last_seen_at = now()`.execute(other.db);
  await other.close();
}
const codes = (
  await sql<{
    code: string;
  }>`select code from credentials where status = 'published' order by code`.execute(probe.db)
).rows.map((r) => r.code);
// The generated sessions may have idled out since the program was made.
await sql`update sessions set last_seen_at = now()`.execute(probe.db);
await probe.close();

const sessions = Number(values.sessions);
const seed = Number(values.seed);
const servers = {
  a: await startLaurel(values.a, dbFor('a'), { SEED_DEMO: 'false' }),
  b: await startLaurel(values.b, dbFor('b'), { SEED_DEMO: 'false' }),
};
let state = 1;
const next = (n: number) => {
  state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
  return state % n;
};
type Row = { rps: number; p50: number; p99: number; cpu: number };
const results = new Map<string, Row[]>();
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const p of values.paths!.split(',')) {
      for (const side of round % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const)) {
        const server = servers[side];
        const r = await measure({
          url: `${server.origin}/dashboard`,
          connections: 32,
          durationSeconds: Number(values.seconds),
          warmupSeconds: 1,
          timeoutSeconds: 30,
          requests: [
            {
              method: 'GET',
              setupRequest: (req) => ({
                ...req,
                path: p === 'progress' ? `/credentials/${codes[next(codes.length)]}` : p,
                headers: {
                  cookie: `laurel_session=${benchSessionToken(seed, 1_000_000 + next(sessions))}`,
                },
              }),
            },
          ],
          observe: { cpu: () => processCpuSeconds(server.pid) },
        });
        const row = {
          rps: r.requestsPerSecond,
          p50: r.latencyP50Ms,
          p99: r.latencyP99Ms,
          cpu: ((r.observed.cpu ?? NaN) * 1e6) / r.totalRequests,
        };
        const key = `${p} ${side}`;
        results.set(key, [...(results.get(key) ?? []), row]);
        console.log(
          `round ${round + 1} ${key}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, server ${row.cpu.toFixed(0)} µs/req`,
        );
      }
    }
  }
} finally {
  await servers.a.stop();
  await servers.b.stop();
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
console.log('\nmedians over the rounds:');
for (const [key, rows] of results) {
  console.log(
    `${key}: ${median(rows.map((r) => r.rps)).toFixed(0)} req/s, p50 ${median(rows.map((r) => r.p50))} ms, ` +
      `p99 ${median(rows.map((r) => r.p99))} ms, server ${median(rows.map((r) => r.cpu)).toFixed(0)} µs/req`,
  );
}
