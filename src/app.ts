import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.ts';
import { openDatabase, type Database, type DatabaseHandle } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { SessionStore } from './platform/auth/session.ts';
import { RateLimiter } from './platform/http/rate-limit.ts';
import security from './platform/http/security.ts';
import { registerErrorHandling } from './platform/http/error-handler.tsx';
import { rejectNulBytes } from './platform/http/input.ts';
import { FLASH_COOKIE, buildPageContext, readFlash, sendHtml } from './platform/html/context.ts';
import { registerAssets } from './platform/html/assets.ts';
import { ProgramSettings } from './platform/program.ts';
import { JobRunner, every } from './platform/jobs/runner.ts';
import { MailDelivery } from './platform/mail/delivery.ts';
import { pruneExpired } from './platform/housekeeping.ts';
import { registerApiDocs } from './platform/http/openapi.ts';
import accounts from './features/accounts/index.ts';
import catalog from './features/catalog/index.ts';
import progress from './features/progress/index.ts';
import credentialsSharing from './features/credentials/sharing.plugin.ts';
import credentials from './features/credentials/index.ts';
import scheduling from './features/scheduling/index.ts';
import results from './features/results/index.ts';
import admin from './features/admin/index.tsx';
import home from './features/home/index.tsx';
import badges from './features/credentials/badges.plugin.ts';
import support from './features/support/index.ts';
import profile from './features/profile/index.ts';

/** What every feature may use; features reach it as `app.platform`. */
export interface Platform {
  readonly config: Config;
  readonly db: Database;
  readonly dbKind: DatabaseHandle['kind'];
  /** Named prepared statements for the few hand-written queries on every request's path. */
  readonly prepared: DatabaseHandle['prepared'];
  /** Bulk loads with COPY (PostgreSQL only). */
  readonly copyIn: DatabaseHandle['copyIn'];
  readonly rateLimiter: RateLimiter;
  readonly sessions: SessionStore;
  readonly program: ProgramSettings;
  readonly jobs: JobRunner;
  readonly mail: MailDelivery;
}

declare module 'fastify' {
  interface FastifyInstance {
    platform: Platform;
  }
}

export interface BuildOptions {
  /** An open database (tests pass one); otherwise opened from the config. */
  database?: DatabaseHandle;
  /** Run migrations before serving (start does; tests start from a migrated template). */
  migrate?: boolean;
  logger?: FastifyServerOptions['logger'];
}

export type App = FastifyInstance;

/** Builds the whole application: platform plugins, then features. Tests call this. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: config.trustProxy,
    bodyLimit: 1_048_576,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: true, useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const handle =
    options.database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.databasePoolSize,
    }));
  if (options.migrate) await migrateToLatest(handle.db);

  const program = new ProgramSettings(handle.db);
  const mail = new MailDelivery(handle.db, config, async () => (await program.get()).name);
  const jobs = new JobRunner(handle.db, app.log, async () => {
    await mail.deliverDue();
  });
  jobs.schedule({
    name: 'platform.prune-expired',
    next: every(3_600_000),
    run: ({ db }) => pruneExpired(db),
  });

  app.decorate('platform', {
    config,
    db: handle.db,
    dbKind: handle.kind,
    prepared: handle.prepared,
    copyIn: handle.copyIn,
    rateLimiter: new RateLimiter(handle.db, config.secretKey),
    sessions: new SessionStore(handle.db, config, handle.prepared),
    program,
    jobs,
    mail,
  } satisfies Platform);

  app.addHook('onClose', async () => {
    await jobs.stop();
    mail.close();
    if (!options.database) await handle.close();
  });

  await app.register(cookie, { secret: config.secretKey, hook: 'onRequest' });
  await app.register(formbody, { bodyLimit: 262_144 });
  await app.register(security, { config });

  app.decorateRequest('principal', null);
  app.decorateRequest('pendingSecondFactor', null);
  app.decorateRequest('flash', null);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/assets/') || request.url === '/healthz') return;
    await app.platform.sessions.load(request);
    const raw = request.cookies[FLASH_COOKIE];
    if (raw) {
      const unsigned = request.unsignCookie(raw);
      request.flash = unsigned.valid ? readFlash(unsigned.value ?? undefined) : null;
      reply.clearCookie(FLASH_COOKIE, { path: '/' });
    }
  });
  app.addHook('preValidation', rejectNulBytes);

  app.decorateReply('flash', function (kind, key, params) {
    this.setCookie(FLASH_COOKIE, JSON.stringify({ kind, key, ...(params ? { params } : {}) }), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      signed: true,
      maxAge: 60,
    });
    return this;
  });
  app.decorateReply('html', function (body) {
    return sendHtml(this, body);
  });
  app.decorate('pageContext', async (request) =>
    buildPageContext(request, await program.get(), !mail.enabled && !config.production),
  );

  registerErrorHandling(app);
  registerAssets(app);
  await registerApiDocs(app);

  app.get('/healthz', { logLevel: 'warn' }, async (_request, reply) => {
    try {
      await handle.db.selectNoFrom((eb) => eb.val(1).as('ok')).execute();
      return reply.header('cache-control', 'no-store').send({ status: 'ok' });
    } catch {
      return reply.status(503).header('cache-control', 'no-store').send({ status: 'unavailable' });
    }
  });

  await app.register(accounts);
  await app.register(catalog);
  await app.register(progress);
  await app.register(badges);
  await app.register(credentialsSharing);
  await app.register(credentials);
  await app.register(scheduling);
  await app.register(results);
  await app.register(home);
  await app.register(support);
  await app.register(profile);
  await app.register(admin);

  return app;
}
