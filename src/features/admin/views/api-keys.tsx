import type { PageContext } from '../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  TextField,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import { API_SCOPES, type ApiKeyView, type ApiScope } from '../../../platform/auth/api-keys.ts';

export function ApiKeysPage({
  ctx,
  keys,
  form,
  scopes,
  created,
}: {
  ctx: PageContext;
  keys: ApiKeyView[];
  form: FormState;
  scopes: readonly string[];
  /** The key just created: shown on this one response and never again. */
  created?: { name: string; key: string } | undefined;
}): JSX.Element {
  const { t, dateTime } = ctx;
  return (
    <Layout ctx={ctx} title={t('apiKeys.title')} wide>
      <PageHeading title={t('apiKeys.title')} lead={t('apiKeys.lead')} />
      {created ? (
        <div class="banner banner--success" role="status">
          <h2 safe>{t('apiKeys.createdTitle', { name: created.name })}</h2>
          <p safe>{t('apiKeys.createdOnce')}</p>
          <p>
            <code class="mono secret" id="new-api-key" safe>
              {created.key}
            </code>
          </p>
        </div>
      ) : (
        ''
      )}
      {keys.length === 0 ? (
        <p safe>{t('apiKeys.none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden" safe>
              {t('apiKeys.title')}
            </caption>
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('apiKeys.name')}
                </th>
                <th scope="col" safe>
                  {t('apiKeys.prefix')}
                </th>
                <th scope="col" safe>
                  {t('apiKeys.scopes')}
                </th>
                <th scope="col" safe>
                  {t('apiKeys.provider')}
                </th>
                <th scope="col" safe>
                  {t('apiKeys.created')}
                </th>
                <th scope="col" safe>
                  {t('apiKeys.lastUsed')}
                </th>
                <th scope="col" safe>
                  {t('apiKeys.status')}
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr>
                  <td safe>{k.name}</td>
                  <td class="mono" safe>
                    {`${k.prefix}…`}
                  </td>
                  <td safe>{k.scopes.map((s) => t(`apiKeys.scope.${s}`)).join(', ')}</td>
                  <td safe>{k.provider ?? '—'}</td>
                  <td safe>{dateTime(k.createdAt)}</td>
                  <td safe>{k.lastUsedAt ? dateTime(k.lastUsedAt) : t('apiKeys.never')}</td>
                  <td>
                    {k.revokedAt ? (
                      <span safe>{t('apiKeys.revokedOn', { date: dateTime(k.revokedAt) })}</span>
                    ) : (
                      <form method="post" action={`/admin/api-keys/${k.id}/revoke`}>
                        <CsrfField ctx={ctx} />
                        <button
                          type="submit"
                          class="button button--secondary button--small"
                          aria-label={t('apiKeys.revokeNamed', { name: k.name })}
                          safe
                        >
                          {t('apiKeys.revoke')}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 safe>{t('apiKeys.newTitle')}</h2>
      <ErrorSummary ctx={ctx} form={form} order={['name', 'scopes', 'provider']} />
      <form method="post" action="/admin/api-keys" novalidate>
        <CsrfField ctx={ctx} />
        <TextField name="name" label={t('apiKeys.name')} hint={t('apiKeys.nameHint')} form={form} />
        <fieldset id="f-scopes" class={form.errors.scopes ? 'field field--error' : 'field'}>
          <legend safe>{t('apiKeys.scopes')}</legend>
          {form.errors.scopes ? (
            <p class="field__error" id="f-scopes-error" safe>
              {form.errors.scopes}
            </p>
          ) : (
            ''
          )}
          {API_SCOPES.map((scope: ApiScope) => (
            <div class="checkbox field">
              <input
                id={`scope-${scope}`}
                type="checkbox"
                name="scopes"
                value={scope}
                checked={scopes.includes(scope)}
              />
              <label for={`scope-${scope}`} safe>
                {t(`apiKeys.scope.${scope}`)}
              </label>
            </div>
          ))}
        </fieldset>
        <TextField
          name="provider"
          label={t('apiKeys.provider')}
          hint={t('apiKeys.providerHint')}
          form={form}
        />
        <button type="submit" class="button" safe>
          {t('apiKeys.create')}
        </button>
      </form>
    </Layout>
  );
}
