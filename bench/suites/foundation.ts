import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  localPostgresCpuSeconds,
  machineBusyCpuSeconds,
  processCpuSeconds,
  watchForeignCpu,
  type ForeignCpu,
} from '../lib/cpu.ts';
import { startLaurel, signIn } from '../lib/laurel.ts';
import { measure, type LoadResult } from '../lib/load.ts';
import { markdownTable, textTable, type Table } from '../lib/markdown.ts';
import { benchDatabase, redact } from '../lib/postgres.ts';
import { startFixture, type RunningServer } from '../lib/processes.ts';
import type { Suite, SuiteContext } from '../lib/suite.ts';

/**
 * The foundation suite: how much of a bare Fastify route's throughput
 * Laurel's sign-in page and a signed-in page keep, on PostgreSQL and on the
 * embedded database, and how long Laurel takes to start.
 *
 * Aims (from the issue): the signed-in page on PostgreSQL serves at least a
 * quarter of the bare route's requests per second; the embedded database
 * starts in under 6 s when new (migrations and demo seed) and under 3 s when
 * it already exists.
 */

const AIM_SIGNED_IN_RATIO = 0.25;
const AIM_START_NEW_MS = 6_000;
const AIM_START_EXISTING_MS = 3_000;

interface LoadRow {
  target: string;
  database: string;
  result: LoadResult;
  /** CPU microseconds per request: the server under test, local PostgreSQL, the load generator. */
  cpu: { server: number; postgres: number; client: number };
  /** Seconds the measured run lasted (for CPU utilisation). */
  seconds: number;
  /** Share of the machine other processes used during the measured run. */
  foreign: number;
}

interface StartupSample {
  ms: number;
  /** Share of the machine other processes used while it started. */
  foreign: number;
}

interface StartupRow {
  label: string;
  samples: StartupSample[];
  aimMs?: number;
}

const suite: Suite = {
  name: 'foundation',
  description:
    'bare Fastify ceiling vs GET /sign-in and a signed-in GET /dashboard (PostgreSQL and embedded), and start-up time',

  async run(ctx) {
    const startupRuns = startupRunCount();
    const foreignCpu = watchForeignCpu();
    const loads: LoadRow[] = [];
    const startups: StartupRow[] = [];

    // 1. The ceiling.
    {
      ctx.log('starting the bare Fastify app');
      const bare = await startFixture(ctx.root, 'bare fastify', 'bare-fastify.ts');
      const stop = ctx.cleanup.defer('stop the bare app', () => bare.stop());
      try {
        loads.push(await load(ctx, bare, 'bare Fastify `GET /`', '—', '/', false));
      } finally {
        await stop();
      }
    }

    // 2. Laurel on PostgreSQL.
    const database = await benchDatabase();
    const dropDatabase = ctx.cleanup.defer('drop the benchmark database', () => database.drop());
    const postgresLabel = `PostgreSQL ${database.serverVersion.split(' ')[0]}`;
    const postgresIsLocal = isLocal(database.url);
    try {
      ctx.log(
        database.created
          ? `created ${redact(database.url)}`
          : `using BENCH_DATABASE_URL ${redact(database.url)} as it is`,
      );
      const watch = watchForeignCpu();
      const laurel = await startLaurel(ctx.root, { kind: 'postgres', url: database.url });
      const startSample = sample(laurel, watch);
      const stop = ctx.cleanup.defer('stop laurel (postgres)', () => laurel.stop());
      try {
        startups.push({
          label: `${postgresLabel}, ${database.created ? 'new database (migrations + demo seed)' : 'BENCH_DATABASE_URL'}`,
          samples: [startSample],
        });
        await measureLaurel(ctx, laurel, postgresLabel, postgresIsLocal, loads);
      } finally {
        await stop();
      }
    } finally {
      await dropDatabase();
    }

    // 3. Laurel on the embedded database: start-up first, then load on the last start.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'laurel-bench-'));
    const removeTmp = ctx.cleanup.defer('remove the temporary data directories', () =>
      fs.rmSync(tmp, { recursive: true, force: true }),
    );
    try {
      const fresh: StartupSample[] = [];
      for (let i = 1; i <= startupRuns; i++) {
        ctx.log(`start-up on a new embedded database (${i}/${startupRuns})`);
        const watch = watchForeignCpu();
        const laurel = await startLaurel(ctx.root, {
          kind: 'embedded',
          dataDir: path.join(tmp, `new-${i}`),
        });
        fresh.push(sample(laurel, watch));
        const stop = ctx.cleanup.defer('stop laurel (embedded)', () => laurel.stop());
        await stop();
      }
      startups.push({
        label: 'embedded, new data directory (migrations + demo seed)',
        samples: fresh,
        aimMs: AIM_START_NEW_MS,
      });

      const existing: StartupSample[] = [];
      for (let i = 1; i <= startupRuns; i++) {
        ctx.log(`start-up on an existing embedded database (${i}/${startupRuns})`);
        const watch = watchForeignCpu();
        const laurel = await startLaurel(ctx.root, {
          kind: 'embedded',
          dataDir: path.join(tmp, 'new-1'),
        });
        existing.push(sample(laurel, watch));
        const stop = ctx.cleanup.defer('stop laurel (embedded)', () => laurel.stop());
        try {
          if (i === startupRuns) {
            await measureLaurel(ctx, laurel, 'embedded (PGlite)', false, loads);
          }
        } finally {
          await stop();
        }
      }
      startups.push({
        label: 'embedded, existing data directory',
        samples: existing,
        aimMs: AIM_START_EXISTING_MS,
      });
    } finally {
      await removeTmp();
    }

    return report(ctx, loads, startups, database.created, foreignCpu());
  },
};

export default suite;

/** A start-up time and how busy the rest of the machine was meanwhile. */
function sample(laurel: RunningServer, watch: ReturnType<typeof watchForeignCpu>): StartupSample {
  const foreign = watch(() => processCpuSeconds(laurel.pid));
  return { ms: laurel.readyMs, foreign: foreign.share };
}

async function measureLaurel(
  ctx: SuiteContext,
  laurel: RunningServer,
  database: string,
  observePostgres: boolean,
  loads: LoadRow[],
): Promise<void> {
  const cookie = await signIn(laurel.origin);
  // Both pages must be what we think they are before they are measured.
  await expectPage(laurel.origin, '/sign-in', {}, 'name="password"');
  await expectPage(laurel.origin, '/dashboard', { cookie }, 'Casey');
  await expectPage(laurel.origin, '/account', { cookie }, 'casey');
  loads.push(
    await load(ctx, laurel, '`GET /sign-in` (anonymous)', database, '/sign-in', observePostgres),
  );
  loads.push(
    await load(ctx, laurel, '`GET /account` (signed in)', database, '/account', observePostgres, {
      cookie,
    }),
  );
  loads.push(
    await load(
      ctx,
      laurel,
      '`GET /dashboard` (signed in)',
      database,
      '/dashboard',
      observePostgres,
      {
        cookie,
      },
    ),
  );
}

async function load(
  ctx: SuiteContext,
  server: RunningServer,
  target: string,
  database: string,
  urlPath: string,
  observePostgres: boolean,
  headers: Record<string, string> = {},
): Promise<LoadRow> {
  ctx.log(`load: ${target.replace(/`/g, '')} on ${database}`);
  const result = await measure({
    url: `${server.origin}${urlPath}`,
    headers,
    connections: ctx.load.connections,
    durationSeconds: ctx.load.durationSeconds,
    warmupSeconds: ctx.load.warmupSeconds,
    observe: {
      server: () => processCpuSeconds(server.pid),
      client: () => processCpuSeconds(process.pid),
      postgres: () => (observePostgres ? localPostgresCpuSeconds() : NaN),
      wall: () => performance.now() / 1000,
      machine: machineBusyCpuSeconds,
    },
  });
  const perRequest = (seconds: number | undefined) =>
    ((seconds ?? NaN) / result.totalRequests) * 1e6;
  const cpu = {
    server: perRequest(result.observed.server),
    postgres: perRequest(result.observed.postgres),
    client: perRequest(result.observed.client),
  };
  ctx.log(
    `  ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.latencyP99Ms} ms, ` +
      `${result.totalRequests} requests; CPU µs/request: server ${micro(cpu.server)}, ` +
      `PostgreSQL ${micro(cpu.postgres)}, load generator ${micro(cpu.client)}`,
  );
  const o = result.observed;
  const seconds = o.wall ?? NaN;
  const ours = (o.server ?? 0) + (o.client ?? 0) + (observePostgres ? (o.postgres ?? 0) : 0);
  const foreign = Math.max(0, (o.machine ?? NaN) - ours) / (seconds * ctx.machine.cpus);
  return { target, database, result, cpu, seconds, foreign };
}

function micro(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value)) : 'n/a';
}

function isLocal(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return ['127.0.0.1', 'localhost', '[::1]', ''].includes(host) || host.startsWith('%2F');
  } catch {
    return false;
  }
}

async function expectPage(
  origin: string,
  urlPath: string,
  headers: Record<string, string>,
  contains: string,
): Promise<void> {
  const response = await fetch(`${origin}${urlPath}`, { headers, redirect: 'manual' });
  const body = await response.text();
  if (response.status !== 200 || !body.includes(contains)) {
    throw new Error(
      `GET ${urlPath} answered ${response.status}${response.status === 200 ? ` without "${contains}"` : ''}`,
    );
  }
}

function startupRunCount(): number {
  const raw = process.env.BENCH_STARTUP_RUNS;
  if (!raw) return 3;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`BENCH_STARTUP_RUNS must be a positive integer, not "${raw}"`);
  return n;
}

// ------------------------------------------------------------------ report

function report(
  ctx: SuiteContext,
  loads: LoadRow[],
  startups: StartupRow[],
  createdDatabase: boolean,
  foreign: ForeignCpu,
) {
  const ceiling = loads[0]!.result.requestsPerSecond;
  const loadTable: Table = {
    header: [
      'target',
      'database',
      'req/s (mean)',
      'p99 ms',
      'non-2xx',
      'ratio to ceiling',
      'server CPU µs/req',
      'PostgreSQL CPU µs/req',
      'other work',
    ],
    alignRight: [2, 3, 4, 5, 6, 7, 8],
    rows: loads.map(({ target, database, result, cpu, foreign }) => [
      target,
      database,
      Math.round(result.requestsPerSecond).toLocaleString('en-US'),
      String(result.latencyP99Ms),
      String(result.non2xx),
      (result.requestsPerSecond / ceiling).toFixed(2),
      micro(cpu.server),
      database.startsWith('PostgreSQL') ? micro(cpu.postgres) : '—',
      percent(foreign),
    ]),
  };

  const bare = loads[0]!;
  const utilisation = (micros: number) =>
    Number.isFinite(micros)
      ? `${Math.round(((micros * bare.result.totalRequests) / 1e6 / bare.seconds) * 100)} %`
      : 'n/a';
  const ceilingNote =
    `During the ceiling run the bare app used ${utilisation(bare.cpu.server)} of one CPU and the ` +
    `load generator ${utilisation(bare.cpu.client)}.`;

  const signedInPg = loads.find(
    (l) => l.target.includes('/account') && l.database.startsWith('PostgreSQL'),
  );
  const pgRatio = signedInPg ? signedInPg.result.requestsPerSecond / ceiling : NaN;
  const throughputAim =
    `Aim: the signed-in page on PostgreSQL serves ≥ ${AIM_SIGNED_IN_RATIO} × the bare route: ` +
    `${pgRatio.toFixed(2)} × — ${pgRatio >= AIM_SIGNED_IN_RATIO ? 'met' : 'NOT met'}.`;

  const startupTable: Table = {
    header: [
      'start-up (spawn → first 200 from /healthz)',
      'median s',
      'samples s (other work)',
      'aim',
      'met?',
    ],
    alignRight: [1],
    rows: startups.map((s) => {
      const m = median(s.samples.map((x) => x.ms));
      return [
        s.label,
        seconds(m),
        s.samples.map((x) => `${seconds(x.ms)} (${percent(x.foreign)})`).join(', '),
        s.aimMs ? `< ${s.aimMs / 1000} s` : '—',
        s.aimMs ? (m < s.aimMs ? 'yes' : 'NO') : '—',
      ];
    }),
  };

  const m = ctx.machine;
  const endLoad = Math.round(os.loadavg()[0]! * 100) / 100;
  const foreignShare = foreign.share;
  const contention = Number.isFinite(foreignShare)
    ? `Other processes on the machine used ${foreign.foreignSeconds.toFixed(0)} CPU-seconds during ` +
      `the ${foreign.wallSeconds.toFixed(0)} s run (${Math.round(foreignShare * 100)} % of its ` +
      `capacity)${foreignShare > 0.05 ? ': the figures are skewed by that work' : ''}.`
    : 'Other work on the machine could not be measured (no /proc).';
  const { connections, warmupSeconds, durationSeconds } = ctx.load;
  const text = [
    textTable(loadTable),
    '',
    throughputAim,
    ceilingNote,
    '',
    textTable(startupTable),
    '',
    contention,
  ].join('\n');

  const markdown = `## Foundation: throughput and start-up

Run ${m.date} at commit ${m.commit}.
Machine: ${m.cpuModel}, ${m.cpus} CPUs (\`nproc\`), ${m.memoryGiB} GiB, ${m.os}; Node ${m.node};
1-minute load average: ${m.loadAverage} when the run started, ${endLoad} when it ended.
${contention}

### Throughput

autocannon 8, ${connections} connections, ${warmupSeconds} s warm-up then ${durationSeconds} s measured per
target. Every server is a separate child process on 127.0.0.1; the load generator runs
in the bench process on the same machine (and, for PostgreSQL, so does the database
server), so all of them share the ${m.cpus} CPUs. Ratios are to the bare route's req/s
measured in the same run; compare ratios rather than absolute figures across machines.

${markdownTable(loadTable)}

${throughputAim}

${ceilingNote}

- bare Fastify: \`bench/fixtures/bare-fastify.ts\`, one route returning \`{"hello":"world"}\`.
- \`GET /sign-in\`: a first visit (no cookies), so every response also mints a CSRF cookie.
- \`GET /account\` (the foundation's signed-in page, which the aim is about) and
  \`GET /dashboard\` (the progress dashboard: every credential evaluated for the candidate):
  the demo candidate \`casey\`, signed in once through the form; every request sends the
  session and CSRF cookies, as a browser does.
- Laurel runs as \`node --import tsx src/main.ts\` with \`LOG_LEVEL=warn JOBS=off\`; on
  PostgreSQL with \`SEED_DEMO=true\` on ${createdDatabase ? 'a new database created for the run and dropped after it' : 'the database named by BENCH_DATABASE_URL'}
  (default pool size), on the embedded database with a new temporary \`DATA_DIR\`.
- CPU µs/req: CPU time (user + system, all threads) that the server process used during the
  measured run, divided by the requests served; for PostgreSQL, the same for every local
  \`postgres\` process (read from /proc; "n/a" where there is none). On the embedded
  database the database work is part of the server process.
- other work: the share of the whole machine's CPU (all CPUs) that processes other than the
  bench, the server under test and the local PostgreSQL used meanwhile (from /proc/stat,
  approximate). Above a few per cent the figure on that row is skewed by that work.

### Start-up

${markdownTable(startupTable)}

Time from spawning \`node --import tsx src/main.ts\` to the first 200 from \`GET /healthz\`
(polled every 20 ms), so it includes loading Node, tsx and the code. "New" starts on an empty
\`DATA_DIR\` (creating the embedded database, migrations, demo seed); "existing" starts again on
a data directory a previous start created. Aims: new < ${AIM_START_NEW_MS / 1000} s, existing < ${AIM_START_EXISTING_MS / 1000} s (embedded).

### Reproduce

\`\`\`sh
npm run bench                      # every suite (needs a local PostgreSQL, see below)
npm run bench -- foundation        # this suite only
BENCH_DURATION=8 BENCH_WARMUP=2 BENCH_CONNECTIONS=32 BENCH_STARTUP_RUNS=3 npm run bench -- foundation
\`\`\`

PostgreSQL: by default the suite creates \`laurel_bench_<random>\` on
\`postgres://postgres@127.0.0.1:5432/\` (override the server with \`BENCH_POSTGRES_SERVER\`)
and drops it afterwards; \`BENCH_DATABASE_URL\` instead names a database to use as it is
(empty, or already holding the demo accounts). The run fails if any response is not 2xx.`;

  return { text, markdown };
}

function percent(share: number): string {
  return Number.isFinite(share) ? `${Math.round(share * 100)} %` : 'n/a';
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}
