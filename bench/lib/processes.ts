import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * Child processes for benchmarks: each server runs in its own process group
 * (detached) so that stopping it also stops anything it started, and every
 * live group is killed when the bench process exits, however it exits.
 */

const liveGroups = new Set<number>();

process.on('exit', () => {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** A port the OS says is free right now. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}

export interface ServerSpec {
  /** A short name for messages ("laurel (embedded)"). */
  name: string;
  /** Arguments to `node` (the same Node binary that runs the bench). */
  nodeArgs: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  host: string;
  port: number;
  /** Path that answers 200 once the server is ready. */
  readyPath: string;
  /** Give up waiting for readiness after this long. */
  readyTimeoutMs?: number;
}

export interface RunningServer {
  readonly name: string;
  readonly pid: number;
  readonly origin: string;
  /** Milliseconds from spawn to the first 200 from `readyPath`. */
  readonly readyMs: number;
  /** The last lines the server wrote (for error messages). */
  output(): string;
  /** SIGTERM to the group, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_LIMIT = 20_000;

/**
 * A server of `bench/fixtures/` (run with tsx) on a free local port, ready;
 * `env` is added to this process's.
 */
export async function startFixture(
  root: string,
  name: string,
  file: string,
  env: NodeJS.ProcessEnv = {},
): Promise<RunningServer> {
  const port = await freePort();
  return startServer({
    name,
    nodeArgs: ['--import', 'tsx', `bench/fixtures/${file}`],
    cwd: root,
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) },
    host: '127.0.0.1',
    port,
    readyPath: '/',
  });
}

/** Spawns a server and waits until `readyPath` answers 200; kills it if it never does. */
export async function startServer(spec: ServerSpec): Promise<RunningServer> {
  const origin = `http://${spec.host}:${spec.port}`;
  let output = '';
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, spec.nodeArgs, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${spec.name}: could not spawn node`);
  liveGroups.add(pid);

  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);

  let exitInfo: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = signal ? `signal ${signal}` : `code ${code}`;
      liveGroups.delete(pid);
      resolve();
    });
  });

  const stop = async (graceMs = 10_000): Promise<void> => {
    if (exitInfo !== undefined) return;
    killGroup(pid, 'SIGTERM');
    const timer = new Promise<'timeout'>((resolve) => {
      const t = setTimeout(() => resolve('timeout'), graceMs);
      t.unref();
    });
    if ((await Promise.race([exited, timer])) === 'timeout') {
      killGroup(pid, 'SIGKILL');
      await exited;
    }
    // Whatever the leader's children did, make sure none of the group survives.
    killGroup(pid, 'SIGKILL');
  };

  try {
    const deadline = started + (spec.readyTimeoutMs ?? 60_000);
    for (;;) {
      if (exitInfo !== undefined) {
        throw new Error(`${spec.name} exited (${exitInfo}) before it was ready:\n${output}`);
      }
      if (performance.now() > deadline) {
        throw new Error(
          `${spec.name} was not ready within ${spec.readyTimeoutMs ?? 60_000} ms:\n${output}`,
        );
      }
      if (await answers200(`${origin}${spec.readyPath}`)) break;
      await sleep(20);
    }
  } catch (error) {
    await stop(2_000);
    throw error;
  }
  const readyMs = performance.now() - started;

  return { name: spec.name, pid, origin, readyMs, output: () => output, stop };
}

async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
