import type { PageContext } from '../../../platform/html/context.ts';
import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  PageHeading,
  TextField,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import type { ProviderView } from '../providers.service.ts';
import { CheckboxGroup } from './console.tsx';

export function ProvidersPage({
  ctx,
  providers,
}: {
  ctx: PageContext;
  providers: ProviderView[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('scheduling.providers.title')} wide>
      <p class="breadcrumb">
        <a href="/console/sittings" safe>
          {t('nav.sittings')}
        </a>
      </p>
      <PageHeading title={t('scheduling.providers.title')} lead={t('scheduling.providers.lead')} />
      <p>
        <a class="button" href="/console/providers/new" safe>
          {t('scheduling.providers.new')}
        </a>
      </p>
      {providers.length === 0 ? (
        <p class="empty" safe>
          {t('scheduling.providers.none')}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('scheduling.providers.name')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.providers.code')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.providers.clientCode')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.providers.exams')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.col.status')}
                </th>
              </tr>
            </thead>
            <tbody>
              {providers.map((p) => (
                <tr>
                  <td>
                    <a href={`/console/providers/${p.id}`} safe>
                      {p.name}
                    </a>
                  </td>
                  <td class="mono" safe>
                    {p.code}
                  </td>
                  <td class="mono" safe>
                    {p.clientCode}
                  </td>
                  <td safe>{p.exams.join(', ')}</td>
                  <td safe>
                    {p.active
                      ? t('scheduling.providers.active')
                      : t('scheduling.providers.inactive')}
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

export function ProviderFormPage({
  ctx,
  form,
  id,
  exams,
}: {
  ctx: PageContext;
  form: FormState;
  id: number | null;
  exams: { value: string; label: string }[];
}): JSX.Element {
  const { t } = ctx;
  const title = id === null ? t('scheduling.providers.new') : t('scheduling.providers.edit');
  const checked = (form.values.exams ?? '').split(',').filter(Boolean);
  return (
    <Layout ctx={ctx} title={title}>
      <p class="breadcrumb">
        <a href="/console/providers" safe>
          {t('scheduling.providers.title')}
        </a>
      </p>
      <PageHeading title={title} />
      <ErrorSummary
        ctx={ctx}
        form={form}
        order={[
          'name',
          'code',
          'schedulingUrl',
          'clientCode',
          'passphrase',
          'sessionTimeoutMinutes',
          'exams',
        ]}
      />
      <form
        method="post"
        action={id === null ? '/console/providers/new' : `/console/providers/${id}`}
        novalidate
      >
        <CsrfField ctx={ctx} />
        <TextField name="name" label={t('scheduling.providers.name')} form={form} maxlength={200} />
        <TextField
          name="code"
          label={t('scheduling.providers.code')}
          hint={t('scheduling.providers.codeHint')}
          form={form}
          width="medium"
          maxlength={32}
          spellcheck={false}
        />
        <TextField
          name="schedulingUrl"
          type="url"
          label={t('scheduling.providers.url')}
          hint={t('scheduling.providers.urlHint')}
          form={form}
          maxlength={500}
        />
        <TextField
          name="clientCode"
          label={t('scheduling.providers.clientCode')}
          form={form}
          width="medium"
          maxlength={64}
        />
        <TextField
          name="passphrase"
          type="password"
          label={t('scheduling.providers.passphrase')}
          hint={
            id === null
              ? t('scheduling.providers.passphraseHint')
              : t('scheduling.providers.passphraseKeep')
          }
          form={form}
          autocomplete="new-password"
          maxlength={200}
        />
        <TextField
          name="sessionTimeoutMinutes"
          label={t('scheduling.providers.timeout')}
          form={form}
          width="short"
          inputmode="numeric"
        />
        <CheckboxGroup
          name="exams"
          legend={t('scheduling.providers.exams')}
          hint={t('scheduling.providers.examsHint')}
          options={exams}
          checked={checked}
          form={form}
        />
        {id !== null ? (
          <Checkbox
            name="active"
            label={<span safe>{t('scheduling.providers.activeLabel')}</span>}
            form={form}
          />
        ) : (
          ''
        )}
        <div class="button-row">
          <button type="submit" class="button" safe>
            {t('scheduling.providers.save')}
          </button>
        </div>
      </form>
    </Layout>
  );
}

/** The hand-off: a form that submits itself to the provider (a button when scripts are off). */
export function HandoffPage({
  ctx,
  providerName,
  action,
  fields,
}: {
  ctx: PageContext;
  providerName: string;
  action: string;
  fields: [string, string][];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('scheduling.handoff.title', { provider: providerName })}>
      <PageHeading
        title={t('scheduling.handoff.title', { provider: providerName })}
        lead={t('scheduling.handoff.lead', { provider: providerName })}
      />
      <form method="post" action={action} id="provider-handoff" data-auto-submit="true">
        {fields.map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <button type="submit" class="button" safe>
          {t('scheduling.handoff.continue', { provider: providerName })}
        </button>
      </form>
      <script src="/assets/scheduling-handoff.js" defer></script>
    </Layout>
  );
}
