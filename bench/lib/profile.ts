import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';

/**
 * V8 CPU profiles of work done in the bench process itself (e.g. the
 * awarding engine called directly), for BENCH_CPU_PROF=<dir>: the same
 * `.cpuprofile` format as `node --cpu-prof`, readable by Chrome DevTools,
 * plus a short text summary of where the time went.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Runs `work` under the V8 profiler when `dir` is set; writes `<dir>/<name>.cpuprofile`. */
export async function profiled<T>(
  dir: string | undefined,
  name: string,
  work: () => Promise<T>,
  log: (message: string) => void = () => {},
): Promise<T> {
  if (!dir) return work();
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: Profile };
    session.disconnect();
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(path.resolve(dir), `${name}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    log(`CPU profile: ${file}\n${summarizeProfile(profile)}`);
  }
}

/** The functions with the most self time and the most inclusive time, as text. */
export function summarizeProfile(profile: Profile, top = 15): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const time = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    time.set(id, (time.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const total = [...time.values()].reduce((a, b) => a + b, 0) || 1;
  const label = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*?\/(src|node_modules|bench)\//, '$1/')}`;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, t] of time) {
    const node = byId.get(id)!;
    self.set(label(node), (self.get(label(node)) ?? 0) + t);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + t);
    }
  }
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([l, t]) => `  ${((t / total) * 100).toFixed(1).padStart(5)} %  ${l}`)
      .join('\n');
  return `self time:\n${list(self)}\ninclusive time:\n${list(inclusive)}`;
}
