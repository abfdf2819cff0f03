import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { recordAudit } from '../../platform/audit.ts';
import { registerNavItem } from '../../platform/html/nav.ts';
import { dailyAt, enqueueJob } from '../../platform/jobs/runner.ts';
import { AwardingEngine } from './awarding.ts';
import { registerCandidatePages } from './candidate.pages.tsx';
import { registerConsolePages } from './console.pages.tsx';
import { ConsoleService } from './console.service.ts';
import { ProgressServiceImpl } from './progress.service.ts';
import {
  REEVALUATE_CREDENTIAL_JOB,
  runCredentialReevaluation,
  runDailySweep,
  type SweepDependencies,
  type SweepOptions,
  type SweepReport,
} from './sweep.ts';

/**
 * Progress and awarding: the public surface other features may use.
 * `app.progress` is the `ProgressService` (progress.types.ts); results
 * arriving from elsewhere call `app.progress.reevaluateCandidates(trx, ...)`
 * inside their own transaction.
 */
export type * from './progress.types.ts';
export {
  retakeEligibility,
  type Attempt,
  type RetakeEligibility,
  type RetakePolicyInput,
} from './retake.ts';
export { CREDENTIAL_NUMBER_PATTERN, normalizeCredentialNumber } from './credential-number.ts';
export { describeText } from './describe.ts';
export { toCsv } from './csv.ts';
export {
  AWARD_STATUS_ACTIONS,
  MAX_AWARDS_PER_CHANGE,
  parseCredentialNumbers,
  type AwardListFilter,
  type AwardListRow,
  type AwardStatusAction,
  type AwardStatusOutcome,
  type AwardStatusPreview,
  type SkipReason,
} from './award-status.ts';
export {
  CandidateService,
  displayStatus,
  type DisplayStatus,
  type EvidenceDetail,
} from './candidate.service.ts';
/** View parts other features' candidate pages reuse (status tags, radios, text areas, file inputs). */
export { FileField, Icon, Radios, StatusTag, TextArea } from './views/candidate/parts.tsx';
export { REEVALUATE_CREDENTIAL_JOB, type SweepOptions, type SweepReport } from './sweep.ts';
export type { ReevaluationTally } from './sweep.ts';
export type {
  ProviderBatchOptions,
  ProviderBatchResult,
  ProviderResultInput,
  ProviderResultOutcome,
} from './result-batch.ts';
import { sql } from 'kysely';
import { countOf, registerAttentionItem } from '../../platform/html/attention.ts';

/** The daily sweep and the re-evaluation job, for the CLI and tests. */
export interface AwardingJobs {
  /** Expires awards past their expiry and sends the reminders due at `now`. */
  runDailySweep(now?: Date, options?: SweepOptions): Promise<SweepReport>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** What other features may use of progress and awarding. */
    progress: ProgressServiceImpl;
    awarding: AwardingJobs;
  }
}

/**
 * Queues the re-evaluation of every candidate after a credential's
 * requirements changed, in the caller's transaction. A version that takes
 * effect later is re-evaluated when it does. Returns the job's id (its
 * progress page is `/console/jobs/:id`).
 */
export async function enqueueCredentialReevaluation(
  db: Kysely<DB> | Transaction<DB>,
  credentialId: number,
  options: { runAt?: Date } = {},
): Promise<number> {
  const runAt = options.runAt && options.runAt.getTime() > Date.now() ? options.runAt : undefined;
  const id = await enqueueJob(
    db,
    REEVALUATE_CREDENTIAL_JOB,
    { credentialId },
    {
      ...(runAt ? { runAt } : {}),
      maxAttempts: 5,
    },
  );
  if (id === undefined) throw new Error('The re-evaluation job was not queued.');
  return id;
}

export default fp(
  async function progress(app: FastifyInstance) {
    const { db, config, program, jobs } = app.platform;

    registerAttentionItem({
      key: 'progress.evidence',
      label: 'attention.evidence',
      href: '/console/evidence',
      roles: ['program_manager'],
      order: 10,
      count: (q) =>
        countOf(
          q
            .selectFrom('evidence_submissions')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('status', '=', 'pending'),
        ),
    });
    registerAttentionItem({
      key: 'progress.expiring',
      label: 'attention.expiring',
      href: '/console/awards?status=active',
      roles: ['program_manager'],
      order: 60,
      count: (q) =>
        countOf(
          q
            .selectFrom('awards')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('status', '=', 'active')
            .where('expires_at', '>', sql<Date>`now()`)
            .where('expires_at', '<=', sql<Date>`now() + interval '30 days'`),
        ),
    });
    const catalog = app.catalog;
    const engine = new AwardingEngine({
      definitions: (q) => catalog.definitions(q),
      publicUrl: config.publicUrl,
      log: app.log,
    });
    const service = new ProgressServiceImpl(
      db,
      catalog,
      engine,
      config.publicUrl,
      app.platform.prepared,
    );
    app.decorate('progress', service);

    const sweepDeps: SweepDependencies = {
      db,
      catalog,
      engine,
      program: () => program.get(),
      publicUrl: config.publicUrl,
    };
    app.decorate('awarding', {
      runDailySweep: (now?: Date, options?: SweepOptions) => runDailySweep(sweepDeps, now, options),
    } satisfies AwardingJobs);

    jobs.schedule({
      name: 'progress.daily-sweep',
      next: dailyAt(3),
      run: async ({ log }) => {
        const report = await runDailySweep(sweepDeps);
        log.info({ ...report }, 'daily awarding sweep done');
      },
    });
    jobs.register(REEVALUATE_CREDENTIAL_JOB, async (payload, ctx) => {
      const tally = await runCredentialReevaluation(sweepDeps, payload ?? {}, ctx, {
        // The embedded database has one connection: batches would only queue.
        parallel: app.platform.dbKind === 'postgres' ? 4 : 1,
      });
      ctx.log.info({ ...tally }, 'credential re-evaluation done');
    });
    catalog.onRequirementsChanged(async (trx, change) => {
      await enqueueCredentialReevaluation(trx, change.credentialId, { runAt: change.effectiveAt });
    });

    registerNavItem({
      area: 'staff',
      href: '/console/candidates',
      label: 'nav.candidates',
      roles: ['program_manager', 'support_agent'],
      order: 10,
    });
    const consoleService = new ConsoleService(db, catalog, service);
    registerConsolePages(app, service, consoleService, async (code, actorUserId) => {
      const credential = await catalog.credentialByCode(code.toUpperCase());
      if (!credential) return undefined;
      return db.transaction().execute(async (trx) => {
        const jobId = await enqueueCredentialReevaluation(trx, credential.id);
        await recordAudit(trx, {
          actorUserId,
          action: 'progress.reevaluation_requested',
          subjectType: 'credential',
          subjectId: credential.code,
          details: { jobId },
        });
        return jobId;
      });
    });
    registerCandidatePages(app);
  },
  { name: 'progress', dependencies: ['catalog', 'accounts'] },
);
