import type { PageContext } from '../../platform/html/context.ts';
import { CsrfField, PageHeading, SelectField, TextField } from '../../platform/html/forms.tsx';
import { Layout } from '../../platform/html/layout.tsx';
import type { DirectoryEntry } from '../progress/index.ts';

/** The public directory and the candidate's opt-in setting. */

export function DirectoryPage({
  ctx,
  query,
  credentials,
  result,
}: {
  ctx: PageContext;
  query: { name?: string | undefined; credential?: string | undefined };
  credentials: { code: string; name: string }[];
  result: { entries: DirectoryEntry[]; total: number; page: number; pages: number };
}): JSX.Element {
  const { t } = ctx;
  const link = (page: number) => {
    const params = new URLSearchParams();
    if (query.name) params.set('name', query.name);
    if (query.credential) params.set('credential', query.credential);
    if (page > 1) params.set('page', String(page));
    const s = params.toString();
    return s ? `/directory?${s}` : '/directory';
  };
  const form = { values: { name: query.name, credential: query.credential }, errors: {} };
  return (
    <Layout ctx={ctx} title={t('directory.title')} index>
      <PageHeading title={t('directory.title')} lead={t('directory.lead')} />
      <form method="get" action="/directory" class="filter-form" role="search">
        <TextField
          name="name"
          label={t('directory.name')}
          form={form}
          width="medium"
          maxlength={100}
        />
        <SelectField
          name="credential"
          label={t('directory.credential')}
          form={form}
          placeholder={t('directory.anyCredential')}
          options={credentials.map((c) => ({ value: c.code, label: c.name }))}
        />
        <div class="filter-form__actions">
          <button class="button" type="submit" safe>
            {t('directory.search')}
          </button>
        </div>
      </form>
      <p safe>
        {result.total === 1
          ? t('directory.countOne')
          : t('directory.count', { count: result.total })}
      </p>
      {result.entries.length === 0 ? (
        <div class="empty-state">
          <p safe>{t('directory.none')}</p>
        </div>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden" safe>
              {t('directory.title')}
            </caption>
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('directory.holder')}
                </th>
                <th scope="col" safe>
                  {t('directory.credential')}
                </th>
                <th scope="col" safe>
                  {t('directory.since')}
                </th>
                <th scope="col" safe>
                  {t('directory.validUntil')}
                </th>
                <th scope="col" safe>
                  {t('directory.verify')}
                </th>
              </tr>
            </thead>
            <tbody>
              {result.entries.map((e) => (
                <tr>
                  <td safe>{e.holderName}</td>
                  <td safe>{e.credentialName}</td>
                  <td safe>{ctx.date(e.awardedAt)}</td>
                  <td safe>{e.expiresAt ? ctx.date(e.expiresAt) : t('verify.noExpiry')}</td>
                  <td>
                    <a href={`/verify/${e.credentialNumber}`} class="mono" safe>
                      {e.credentialNumber}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {result.pages > 1 ? (
        <nav class="pagination" aria-label={t('layout.pagination')}>
          {result.page > 1 ? (
            <a href={link(result.page - 1)} rel="prev" safe>
              {t('directory.previous')}
            </a>
          ) : (
            ''
          )}
          <span safe>{t('directory.pageOf', { page: result.page, pages: result.pages })}</span>
          {result.page < result.pages ? (
            <a href={link(result.page + 1)} rel="next" safe>
              {t('directory.next')}
            </a>
          ) : (
            ''
          )}
        </nav>
      ) : (
        ''
      )}
      <p class="small">
        <a href="/directory/settings" safe>
          {t('directory.settingsLink')}
        </a>
      </p>
    </Layout>
  );
}

export function DirectorySettingsPage({
  ctx,
  listed,
}: {
  ctx: PageContext;
  listed: boolean;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('directory.settingsTitle')}>
      <PageHeading title={t('directory.settingsTitle')} lead={t('directory.settingsLead')} />
      <p>
        <strong safe>{listed ? t('directory.listedNow') : t('directory.notListedNow')}</strong>
      </p>
      <ul class="plain-list">
        <li safe>{t('directory.explainShown')}</li>
        <li safe>{t('directory.explainIndexed')}</li>
        <li safe>{t('directory.explainLeave')}</li>
      </ul>
      <div class="button-row">
        <form method="post" action="/directory/settings" class="inline-form">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="listed" value={listed ? 'no' : 'yes'} />
          <button class={listed ? 'button button--secondary' : 'button'} type="submit" safe>
            {listed ? t('directory.leave') : t('directory.join')}
          </button>
        </form>
        <a class="button button--secondary" href="/directory" safe>
          {t('directory.open')}
        </a>
      </div>
    </Layout>
  );
}
