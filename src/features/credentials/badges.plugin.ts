import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { registerNavItem } from '../../platform/html/nav.ts';
import { registerAwardStatusPages } from './award-status.pages.tsx';
import { registerBadgeRoutes } from './badges.pages.tsx';
import { BadgeService } from './badges.service.ts';
import { IssuerKeys } from './issuer-keys.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Open Badges 3.0: signing, status lists, the issuer's keys. */
    badges: { service: BadgeService; keys: IssuerKeys };
  }
}

/**
 * Open Badges 3.0 and award suspension/revocation (part of the credentials
 * feature). The issuer key pair is created here on first start.
 */
export default fp(
  async function badges(app: FastifyInstance) {
    const { db, config, program } = app.platform;
    const keys = new IssuerKeys(db, config.publicUrl, config.secretKey);
    await keys.ensureCurrent();
    const service = new BadgeService({
      db,
      publicUrl: config.publicUrl,
      secret: config.secretKey,
      keys,
      program,
      catalog: app.catalog,
      progress: app.progress,
    });
    app.decorate('badges', { service, keys });
    registerBadgeRoutes(app, service, keys);
    registerAwardStatusPages(app);
    registerNavItem({
      area: 'staff',
      href: '/console/awards',
      label: 'credentials.awardStatus.nav',
      roles: ['program_manager'],
      order: 15,
    });
    registerNavItem({
      area: 'staff',
      href: '/console/issuer-keys',
      label: 'credentials.badges.keys.nav',
      roles: ['admin'],
      order: 92,
    });
  },
  { name: 'credentials-badges', dependencies: ['catalog', 'progress', 'accounts'] },
);
