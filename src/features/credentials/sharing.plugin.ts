import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { registerDirectoryPages } from './directory.pages.tsx';
import { DirectoryService } from './directory.service.ts';
import { registerLogoPages } from './logos.pages.tsx';
import { LogosService } from './logos.service.ts';
import { registerSharePages } from './shares.pages.tsx';
import { SharesService } from './shares.service.ts';
import { registerVerificationApi } from './verification.api.ts';
import { registerVerificationPages } from './verification.pages.tsx';
import { VerificationService } from './verification.service.ts';

/**
 * Credentials, the sharing side: public verification, the public directory,
 * shares (forwarding credentials to a third party) and program logos. Awards
 * are read through `app.progress`; names of holders through `app.accounts`.
 */
export interface SharingApi {
  verification: VerificationService;
  directory: DirectoryService;
  shares: SharesService;
  logos: LogosService;
}

declare module 'fastify' {
  interface FastifyInstance {
    sharing: SharingApi;
  }
}

export default fp(
  async function sharing(app: FastifyInstance) {
    const { db, config, program, rateLimiter } = app.platform;
    const verification = new VerificationService(
      app.progress,
      program,
      rateLimiter,
      config.publicUrl,
    );
    const directory = new DirectoryService(db, app.catalog, app.progress);
    const shares = new SharesService(
      db,
      app.progress,
      app.accounts,
      program,
      rateLimiter,
      config.publicUrl,
    );
    const logos = new LogosService(db, app.catalog, app.progress);
    app.decorate('sharing', { verification, directory, shares, logos } satisfies SharingApi);

    registerVerificationPages(app, verification);
    registerVerificationApi(app, verification);
    registerDirectoryPages(app, directory);
    registerSharePages(app, shares);
    registerLogoPages(app, logos);
  },
  { name: 'credentials-sharing', dependencies: ['progress', 'catalog', 'accounts'] },
);
