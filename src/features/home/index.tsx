import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { LandingPage, PrivacyPage } from './views.tsx';

/**
 * The public start page and the privacy notice. The signed-in dashboard lives
 * with the candidate's progress pages (features/progress/candidate.pages.tsx).
 */
export default fp(
  async function home(app: FastifyInstance) {
    app.get('/', async (request, reply) => {
      if (request.principal) return reply.redirect('/dashboard', 303);
      return reply.html(<LandingPage ctx={await app.pageContext(request)} />);
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
