import type { PageContext } from '../../../platform/html/context.ts';
import { CsrfField, PageHeading } from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import type { SigningKeyView } from '../signing.ts';

/** Admins give API keys that send results a signing secret (shown once), or take it away. */
export function SigningPage({
  ctx,
  keys,
  revealed,
}: {
  ctx: PageContext;
  keys: SigningKeyView[];
  revealed?: { keyName: string; secret: string };
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('results.signing.title')} wide>
      <PageHeading title={t('results.signing.title')} lead={t('results.signing.lead')} />
      {revealed ? (
        <div class="notice" role="status">
          <p safe>{t('results.signing.revealed', { name: revealed.keyName })}</p>
          <p>
            <code class="secret" safe>
              {revealed.secret}
            </code>
          </p>
        </div>
      ) : (
        ''
      )}
      {keys.length === 0 ? (
        <p class="empty-state" safe>
          {t('results.signing.none')}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('results.signing.key')}
                </th>
                <th scope="col" safe>
                  {t('results.col.provider')}
                </th>
                <th scope="col" safe>
                  {t('results.signing.signs')}
                </th>
                <th scope="col">
                  <span class="visually-hidden" safe>
                    {t('results.auth.actions')}
                  </span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr>
                  <td safe>{`${k.name} (${k.prefix}…)`}</td>
                  <td safe>{k.provider ?? '–'}</td>
                  <td safe>
                    {k.signingSince
                      ? t('results.signing.since', { date: ctx.dateTime(k.signingSince) })
                      : t('results.signing.no')}
                  </td>
                  <td>
                    <div class="button-row">
                      <form method="post" action={`/console/results/signing/${k.id}`}>
                        <CsrfField ctx={ctx} />
                        <button type="submit" class="button" safe>
                          {k.signingSince
                            ? t('results.signing.replace')
                            : t('results.signing.create')}
                        </button>
                      </form>
                      {k.signingSince ? (
                        <form method="post" action={`/console/results/signing/${k.id}/remove`}>
                          <CsrfField ctx={ctx} />
                          <button type="submit" class="button button--secondary" safe>
                            {t('results.signing.remove')}
                          </button>
                        </form>
                      ) : (
                        ''
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
