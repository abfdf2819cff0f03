import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { AccountsService } from './accounts.service.ts';
import { registerAccountPages } from './accounts.pages.tsx';
import { registerAccountApi } from './accounts.api.ts';

export { AccountsService, type NewAccount, type PartnerLookup } from './accounts.service.ts';
export { totpCode } from './totp.ts';
export { checkName } from './account-rules.ts';
export { safeNextPath } from './account-rules.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** What other features may use of accounts. */
    accounts: AccountsService;
  }
}

/** Registration, sign-in, recovery, two-factor, email changes, sessions. */
export default fp(
  async function accounts(app: FastifyInstance) {
    const { db, config, program, rateLimiter, jobs } = app.platform;
    const service = new AccountsService(db, config, program, rateLimiter);
    app.decorate('accounts', service);

    jobs.register('accounts.send-username', (payload) => service.runSendUsername(payload));
    jobs.register('accounts.send-password-reset', (payload) =>
      service.runSendPasswordReset(payload),
    );
    jobs.register('accounts.resend-confirmation', (payload) =>
      service.runResendConfirmation(payload),
    );

    registerAccountPages(app, service);
    registerAccountApi(app);
  },
  { name: 'accounts' },
);
