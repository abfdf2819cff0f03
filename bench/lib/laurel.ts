import path from 'node:path';
import { freePort, startServer, type RunningServer } from './processes.ts';

/** Every variable Laurel's config reads: none leaks in from the shell that runs the bench. */
const LAUREL_ENV = [
  'NODE_ENV',
  'HOST',
  'PORT',
  'PUBLIC_URL',
  'DATABASE_URL',
  'DATABASE_POOL_SIZE',
  'DATA_DIR',
  'SMTP_URL',
  'MAIL_FROM',
  'DKIM_DOMAIN',
  'DKIM_SELECTOR',
  'DKIM_PRIVATE_KEY',
  'SECRET_KEY',
  'LOG_LEVEL',
  'SEED_DEMO',
  'JOBS',
  'TRUST_PROXY',
  'SESSION_IDLE_MINUTES',
  'SESSION_MAX_HOURS',
];

export type LaurelDatabase =
  { kind: 'postgres'; url: string } | { kind: 'embedded'; dataDir: string };

/**
 * Starts Laurel the way `npm start` does (`node --import tsx src/main.ts`) on
 * a free port, with jobs off and quiet logs, and waits for /healthz. The
 * returned server's `readyMs` is the time from spawn to the first 200.
 */
export async function startLaurel(
  root: string,
  database: LaurelDatabase,
  extraEnv: Record<string, string> = {},
): Promise<RunningServer> {
  const host = '127.0.0.1';
  const port = await freePort(host);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of LAUREL_ENV) delete env[key];
  Object.assign(env, {
    HOST: host,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    JOBS: 'off',
    ...(database.kind === 'postgres'
      ? { DATABASE_URL: database.url, SEED_DEMO: 'true' }
      : { DATA_DIR: database.dataDir }),
    ...extraEnv,
  });
  // BENCH_CPU_PROF=<dir>: write a V8 CPU profile of every Laurel process there (on exit).
  const profileDir = process.env.BENCH_CPU_PROF;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [];
  return startServer({
    name: `laurel (${database.kind})`,
    nodeArgs: [...profile, '--import', 'tsx', 'src/main.ts'],
    cwd: root,
    env,
    host,
    port,
    readyPath: '/healthz',
    readyTimeoutMs: 90_000,
  });
}

/** The demo candidate every seeded database has (src/demo/seed.ts). */
export const DEMO_CANDIDATE = { identifier: 'casey', password: 'demo candidate passphrase' };

/**
 * Signs in through the HTML form like a browser: GET /sign-in for the CSRF
 * cookie and field, POST the form, take the session cookie from the 303.
 * Returns the Cookie header a signed-in browser sends.
 */
export async function signIn(
  origin: string,
  credentials: { identifier: string; password: string } = DEMO_CANDIDATE,
): Promise<string> {
  const page = await fetch(`${origin}/sign-in`);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`GET /sign-in answered ${page.status}`);
  const csrfCookie = cookieValue(page, 'laurel_csrf');
  const csrfField =
    /<input[^>]*name="_csrf"[^>]*value="([^"]+)"/.exec(html)?.[1] ??
    /<input[^>]*value="([^"]+)"[^>]*name="_csrf"/.exec(html)?.[1];
  if (!csrfCookie || !csrfField) throw new Error('GET /sign-in gave no CSRF cookie or _csrf field');

  const response = await fetch(`${origin}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: `laurel_csrf=${csrfCookie}`,
    },
    body: new URLSearchParams({ ...credentials, _csrf: decodeEntities(csrfField) }).toString(),
  });
  await response.arrayBuffer();
  const session = cookieValue(response, 'laurel_session');
  if (response.status !== 303 || !session) {
    throw new Error(
      `POST /sign-in as ${credentials.identifier} answered ${response.status} ` +
        `(location ${response.headers.get('location') ?? '-'}) without a session cookie`,
    );
  }
  return `laurel_session=${session}; laurel_csrf=${csrfCookie}`;
}

function cookieValue(response: Response, name: string): string | undefined {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const eq = pair!.indexOf('=');
    if (pair!.slice(0, eq).trim() === name) return pair!.slice(eq + 1).trim();
  }
  return undefined;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
