import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openDatabase } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { ensureProgram } from '../../src/platform/bootstrap.ts';
import { examTree, givenCredential, givenExam } from '../helpers/catalog.ts';

/**
 * The CLI commands, run as an operator would (`node --import tsx src/cli.ts`),
 * on an embedded database in a temporary directory (also when the suite runs
 * on PostgreSQL: the commands need a database of their own to open).
 */

let dir: string;
let dataDir: string;
let examCode: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'laurel-results-cli-'));
  dataDir = path.join(dir, 'data');
  const handle = await openDatabase({ dataDir });
  try {
    await migrateToLatest(handle.db);
    await ensureProgram(handle.db, { name: 'CLI Program', supportEmail: 'support@cli.example' });
    const exam = await givenExam(handle.db, { passingScore: 700 });
    examCode = exam.code;
    await givenCredential(handle.db, { requirements: [{ tree: examTree(exam.code) }] });
    await handle.db
      .insertInto('users')
      .values({
        candidate_number: 'CT-7000001',
        username: 'cli_candidate',
        email: 'cli@example.com',
        given_name: 'Cli',
        family_name: 'Candidate',
        country: 'NL',
      })
      .execute();
  } finally {
    await handle.close();
  }
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    SEED_DEMO: 'false',
    JOBS: 'off',
    LOG_LEVEL: 'silent',
  };
  delete env.DATABASE_URL;
  delete env.NODE_TEST_CONTEXT;
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env,
    encoding: 'utf8',
    timeout: 180_000,
  });
}

test('import-results imports a good file (awarding at once) and refuses a bad one; export-candidates writes the CDD file', () => {
  const file = path.join(dir, 'results.txt');
  fs.writeFileSync(
    file,
    `RegistrationID\tClientCandidateID\tExamSeriesCode\tExamDate\tScore\nR-1\tCT-7000001\t${examCode}\t2026-03-14\t800\nR-2\tCT-404\t${examCode}\t2026-03-14\t650\nR-3\tCT-7000001\tNOPE-1\t2026-03-14\t800\n`,
  );
  const refused = cli('import-results', file, '--provider', 'vue');
  assert.equal(refused.status, 1, refused.stderr);
  assert.match(refused.stderr, /line 4, ExamSeriesCode: No exam has the code NOPE-1/);
  assert.match(refused.stderr, /Nothing was imported/);

  const partly = cli('import-results', file, '--provider', 'vue', '--good-rows');
  assert.equal(partly.status, 0, partly.stderr);
  assert.match(
    partly.stdout,
    /Imported: 2 new, 0 changed, 0 already known, 1 unclaimed; 1 credential\(s\) awarded/,
  );
  const bad = fs.readFileSync(`${file}.bad-rows`, 'utf8').trim().split('\n');
  assert.deepEqual(
    bad.map((l) => l.split('\t')[0]),
    ['RegistrationID', 'R-3'],
  );

  const out = path.join(dir, 'cdd.dat');
  const exported = cli('export-candidates', '--out', out);
  assert.equal(exported.status, 0, exported.stderr);
  const rows = fs.readFileSync(out, 'utf8').trim().split('\r\n');
  assert.match(rows[0]!, /^ClientCandidateID\tFirstName/);
  assert.ok(rows.some((r) => r.startsWith('CT-7000001\tCli\tCandidate\tcli@example.com\t')));
  assert.ok(rows.some((r) => r.includes('\tNLD\t')));
});
