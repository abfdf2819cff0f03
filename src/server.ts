import type { FastifyServerOptions } from 'fastify';
import { buildApp, type App } from './app.ts';
import type { Config } from './config.ts';
import { ensureProgram } from './platform/bootstrap.ts';
import { seedDemo } from './demo/seed.ts';

/** Request logs without secrets: no cookies, no tokens in query strings, no passwords. */
export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(request: { method: string; url: string; ip?: string; id?: string }) {
        return { method: request.method, url: redactUrl(request.url), id: request.id };
      },
    },
  };
}

/** Strips values of query parameters that carry secrets (email links). */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|code|password|email)=)[^&#]*/gi, '$1[redacted]');
}

/** Builds, migrates, seeds (where allowed), starts jobs, listens. Returns the app and its address. */
export async function startServer(config: Config): Promise<{ app: App; address: string }> {
  const app = await buildApp(config, { migrate: true, logger: loggerOptions(config) });
  await ensureProgram(app.platform.db, {
    name: 'Certification Program',
    supportEmail:
      config.mailFrom?.replace(/^.*<|>.*$/g, '') ?? `support@${new URL(config.publicUrl).hostname}`,
  });
  const seed =
    config.seedDemo === 'always' ||
    (config.seedDemo === 'auto' && app.platform.dbKind === 'embedded');
  if (seed && (await seedDemo(app)))
    app.log.info('seeded the demo program (see the README for its accounts)');
  if (config.runJobs) app.platform.jobs.start();

  const address = await app.listen({ host: config.host, port: config.port });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  return { app, address };
}
