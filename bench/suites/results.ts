import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { watchForeignCpu, type ForeignCpu } from '../lib/cpu.ts';
import { startLaurel } from '../lib/laurel.ts';
import { markdownTable, textTable, type Table } from '../lib/markdown.ts';
import { benchDatabase, redact } from '../lib/postgres.ts';
import type { Suite, SuiteContext } from '../lib/suite.ts';
import { createApiKey } from '../../src/platform/auth/api-keys.ts';
import { ensureProgram } from '../../src/platform/bootstrap.ts';
import { openDatabase, type DatabaseHandle } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';

/**
 * The results suite, on PostgreSQL: importing a generated provider results
 * file (`npm run cli -- import-results`, in a process of its own, so its
 * peak memory is its own) beside a plain `COPY` of the same file into a bare
 * table; and `POST /api/v1/results` in batches of 1,000.
 *
 * Aims (issue 4): at least 50,000 rows/s end to end, with the affected
 * candidates re-evaluated, and under 300 MB of memory for 1,000,000 rows.
 *
 * Size: BENCH_RESULTS_ROWS (default 1,000,000), BENCH_RESULTS_API_BATCHES
 * (default 20 batches of 1,000).
 */

const AIM_ROWS_PER_SECOND = 50_000;
const AIM_PEAK_MB = 300;
const EXAMS = ['BR-101', 'BR-102', 'BR-201', 'BR-202', 'BR-301'];
/** Results per candidate in the generated file. */
const PER_CANDIDATE = 4;
/** Share of rows whose candidate ID Laurel does not know (unclaimed). */
const UNKNOWN_SHARE = 0.05;

interface ImportRow {
  label: string;
  rows: number;
  seconds: number;
  peakMb: number | null;
  foreign: number;
}

const suite: Suite = {
  name: 'results',
  description:
    'a generated results file imported by the CLI (with re-evaluation) beside a plain COPY; POST /api/v1/results in batches of 1,000',

  async run(ctx) {
    const rows = positiveInt('BENCH_RESULTS_ROWS', 1_000_000);
    const batches = positiveInt('BENCH_RESULTS_API_BATCHES', 20);
    const candidates = Math.max(1, Math.ceil(rows / PER_CANDIDATE));
    const database = await benchDatabase();
    const drop = ctx.cleanup.defer('drop the benchmark database', () => database.drop());
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'laurel-results-bench-'));
    const removeTmp = ctx.cleanup.defer('remove the results file', () =>
      fs.rmSync(tmp, { recursive: true, force: true }),
    );
    const overall = watchForeignCpu();
    try {
      ctx.log(`database ${redact(database.url)}; ${rows} rows, ${candidates} candidates`);
      const handle = await openDatabase({ databaseUrl: database.url, poolSize: 4 });
      const closeHandle = ctx.cleanup.defer('close the database', () => handle.close());
      let imports: ImportRow[];
      let api: { results: number; seconds: number; foreign: number };
      try {
        await migrateToLatest(handle.db);
        await seedProgram(handle, candidates);
        const file = path.join(tmp, 'results.txt');
        await writeResultsFile(file, rows, candidates);
        const sizeMb = fs.statSync(file).size / 2 ** 20;
        ctx.log(`wrote ${file} (${sizeMb.toFixed(1)} MB)`);

        const copy = await plainCopy(database.url, file, rows);
        ctx.log(`plain COPY: ${copy.seconds.toFixed(2)} s`);
        const floor = await floorRun(ctx, database.url, file, rows, candidates);
        ctx.log(
          `set-based floor: ${floor.seconds.toFixed(2)} s (${floor.steps.map((s) => `${s.name} ${s.seconds.toFixed(2)} s`).join(', ')})`,
        );
        const laurel = await cliImport(ctx, database.url, file, rows);
        ctx.log(`Laurel import: ${laurel.seconds.toFixed(2)} s, peak ${laurel.peakMb ?? '?'} MB`);
        const imported = await handle.db
          .selectFrom('results')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('provider', '=', 'bench')
          .executeTakeFirstOrThrow();
        if (Number(imported.n) !== rows) {
          throw new Error(`the import recorded ${imported.n} results, not ${rows}`);
        }
        imports = [copy, floor, laurel];
        api = await apiRun(ctx, handle, database.url, batches, candidates);
      } finally {
        await closeHandle();
      }
      return report(ctx, rows, imports, api, overall());
    } finally {
      await removeTmp();
      await drop();
    }
  },
};

export default suite;

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive whole number`);
  return value;
}

const candidateId = (i: number) => `BN-${String(i).padStart(8, '0')}`;

/** Exams, two credentials (one exam; two of three exams), the candidates. */
async function seedProgram(handle: DatabaseHandle, candidates: number): Promise<void> {
  const { db } = handle;
  await ensureProgram(db, { name: 'Bench Program', supportEmail: 'support@bench.example' });
  for (const code of EXAMS) {
    await db
      .insertInto('exams')
      .values({
        code,
        title: `Exam ${code}`,
        kind: 'exam',
        delivery: ['test_center'],
        passing_score: 700,
        duration_minutes: null,
        price_cents: null,
        currency: null,
        retake_max_per_year: null,
        status: 'published',
      })
      .execute();
  }
  const credential = async (code: string, tree: unknown) => {
    const row = await db
      .insertInto('credentials')
      .values({
        code,
        name: `Credential ${code}`,
        kind: 'certification',
        level: 'Associate',
        status: 'published',
        validity_months: 36,
        recertification: JSON.stringify({
          requirementsAgain: true,
          exams: [],
          higherCredentials: [],
          credits: null,
        }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('credential_requirements')
      .values({
        credential_id: row.id,
        version: 1,
        tree: JSON.stringify(tree),
        effective_at: new Date('2000-01-01T00:00:00Z'),
      })
      .execute();
  };
  await credential('BC-ASSOC', { kind: 'exam', id: 'e', examCode: 'BR-101' });
  await credential('BC-PRO', {
    kind: 'any',
    id: 'root',
    count: 2,
    children: [
      { kind: 'exam', id: 'a', examCode: 'BR-201' },
      { kind: 'exam', id: 'b', examCode: 'BR-202' },
      { kind: 'exam', id: 'c', examCode: 'BR-301' },
    ],
  });
  for (let start = 0; start < candidates; start += 5000) {
    const values = [];
    for (let i = start; i < Math.min(candidates, start + 5000); i++) {
      values.push({
        candidate_number: candidateId(i),
        username: `bench_${i}`,
        email: `bench_${i}@example.com`,
        given_name: 'Bench',
        family_name: `Candidate ${i}`,
        country: 'US',
      });
    }
    await db.insertInto('users').values(values).execute();
  }
}

/** The provider's tab-separated results file: rows spread over the candidates, 5 % unknown IDs. */
async function writeResultsFile(file: string, rows: number, candidates: number): Promise<void> {
  const out = fs.createWriteStream(file);
  const header =
    'RegistrationID\tClientCandidateID\tTCID\tExamSeriesCode\tExamRevision\tExamDate\tPassingScore\tScore\tGrade\tNoShow\tLastName\n';
  out.write(header);
  let seed = 20261124;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const base = Date.UTC(2025, 0, 1);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const unknown = random() < UNKNOWN_SHARE;
    const candidate = unknown
      ? `UNK-${i}`
      : candidateId(Math.floor(i / PER_CANDIDATE) % candidates);
    const exam = EXAMS[i % EXAMS.length]!;
    const date = new Date(base + Math.floor(random() * 600) * 86_400_000 + 9 * 3_600_000);
    const score = 500 + Math.floor(random() * 450);
    const stamp = date.toISOString().slice(0, 19).replace('T', ' ').replaceAll('-', '/');
    chunk += `VUE-${i}\t${candidate}\t80001\t${exam}\t\t${stamp}\t700\t${score}\t${score >= 700 ? 'pass' : 'fail'}\tfalse\tCandidate\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

/** The provider file's columns, as text: the bare table and the floor's staging. */
const FILE_COLUMNS = `(registration_id text, candidate_id text, tcid text, exam text, revision text,
  exam_date text, passing_score text, score text, grade text, no_show text, last_name text)`;

/** `COPY` of the results file into `table` (of FILE_COLUMNS). */
function copyFile(client: pg.Client, table: string, file: string): Promise<void> {
  return pipeline(
    fs.createReadStream(file),
    client.query(
      copyFrom(`copy ${table} from stdin with (format csv, delimiter E'\\t', header true)`),
    ),
  );
}

/** The ceiling: COPY of the same file into a bare table of text columns, no checks, no indexes. */
async function plainCopy(url: string, file: string, rows: number): Promise<ImportRow> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create table bare_results ${FILE_COLUMNS}`);
    const watch = watchForeignCpu();
    const start = performance.now();
    await copyFile(client, 'bare_results', file);
    const seconds = (performance.now() - start) / 1000;
    return {
      label: 'plain `COPY` into a bare table',
      rows,
      seconds,
      peakMb: null,
      foreign: watch().share,
    };
  } finally {
    await client.end();
  }
}

/**
 * The floor in a database of its own, migrated and seeded like the other
 * (with BENCH_DATABASE_URL, the same database: the floor rolls back).
 */
async function floorRun(
  ctx: SuiteContext,
  url: string,
  file: string,
  rows: number,
  candidates: number,
): Promise<FloorRow> {
  const database = await benchDatabase();
  const drop = ctx.cleanup.defer('drop the floor database', () => database.drop());
  try {
    const shared = database.url === url;
    if (!shared) {
      const handle = await openDatabase({ databaseUrl: database.url, poolSize: 2 });
      try {
        await migrateToLatest(handle.db);
        await seedProgram(handle, candidates);
      } finally {
        await handle.close();
      }
    }
    return await setBasedFloor(database.url, file, rows, shared);
  } finally {
    await drop();
  }
}

interface FloorRow extends ImportRow {
  steps: { name: string; seconds: number }[];
}

/**
 * The least PostgreSQL does for these rows, with no Node in the way: in one
 * transaction, rolled back, `COPY` into a temporary table; one
 * `INSERT … SELECT` into `results` (its indexes, foreign keys and the
 * idempotency key as they are), resolving candidate IDs and exam codes by
 * join; one `INSERT … SELECT` into `awards` of what the two bench
 * credentials' rules give, written by hand in SQL for this program alone.
 * No checking of the rows, no history, no award events, audit or email: a
 * bound beneath anything that does those, not a way to import. In the
 * import's own database (`shared`), the tables are vacuumed afterwards.
 */
async function setBasedFloor(
  url: string,
  file: string,
  rows: number,
  shared: boolean,
): Promise<FloorRow> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const steps: { name: string; seconds: number }[] = [];
  const step = async (name: string, work: () => Promise<unknown>) => {
    const start = performance.now();
    await work();
    steps.push({ name, seconds: (performance.now() - start) / 1000 });
  };
  try {
    const watch = watchForeignCpu();
    await client.query('begin');
    await client.query(`create temporary table floor_rows ${FILE_COLUMNS} on commit drop`);
    await step('COPY', async () => {
      await copyFile(client, 'floor_rows', file);
      await client.query('analyze floor_rows');
    });
    await step('results', async () => {
      const inserted = await client.query(
        `insert into results (user_id, exam_id, exam_version, score, passed, taken_at, source,
           provider, provider_ref, provider_candidate_id, provider_last_name)
         select u.id, e.id, nullif(r.revision, ''), r.score::int, r.score::int >= r.passing_score::int,
           to_timestamp(r.exam_date, 'YYYY/MM/DD HH24:MI:SS')::timestamp at time zone 'UTC', 'import',
           'floor', r.registration_id, r.candidate_id, r.last_name
         from floor_rows r
         join exams e on e.code = r.exam
         left join users u on u.candidate_number = r.candidate_id
         on conflict (provider, provider_ref) where provider is not null do nothing`,
      );
      if (inserted.rowCount !== rows)
        throw new Error(`the floor inserted ${inserted.rowCount} results, not ${rows}`);
      // Statistics that see the new rows (this transaction's own), as the import refreshes them.
      await client.query('analyze results');
    });
    await step('awards', () =>
      client.query(
        `with passed as (
           select r.user_id, e.code, min(r.taken_at) as at, min(r.id) as id
           from results r join exams e on e.id = r.exam_id
           where r.provider = 'floor' and r.user_id is not null and r.passed
           group by r.user_id, e.code
         ), earned as (
           select user_id, 'BC-ASSOC' as credential, at, jsonb_build_array(jsonb_build_object('type', 'result', 'id', id)) as evidence
           from passed where code = 'BR-101'
           union all
           select user_id, 'BC-PRO', max(at),
             jsonb_agg(jsonb_build_object('type', 'result', 'id', id))
           from passed where code in ('BR-201', 'BR-202', 'BR-301')
           group by user_id having count(*) >= 2
         )
         insert into awards (user_id, credential_id, credential_number, requirement_version,
           awarded_at, expires_at, evidence)
         select x.user_id, c.id, 'F' || x.user_id || '-' || c.id, 1, x.at, x.at + interval '36 months',
           x.evidence
         from earned x join credentials c on c.code = x.credential`,
      ),
    );
    await client.query('rollback');
    const seconds = steps.reduce((sum, s) => sum + s.seconds, 0);
    const foreign = watch().share;
    if (shared) {
      // The import comes next in this database: without the rolled-back rows.
      await client.query('vacuum analyze results');
      await client.query('vacuum analyze awards');
    }
    return {
      label:
        'set-based floor: `COPY`, then `results` and `awards` by `INSERT … SELECT` (no checks, no history)',
      rows,
      seconds,
      peakMb: null,
      foreign,
      steps,
    };
  } finally {
    await client.end();
  }
}

/**
 * `npm run cli -- import-results FILE` in its own process, with the node
 * flags of package.json's `cli` script (its heap limit among them); its
 * peak RSS from /proc (VmHWM).
 */
async function cliImport(
  ctx: SuiteContext,
  url: string,
  file: string,
  rows: number,
): Promise<ImportRow> {
  const watch = watchForeignCpu();
  const start = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`]
        : []),
      ...cliNodeFlags(ctx.root),
      'src/cli.ts',
      'import-results',
      file,
      '--provider',
      'bench',
    ],
    {
      cwd: ctx.root,
      env: {
        ...process.env,
        DATABASE_URL: url,
        LOG_LEVEL: 'warn',
        JOBS: 'off',
        SEED_DEMO: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      if (kb > peakKb) peakKb = kb;
    } catch {
      // Exited, or no /proc.
    }
  }, 100);
  let output = '';
  child.stdout.on('data', (d) => (output += String(d)));
  child.stderr.on('data', (d) => (output += String(d)));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(poll);
  const seconds = (performance.now() - start) / 1000;
  if (code !== 0) throw new Error(`import-results failed (${code}):\n${output.slice(-2000)}`);
  for (const line of output.trim().split('\n')) ctx.log(line);
  return {
    label: 'Laurel `import-results` (check, stage, upsert, re-evaluate)',
    rows,
    seconds,
    peakMb: peakKb > 0 ? Math.round(peakKb / 1024) : null,
    foreign: watch().share,
  };
}

/** The node flags `npm run cli` runs with (`node <flags> src/cli.ts`). */
function cliNodeFlags(root: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const match = /^node (.*) src\/cli\.ts$/.exec(pkg.scripts.cli ?? '');
  if (!match) throw new Error('package.json: the cli script is not `node <flags> src/cli.ts`');
  return match[1]!.split(/\s+/);
}

/** POST /api/v1/results, batches of 1,000 new results for known candidates, one after another. */
async function apiRun(
  ctx: SuiteContext,
  handle: DatabaseHandle,
  url: string,
  batches: number,
  candidates: number,
): Promise<{ results: number; seconds: number; foreign: number }> {
  const { key } = await createApiKey(handle.db, null, {
    name: 'bench',
    scopes: ['results'],
    provider: 'bench-api',
  });
  const laurel = await startLaurel(ctx.root, { kind: 'postgres', url }, { SEED_DEMO: 'false' });
  const stop = ctx.cleanup.defer('stop laurel', () => laurel.stop());
  try {
    const send = async (batch: number) => {
      const results = Array.from({ length: 1000 }, (_, i) => {
        const n = batch * 1000 + i;
        return {
          registrationId: `API-${n}`,
          candidateId: candidateId(n % candidates),
          examCode: EXAMS[n % EXAMS.length],
          takenAt: '2026-06-01T10:00:00Z',
          score: 600 + (n % 300),
        };
      });
      const res = await fetch(`${laurel.origin}/api/v1/results`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ results }),
      });
      if (res.status !== 200)
        throw new Error(`POST /api/v1/results: ${res.status} ${await res.text()}`);
    };
    await send(batches); // warm-up, not counted
    const watch = watchForeignCpu();
    const start = performance.now();
    for (let b = 0; b < batches; b++) await send(b);
    const seconds = (performance.now() - start) / 1000;
    return { results: batches * 1000, seconds, foreign: watch().share };
  } finally {
    await stop();
  }
}

function report(
  ctx: SuiteContext,
  rows: number,
  imports: ImportRow[],
  api: { results: number; seconds: number; foreign: number },
  overall: ForeignCpu,
) {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)} %` : '?');
  const copy = imports[0]!;
  const floor = imports[1]! as FloorRow;
  const laurel = imports[2]!;
  const table: Table = {
    header: [
      'what',
      'rows',
      'seconds',
      'rows/s',
      'of COPY',
      'peak memory',
      'other work on the machine',
    ],
    rows: imports.map((r) => [
      r.label,
      fmt(r.rows),
      r.seconds.toFixed(2),
      fmt(r.rows / r.seconds),
      `${((copy.seconds / r.seconds) * 100).toFixed(1)} %`,
      r.peakMb === null ? '—' : `${r.peakMb} MB`,
      pct(r.foreign),
    ]),
    alignRight: [1, 2, 3, 4, 5],
  };
  const apiTable: Table = {
    header: ['what', 'results', 'seconds', 'results/s', 'other work on the machine'],
    rows: [
      [
        '`POST /api/v1/results`, batches of 1,000, one at a time',
        fmt(api.results),
        api.seconds.toFixed(2),
        fmt(api.results / api.seconds),
        pct(api.foreign),
      ],
    ],
    alignRight: [1, 2, 3],
  };
  const rate = rows / laurel.seconds;
  const verdict = [
    `Import: ${fmt(rate)} rows/s (aim ${fmt(AIM_ROWS_PER_SECOND)}): ${rate >= AIM_ROWS_PER_SECOND ? 'met' : 'not met'}; ` +
      `peak memory ${laurel.peakMb ?? '?'} MB (aim under ${AIM_PEAK_MB} MB): ${laurel.peakMb !== null && laurel.peakMb < AIM_PEAK_MB ? 'met' : 'not met'}.`,
    `Laurel takes ${(laurel.seconds / copy.seconds).toFixed(1)} times as long as the plain COPY.`,
    `The set-based floor (${floor.steps.map((s) => `${s.name} ${s.seconds.toFixed(2)} s`).join(', ')}) ` +
      `reaches ${fmt(rows / floor.seconds)} rows/s: ` +
      (rows / floor.seconds < AIM_ROWS_PER_SECOND
        ? 'below the aim, before any checking, history, event or email.'
        : 'above the aim.') +
      ` Laurel reaches ${((floor.seconds / laurel.seconds) * 100).toFixed(0)} % of it.`,
  ];
  const m = ctx.machine;
  const machine =
    `${m.date}, commit ${m.commit}, Node ${m.node}, ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ` +
    `load ${m.loadAverage} at the start. Other processes used ${pct(overall.share)} of the machine during the run` +
    `${overall.share > 0.05 ? ': the figures are skewed by that work' : ''}.`;
  const full = rows >= 1_000_000;
  const markdown = [
    '## Results',
    '',
    `A generated provider results file of ${fmt(rows)} rows (${PER_CANDIDATE} per candidate, ` +
      `${UNKNOWN_SHARE * 100} % for unknown candidate IDs, two credentials to award) imported on PostgreSQL ` +
      'by `npm run cli -- import-results` in a process of its own (peak memory is its VmHWM), beside a plain ' +
      '`COPY` of the same file into a bare table of text columns. Then `POST /api/v1/results` over HTTP.' +
      (full
        ? ''
        : ` **Reduced size** (BENCH_RESULTS_ROWS=${rows}): not the 1,000,000-row run the aims are about.`),
    '',
    markdownTable(table),
    '',
    markdownTable(apiTable),
    '',
    ...verdict.map((v) => `- ${v}`),
    '',
    `Machine: ${machine}`,
  ].join('\n');
  const text = [textTable(table), '', textTable(apiTable), '', ...verdict, '', machine].join('\n');
  return { text, markdown };
}
