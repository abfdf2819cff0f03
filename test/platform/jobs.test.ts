import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { JobRunner, dailyAt, enqueueJob, every } from '../../src/platform/jobs/runner.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { secondHandle, unique } from '../helpers/accounts.ts';

let t: TestApp;

// One app for the whole file; closed in this suite's own after hook.
describe('jobs', () => {
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  function runner(db = t.db): JobRunner {
    return new JobRunner(db, t.app.log);
  }

  async function job(id: number) {
    return t.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  async function makeDue(id: number): Promise<void> {
    await t.db
      .updateTable('jobs')
      .set({ run_at: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute();
  }

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  describe('the job runner', () => {
    test('runs a due job once and marks it succeeded, with its payload', async () => {
      const name = unique('job.ok');
      const seen: unknown[] = [];
      const r = runner();
      r.register(name, async (payload) => void seen.push(payload));
      const id = (await enqueueJob(t.db, name, { hello: 'world', n: 3 }))!;
      assert.equal(await r.drain(), 1);
      assert.deepEqual(seen, [{ hello: 'world', n: 3 }]);
      const row = await job(id);
      assert.equal(row.status, 'succeeded');
      assert.equal(row.attempts, 1);
      assert.ok(row.finished_at instanceof Date);
      assert.equal(await r.drain(), 0, 'nothing left to run');
    });

    test('a failing job is retried with a growing wait, then marked failed after max_attempts', async () => {
      const name = unique('job.fail');
      let calls = 0;
      const r = runner();
      r.register(name, async () => {
        calls++;
        throw new Error(`boom ${calls}`);
      });
      const id = (await enqueueJob(t.db, name, {}, { maxAttempts: 3 }))!;

      const start1 = Date.now();
      await r.runOnce();
      let row = await job(id);
      assert.equal(row.status, 'queued');
      assert.equal(row.attempts, 1);
      assert.equal(row.last_error, 'boom 1');
      assert.equal(row.locked_until, null);
      const wait1 = row.run_at.getTime() - start1;
      assert.ok(wait1 >= 5_000, `first retry after ${wait1} ms`);

      assert.equal(await r.runOnce(), 0, 'not retried before its time');
      assert.equal(calls, 1);

      await makeDue(id);
      const start2 = Date.now();
      await r.runOnce();
      row = await job(id);
      assert.equal(row.status, 'queued');
      assert.equal(row.attempts, 2);
      const wait2 = row.run_at.getTime() - start2;
      assert.ok(wait2 > wait1, `the wait grows: ${wait1} then ${wait2} ms`);

      await makeDue(id);
      await r.runOnce();
      row = await job(id);
      assert.equal(row.status, 'failed');
      assert.equal(row.attempts, 3);
      assert.equal(row.last_error, 'boom 3');
      assert.ok(row.finished_at instanceof Date);

      await makeDue(id);
      assert.equal(await r.drain(), 0, 'a failed job is not run again');
      assert.equal(calls, 3);
    });

    test('two runners on one database never run one job twice, nor at the same time', async () => {
      const other = await secondHandle(t);
      try {
        const name = unique('job.race');
        const runs = new Map<number, number>();
        let running = 0;
        let overlap = false;
        const handler = async (_payload: unknown, ctx: { jobId: number }) => {
          if (runs.has(ctx.jobId)) overlap = true;
          runs.set(ctx.jobId, (runs.get(ctx.jobId) ?? 0) + 1);
          running++;
          await pause(5);
          running--;
        };
        const a = runner();
        const b = runner(other.db);
        a.register(name, handler);
        b.register(name, handler);
        const ids: number[] = [];
        for (let i = 0; i < 25; i++) ids.push((await enqueueJob(t.db, name, { i }))!);

        const [ranA, ranB] = await Promise.all([a.drain(), b.drain()]);
        assert.equal(ranA + ranB, 25);
        assert.equal(overlap, false, 'a job was started while it was already claimed');
        assert.equal(running, 0);
        for (const id of ids)
          assert.equal(runs.get(id), 1, `job ${id} ran ${runs.get(id) ?? 0} times`);
        const rows = await t.db
          .selectFrom('jobs')
          .select(['status', 'attempts'])
          .where('id', 'in', ids)
          .execute();
        assert.ok(rows.every((r) => r.status === 'succeeded' && r.attempts === 1));
      } finally {
        await other.close();
      }
    });

    test('a job held by a runner that died is taken over when its lease runs out, not before', async () => {
      const name = unique('job.lease');
      let calls = 0;
      const r = runner();
      r.register(name, async () => void calls++);
      const id = (await enqueueJob(t.db, name, {}))!;
      await t.db
        .updateTable('jobs')
        .set({
          status: 'running',
          attempts: 1,
          locked_by: 'dead-node',
          locked_until: new Date(Date.now() + 60_000),
        })
        .where('id', '=', id)
        .execute();
      assert.equal(await r.drain(), 0);
      await t.db
        .updateTable('jobs')
        .set({ locked_until: new Date(Date.now() - 1000) })
        .where('id', '=', id)
        .execute();
      assert.equal(await r.drain(), 1);
      assert.equal(calls, 1);
      const row = await job(id);
      assert.equal(row.status, 'succeeded');
      assert.equal(row.attempts, 2);
    });

    test('a dedupe key keeps one queued job of that key; a later one may follow once it is done', async () => {
      const name = unique('job.dedupe');
      const key = unique('key');
      const first = await enqueueJob(t.db, name, { n: 1 }, { dedupeKey: key });
      const second = await enqueueJob(t.db, name, { n: 2 }, { dedupeKey: key });
      assert.ok(first);
      assert.equal(second, undefined);
      const r = runner();
      r.register(name, async () => {});
      await r.drain();
      const third = await enqueueJob(t.db, name, { n: 3 }, { dedupeKey: key });
      assert.ok(third && third !== first);
    });

    test('a job scheduled for later waits; jobs without a handler here are left for another node', async () => {
      const name = unique('job.later');
      const r = runner();
      let calls = 0;
      r.register(name, async () => void calls++);
      const id = (await enqueueJob(t.db, name, {}, { runAt: new Date(Date.now() + 3_600_000) }))!;
      const foreign = (await enqueueJob(t.db, unique('job.foreign'), {}))!;
      assert.equal(await r.drain(), 0);
      await makeDue(id);
      assert.equal(await r.drain(), 1);
      assert.equal(calls, 1);
      assert.equal((await job(foreign)).status, 'queued');
    });

    test('a recurring task runs once per period across runners', async () => {
      const other = await secondHandle(t);
      try {
        const name = unique('task');
        let runs = 0;
        const task = { name, next: every(3_600_000), run: async () => void runs++ };
        const a = runner();
        const b = runner(other.db);
        a.schedule(task);
        b.schedule(task);
        await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
        assert.equal(runs, 1);
        const row = await t.db
          .selectFrom('schedules')
          .select('next_run_at')
          .where('name', '=', name)
          .executeTakeFirstOrThrow();
        assert.ok(row.next_run_at.getTime() > Date.now() + 3_500_000);

        await t.db
          .updateTable('schedules')
          .set({ next_run_at: new Date(Date.now() - 1000) })
          .where('name', '=', name)
          .execute();
        await Promise.all([a.runOnce(), b.runOnce()]);
        assert.equal(runs, 2);
      } finally {
        await other.close();
      }
    });

    test('a failing recurring task does not stop the round', async () => {
      const name = unique('job.after-task');
      let ran = false;
      const r = runner();
      r.schedule({
        name: unique('task.fail'),
        next: every(60_000),
        run: async () => {
          throw new Error('task broke');
        },
      });
      r.register(name, async () => void (ran = true));
      await enqueueJob(t.db, name, {});
      await r.runOnce();
      assert.equal(ran, true);
    });

    test('schedule helpers give the next time after the given one', () => {
      const from = new Date(Date.UTC(2026, 0, 5, 10, 0));
      assert.equal(every(90_000)(from).toISOString(), '2026-01-05T10:01:30.000Z');
      assert.equal(dailyAt(3, 30)(from).toISOString(), '2026-01-06T03:30:00.000Z');
      assert.equal(dailyAt(12)(from).toISOString(), '2026-01-05T12:00:00.000Z');
      assert.equal(dailyAt(10)(from).toISOString(), '2026-01-06T10:00:00.000Z');
    });
  });
});
