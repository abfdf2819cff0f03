import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import { AppError } from '../../platform/http/errors.ts';
import { registerNavItem } from '../../platform/html/nav.ts';
import type { DirectoryService } from './directory.service.ts';
import { DirectoryPage, DirectorySettingsPage } from './directory.views.tsx';

/** `/directory` (public search) and `/directory/settings` (the candidate's opt-in). */
export function registerDirectoryPages(appBase: FastifyInstance, service: DirectoryService): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  registerNavItem({ area: 'public', href: '/directory', label: 'nav.directory', order: 25 });

  app.get(
    '/directory',
    {
      schema: {
        querystring: Type.Object({
          name: Type.Optional(Type.String({ maxLength: 200 })),
          credential: Type.Optional(Type.String({ maxLength: 40 })),
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
        }),
      },
    },
    async (request, reply) => {
      const query = request.query;
      const [credentials, result] = await Promise.all([
        service.credentialChoices(),
        service.search(query),
      ]);
      return reply.html(
        <DirectoryPage
          ctx={await app.pageContext(request)}
          query={{ name: query.name, credential: query.credential }}
          credentials={credentials}
          result={result}
        />,
      );
    },
  );

  app.get('/directory/settings', async (request, reply) => {
    const principal = authorize(request);
    const listed = await service.isListed(principal.userId);
    return reply.html(
      <DirectorySettingsPage ctx={await app.pageContext(request)} listed={listed} />,
    );
  });

  app.post(
    '/directory/settings',
    {
      schema: {
        body: Type.Object({
          _csrf: Type.Optional(Type.String({ maxLength: 200 })),
          listed: Type.Optional(Type.String({ maxLength: 10 })),
        }),
      },
    },
    async (request, reply) => {
      const principal = authorize(request);
      const { listed } = request.body;
      if (listed !== 'yes' && listed !== 'no') {
        throw new AppError('VALIDATION_FAILED', 400, 'error.badRequest');
      }
      await service.setListed(principal.userId, listed === 'yes', request.ip);
      return reply
        .flash('success', listed === 'yes' ? 'directory.joinedFlash' : 'directory.leftFlash')
        .redirect('/directory/settings', 303);
    },
  );
}
