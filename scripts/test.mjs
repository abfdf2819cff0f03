#!/usr/bin/env node
// Runs the test suite: `npm test [-- <file filter>... ] [-- --test-name-pattern=x]`.
//
// Migrates a template database once per run, then runs every test file with
// node:test; each test clones the template (test/helpers/app.ts). Embedded
// PGlite by default; PostgreSQL when TEST_DATABASE_URL names a server that
// this run may create and drop databases on. Plain JavaScript on purpose: it
// runs before anything TypeScript is loaded.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TEST_FILE = /\.test\.tsx?$/;
const SKIP_DIRS = new Set(['node_modules', '.git', '.tmp', 'data']);

const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('-'));
const nodeTestFlags = args.filter((a) => a.startsWith('-'));

const files = ['test', 'src']
  .flatMap((dir) => findTests(path.join(root, dir)))
  .map((file) => path.relative(root, file))
  .sort()
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));

if (files.length === 0) {
  console.error(
    filters.length > 0
      ? `No test file matches ${filters.join(', ')}.`
      : 'No *.test.ts files under test/ or src/.',
  );
  process.exit(1);
}

const serverUrl = process.env.TEST_DATABASE_URL || undefined;
const runId = `${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
const env = { ...process.env, LAUREL_TEST_RUN_ID: runId };
for (const key of [
  'LAUREL_TEST_PG_TEMPLATE',
  'LAUREL_TEST_PG_SERVER',
  'LAUREL_TEST_PGLITE_TEMPLATE',
]) {
  delete env[key];
}

let child;
let interrupted = false;
const cleanups = [];

function onSignal(signal) {
  if (interrupted) return;
  interrupted = signal;
  console.error(`\n${signal}: stopping the tests and cleaning up...`);
  // Ctrl-C reaches the whole process group; a signal sent to this process alone must be passed on.
  child?.kill(signal);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

let exitCode = 1;
try {
  const count = `${files.length} test file${files.length === 1 ? '' : 's'}`;
  if (serverUrl) {
    const template = `laurel_tpl_${runId}`;
    console.log(
      `Laurel tests: ${count} on PostgreSQL at ${redact(serverUrl)} (template database ${template})`,
    );
    cleanups.push(() => dropDatabases(serverUrl, template, `laurel_t_${runId}_`));
    await adminQuery(serverUrl, `create database ${ident(template)}`);
    await run([
      '--import',
      'tsx',
      'test/helpers/prepare-template.ts',
      'postgres',
      databaseUrl(serverUrl, template),
    ]);
    env.LAUREL_TEST_PG_TEMPLATE = template;
    env.LAUREL_TEST_PG_SERVER = serverUrl;
  } else {
    console.log(
      `Laurel tests: ${count} on embedded PGlite (set TEST_DATABASE_URL to use a PostgreSQL server)`,
    );
    const tar = path.join(root, '.tmp', `pglite-template-${process.pid}.tar`);
    cleanups.push(() => fs.rmSync(tar, { force: true }));
    await run(['--import', 'tsx', 'test/helpers/prepare-template.ts', 'pglite', tar]);
    env.LAUREL_TEST_PGLITE_TEMPLATE = tar;
  }
  exitCode = await run([
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=2',
    '--test-timeout=180000',
    ...nodeTestFlags,
    ...files,
  ]);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error(`Cleanup failed: ${error instanceof Error ? error.message : error}`);
      exitCode ||= 1;
    }
  }
}
process.exit(interrupted === 'SIGTERM' ? 143 : interrupted ? 130 : exitCode);

/** Runs `node <args>` in the project root with inherited stdio; resolves with its exit code. */
function run(nodeArgs) {
  if (interrupted) return Promise.reject(new Error('Interrupted.'));
  return new Promise((resolve, reject) => {
    child = spawn(process.execPath, nodeArgs, { cwd: root, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      child = undefined;
      if (nodeArgs.includes('--test')) resolve(code ?? 1);
      else if (code === 0) resolve(0);
      else
        reject(
          new Error(`Preparing the template database failed (${signal ?? `exit code ${code}`}).`),
        );
    });
  });
}

function findTests(dir) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : findTests(full);
    return entry.isFile() && TEST_FILE.test(entry.name) ? [full] : [];
  });
}

async function adminQuery(url, text, values) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** Drops the template and whatever test databases of this run are left (a killed test leaves its own). */
async function dropDatabases(url, template, prefix) {
  const { rows } = await adminQuery(
    url,
    'select datname from pg_database where datname = $1 or left(datname, length($2)) = $2',
    [template, prefix],
  );
  for (const { datname } of rows) {
    await adminQuery(url, `drop database if exists ${ident(datname)} with (force)`);
  }
}

function databaseUrl(server, name) {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

function ident(name) {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`Unexpected database name ${name}`);
  return `"${name}"`;
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
