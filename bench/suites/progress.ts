import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { RequestSpec } from 'autocannon';
import {
  BENCH_PASSWORD,
  EMBEDDED_PROGRAM,
  FULL_PROGRAM,
  Rng,
  benchSessionToken,
  candidateNumber,
  changedRequirements,
  defaultReference,
  insertSink,
  loadProgram,
  mixSeed,
  postgresCopySink,
  scaled,
  type LoadReport,
  type ProgramSize,
  type RowSink,
} from '../generate/program.ts';
import {
  localPostgresCpuSeconds,
  machineBusyCpuSeconds,
  processCpuSeconds,
  watchForeignCpu,
  type ForeignCpu,
} from '../lib/cpu.ts';
import { startLaurel } from '../lib/laurel.ts';
import { measure, type LoadResult } from '../lib/load.ts';
import { markdownTable, textTable, type Table } from '../lib/markdown.ts';
import { benchDatabase, redact } from '../lib/postgres.ts';
import { startFixture, type RunningServer } from '../lib/processes.ts';
import { profiled } from '../lib/profile.ts';
import type { Suite, SuiteContext } from '../lib/suite.ts';
import { hashPassword } from '../../src/platform/auth/passwords.ts';
import { hashToken } from '../../src/platform/auth/tokens.ts';
import { ensureProgram } from '../../src/platform/bootstrap.ts';
import { openDatabase, type DatabaseHandle } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import type { DB } from '../../src/platform/db/schema.ts';
import { ProgramSettings } from '../../src/platform/program.ts';
import { CatalogService } from '../../src/features/catalog/index.ts';
import { dependentCredentials } from '../../src/features/progress/award-rules.ts';
import { AwardingEngine } from '../../src/features/progress/awarding.ts';
import {
  runCredentialReevaluation,
  type ReevaluationTally,
} from '../../src/features/progress/sweep.ts';

/**
 * The progress suite: Laurel's candidate pages and awarding engine on a
 * generated program at scale (bench/generate/program.ts): 200,000
 * candidates with 2,000,000 results and 50 credentials on PostgreSQL, a
 * tenth of that on the embedded database, beside the bare Fastify route.
 *
 * Aims (issue 3): the dashboard and progress pages of random candidates
 * answer with p99 under 25 ms at 32 connections and at least a sixth of the
 * bare route's requests per second (PostgreSQL); re-evaluating every
 * candidate after a requirements change takes under 30 s for 200,000.
 *
 * BENCH_SCALE (default 1) scales both programs (0.1: 20,000 and 2,000
 * candidates, for a quick check); BENCH_SEED (default 20261124) the data;
 * BENCH_SESSIONS (default 500) how many random candidates are signed in.
 */

const AIM_P99_MS = 25;
const AIM_RATIO = 1 / 6;
const AIM_REEVALUATION_S = 30;
const AIM_REEVALUATION_CANDIDATES = FULL_PROGRAM.candidates;
const CHECK_SAMPLE = 2_000;
const FIRST_AWARDING_SAMPLE = 1_000;

interface Settings {
  scale: number;
  seed: number;
  sessions: number;
  reference: Date;
  profileDir: string | undefined;
}

interface PageRow {
  target: string;
  database: string;
  result: LoadResult;
  cpu: { server: number; postgres: number; client: number };
  seconds: number;
  foreign: number;
}

interface ReevaluationRow {
  database: string;
  walk: 'after the change' | 'again: nothing left to change';
  candidates: number;
  credentials: string[];
  seconds: number;
  tally: ReevaluationTally;
  cpu: { bench: number; postgres: number };
  foreign: number;
}

interface FirstAwardingRow {
  database: string;
  candidates: number;
  changes: number;
  seconds: number;
  perCandidateMs: number;
}

interface ProgramRow {
  database: string;
  load: LoadReport;
  analyzeSeconds: number;
  checked: number;
  totalSeconds: number;
}

const suite: Suite = {
  name: 'progress',
  description:
    'generated program at scale: candidate dashboard and progress pages (PostgreSQL, embedded), re-evaluating everyone after a requirements change',

  async run(ctx) {
    const settings = readSettings();
    const foreignCpu = watchForeignCpu();
    const pages: PageRow[] = [];
    const reevaluations: ReevaluationRow[] = [];
    const firstAwardings: FirstAwardingRow[] = [];
    const programs: ProgramRow[] = [];
    const passwordHash = await hashPassword(BENCH_PASSWORD);

    // 1. The ceiling, in the same run.
    {
      ctx.log('starting the bare Fastify app');
      const bare = await startFixture(ctx.root, 'bare fastify', 'bare-fastify.ts');
      const stop = ctx.cleanup.defer('stop the bare app', () => bare.stop());
      try {
        pages.push(
          await load(ctx, bare, 'bare Fastify `GET /`', '—', false, { url: `${bare.origin}/` }),
        );
      } finally {
        await stop();
      }
    }

    // 2. PostgreSQL, the full program.
    const pgSize = scaled(FULL_PROGRAM, settings.scale);
    const database = await benchDatabase();
    const dropDatabase = ctx.cleanup.defer('drop the benchmark database', () => database.drop());
    const postgresLabel = `PostgreSQL ${database.serverVersion.split(' ')[0]}`;
    try {
      ctx.log(
        database.created
          ? `created ${redact(database.url)}`
          : `using BENCH_DATABASE_URL ${redact(database.url)} (must be empty)`,
      );
      const copyClient = new pg.Client({ connectionString: database.url });
      await copyClient.connect();
      const endClient = ctx.cleanup.defer('close the COPY connection', () => copyClient.end());
      const handle = await openDatabase({ databaseUrl: database.url, poolSize: 4 });
      const closeHandle = ctx.cleanup.defer('close the bench pool', () => handle.close());
      let sessions: Session[];
      try {
        const program = await generate(ctx, settings, handle, postgresLabel, pgSize, passwordHash, {
          sink: postgresCopySink(copyClient),
          analyze: async () => {
            await copyClient.query('vacuum analyze');
          },
        });
        programs.push(program);
        firstAwardings.push(
          await firstAwarding(ctx, handle, postgresLabel, program.load, settings),
        );
        reevaluations.push(
          ...(await reevaluateEveryone(ctx, handle, postgresLabel, program.load, settings, true)),
        );
        sessions = pickSessions(settings, program.load, pgSize);
      } finally {
        await closeHandle();
      }
      try {
        await insertSessions(async (rows) => {
          await copyClient.query(
            `insert into sessions (token_hash, user_id, state, expires_at)
             select * from unnest($1::bytea[], $2::bigint[], $3::text[], $4::timestamptz[])`,
            [
              rows.map((r) => r.token_hash),
              rows.map((r) => r.user_id),
              rows.map(() => 'active'),
              rows.map((r) => r.expires_at),
            ],
          );
        }, sessions);
        const laurel = await startLaurel(
          ctx.root,
          { kind: 'postgres', url: database.url },
          { SEED_DEMO: 'false' },
        );
        const stop = ctx.cleanup.defer('stop laurel (postgres)', () => laurel.stop());
        try {
          ctx.log(`Laurel on ${postgresLabel} ready in ${(laurel.readyMs / 1000).toFixed(1)} s`);
          await measurePages(ctx, laurel, postgresLabel, true, sessions, programs.at(-1)!, pages);
        } finally {
          await stop();
        }
        const numbers = (
          await copyClient.query<{ n: string }>(
            'select credential_number as n from awards order by id limit 500',
          )
        ).rows.map((r) => r.n);
        pages.push(await floor(ctx, database.url, postgresLabel, numbers));
      } finally {
        await endClient();
      }
    } finally {
      await dropDatabase();
    }

    // 3. The embedded database, the smaller program.
    const embeddedSize = scaled(EMBEDDED_PROGRAM, settings.scale);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'laurel-bench-progress-'));
    const removeTmp = ctx.cleanup.defer('remove the temporary data directory', () =>
      fs.rmSync(tmp, { recursive: true, force: true }),
    );
    const embeddedLabel = 'embedded (PGlite)';
    try {
      const dataDir = path.join(tmp, 'data');
      const handle = await openDatabase({ dataDir });
      const closeHandle = ctx.cleanup.defer('close the embedded database', () => handle.close());
      let sessions: Session[];
      try {
        const program = await generate(
          ctx,
          settings,
          handle,
          embeddedLabel,
          embeddedSize,
          passwordHash,
          {
            sink: insertSink(handle.db),
            analyze: async () => {
              await sql`vacuum analyze`.execute(handle.db);
            },
          },
        );
        programs.push(program);
        firstAwardings.push(
          await firstAwarding(ctx, handle, embeddedLabel, program.load, settings),
        );
        reevaluations.push(
          ...(await reevaluateEveryone(ctx, handle, embeddedLabel, program.load, settings, false)),
        );
        sessions = pickSessions(settings, program.load, embeddedSize);
        await insertSessions(async (rows) => {
          await handle.db.insertInto('sessions').values(rows).execute();
        }, sessions);
      } finally {
        await closeHandle();
      }
      const laurel = await startLaurel(
        ctx.root,
        { kind: 'embedded', dataDir },
        { SEED_DEMO: 'false' },
      );
      const stop = ctx.cleanup.defer('stop laurel (embedded)', () => laurel.stop());
      try {
        ctx.log(`Laurel on ${embeddedLabel} ready in ${(laurel.readyMs / 1000).toFixed(1)} s`);
        await measurePages(ctx, laurel, embeddedLabel, false, sessions, programs.at(-1)!, pages);
      } finally {
        await stop();
      }
    } finally {
      await removeTmp();
    }

    return report(ctx, settings, programs, pages, reevaluations, firstAwardings, foreignCpu());
  },
};

export default suite;

function readSettings(): Settings {
  const num = (name: string, fallback: number, ok: (n: number) => boolean) => {
    const raw = process.env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!ok(n)) throw new Error(`${name} is not valid: "${raw}"`);
    return n;
  };
  return {
    scale: num('BENCH_SCALE', 1, (n) => Number.isFinite(n) && n > 0 && n <= 10),
    seed: num('BENCH_SEED', 20261124, (n) => Number.isInteger(n) && n >= 0),
    sessions: num('BENCH_SESSIONS', 500, (n) => Number.isInteger(n) && n >= 1),
    reference: defaultReference(),
    profileDir: process.env.BENCH_CPU_PROF || undefined,
  };
}

// ------------------------------------------------------------------ the program

async function generate(
  ctx: SuiteContext,
  settings: Settings,
  handle: DatabaseHandle,
  label: string,
  size: ProgramSize,
  passwordHash: string,
  how: { sink: RowSink; analyze: () => Promise<void> },
): Promise<ProgramRow> {
  const started = performance.now();
  await migrateToLatest(handle.db);
  await ensureProgram(handle.db, {
    name: 'Benchmark Certification Program',
    supportEmail: 'support@bench.example',
  });
  const existing = await handle.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(existing.n) > 0) {
    throw new Error(`the ${label} database already has users: the generator needs an empty one`);
  }
  ctx.log(
    `${label}: generating ${size.candidates.toLocaleString('en-US')} candidates and ` +
      `${size.results.toLocaleString('en-US')} results (seed ${settings.seed})`,
  );
  const loaded = await loadProgram(handle.db, how.sink, {
    seed: settings.seed,
    size,
    reference: settings.reference,
    passwordHash,
    log: (m) => ctx.log(`  ${m}`),
  });
  if (loaded.awards.unsettled.length > 0) {
    ctx.log(
      `  candidates with changes left after ten rounds (the engine logs "did not settle"): ` +
        `${loaded.awards.unsettled.length}, e.g. user ${loaded.awards.unsettled[0]}`,
    );
  }
  const t = performance.now();
  await how.analyze();
  const analyzeSeconds = (performance.now() - t) / 1000;
  ctx.log(`  vacuum analyze: ${analyzeSeconds.toFixed(1)} s`);

  // The awards were decided in memory: the real engine, on a sample, must find nothing to do.
  const sample = sampleUsers(settings.seed, 0xc4ec, loaded, size, CHECK_SAMPLE);
  const engine = engineFor(handle);
  const changes = await rolledBack(handle.db, (trx) =>
    engine.reevaluate(trx, sample, 'bench:check'),
  );
  if (changes.length > 0) {
    const first = changes[0]!;
    throw new Error(
      `the generated awards differ from the engine's: re-evaluating ${sample.length} candidates ` +
        `made ${changes.length} changes (first: ${first.kind} ${first.credentialCode} for user ${first.userId})`,
    );
  }
  ctx.log(`  check: the engine finds nothing to change for ${sample.length} sampled candidates`);
  return {
    database: label,
    load: loaded,
    analyzeSeconds,
    checked: sample.length,
    totalSeconds: (performance.now() - started) / 1000,
  };
}

function engineFor(handle: DatabaseHandle): AwardingEngine {
  const catalog = new CatalogService(handle.db);
  return new AwardingEngine({
    definitions: (q) => catalog.definitions(q),
    publicUrl: 'http://127.0.0.1',
  });
}

class Rollback extends Error {}

/** Runs `work` in a transaction that is always rolled back; returns what it returned. */
async function rolledBack<T>(db: Kysely<DB>, work: (trx: any) => Promise<T>): Promise<T> {
  let out: T | undefined;
  try {
    await db.transaction().execute(async (trx) => {
      out = await work(trx);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return out as T;
}

/** `n` distinct generated user ids, drawn with the seed. */
function sampleUsers(
  seed: number,
  salt: number,
  loaded: LoadReport,
  size: ProgramSize,
  n: number,
): number[] {
  const rng = new Rng(mixSeed(seed, salt));
  const picked = new Set<number>();
  const want = Math.min(n, size.candidates);
  while (picked.size < want) picked.add(loaded.firstUserId + rng.int(0, size.candidates - 1));
  return [...picked].sort((a, b) => a - b);
}

/**
 * What a first awarding costs with the real engine: a sample of candidates
 * with history loses its awards and is awarded afresh, in one transaction
 * that is rolled back. (Why the generator decides the awards in memory.)
 */
async function firstAwarding(
  ctx: SuiteContext,
  handle: DatabaseHandle,
  label: string,
  loaded: LoadReport,
  settings: Settings,
): Promise<FirstAwardingRow> {
  const size = { candidates: loaded.rows.users, results: loaded.rows.results };
  const sample = sampleUsers(settings.seed, 0xf1a5, loaded, size, FIRST_AWARDING_SAMPLE);
  const engine = engineFor(handle);
  const catalog = new CatalogService(handle.db);
  const measured = await rolledBack(handle.db, async (trx) => {
    const defs = await catalog.definitions(trx);
    await trx.deleteFrom('awards').where('user_id', 'in', sample).execute();
    const t = performance.now();
    const changes = await profiled(settings.profileDir, `first-awarding-${slug(label)}`, () =>
      engine.reevaluate(trx, sample, 'bench:first', { definitions: defs }),
    );
    return { changes: changes.length, seconds: (performance.now() - t) / 1000 };
  });
  const row = {
    database: label,
    candidates: sample.length,
    ...measured,
    perCandidateMs: (measured.seconds * 1000) / sample.length,
  };
  ctx.log(
    `${label}: first awarding with the engine, ${sample.length} candidates: ${row.changes} changes ` +
      `in ${row.seconds.toFixed(1)} s (rolled back)`,
  );
  return row;
}

/**
 * A requirements change (a new version of one credential's requirements,
 * saved through the catalog as the console does), then the job's own walk
 * over every candidate (`runCredentialReevaluation`, batches of 1,000 in id
 * order, one transaction each), called directly in the bench process.
 */
async function reevaluateEveryone(
  ctx: SuiteContext,
  handle: DatabaseHandle,
  label: string,
  loaded: LoadReport,
  settings: Settings,
  observePostgres: boolean,
): Promise<ReevaluationRow[]> {
  const catalog = new CatalogService(handle.db);
  const change = changedRequirements(loaded.catalog);
  await catalog.addRequirementVersion(
    { userId: null, timeZone: 'UTC', reason: 'benchmark' },
    change.credentialCode,
    { tree: change.tree, effectiveAt: new Date().toISOString(), note: change.note },
  );
  const defs = await catalog.definitions();
  const credential = defs.credentialsByCode.get(change.credentialCode)!;
  const decided = [...dependentCredentials(defs.credentials, [credential.id])]
    .map((id) => defs.credentialsById.get(id)!.code)
    .sort();
  ctx.log(
    `${label}: new requirements for ${change.credentialCode}; re-evaluating every candidate ` +
      `(${decided.join(', ')})`,
  );
  const rows: ReevaluationRow[] = [];
  for (const walk of ['after the change', 'again: nothing left to change'] as const) {
    rows.push({
      database: label,
      walk,
      credentials: decided,
      candidates: loaded.rows.users,
      ...(await walkEveryone(ctx, handle, credential.id, settings, observePostgres, walk, label)),
    });
  }
  return rows;
}

async function walkEveryone(
  ctx: SuiteContext,
  handle: DatabaseHandle,
  credentialId: number,
  settings: Settings,
  observePostgres: boolean,
  walk: string,
  label: string,
): Promise<Pick<ReevaluationRow, 'seconds' | 'tally' | 'cpu' | 'foreign'>> {
  const catalog = new CatalogService(handle.db);
  const engine = engineFor(handle);
  const programSettings = new ProgramSettings(handle.db);
  const watch = watchForeignCpu();
  const before = {
    bench: processCpuSeconds(process.pid),
    postgres: observePostgres ? localPostgresCpuSeconds() : NaN,
  };
  const t = performance.now();
  let lastLog = t;
  const tally = await profiled(
    settings.profileDir,
    `reevaluation-${slug(`${label} ${walk}`)}`,
    () =>
      runCredentialReevaluation(
        {
          db: handle.db,
          catalog,
          engine,
          program: () => programSettings.get(),
          publicUrl: 'http://127.0.0.1',
        },
        { credentialId },
        {
          setProgress: async (done, total) => {
            if (performance.now() - lastLog > 10_000) {
              lastLog = performance.now();
              ctx.log(`  ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`);
            }
          },
        },
      ),
  );
  const seconds = (performance.now() - t) / 1000;
  const cpu = {
    bench: processCpuSeconds(process.pid) - before.bench,
    postgres: observePostgres ? localPostgresCpuSeconds() - before.postgres : NaN,
  };
  const foreign = watch(() => 0).share;
  ctx.log(
    `  ${walk}: ${seconds.toFixed(1)} s; CPU: bench ${cpu.bench.toFixed(1)} s, ` +
      `PostgreSQL ${fmt(cpu.postgres, 1)} s; other work ${percent(foreign)}; ${JSON.stringify(tally)}`,
  );
  return { seconds, tally, cpu, foreign };
}

// ------------------------------------------------------------------ pages

interface Session {
  userId: number;
  candidateNumber: string;
  token: string;
}

/** `settings.sessions` random generated candidates (any of them: with or without results). */
function pickSessions(settings: Settings, loaded: LoadReport, size: ProgramSize): Session[] {
  const ids = sampleUsers(settings.seed, 0x5e55, loaded, size, settings.sessions);
  return ids.map((userId, k) => ({
    userId,
    candidateNumber: candidateNumber(userId - loaded.firstUserId),
    token: benchSessionToken(settings.seed, k),
  }));
}

interface SessionRow {
  token_hash: Buffer;
  user_id: number;
  state: 'active';
  expires_at: Date;
}

/** Sessions as a sign-in makes them (last seen now), so none is touched during the run. */
async function insertSessions(
  insert: (rows: SessionRow[]) => Promise<void>,
  sessions: Session[],
): Promise<void> {
  const expires = new Date(Date.now() + 12 * 3_600_000);
  await insert(
    sessions.map((s) => ({
      token_hash: hashToken(s.token),
      user_id: s.userId,
      state: 'active' as const,
      expires_at: expires,
    })),
  );
}

async function measurePages(
  ctx: SuiteContext,
  laurel: RunningServer,
  label: string,
  observePostgres: boolean,
  sessions: Session[],
  program: ProgramRow,
  pages: PageRow[],
): Promise<void> {
  const codes = program.load.catalog.credentials.map((c) => c.code);
  // Each page is what we think it is before it is measured.
  for (const s of sessions.slice(0, 3)) {
    await expectPage(laurel.origin, '/dashboard', s, s.candidateNumber);
    await expectPage(laurel.origin, `/credentials/${codes[0]}`, s, 'id="my-progress"');
  }
  const rotate = (salt: number, pathFor: (rng: Rng) => string): RequestSpec[] => {
    const rng = new Rng(mixSeed(salt, sessions.length));
    return [
      {
        method: 'GET',
        setupRequest: (request) => {
          const s = sessions[rng.int(0, sessions.length - 1)]!;
          return {
            ...request,
            path: pathFor(rng),
            headers: { ...request.headers, cookie: `laurel_session=${s.token}` },
          };
        },
      },
    ];
  };
  pages.push(
    await load(ctx, laurel, '`GET /dashboard`', label, observePostgres, {
      url: `${laurel.origin}/dashboard`,
      requests: rotate(1, () => '/dashboard'),
    }),
  );
  pages.push(
    await load(ctx, laurel, '`GET /credentials/:code` (progress)', label, observePostgres, {
      url: `${laurel.origin}/credentials/${codes[0]}`,
      requests: rotate(2, (rng) => `/credentials/${rng.pick(codes)}`),
    }),
  );
}

const FLOOR_TARGET = 'floor: bare Fastify + two indexed reads';

/**
 * The floor (bench/fixtures/db-floor.ts): a bare Fastify route that makes
 * two indexed reads one after the other, as a signed-in page must (its
 * session, then its data), through a pool of 10, and answers JSON.
 */
async function floor(
  ctx: SuiteContext,
  url: string,
  label: string,
  numbers: string[],
): Promise<PageRow> {
  const server = await startFixture(ctx.root, 'database floor', 'db-floor.ts', {
    DATABASE_URL: url,
  });
  const stop = ctx.cleanup.defer('stop the floor app', () => server.stop());
  try {
    let i = 0;
    return await load(ctx, server, FLOOR_TARGET, label, true, {
      url: `${server.origin}/`,
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => ({
            ...request,
            path: `/two/${numbers[i++ % numbers.length]}`,
          }),
        },
      ],
    });
  } finally {
    await stop();
  }
}

async function expectPage(
  origin: string,
  urlPath: string,
  session: Session,
  contains: string,
): Promise<void> {
  const response = await fetch(`${origin}${urlPath}`, {
    headers: { cookie: `laurel_session=${session.token}` },
    redirect: 'manual',
  });
  const body = await response.text();
  if (response.status !== 200 || !body.includes(contains)) {
    throw new Error(
      `GET ${urlPath} as user ${session.userId} answered ${response.status}` +
        (response.status === 200 ? ` without "${contains}"` : ''),
    );
  }
}

async function load(
  ctx: SuiteContext,
  server: RunningServer,
  target: string,
  database: string,
  observePostgres: boolean,
  spec: { url: string; requests?: RequestSpec[] },
): Promise<PageRow> {
  ctx.log(`load: ${target.replace(/`/g, '')} on ${database}`);
  const result = await measure({
    url: spec.url,
    ...(spec.requests ? { requests: spec.requests } : {}),
    connections: ctx.load.connections,
    // The embedded database answers the pages slowly enough that 32 queued requests wait seconds.
    timeoutSeconds: 30,
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
  const per = (seconds: number | undefined) => ((seconds ?? NaN) / result.totalRequests) * 1e6;
  const cpu = {
    server: per(result.observed.server),
    postgres: per(result.observed.postgres),
    client: per(result.observed.client),
  };
  const o = result.observed;
  const seconds = o.wall ?? NaN;
  const ours = (o.server ?? 0) + (o.client ?? 0) + (observePostgres ? (o.postgres ?? 0) : 0);
  const foreign = Math.max(0, (o.machine ?? NaN) - ours) / (seconds * ctx.machine.cpus);
  ctx.log(
    `  ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.latencyP50Ms} ms, ` +
      `p99 ${result.latencyP99Ms} ms; CPU µs/request: server ${fmt(cpu.server)}, ` +
      `PostgreSQL ${fmt(cpu.postgres)}; other work ${percent(foreign)}`,
  );
  return { target, database, result, cpu, seconds, foreign };
}

// ------------------------------------------------------------------ report

function report(
  ctx: SuiteContext,
  settings: Settings,
  programs: ProgramRow[],
  pages: PageRow[],
  reevaluations: ReevaluationRow[],
  firstAwardings: FirstAwardingRow[],
  foreign: ForeignCpu,
) {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const ceiling = pages[0]!.result.requestsPerSecond;

  const programTable: Table = {
    header: [
      'database',
      'candidates',
      'results',
      'training / agreements / credit rows',
      'awards (active, expired)',
      'award events',
      'load s (users + facts)',
      'awards decided s',
      'vacuum analyze s',
      'total s',
    ],
    alignRight: [1, 2, 4, 5, 6, 7, 8, 9],
    rows: programs.map((p) => {
      const r = p.load.rows;
      const s = p.load.seconds;
      return [
        p.database,
        n(r.users),
        n(r.results),
        `${n(r.training_completions)} / ${n(r.agreement_acceptances)} / ${n(r.credit_entries)}`,
        `${n(r.awards)} (${n(p.load.awards.awarded)}, ${n(p.load.awards.expired)})`,
        n(r.award_events),
        (s.catalog + s.users + s.facts).toFixed(1),
        s.awards.toFixed(1),
        p.analyzeSeconds.toFixed(1),
        p.totalSeconds.toFixed(1),
      ];
    }),
  };

  const pageTable: Table = {
    header: [
      'target',
      'database',
      'req/s (mean)',
      'p50 ms',
      'p99 ms',
      'ratio to ceiling',
      'server CPU µs/req',
      'PostgreSQL CPU µs/req',
      'other work',
    ],
    alignRight: [2, 3, 4, 5, 6, 7, 8],
    rows: pages.map((p) => [
      p.target,
      p.database,
      n(p.result.requestsPerSecond),
      String(p.result.latencyP50Ms),
      String(p.result.latencyP99Ms),
      ratio(p.result.requestsPerSecond / ceiling),
      fmt(p.cpu.server),
      p.database.startsWith('PostgreSQL') ? fmt(p.cpu.postgres) : '—',
      percent(p.foreign),
    ]),
  };

  const floorRow = pages.find((p) => p.target === FLOOR_TARGET);
  const pgPages = pages.filter(
    (p) => p.database.startsWith('PostgreSQL') && p.target !== FLOOR_TARGET,
  );
  const pageAims = pgPages.map((p) => {
    const share = p.result.requestsPerSecond / ceiling;
    const p99ok = p.result.latencyP99Ms < AIM_P99_MS;
    const ratioOk = share >= AIM_RATIO;
    return (
      `- ${p.target}: p99 ${p.result.latencyP99Ms} ms (aim < ${AIM_P99_MS}) — ${p99ok ? 'met' : 'NOT met'}; ` +
      `${ratioText(share)} × the bare route (aim ≥ ${AIM_RATIO.toFixed(2)}) — ${ratioOk ? 'met' : 'NOT met'}.`
    );
  });

  const reevaluationTable: Table = {
    header: [
      'database',
      'walk',
      'candidates',
      'credentials decided',
      'seconds',
      'candidates/s',
      'awarded / renewed / expired / revoked',
      'bench CPU s',
      'PostgreSQL CPU s',
      'other work',
    ],
    alignRight: [2, 4, 5, 7, 8, 9],
    rows: reevaluations.map((r) => [
      r.database,
      r.walk,
      n(r.candidates),
      r.credentials.join(', '),
      r.seconds.toFixed(1),
      n(r.candidates / r.seconds),
      `${r.tally.awarded} / ${r.tally.renewed} / ${r.tally.expired} / ${r.tally.revoked}`,
      r.cpu.bench.toFixed(1),
      fmt(r.cpu.postgres, 1),
      percent(r.foreign),
    ]),
  };
  const pgReevaluation = reevaluations.find(
    (r) => r.database.startsWith('PostgreSQL') && r.walk === 'after the change',
  );
  const reevaluationAim = pgReevaluation
    ? (() => {
        const projected =
          (pgReevaluation.seconds * AIM_REEVALUATION_CANDIDATES) / pgReevaluation.candidates;
        const full = pgReevaluation.candidates === AIM_REEVALUATION_CANDIDATES;
        return (
          `Aim: every one of ${n(AIM_REEVALUATION_CANDIDATES)} candidates re-evaluated in under ` +
          `${AIM_REEVALUATION_S} s on PostgreSQL: ` +
          (full
            ? `${pgReevaluation.seconds.toFixed(1)} s — ${pgReevaluation.seconds < AIM_REEVALUATION_S ? 'met' : 'NOT met'}.`
            : `${pgReevaluation.seconds.toFixed(1)} s for ${n(pgReevaluation.candidates)} ` +
              `(${projected.toFixed(0)} s projected for ${n(AIM_REEVALUATION_CANDIDATES)}; run at BENCH_SCALE=1 to judge).`)
        );
      })()
    : '';

  const firstTable: Table = {
    header: [
      'database',
      'candidates',
      'changes',
      'seconds',
      'ms per candidate',
      'projected for every candidate, min',
    ],
    alignRight: [1, 2, 3, 4, 5],
    rows: firstAwardings.map((f) => {
      const all = programs.find((p) => p.database === f.database)!.load.rows.users;
      return [
        f.database,
        n(f.candidates),
        n(f.changes),
        f.seconds.toFixed(1),
        f.perCandidateMs.toFixed(1),
        ((f.perCandidateMs * all) / 60_000).toFixed(1),
      ];
    }),
  };

  const m = ctx.machine;
  const endLoad = Math.round(os.loadavg()[0]! * 100) / 100;
  const contention = Number.isFinite(foreign.share)
    ? `Other processes on the machine used ${foreign.foreignSeconds.toFixed(0)} CPU-seconds during ` +
      `the ${foreign.wallSeconds.toFixed(0)} s run (${Math.round(foreign.share * 100)} % of its ` +
      `capacity)${foreign.share > 0.05 ? ': the figures are skewed by that work' : ''}.`
    : 'Other work on the machine could not be measured (no /proc).';
  const { connections, warmupSeconds, durationSeconds } = ctx.load;
  const pgProgram = programs[0]!;

  const text = [
    textTable(programTable),
    '',
    textTable(pageTable),
    '',
    ...pageAims,
    '',
    textTable(reevaluationTable),
    '',
    reevaluationAim,
    '',
    textTable(firstTable),
    '',
    contention,
  ].join('\n');

  const markdown = `## Progress: candidate pages and re-evaluation at scale

Run ${m.date} at commit ${m.commit}.
Machine: ${m.cpuModel}, ${m.cpus} CPUs (\`nproc\`), ${m.memoryGiB} GiB, ${m.os}; Node ${m.node};
1-minute load average: ${m.loadAverage} when the run started, ${endLoad} when it ended.
${contention}
BENCH_SCALE=${settings.scale}, seed ${settings.seed}, facts dated relative to ${settings.reference.toISOString().slice(0, 10)}.

### The generated program

${markdownTable(programTable)}

\`bench/generate/program.ts\`: 12 tracks of 10 exams (two web assessments, three associate,
three professional, two expert exams; three versions each) and 50 published credentials: per
track a foundation accreditation (\`any 1\` of two assessments or a course), an associate
certification (\`all\`: core exam with a minimum score in most tracks, \`any 1\` of two electives,
the candidate agreement, sometimes the foundation accreditation), a professional one (the
associate credential, \`any 2\` or \`any 1\` of three exams, one with a recency window, the
agreement at a version), an expert one (the professional credential, a written exam with
minimum score and recency, a lab restricted to recent versions, 10–20 credits within 24 months),
and two architect certifications (\`any 2\` of four professional credentials and a capstone
exam). Recertification by requirements again, by exam, by a higher credential and by credits.
Candidates registered over eight years; about 15 % have no result, the rest follow one or more
tracks with a long tail of attempts (passes and failures, retakes, abandoned tracks); agreement
acceptances, some training and credits. Every candidate shares one argon2 password hash.
Loaded with COPY on PostgreSQL (pg-copy-streams), multi-row INSERTs on the embedded database.

Awards: decided in the bench process by the engine's own rules (\`decide\` from award-rules.ts,
the engine's round loop mirrored in \`bench/generate/awards.ts\`, same definitions, facts and
date) and loaded with the rest, without emails; the real engine then re-evaluates
${n(pgProgram.checked)} random candidates (rolled back) and must find nothing to change.
Running the engine itself over everyone would take the time projected below.
${unsettledNote(programs)}

First awarding with the real engine (a random sample loses its awards and is awarded again in one
transaction, rolled back):

${markdownTable(firstTable)}

### Candidate pages

autocannon 8, ${connections} connections, ${warmupSeconds} s warm-up then ${durationSeconds} s measured per target;
every request signs in as one of ${settings.sessions} random candidates (sessions inserted with known
tokens, any candidate: with or without results) and the progress page is one of the 50 credentials
at random. Laurel runs as \`node --import tsx src/main.ts\` with \`LOG_LEVEL=warn JOBS=off
SEED_DEMO=false\` and the default pool (10 connections); the load generator, the server and
PostgreSQL share the ${m.cpus} CPUs. Ratios are to the bare Fastify route in the same run.

${markdownTable(pageTable)}

${pageAims.join('\n')}
${
  floorRow
    ? `- The floor (bench/fixtures/db-floor.ts: a bare route making only the two indexed reads a signed-in page ` +
      `needs, its session and its data, and answering JSON): ${ratioText(floorRow.result.requestsPerSecond / ceiling)} × ` +
      `the bare route, p99 ${floorRow.result.latencyP99Ms} ms. Every page reads the database on every request, so ` +
      `that its answer is never older than the database (a revoked session, a result just recorded).`
    : ''
}

### Re-evaluating everyone after a requirements change

A new requirement version of ${changedRequirements(pgProgram.load.catalog).credentialCode} (no minimum
score on its core exam, a third elective), saved through the catalog service as the console saves
it, then the re-evaluation job's own code (\`runCredentialReevaluation\`: batches of 1,000
candidates in id order, one transaction each, the changed credential and those that depend on it)
called in the bench process on the benchmark database (its progress callback does nothing here;
the job itself updates its \`jobs\` row after every batch). The second walk runs the same job again at once: it
finds nothing left to change, so it is the cost of reading and deciding alone; the difference
between the two is the cost of the awards, events and emails written. "bench CPU" is the
bench process (the engine and the database driver; on the embedded database, the database too).

${markdownTable(reevaluationTable)}

${reevaluationAim}

### Reproduce

\`\`\`sh
npm run bench -- progress                   # about 10 minutes on 2 CPUs
BENCH_SCALE=0.1 npm run bench -- progress   # a tenth of the program, for a quick check
BENCH_CPU_PROF=.tmp/prof npm run bench -- progress  # CPU profiles of Laurel and of the engine runs
\`\`\`

Variables: \`BENCH_SCALE\` (default 1), \`BENCH_SEED\` (default 20261124), \`BENCH_SESSIONS\`
(default 500), and the load settings of every suite. The PostgreSQL database is created and
dropped as in the foundation suite (it must be empty when given by \`BENCH_DATABASE_URL\`); the
embedded one lives in a temporary directory removed afterwards.`;

  return { text, markdown };
}

function unsettledNote(programs: ProgramRow[]): string {
  const p = programs.find((x) => x.load.awards.unsettled.length > 0);
  if (!p) return '';
  return (
    `\n${p.load.awards.unsettled.length} of the ${p.database} candidates still had a change to ` +
    `make after the engine's ten rounds (a chain of renewals, one per round): the engine stops ` +
    `there and logs "did not settle"; re-evaluating such a candidate again carries on where it stopped.\n`
  );
}

/** Two significant digits below 0.1 (0.0016), two decimals above. */
function ratio(value: number): string {
  return value >= 0.1 ? value.toFixed(2) : value.toPrecision(2);
}
const ratioText = ratio;

function fmt(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function percent(share: number): string {
  return Number.isFinite(share) ? `${Math.round(share * 100)} %` : 'n/a';
}

function slug(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
