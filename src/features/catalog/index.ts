import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { registerNavItem } from '../../platform/html/nav.ts';
import { CatalogService } from './catalog.service.ts';
import { registerCatalogPages } from './catalog.pages.tsx';
import { registerCatalogApi } from './catalog.api.ts';

export { CatalogService, CATALOG_FINGERPRINT_SQL, type CatalogActor } from './catalog.service.ts';
export { requirementsInForce, credentialGraph } from './catalog-rules.ts';
export type * from './catalog.types.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** What other features may use of the catalog: definitions, lookups, requirement versions. */
    catalog: CatalogService;
  }
}

/** Exams, credentials and their requirements, training, agreements, credit categories. */
export default fp(
  async function catalog(app: FastifyInstance) {
    const service = new CatalogService(app.platform.db, app.platform.prepared);
    app.decorate('catalog', service);
    registerNavItem({
      area: 'staff',
      href: '/console/catalog',
      label: 'nav.catalog',
      roles: ['program_manager'],
      order: 20,
    });
    registerCatalogPages(app, service);
    registerCatalogApi(app, service);
  },
  { name: 'catalog', dependencies: ['accounts'] },
);
