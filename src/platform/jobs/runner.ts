import crypto from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import type { DB } from '../db/schema.ts';

export interface JobContext {
  readonly db: Database;
  readonly log: FastifyBaseLogger;
  readonly jobId: number;
  /** Records how far the job is, for progress pages. */
  setProgress(done: number, total: number, note?: string): Promise<void>;
}

export type JobHandler = (payload: any, ctx: JobContext) => Promise<void>;

export interface RecurringTask {
  readonly name: string;
  /** When the task is due next, given when it last ran (or now, the first time). */
  readonly next: (from: Date) => Date;
  readonly run: (ctx: { db: Database; log: FastifyBaseLogger }) => Promise<void>;
}

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Adds a job in the caller's transaction. A `dedupeKey` keeps one queued or
 * running job of that key at a time (a second enqueue is a no-op).
 */
export async function enqueueJob(
  db: Executor,
  name: string,
  payload: unknown,
  options: { runAt?: Date; dedupeKey?: string; maxAttempts?: number } = {},
): Promise<number | undefined> {
  const row = await db
    .insertInto('jobs')
    .values({
      name,
      payload: JSON.stringify(payload ?? {}),
      dedupe_key: options.dedupeKey ?? null,
      ...(options.runAt ? { run_at: options.runAt } : {}),
      ...(options.maxAttempts ? { max_attempts: options.maxAttempts } : {}),
    })
    // The partial unique index's own predicate, as literals: a prepared statement's generic
    // plan cannot match a parameter to the index (database.ts prepares every query).
    .onConflict((oc) =>
      oc
        .column('dedupe_key')
        .where(sql<boolean>`status in ('queued', 'running')`)
        .doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** How long a claimed job is ours; a node that dies lets it go when the lease runs out. */
const LEASE_SECONDS = 300;

/**
 * The job runner: durable jobs in the database, claimed with SKIP LOCKED so
 * that any number of app nodes can run it; retries with exponential backoff;
 * recurring tasks claimed by moving their next run time atomically, so each
 * runs once per period across the whole cluster.
 */
export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly tasks = new Map<string, RecurringTask>();
  private readonly workerId = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly log: FastifyBaseLogger,
    private readonly tick: () => Promise<void> = async () => {},
  ) {}

  register(name: string, handler: JobHandler): void {
    this.handlers.set(name, handler);
  }

  schedule(task: RecurringTask): void {
    this.tasks.set(task.name, task);
  }

  /** Starts polling; `intervalMs` is the idle pause between rounds. */
  start(intervalMs = 1000): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.log.error({ err: error }, 'job runner round failed'));
      await this.running;
      if (!this.stopped) this.timer = setTimeout(loop, intervalMs);
    };
    this.timer = setTimeout(loop, 50);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One round: mail and other ticks, due recurring tasks, then due jobs. Returns jobs run. */
  async runOnce(maxJobs = 20): Promise<number> {
    await this.tick();
    await this.runDueTasks();
    let ran = 0;
    while (ran < maxJobs && !this.stopped) {
      const job = await this.claim();
      if (!job) break;
      await this.execute(job);
      ran++;
    }
    return ran;
  }

  /** Runs jobs until none is due (tests and the CLI use it). */
  async drain(limit = 1000): Promise<number> {
    let total = 0;
    for (;;) {
      const ran = await this.runOnce();
      total += ran;
      if (ran === 0 || total >= limit) return total;
    }
  }

  private async runDueTasks(): Promise<void> {
    for (const task of this.tasks.values()) {
      const now = new Date();
      await this.db
        .insertInto('schedules')
        .values({ name: task.name, next_run_at: now })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const claimed = await this.db
        .updateTable('schedules')
        .set({ next_run_at: task.next(now) })
        .where('name', '=', task.name)
        .where('next_run_at', '<=', now)
        .returning('name')
        .executeTakeFirst();
      if (!claimed) continue;
      try {
        await task.run({ db: this.db, log: this.log });
      } catch (error) {
        this.log.error({ err: error, task: task.name }, 'recurring task failed');
      }
    }
  }

  private async claim(): Promise<
    | { id: number; name: string; payload: unknown; attempts: number; max_attempts: number }
    | undefined
  > {
    const names = [...this.handlers.keys()];
    if (names.length === 0) return undefined;
    const { rows } = await sql<{
      id: number;
      name: string;
      payload: unknown;
      attempts: number;
      max_attempts: number;
    }>`
      update jobs set status = 'running', attempts = attempts + 1, locked_by = ${this.workerId},
        locked_until = now() + ${`${LEASE_SECONDS} seconds`}::interval
      where id = (
        select id from jobs
        where name in (${sql.join(names)})
          and ((status = 'queued' and run_at <= now()) or (status = 'running' and locked_until < now()))
        order by run_at, id
        limit 1
        for update skip locked
      )
      returning id, name, payload, attempts, max_attempts`.execute(this.db);
    return rows[0];
  }

  private async execute(job: {
    id: number;
    name: string;
    payload: unknown;
    attempts: number;
    max_attempts: number;
  }): Promise<void> {
    const handler = this.handlers.get(job.name);
    if (!handler) return;
    const ctx: JobContext = {
      db: this.db,
      log: this.log.child({ job: job.name, jobId: job.id }),
      jobId: job.id,
      setProgress: async (done, total, note) => {
        await this.db
          .updateTable('jobs')
          .set({
            progress: JSON.stringify({ done, total, note: note ?? null }),
            locked_until: new Date(Date.now() + LEASE_SECONDS * 1000),
          })
          .where('id', '=', job.id)
          .execute();
      },
    };
    try {
      await handler(job.payload, ctx);
      await this.db
        .updateTable('jobs')
        .set({ status: 'succeeded', finished_at: new Date(), locked_until: null, last_error: null })
        .where('id', '=', job.id)
        .execute();
    } catch (error) {
      const giveUp = job.attempts >= job.max_attempts;
      const backoffSeconds = Math.min(3600, 10 * 2 ** (job.attempts - 1));
      ctx.log.warn({ err: error, attempt: job.attempts, giveUp }, 'job failed');
      await this.db
        .updateTable('jobs')
        .set({
          status: giveUp ? 'failed' : 'queued',
          run_at: new Date(Date.now() + backoffSeconds * 1000),
          locked_until: null,
          finished_at: giveUp ? new Date() : null,
          last_error: String((error as Error).message ?? error).slice(0, 1000),
        })
        .where('id', '=', job.id)
        .execute();
    }
  }
}

/** Next occurrence of a fixed UTC time of day after `from`. */
export function dailyAt(hourUtc: number, minuteUtc = 0): (from: Date) => Date {
  return (from) => {
    const next = new Date(
      Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), hourUtc, minuteUtc),
    );
    if (next <= from) next.setUTCDate(next.getUTCDate() + 1);
    return next;
  };
}

export function every(ms: number): (from: Date) => Date {
  return (from) => new Date(from.getTime() + ms);
}
