/**
 * `npm run bench [-- <suite>...] [--list] [--no-write]`
 *
 * Runs benchmark suites (every file in bench/suites/, or the ones named),
 * prints their tables and replaces each suite's own section of BENCHMARKS.md.
 * Not part of the tests. Everything a suite starts (servers, databases,
 * temporary directories) is cleaned up when it ends, fails or is interrupted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Cleanup } from './lib/cleanup.ts';
import { machineFacts } from './lib/machine.ts';
import { writeSection } from './lib/markdown.ts';
import { loadSettings, type Suite } from './lib/suite.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const suitesDir = path.join(root, 'bench', 'suites');
const reportFile = path.join(root, 'BENCHMARKS.md');

async function discoverSuites(): Promise<Suite[]> {
  const files = fs
    .readdirSync(suitesDir)
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
  const suites: Suite[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(suitesDir, file)).href)) as {
      default?: Suite;
    };
    const suite = module.default;
    if (!suite || typeof suite.run !== 'function' || !suite.name) {
      throw new Error(`bench/suites/${file} has no default export that is a Suite`);
    }
    suites.push(suite);
  }
  return suites;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith('-')));
  const names = args.filter((a) => !a.startsWith('-'));
  const known = new Set(['--list', '--no-write', '--help', '-h']);
  const unknownFlag = [...flags].find((f) => !known.has(f));
  const suites = await discoverSuites();

  if (flags.has('--help') || flags.has('-h') || unknownFlag) {
    if (unknownFlag) console.error(`Unknown option ${unknownFlag}\n`);
    console.log('Usage: npm run bench [-- <suite>...] [--list] [--no-write]\n');
    console.log('  --list      list the suites and exit');
    console.log('  --no-write  print the results but leave BENCHMARKS.md alone\n');
    console.log('Environment: BENCH_DURATION (s, default 8), BENCH_WARMUP (s, default 2),');
    console.log('BENCH_CONNECTIONS (default 32); BENCH_CPU_PROF=<dir> writes CPU profiles of the');
    console.log(
      'servers under test there (and implies --no-write); suites document their own variables.',
    );
    return unknownFlag ? 2 : 0;
  }
  if (flags.has('--list')) {
    for (const s of suites) console.log(`${s.name.padEnd(14)} ${s.description}`);
    return 0;
  }
  const unknown = names.filter((n) => !suites.some((s) => s.name === n));
  if (unknown.length > 0) {
    console.error(
      `Unknown suite ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`,
    );
    return 2;
  }
  const selected = names.length > 0 ? suites.filter((s) => names.includes(s.name)) : suites;

  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: cleaning up...`);
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const machine = machineFacts(root);
  const load = loadSettings();
  console.log(
    `Node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}), load average ${machine.loadAverage}; ` +
      `${load.connections} connections, ${load.warmupSeconds} s warm-up + ${load.durationSeconds} s per target`,
  );

  let failed = false;
  for (const suite of selected) {
    const started = performance.now();
    const elapsed = () => ((performance.now() - started) / 1000).toFixed(0).padStart(3);
    console.log(`\n== ${suite.name}: ${suite.description}`);
    try {
      const report = await suite.run({
        root,
        load,
        machine,
        cleanup,
        log: (message) => console.log(`[${suite.name} ${elapsed()} s] ${message}`),
      });
      await cleanup.runAll();
      console.log(`\n${report.text}\n\n${suite.name} took ${elapsed()} s`);
      // Profiled figures are not representative: they never go into the report.
      if (!flags.has('--no-write') && !process.env.BENCH_CPU_PROF) {
        await writeSection(reportFile, suite.name, report.markdown);
        console.log(
          `updated the "${suite.name}" section of ${path.relative(process.cwd(), reportFile)}`,
        );
      }
    } catch (error) {
      failed = true;
      console.error(
        `\n${suite.name} FAILED after ${elapsed()} s: ${(error as Error).stack ?? error}`,
      );
      await cleanup.runAll();
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
