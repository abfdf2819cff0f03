import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Every environment variable Laurel reads, validated once at start.
 * The README's configuration table is written from this list; keep them in step.
 */
const EnvSchema = Type.Object({
  NODE_ENV: Type.Union(
    [Type.Literal('development'), Type.Literal('production'), Type.Literal('test')],
    { default: 'development' },
  ),
  HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535 }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^/]+(/.*)?$' })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_POOL_SIZE: Type.Integer({ default: 10, minimum: 1, maximum: 500 }),
  DATA_DIR: Type.String({ default: './data', minLength: 1 }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  MAIL_FROM: Type.Optional(Type.String({ minLength: 3 })),
  DKIM_DOMAIN: Type.Optional(Type.String({ minLength: 1 })),
  DKIM_SELECTOR: Type.Optional(Type.String({ minLength: 1 })),
  DKIM_PRIVATE_KEY: Type.Optional(Type.String({ minLength: 1 })),
  SECRET_KEY: Type.Optional(Type.String({ minLength: 32 })),
  LOG_LEVEL: Type.Union(
    [
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ],
    { default: 'info' },
  ),
  SEED_DEMO: Type.Union([Type.Literal('auto'), Type.Literal('true'), Type.Literal('false')], {
    default: 'auto',
  }),
  JOBS: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  TRUST_PROXY: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'false' }),
  SESSION_IDLE_MINUTES: Type.Integer({ default: 30, minimum: 1, maximum: 1440 }),
  SESSION_MAX_HOURS: Type.Integer({ default: 12, minimum: 1, maximum: 720 }),
});

type Env = Static<typeof EnvSchema>;

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly production: boolean;
  readonly host: string;
  readonly port: number;
  /** Base URL used in emails, QR codes and `did:web`; never ends with a slash. */
  readonly publicUrl: string;
  readonly secureCookies: boolean;
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  readonly dataDir: string;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string | undefined;
  readonly dkim: { domainName: string; keySelector: string; privateKey: string } | undefined;
  /** Key material for tokens that must be unforgeable (unsubscribe links, encrypted settings). */
  readonly secretKey: string;
  readonly logLevel: Env['LOG_LEVEL'];
  /** 'auto': seed an empty embedded database; 'always': also on PostgreSQL; never in production. */
  readonly seedDemo: 'auto' | 'always' | 'never';
  readonly runJobs: boolean;
  readonly trustProxy: boolean;
  readonly sessionIdleMs: number;
  readonly sessionMaxMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const DEV_SECRET = 'laurel-development-secret-not-for-production-use';

/** Reads the environment once; throws a ConfigError naming every bad variable. */
export function loadConfig(
  source: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = source[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const withDefaults = Value.Default(EnvSchema, raw);
  const converted = Value.Convert(EnvSchema, withDefaults);
  const problems = [...Value.Errors(EnvSchema, converted)].map(
    (e) => `${e.path.slice(1) || 'environment'}: ${e.message}`,
  );
  if (problems.length > 0) throw new ConfigError(problems);
  const env = converted as Env;

  const production = env.NODE_ENV === 'production';
  if (production && !env.SMTP_URL) {
    problems.push(
      'SMTP_URL: required when NODE_ENV=production (mail would never leave the outbox)',
    );
  }
  if (production && !env.SECRET_KEY) {
    problems.push('SECRET_KEY: required when NODE_ENV=production (at least 32 characters)');
  }
  if (production && !env.PUBLIC_URL) {
    problems.push('PUBLIC_URL: required when NODE_ENV=production (links in emails use it)');
  }
  const dkimParts = [env.DKIM_DOMAIN, env.DKIM_SELECTOR, env.DKIM_PRIVATE_KEY];
  if (dkimParts.some(Boolean) && !dkimParts.every(Boolean)) {
    problems.push('DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY: set all three or none');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const publicUrl = (env.PUBLIC_URL ?? `http://${displayHost(env.HOST)}:${env.PORT}`).replace(
    /\/+$/,
    '',
  );
  const config: Config = {
    env: env.NODE_ENV,
    production,
    host: env.HOST,
    port: env.PORT,
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    dataDir: env.DATA_DIR,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    dkim:
      env.DKIM_DOMAIN && env.DKIM_SELECTOR && env.DKIM_PRIVATE_KEY
        ? {
            domainName: env.DKIM_DOMAIN,
            keySelector: env.DKIM_SELECTOR,
            privateKey: env.DKIM_PRIVATE_KEY.replace(/\\n/g, '\n'),
          }
        : undefined,
    secretKey: env.SECRET_KEY ?? DEV_SECRET,
    logLevel: env.LOG_LEVEL,
    seedDemo:
      production || env.SEED_DEMO === 'false'
        ? 'never'
        : env.SEED_DEMO === 'true'
          ? 'always'
          : 'auto',
    runJobs: env.JOBS === 'on',
    trustProxy: env.TRUST_PROXY === 'true',
    sessionIdleMs: env.SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: env.SESSION_MAX_HOURS * 3_600_000,
    ...overrides,
  };
  return Object.freeze(config);
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
