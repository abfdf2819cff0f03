import autocannon, { type RequestSpec, type Result } from 'autocannon';

/** One HTTP load measurement: a warm-up, then the measured run, both with autocannon. */
export interface LoadSpec {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /**
   * A request sequence instead of one fixed request: e.g. one whose
   * `setupRequest` picks another URL and session cookie for every request.
   */
  requests?: RequestSpec[];
  /** A request not answered within this many seconds counts as a timeout (an error); default 10. */
  timeoutSeconds?: number;
  /** Counters read just before and just after the measured run (e.g. CPU seconds of a process). */
  observe?: Record<string, () => number>;
}

export interface LoadResult {
  /** Mean of the per-second request counts during the measured run. */
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  totalRequests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** How much each observed counter grew during the measured run. */
  observed: Record<string, number>;
}

export class LoadError extends Error {
  override name = 'LoadError';
}

/**
 * Runs the warm-up and the measurement; throws a LoadError when any response
 * of either was not 2xx or any request failed, because a figure that
 * includes error pages measures the wrong thing.
 */
export async function measure(spec: LoadSpec): Promise<LoadResult> {
  const base = {
    url: spec.url,
    headers: spec.headers ?? {},
    connections: spec.connections,
    timeout: spec.timeoutSeconds ?? 10,
  };
  // autocannon keeps its state (built request buffers) on the request objects: fresh ones per run.
  const fresh = () => (spec.requests ? { requests: spec.requests.map((r) => ({ ...r })) } : {});
  if (spec.warmupSeconds > 0) {
    const warm = await autocannon({ ...base, ...fresh(), duration: spec.warmupSeconds });
    check('warm-up', spec.url, warm);
  }
  const observers = Object.entries(spec.observe ?? {});
  const before = observers.map(([, read]) => read());
  const result = await autocannon({ ...base, ...fresh(), duration: spec.durationSeconds });
  const observed = Object.fromEntries(
    observers.map(([name, read], i) => [name, read() - before[i]!]),
  );
  check('measurement', spec.url, result);
  return {
    requestsPerSecond: result.requests.mean,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMeanMs: result.latency.mean,
    totalRequests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
    ),
    observed,
  };
}

function check(phase: string, url: string, result: Result): void {
  const codes = Object.entries(result.statusCodeStats)
    .map(([code, { count }]) => `${code}×${count}`)
    .join(', ');
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new LoadError(
      `${url} (${phase}): ${result.non2xx} non-2xx responses, ${result.errors} errors, ` +
        `${result.timeouts} timeouts (status codes: ${codes || 'none'})`,
    );
  }
  // A slow target may finish nothing during a short warm-up; the measurement must.
  if (result.requests.total === 0 && phase !== 'warm-up') {
    throw new LoadError(`${url} (${phase}): no request completed`);
  }
}
