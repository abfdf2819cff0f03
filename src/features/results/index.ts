import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { registerNavItem } from '../../platform/html/nav.ts';
import { registerResultsApi } from './results.api.ts';
import { ExportService } from './export.service.ts';
import { APPLY_IMPORT_JOB, ImportService } from './import.service.ts';
import { registerResultsPages } from './results.pages.tsx';
import { ResultsService } from './results.service.ts';
import { SigningSecrets } from './signing.ts';
import { sql } from 'kysely';
import { countOf, registerAttentionItem } from '../../platform/html/attention.ts';

/**
 * Results coming in: file imports (console and CLI), the results API,
 * unclaimed results and claiming, and the exports delivery providers take
 * (candidates, authorizations). Writes to results go through
 * `app.progress`, which re-evaluates candidates in the same transaction.
 */
export { APPLY_IMPORT_JOB, type ImportView } from './import.service.ts';
export { CDD_COLUMNS, EAD_COLUMNS, type ExportKind } from './export.service.ts';

export interface ResultsFeature {
  readonly imports: ImportService;
  readonly unclaimed: ResultsService;
  readonly exports: ExportService;
  readonly signing: SigningSecrets;
}

declare module 'fastify' {
  interface FastifyInstance {
    results: ResultsFeature;
  }
}

export default fp(
  async function results(app: FastifyInstance) {
    const { db, config, jobs, rateLimiter } = app.platform;

    registerAttentionItem({
      key: 'results.failedImports',
      label: 'attention.failedImports',
      href: '/console/results',
      roles: ['program_manager'],
      order: 15,
      count: (q) =>
        countOf(
          q
            .selectFrom('result_imports')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('status', 'in', ['failed', 'invalid'])
            .where('created_at', '>', sql<Date>`now() - interval '7 days'`),
        ),
    });
    registerAttentionItem({
      key: 'results.unclaimed',
      label: 'attention.unclaimed',
      href: '/console/results/unclaimed',
      roles: ['program_manager', 'support_agent'],
      order: 50,
      count: (q) =>
        countOf(
          q
            .selectFrom('results')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('user_id', 'is', null),
        ),
    });
    const imports = new ImportService(
      db,
      app.catalog,
      app.progress,
      app.platform.dbKind === 'postgres' ? 3 : 1,
      app.platform.copyIn,
    );
    const unclaimed = new ResultsService(db, app.catalog, app.progress, rateLimiter);
    const exports = new ExportService(db, app.catalog);
    const signing = new SigningSecrets(db, config.secretKey);
    app.decorate('results', { imports, unclaimed, exports, signing } satisfies ResultsFeature);

    jobs.register(APPLY_IMPORT_JOB, (payload, ctx) => imports.runApplyJob(payload ?? {}, ctx));

    registerNavItem({
      area: 'staff',
      href: '/console/results',
      label: 'results.nav.console',
      roles: ['program_manager'],
      order: 30,
    });
    registerResultsPages(app, config, imports, unclaimed, exports, signing);
    registerResultsApi(app, { db, catalog: app.catalog, progress: app.progress, signing });
  },
  { name: 'results', dependencies: ['catalog', 'progress'] },
);
