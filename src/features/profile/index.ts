import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerNavItem } from '../../platform/html/nav.ts';
import { every } from '../../platform/jobs/runner.ts';
import { registerConsolePages } from './console.pages.tsx';
import { EXPORT_JOB, PrivacyService } from './privacy.service.ts';
import { registerProfileApi } from './profile.api.ts';
import { registerProfilePages } from './profile.pages.tsx';
import { ProfileService } from './profile.service.ts';
import { countOf, registerAttentionItem } from '../../platform/html/attention.ts';

export { ProfileService } from './profile.service.ts';
export { PrivacyService, type Eraser } from './privacy.service.ts';
export type { ExportSection } from './export-data.ts';

/** What other features may use of the profile: details, consent, preferences, export, erasure. */
export interface Profile {
  readonly details: ProfileService;
  readonly privacy: PrivacyService;
}

declare module 'fastify' {
  interface FastifyInstance {
    profile: Profile;
  }
}

/** Paths a signed-in person may reach while a privacy notice or review is waiting for them. */
const ALWAYS_OPEN = [
  '/privacy/accept',
  '/sign-out',
  '/assets/',
  '/healthz',
  '/unsubscribe/',
  '/api/',
  '/dev/mailbox',
];
const REVIEW_SKIPS = ['/profile', '/privacy', '/account', '/sign-in', '/console', '/admin'];
const REVIEW_CHECK_MS = 10 * 60_000;

function startsWithAny(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`));
}

/** Contact details, demographics, privacy notice consent, preferences, unsubscribe, export, deletion. */
export default fp(
  async function profile(app: FastifyInstance) {
    const { db, config, program, rateLimiter, jobs, mail } = app.platform;

    registerAttentionItem({
      key: 'profile.deletions',
      label: 'attention.deletions',
      href: '/console/deletion-requests',
      roles: ['support_agent'],
      order: 40,
      count: (q) =>
        countOf(
          q
            .selectFrom('deletion_requests')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('status', '=', 'pending'),
        ),
    });
    const details = new ProfileService(db, config, app.accounts);
    const privacy = new PrivacyService(db, config, program, app.accounts, details, rateLimiter);
    app.decorate('profile', { details, privacy } satisfies Profile);

    mail.usePolicy(privacy.mailPolicy);
    jobs.register(EXPORT_JOB, (payload: { exportId: number }) => privacy.runExport(payload));
    jobs.schedule({
      name: 'profile.expire-exports',
      next: every(3_600_000),
      run: async () => {
        await privacy.expireExports();
      },
    });

    registerNavItem({ area: 'candidate', href: '/profile', label: 'nav.profile', order: 80 });
    registerNavItem({
      area: 'staff',
      href: '/console/demographics',
      label: 'nav.demographics',
      roles: ['program_manager'],
      order: 70,
    });
    registerNavItem({
      area: 'staff',
      href: '/console/deletion-requests',
      label: 'nav.deletionRequests',
      roles: ['support_agent'],
      order: 72,
    });
    registerNavItem({
      area: 'staff',
      href: '/admin/privacy-notices',
      label: 'nav.privacyNotices',
      roles: ['admin'],
      order: 92,
    });

    // After sign-in, nothing else opens until the privacy notice in force is accepted; the
    // page asked for is kept as the return address. Then, at most once per the program's
    // interval, the person is asked once to confirm their details.
    const reviewCheckedUntil = new Map<number, number>();
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const principal = request.principal;
      if (!principal) return;
      const path = request.url.split('?')[0] ?? '/';
      if (startsWithAny(path, ALWAYS_OPEN)) return;
      const isPage = request.method === 'GET' || request.method === 'HEAD';
      if ((await privacy.mustAccept(principal.userId)) !== null) {
        const target = isPage
          ? `/privacy/accept?next=${encodeURIComponent(request.url)}`
          : '/privacy/accept';
        return reply.redirect(target, 303);
      }
      if (!isPage || startsWithAny(path, REVIEW_SKIPS)) return;
      if ((reviewCheckedUntil.get(principal.userId) ?? 0) > Date.now()) return;
      if (await details.claimReviewPrompt(principal.userId)) {
        return reply.redirect(`/profile/review?next=${encodeURIComponent(request.url)}`, 303);
      }
      if (reviewCheckedUntil.size > 50_000) reviewCheckedUntil.clear();
      reviewCheckedUntil.set(principal.userId, Date.now() + REVIEW_CHECK_MS);
    });

    registerProfilePages(app, details, privacy);
    registerConsolePages(app, details, privacy);
    registerProfileApi(app, details, privacy);
  },
  { name: 'profile', dependencies: ['accounts'] },
);
