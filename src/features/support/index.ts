import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { dailyAt } from '../../platform/jobs/runner.ts';
import { HelpService } from './help.service.ts';
import { registerHelpPages } from './help.pages.tsx';
import { TicketService } from './tickets.service.ts';
import { registerTicketPages } from './tickets.pages.tsx';
import { registerAttentionItem } from '../../platform/html/attention.ts';
import { countByStatus } from './tickets.repository.ts';

export { HelpService } from './help.service.ts';
export { TicketService } from './tickets.service.ts';
export { renderMarkdown } from './help.markdown.ts';

/** What other features (and the console home, the CLI, the demo) may use of support. */
export interface SupportApi {
  readonly tickets: TicketService;
  readonly help: HelpService;
  /** Closes tickets waiting on the candidate past the configured days; how many. */
  closeWaitingTickets(now?: Date): Promise<number>;
}

declare module 'fastify' {
  interface FastifyInstance {
    support: SupportApi;
  }
}

export const AUTO_CLOSE_TASK = 'support.auto-close';

/** Support tickets, saved replies, help articles; the daily auto-close of tickets left waiting. */
export default fp(
  async function support(app: FastifyInstance) {
    const { db, config, program, jobs } = app.platform;

    registerAttentionItem({
      key: 'support.new',
      label: 'attention.newTickets',
      href: '/console/tickets?status=new',
      roles: ['support_agent'],
      order: 20,
      count: (q) => countByStatus(q, 'new'),
    });
    const tickets = new TicketService(db, program, config.publicUrl);
    const help = new HelpService(db);
    app.decorate('support', {
      tickets,
      help,
      closeWaitingTickets: (now?: Date) => tickets.closeWaiting(now),
    } satisfies SupportApi);

    jobs.schedule({
      name: AUTO_CLOSE_TASK,
      next: dailyAt(4),
      run: async ({ log }) => {
        const closed = await tickets.closeWaiting();
        log.info({ closed }, 'support tickets closed after waiting on the candidate');
      },
    });

    registerTicketPages(app, tickets);
    registerHelpPages(app, help);
  },
  { name: 'support', dependencies: ['accounts'] },
);
