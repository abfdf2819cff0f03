import type { Cleanup } from './cleanup.ts';
import type { MachineFacts } from './machine.ts';

/** How hard and how long load measurements run; from BENCH_* environment variables. */
export interface LoadSettings {
  /** Seconds measured per target (BENCH_DURATION, default 8). */
  readonly durationSeconds: number;
  /** Seconds of unmeasured load before each measurement (BENCH_WARMUP, default 2). */
  readonly warmupSeconds: number;
  /** Concurrent connections (BENCH_CONNECTIONS, default 32). */
  readonly connections: number;
}

export interface SuiteContext {
  /** The repository root; servers run from here. */
  readonly root: string;
  readonly load: LoadSettings;
  readonly machine: MachineFacts;
  /** Everything a suite starts or creates is registered here and undone when it ends. */
  readonly cleanup: Cleanup;
  log(message: string): void;
}

export interface SuiteReport {
  /** What the terminal shows at the end of the run. */
  readonly text: string;
  /** The suite's section of BENCHMARKS.md (between its markers). */
  readonly markdown: string;
}

/**
 * A benchmark suite: a file in bench/suites/ whose default export is a Suite.
 * `npm run bench -- <name>` runs one; without names, all of them run.
 */
export interface Suite {
  readonly name: string;
  readonly description: string;
  run(ctx: SuiteContext): Promise<SuiteReport>;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): LoadSettings {
  return {
    durationSeconds: positiveNumber(env, 'BENCH_DURATION', 8),
    warmupSeconds: positiveNumber(env, 'BENCH_WARMUP', 2, true),
    connections: Math.round(positiveNumber(env, 'BENCH_CONNECTIONS', 32)),
  };
}

function positiveNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  zeroAllowed = false,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed)) {
    throw new Error(
      `${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number, not "${raw}"`,
    );
  }
  return value;
}
