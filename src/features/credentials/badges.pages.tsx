import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import type { PageContext } from '../../platform/html/context.ts';
import { CsrfField, PageHeading, TextField, emptyForm } from '../../platform/html/forms.tsx';
import { Layout } from '../../platform/html/layout.tsx';
import { notFound } from '../../platform/http/errors.ts';
import type { RateRule } from '../../platform/http/rate-limit.ts';
import type { BadgeService } from './badges.service.ts';
import type { IssuerKeys, IssuerKeyView } from './issuer-keys.ts';

/**
 * Open Badges routes: the holder's badge download, the issuer's DID
 * document, the status lists, and the admin page that rotates the key.
 */

const BADGE_DOWNLOADS: RateRule = { name: 'badges.download', limit: 60, windowSeconds: 3600 };
const PUBLIC_DOCUMENTS: RateRule = { name: 'badges.public', limit: 600, windowSeconds: 60 };

const NumberParams = Type.Object({
  credentialNumber: Type.String({ minLength: 1, maxLength: 40 }),
});
const ListParams = Type.Object({
  purpose: Type.Union([Type.Literal('revocation'), Type.Literal('suspension')]),
  listNumber: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
});
const RotateBody = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 100 })),
  reason: Type.Optional(Type.String({ maxLength: 2000 })),
});

export function registerBadgeRoutes(
  appBase: FastifyInstance,
  badges: BadgeService,
  keys: IssuerKeys,
): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { rateLimiter } = app.platform;

  app.get(
    '/my-credentials/:credentialNumber/badge',
    { schema: { params: NumberParams } },
    async (request, reply) => {
      const principal = authorize(request);
      await rateLimiter.consume(BADGE_DOWNLOADS, `user:${principal.userId}`);
      const badge = await badges.badgeFor(principal, request.params.credentialNumber);
      return reply
        .header('content-type', 'application/vc+ld+json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${badge.fileName}"`)
        .header('cache-control', 'no-store')
        .send(JSON.stringify(badge.credential, null, 2));
    },
  );

  for (const path of keys.identity.documentPaths) {
    app.get(path, async (request, reply) => {
      await rateLimiter.consume(PUBLIC_DOCUMENTS, `ip:${request.ip}`);
      return reply
        .header('content-type', 'application/did+json')
        .header('cache-control', 'no-cache')
        .header('access-control-allow-origin', '*')
        .send(JSON.stringify(await keys.didDocument()));
    });
  }

  app.get(
    '/status-lists/:purpose/:listNumber',
    { schema: { params: ListParams } },
    async (request, reply) => {
      await rateLimiter.consume(PUBLIC_DOCUMENTS, `ip:${request.ip}`);
      const list = await badges.statusList(request.params.purpose, request.params.listNumber);
      if (!list) throw notFound();
      return (
        reply
          .header('content-type', 'application/vc+ld+json; charset=utf-8')
          // A change of status must show at once: verifiers always ask again.
          .header('cache-control', 'no-cache')
          .header('access-control-allow-origin', '*')
          .send(JSON.stringify(list))
      );
    },
  );

  app.get('/console/issuer-keys', async (request, reply) => {
    authorize(request, 'admin');
    return reply.html(
      <IssuerKeysPage
        ctx={await app.pageContext(request)}
        did={keys.did}
        keys={await keys.list()}
      />,
    );
  });

  app.post(
    '/console/issuer-keys/rotate',
    { schema: { body: RotateBody } },
    async (request, reply) => {
      const actor = authorize(request, 'admin');
      const keyId = await keys.rotate(actor.userId, request.body.reason?.trim() || null);
      return reply
        .flash('success', 'credentials.badges.keys.rotated', { key: keyId })
        .redirect('/console/issuer-keys', 303);
    },
  );
}

export function IssuerKeysPage({
  ctx,
  did,
  keys,
}: {
  ctx: PageContext;
  did: string;
  keys: IssuerKeyView[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('credentials.badges.keys.title')} wide>
      <PageHeading
        title={t('credentials.badges.keys.title')}
        lead={t('credentials.badges.keys.lead')}
      />
      <dl class="summary-list">
        <dt safe>{t('credentials.badges.keys.did')}</dt>
        <dd class="mono" safe>
          {did}
        </dd>
      </dl>
      <div class="table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col" safe>
                {t('credentials.badges.keys.key')}
              </th>
              <th scope="col" safe>
                {t('credentials.badges.keys.status')}
              </th>
              <th scope="col" safe>
                {t('credentials.badges.keys.created')}
              </th>
              <th scope="col" safe>
                {t('credentials.badges.keys.retired')}
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr>
                <td class="mono" safe>
                  {k.keyId}
                </td>
                <td safe>{t(`credentials.badges.keys.status.${k.status}`)}</td>
                <td safe>{ctx.dateTime(k.createdAt)}</td>
                <td safe>
                  {k.retiredAt
                    ? ctx.dateTime(k.retiredAt)
                    : t('credentials.badges.keys.notRetired')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2 safe>{t('credentials.badges.keys.rotate')}</h2>
      <p safe>{t('credentials.badges.keys.rotateHint')}</p>
      <form method="post" action="/console/issuer-keys/rotate">
        <CsrfField ctx={ctx} />
        <TextField
          name="reason"
          label={t('credentials.badges.keys.reason')}
          form={emptyForm}
          maxlength={2000}
        />
        <button type="submit" class="button button--danger" safe>
          {t('credentials.badges.keys.rotate')}
        </button>
      </form>
    </Layout>
  );
}
