import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { LandingPage } from './views.tsx';

/**
 * The public start page (the privacy notice lives with the profile feature). The signed-in dashboard lives
 * with the candidate's progress pages (features/progress/candidate.pages.tsx).
 */
export default fp(
  async function home(app: FastifyInstance) {
    app.get('/', async (request, reply) => {
      if (request.principal) return reply.redirect('/dashboard', 303);
      return reply.html(<LandingPage ctx={await app.pageContext(request)} />);
    });
  },
  { name: 'home', dependencies: ['accounts'] },
);
