import type { PageContext } from '../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import { ALL_ROLES } from '../../../platform/auth/session.ts';
import type { Role } from '../../../platform/db/schema.ts';

export interface UserRowView {
  id: number;
  candidateNumber: string;
  username: string;
  email: string;
  name: string;
  roles: Role[];
}

export function UsersPage({
  ctx,
  query,
  rows,
  total,
  page,
  pageSize,
}: {
  ctx: PageContext;
  query: string;
  rows: UserRowView[];
  total: number;
  page: number;
  pageSize: number;
}): JSX.Element {
  const { t } = ctx;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const link = (p: number) =>
    `/admin/users?${new URLSearchParams({ q: query, page: String(p) }).toString()}`;
  return (
    <Layout ctx={ctx} title={t('admin.usersTitle')} wide>
      <PageHeading title={t('admin.usersTitle')} />
      <form method="get" action="/admin/users" class="search-form" role="search">
        <label class="field__label" for="f-q" safe>
          {t('admin.search')}
        </label>
        <div class="button-row">
          <input class="input input--medium" id="f-q" name="q" type="search" value={query} />
          <button type="submit" class="button" safe>
            {t('admin.searchSubmit')}
          </button>
        </div>
      </form>
      <p class="small" safe>
        {t('admin.results', { count: total })}
      </p>
      {rows.length === 0 ? (
        <p safe>{t('admin.noUsers')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('account.candidateId')}
                </th>
                <th scope="col" safe>
                  {t('admin.user')}
                </th>
                <th scope="col" safe>
                  {t('account.email')}
                </th>
                <th scope="col" safe>
                  {t('account.roles')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((u) => (
                <tr>
                  <td class="mono" safe>
                    {u.candidateNumber}
                  </td>
                  <td>
                    <a href={`/admin/users/${u.id}`} safe>
                      {u.name}
                    </a>
                    <div class="small" safe>
                      {u.username}
                    </div>
                  </td>
                  <td safe>{u.email}</td>
                  <td safe>{u.roles.map((r) => t(`role.${r}`)).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 ? (
        <nav class="pagination" aria-label={t('layout.pagination')}>
          {page > 1 ? (
            <a href={link(page - 1)} rel="prev" safe>
              {t('admin.previous')}
            </a>
          ) : (
            ''
          )}{' '}
          <span safe>{`${page} / ${pages}`}</span>{' '}
          {page < pages ? (
            <a href={link(page + 1)} rel="next" safe>
              {t('admin.next')}
            </a>
          ) : (
            ''
          )}
        </nav>
      ) : (
        ''
      )}
    </Layout>
  );
}

export function UserRolesPage({
  ctx,
  user,
  form,
}: {
  ctx: PageContext;
  user: UserRowView & { twoFactor: boolean };
  form: FormState & { roles: Role[] };
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('admin.rolesTitle', { name: user.name })}>
      <PageHeading title={t('admin.rolesTitle', { name: user.name })} lead={t('admin.rolesLead')} />
      <dl class="summary-list">
        <dt safe>{t('account.candidateId')}</dt>
        <dd class="mono" safe>
          {user.candidateNumber}
        </dd>
        <dt safe>{t('account.username')}</dt>
        <dd safe>{user.username}</dd>
        <dt safe>{t('account.email')}</dt>
        <dd safe>{user.email}</dd>
        <dt safe>{t('account.twoFactor')}</dt>
        <dd safe>{user.twoFactor ? t('account.on') : t('account.off')}</dd>
      </dl>
      <ErrorSummary ctx={ctx} form={form} order={['roles']} />
      <form method="post" action={`/admin/users/${user.id}/roles`}>
        <CsrfField ctx={ctx} />
        <fieldset id="f-roles">
          <legend safe>{t('account.roles')}</legend>
          {form.errors.roles ? (
            <p class="field__error" safe>
              {form.errors.roles}
            </p>
          ) : (
            ''
          )}
          {ALL_ROLES.map((role) => (
            <div class="checkbox field">
              <input
                id={`role-${role}`}
                type="checkbox"
                name="roles"
                value={role}
                checked={form.roles.includes(role)}
              />
              <label for={`role-${role}`} safe>
                {t(`role.${role}`)}
              </label>
            </div>
          ))}
        </fieldset>
        <button type="submit" class="button" safe>
          {t('admin.saveRoles')}
        </button>
      </form>
    </Layout>
  );
}
