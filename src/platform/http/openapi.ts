import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';

/**
 * The OpenAPI document is generated from the schemas that JSON routes declare
 * under /api/v1, and served at /api/v1/openapi.json.
 */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Laurel API',
        version: '1.0.0',
        description:
          'The JSON API of a Laurel installation. Errors are RFC 9457 problem details (application/problem+json).',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'laurel_session' },
        },
      },
    },
    hideUntagged: false,
    transform: ({ schema, url }) => {
      // Only the JSON API is documented; pages are not part of it.
      if (!url.startsWith('/api/v1')) return { schema: { ...schema, hide: true }, url };
      return { schema, url };
    },
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
