import fs from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { buildApp, type App } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { DEMO_ACCOUNTS, DEMO_TOTP_SECRET } from './demo/seed.ts';
import { totpCode } from './features/accounts/index.ts';
import { ensureProgram, publishPrivacyNotice } from './platform/bootstrap.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { openDatabase } from './platform/db/database.ts';
import { ValidationError } from './platform/http/errors.ts';
import { translator } from './platform/i18n/i18n.ts';

/**
 * Administrative commands: `npm run cli -- <command> [options]`.
 * They use the same configuration (DATABASE_URL, DATA_DIR, ...) as `npm start`.
 */
const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                         Bring the database schema up to date.
  create-admin --username U --email E --given-name G --family-name F --country CC
                                  Create an admin account. The password is read from
                                  LAUREL_ADMIN_PASSWORD or asked for. The admin turns on
                                  two-factor authentication at the first sign-in.
  publish-privacy-notice FILE [--effective YYYY-MM-DD]
                                  Publish the text in FILE as the next privacy notice version.
  run-jobs                        Run every due job and deliver due mail once, then exit.
  rotate-issuer-key [--reason R]  Retire the Open Badges signing key and make a new one current
                                  (old keys stay published in /.well-known/did.json).
  import-results FILE [--provider CODE] [--good-rows]
                                  Import a results file (the provider's tab- or comma-separated
                                  file, or the simple CSV; see docs/results.md). Default provider
                                  code: vue. With any bad row nothing is imported, unless
                                  --good-rows: then the good rows are, and the bad ones are
                                  written to FILE.bad-rows.
  export-candidates [--out FILE]  Write the candidates new or changed since the last export
                                  (tab-separated, for the delivery provider); default: stdout.
  export-authorizations [--out FILE]
                                  The same for exam authorizations.
  results-signing-secret KEY_ID [--remove]
                                  Give an API key a new secret for signing its result requests
                                  (printed once), or remove it.
  demo-code [USERNAME]            Print the current two-factor code of a demo staff account
                                  (development only).
  help                            Show this text.
`;

async function withApp<T>(config: Config, fn: (app: App) => Promise<T>): Promise<T> {
  const app = await buildApp(config, { migrate: true });
  try {
    await app.ready();
    return await fn(app);
  } finally {
    await app.close();
  }
}

async function readPassword(prompt: string): Promise<string> {
  const fromEnv = process.env.LAUREL_ADMIN_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    const rl = readline.createInterface({ input: process.stdin });
    for await (const line of rl) return line;
    return '';
  }
  process.stdout.write(prompt);
  return new Promise((resolve) => {
    const stdin = process.stdin;
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (ch: string) => {
      if (ch === '\r' || ch === '\n' || ch === '\u0004') {
        stdin.setRawMode(false);
        stdin.pause();
        stdin.off('data', onData);
        process.stdout.write('\n');
        resolve(value);
      } else if (ch === '\u0003') {
        process.exit(130);
      } else if (ch === '\u007f') {
        value = value.slice(0, -1);
      } else {
        value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'migrate': {
      const handle = await openDatabase({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
      });
      try {
        const applied = await migrateToLatest(handle.db);
        console.log(
          applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.',
        );
      } finally {
        await handle.close();
      }
      return 0;
    }
    case 'create-admin': {
      const { values } = parseArgs({
        args: rest,
        options: {
          username: { type: 'string' },
          email: { type: 'string' },
          'given-name': { type: 'string' },
          'family-name': { type: 'string' },
          country: { type: 'string' },
        },
      });
      const missing = ['username', 'email', 'given-name', 'family-name', 'country'].filter(
        (k) => !values[k as keyof typeof values],
      );
      if (missing.length) {
        console.error(`Missing: ${missing.map((m) => `--${m}`).join(', ')}\n\n${USAGE}`);
        return 2;
      }
      const password = await readPassword('Password (at least 15 characters): ');
      return withApp(config, async (app) => {
        await ensureProgram(app.platform.db, {
          name: 'Certification Program',
          supportEmail: values.email!,
        });
        try {
          const created = await app.accounts.createAccount({
            username: values.username!,
            email: values.email!,
            givenName: values['given-name']!,
            familyName: values['family-name']!,
            country: values.country!.toUpperCase(),
            password,
            roles: ['admin'],
            emailVerified: true,
          });
          console.log(
            `Created admin ${values.username} (${created.candidateNumber}). Sign in and turn on two-factor authentication.`,
          );
          return 0;
        } catch (error) {
          if (error instanceof ValidationError) {
            const t = translator('en');
            for (const p of error.problems)
              console.error(`${p.field}: ${t(p.messageKey, p.params)}`);
            return 1;
          }
          throw error;
        }
      });
    }
    case 'publish-privacy-notice': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { effective: { type: 'string' } },
      });
      const file = positionals[0];
      if (!file) {
        console.error(USAGE);
        return 2;
      }
      const body = fs.readFileSync(file, 'utf8').trim();
      const effective = values.effective ? new Date(`${values.effective}T00:00:00Z`) : new Date();
      if (Number.isNaN(effective.getTime())) {
        console.error('--effective must be a date like 2027-01-31');
        return 2;
      }
      return withApp(config, async (app) => {
        const version = await publishPrivacyNotice(app.platform.db, body, effective);
        console.log(
          `Published privacy notice version ${version}, in force from ${effective.toISOString().slice(0, 10)}.`,
        );
        return 0;
      });
    }
    case 'run-jobs': {
      return withApp(config, async (app) => {
        const ran = await app.platform.jobs.drain();
        console.log(`Ran ${ran} job(s).`);
        return 0;
      });
    }
    case 'rotate-issuer-key': {
      const { values } = parseArgs({ args: rest, options: { reason: { type: 'string' } } });
      return withApp(config, async (app) => {
        const keyId = await app.badges.keys.rotate(null, values.reason ?? 'command line');
        console.log(
          `New signing key ${app.badges.keys.did}#${keyId}; the old one stays published.`,
        );
        return 0;
      });
    }
    case 'import-results': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { provider: { type: 'string' }, 'good-rows': { type: 'boolean' } },
      });
      const file = positionals[0];
      if (!file) {
        console.error(USAGE);
        return 2;
      }
      if (!fs.existsSync(file)) {
        console.error(`No such file: ${file}`);
        return 2;
      }
      return withApp(config, (app) =>
        importResultsFile(app, file, values.provider ?? 'vue', values['good-rows'] === true),
      );
    }
    case 'export-candidates':
    case 'export-authorizations': {
      const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } } });
      return withApp(config, async (app) => {
        const file = await app.results.exports.export(
          command === 'export-candidates' ? 'candidates' : 'authorizations',
          null,
        );
        if (values.out) {
          fs.writeFileSync(values.out, file.body);
          console.error(`Wrote ${file.rows} row(s) to ${values.out}.`);
        } else {
          process.stdout.write(file.body);
        }
        return 0;
      });
    }
    case 'results-signing-secret': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { remove: { type: 'boolean' } },
      });
      const keyId = Number(positionals[0]);
      if (!Number.isSafeInteger(keyId) || keyId < 1) {
        console.error(USAGE);
        return 2;
      }
      return withApp(config, async (app) => {
        const exists = await app.platform.db
          .selectFrom('api_keys')
          .select('id')
          .where('id', '=', keyId)
          .executeTakeFirst();
        if (!exists) {
          console.error(`No API key ${keyId}.`);
          return 1;
        }
        if (values.remove) {
          await app.results.signing.remove(keyId, null);
          console.log(`API key ${keyId} no longer signs its requests.`);
        } else {
          const secret = await app.results.signing.rotate(keyId, null);
          console.log(
            `Signing secret of API key ${keyId} (shown once; requests must now be signed):\n${secret}`,
          );
        }
        return 0;
      });
    }
    case 'demo-code': {
      if (config.production) {
        console.error('demo-code is not available in production.');
        return 1;
      }
      const username = rest[0] ?? 'alex';
      const account = DEMO_ACCOUNTS.find((a) => a.username === username && a.twoFactor);
      if (!account) {
        console.error(
          `No demo staff account named ${username}. Try: ${DEMO_ACCOUNTS.filter((a) => a.twoFactor)
            .map((a) => a.username)
            .join(', ')}`,
        );
        return 1;
      }
      console.log(totpCode(DEMO_TOTP_SECRET));
      return 0;
    }
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(`Unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

/** Stages the file (stream), then applies it here (no job), printing what happened. */
async function importResultsFile(
  app: App,
  file: string,
  provider: string,
  goodRows: boolean,
): Promise<number> {
  const t = translator('en');
  const imports = app.results.imports;
  const started = performance.now();
  const id = await imports.stage(fs.createReadStream(file, { highWaterMark: 256 * 1024 }), {
    provider,
    fileName: file.split(/[\\/]/).pop() ?? file,
    mode: goodRows ? 'good_rows' : 'all_or_nothing',
    actorUserId: null,
  });
  const staged = (await imports.get(id))!;
  console.log(
    `Import ${id}: ${staged.rowsTotal} row(s), ${staged.rowsValid} good, ${staged.rowsBad} bad, ${staged.rowsNoShow} no-show(s); checked in ${seconds(started)} s.`,
  );
  for (let page = 1; ; page++) {
    const { rows } = await imports.problems(id, page, 1000);
    for (const p of rows) {
      console.error(
        `line ${p.line}${p.column ? `, ${p.column}` : ''}: ${t(p.messageKey as never, p.params)}`,
      );
    }
    if (rows.length < 1000) break;
  }
  if (staged.status !== 'ready') {
    console.error(
      staged.rowsBad > 0 || staged.status === 'invalid'
        ? 'Nothing was imported.'
        : 'Nothing to import.',
    );
    return staged.status === 'done' ? 0 : 1;
  }
  if (staged.rowsBad > 0) {
    const out = `${file}.bad-rows`;
    const stream = fs.createWriteStream(out);
    for await (const chunk of imports.badRows(id)) stream.write(chunk);
    await new Promise<void>((resolve, reject) =>
      stream.end((e?: Error | null) => (e ? reject(e) : resolve())),
    );
    console.error(`The bad rows are in ${out}.`);
  }
  let last = 0;
  const applying = performance.now();
  const done = await imports.apply(id, null, async (n, total) => {
    if (n - last >= 50_000 || n === total) {
      last = n;
      console.error(`${n} of ${total} imported`);
    }
  });
  console.log(
    `Imported: ${done.created} new, ${done.updated} changed, ${done.unchanged} already known, ${done.unclaimed} unclaimed; ${done.awarded} credential(s) awarded; applied in ${seconds(applying)} s.`,
  );
  return 0;
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
