import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { registerNavItem } from '../../platform/html/nav.ts';
import { registerCandidatePages } from './candidate.pages.tsx';
import { registerConsolePages } from './console.pages.tsx';
import { registerProviderPages } from './providers.pages.tsx';
import { ProvidersService } from './providers.service.ts';
import { registerSchedulingApi } from './scheduling.api.ts';
import { REMINDER_JOB, SchedulingService } from './scheduling.service.ts';

export { SchedulingService, REMINDER_JOB } from './scheduling.service.ts';
export { ProvidersService, type ProviderView } from './providers.service.ts';
export type * from './scheduling.types.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** What other features may use of scheduling, e.g. `upcomingAppointments(userId)`. */
    scheduling: SchedulingService;
  }
}

/** Exam registration: sittings, test centers, appointments, vouchers, delivery providers. */
export default fp(
  async function scheduling(app: FastifyInstance) {
    const { db, config, program, jobs } = app.platform;
    const service = new SchedulingService({
      db,
      catalog: app.catalog,
      progress: app.progress,
      program: () => program.get(),
      publicUrl: config.publicUrl,
    });
    app.decorate('scheduling', service);
    jobs.register(REMINDER_JOB, async (payload) => {
      await service.sendReminder(payload ?? {});
    });

    registerNavItem({ area: 'candidate', href: '/exams', label: 'nav.exams', order: 15 });
    registerNavItem({
      area: 'staff',
      href: '/console/sittings',
      label: 'nav.sittings',
      roles: ['program_manager'],
      order: 40,
    });
    registerNavItem({
      area: 'staff',
      href: '/console/vouchers',
      label: 'nav.vouchers',
      roles: ['program_manager'],
      order: 41,
    });
    const providers = new ProvidersService({
      db,
      catalog: app.catalog,
      secretKey: config.secretKey,
      publicUrl: config.publicUrl,
    });
    registerCandidatePages(app, service, () => providers.providerExams());
    registerConsolePages(app, service);
    registerProviderPages(app, providers, async () =>
      (await service.bookableExams({ includeProviderExams: true })).map((e) => ({
        value: e.code,
        label: `${e.code} – ${e.title}`,
      })),
    );
    registerSchedulingApi(app, providers);
  },
  { name: 'scheduling', dependencies: ['catalog', 'progress', 'accounts'] },
);
