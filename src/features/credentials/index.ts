import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { CertificateService } from './certificates.service.ts';
import { registerCertificatePages } from './certificates.pages.tsx';
import { MyCredentialsService } from './my-credentials.service.ts';
import { registerMyCredentialsPages } from './my-credentials.pages.tsx';
import { NameChangeService } from './name-change.service.ts';
import { registerNameChangePages } from './name-change.pages.tsx';
import { countOf, registerAttentionItem } from '../../platform/html/attention.ts';

export { linkedInAddUrl, unavailableReason, verificationUrl } from './my-credentials.rules.ts';
export type { Unavailable } from './my-credentials.rules.ts';
export { renderCertificate, type CertificateContent, type PaperSize } from './certificates.pdf.ts';

/** What other features (and the demo, the CLI and tests) may use of credentials. */
export interface CredentialsApi {
  certificates: CertificateService;
  myCredentials: MyCredentialsService;
  nameChanges: NameChangeService;
}

declare module 'fastify' {
  interface FastifyInstance {
    credentials: CredentialsApi;
  }
}

/**
 * Credentials, the candidate's side of awards: My credentials, certificates
 * (and their templates), name change requests, and the LinkedIn link. Other
 * parts of the feature (verification, shares, logos, badges) register in
 * their own files.
 */
export default fp(
  async function credentials(app: FastifyInstance) {
    const { db, config, program, rateLimiter } = app.platform;

    registerAttentionItem({
      key: 'credentials.nameChanges',
      label: 'attention.nameChanges',
      href: '/console/name-changes',
      roles: ['support_agent'],
      order: 30,
      count: (q) =>
        countOf(
          q
            .selectFrom('name_change_requests')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('status', '=', 'pending'),
        ),
    });
    const certificates = new CertificateService({
      db,
      catalog: app.catalog,
      progress: app.progress,
      accounts: app.accounts,
      program,
      limiter: rateLimiter,
      publicUrl: config.publicUrl,
    });
    const myCredentials = new MyCredentialsService(
      app.platform.prepared,
      app.catalog,
      app.progress,
      program,
      config.publicUrl,
    );
    const nameChanges = new NameChangeService(db, app.accounts, program, rateLimiter);
    app.decorate('credentials', {
      certificates,
      myCredentials,
      nameChanges,
    } satisfies CredentialsApi);

    registerMyCredentialsPages(app, myCredentials);
    registerCertificatePages(app, certificates);
    registerNameChangePages(app, nameChanges, app.accounts);
  },
  { name: 'credentials', dependencies: ['catalog', 'progress', 'accounts'] },
);
