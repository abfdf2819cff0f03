import fs from 'node:fs';
import os from 'node:os';

/**
 * CPU time consumed by processes, from /proc (Linux only; elsewhere the
 * readers return NaN and reports show "n/a"). Read before and after a
 * measurement, the difference divided by the requests served is the CPU
 * cost of one request in that process.
 */

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux build that matters

/** User + system CPU seconds of one process (all its threads), with its reaped children's if asked. */
export function processCpuSeconds(pid: number, withChildren = false): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const children = withChildren ? Number(fields[13]) + Number(fields[14]) : 0;
    return (Number(fields[11]) + Number(fields[12]) + children) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/**
 * User + system CPU seconds of every process named `postgres` on this machine
 * (the local server's postmaster, backends and workers), and of the backends
 * that have exited since the server started (the postmaster reaps them, so
 * their time is in its children's time). Meaningful only when the database
 * under test is on this machine and nothing else uses it.
 */
export function localPostgresCpuSeconds(): number {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return NaN;
  }
  let total = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    const seconds = processCpuSeconds(Number(entry), true);
    if (Number.isFinite(seconds)) total += seconds;
  }
  return total;
}

/** Busy CPU seconds of the whole machine since boot (all CPUs; /proc/stat), or NaN. */
export function machineBusyCpuSeconds(): number {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** CPU seconds of this process plus its children that have exited (and been reaped). */
export function selfAndChildrenCpuSeconds(): number {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    return (utime! + stime! + cutime! + cstime!) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/**
 * Measures how much CPU *other* work on the machine took from now until the
 * returned function is called: the machine's busy time minus this process,
 * its reaped children, the local PostgreSQL server and whatever `alsoOurs`
 * reads (a child that is still running). Approximate, but it tells a quiet
 * machine from a busy one.
 */
export function watchForeignCpu(): (alsoOurs?: () => number) => ForeignCpu {
  const ours = () => selfAndChildrenCpuSeconds() + localPostgresCpuSeconds();
  const start = { machine: machineBusyCpuSeconds(), ours: ours(), at: performance.now() };
  return (alsoOurs) => {
    const used = ours() - start.ours + (alsoOurs ? alsoOurs() : 0);
    const wallSeconds = (performance.now() - start.at) / 1000;
    const foreignSeconds = Math.max(0, machineBusyCpuSeconds() - start.machine - used);
    return { foreignSeconds, wallSeconds, share: foreignSeconds / (wallSeconds * cpuCount()) };
  };
}

export interface ForeignCpu {
  foreignSeconds: number;
  wallSeconds: number;
  /** Of the machine's whole capacity (all CPUs), 0..1; NaN without /proc. */
  share: number;
}

function cpuCount(): number {
  return os.availableParallelism();
}
