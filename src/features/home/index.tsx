import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { authorize } from '../../platform/auth/session.ts';
import { registerNavItem } from '../../platform/html/nav.ts';
import { DashboardPage, LandingPage, PrivacyPage } from './views.tsx';

/** The public start page, the signed-in dashboard and the privacy notice. */
export default fp(
  async function home(app: FastifyInstance) {
    registerNavItem({ area: 'candidate', href: '/dashboard', label: 'nav.dashboard', order: 0 });

    app.get('/', async (request, reply) => {
      if (request.principal) return reply.redirect('/dashboard', 303);
      return reply.html(<LandingPage ctx={await app.pageContext(request)} />);
    });

    app.get('/dashboard', async (request, reply) => {
      authorize(request);
      return reply.html(<DashboardPage ctx={await app.pageContext(request)} />);
    });

    app.get('/privacy', async (request, reply) => {
      const notice = await app.accounts.currentPrivacyNotice();
      return reply.html(
        <PrivacyPage
          ctx={await app.pageContext(request)}
          notice={
            notice
              ? { version: notice.version, body: notice.body, effectiveAt: notice.effective_at }
              : undefined
          }
        />,
      );
    });
  },
  { name: 'home', dependencies: ['accounts'] },
);
