import type { PageContext } from '../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  TextField,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import type { MessageKey } from '../../../platform/i18n/i18n.ts';
import type { CodedKind } from '../catalog.service.ts';
import type { AgreementDefinition, TrainingDefinition } from '../catalog.types.ts';
import { listLink, type ListView } from './exams.tsx';
import { BackLink, CatalogNav, FilterForm, Pagination, TextArea } from './parts.tsx';

/** Training courses, agreements and credit categories: code, title, description. */

export const CODED_PATHS: Record<CodedKind, string> = {
  training: '/console/catalog/trainings',
  agreement: '/console/catalog/agreements',
  creditCategory: '/console/catalog/credit-categories',
};

const WORDS: Record<
  CodedKind,
  {
    title: MessageKey;
    new: MessageKey;
    none: MessageKey;
    edit: MessageKey;
    back: MessageKey;
    hint: MessageKey;
  }
> = {
  training: {
    title: 'catalog.trainings',
    new: 'catalog.trainings.new',
    none: 'catalog.trainings.none',
    edit: 'catalog.trainings.editTitle',
    back: 'catalog.backToTrainings',
    hint: 'catalog.trainings.lead',
  },
  agreement: {
    title: 'catalog.agreements',
    new: 'catalog.agreements.new',
    none: 'catalog.agreements.none',
    edit: 'catalog.agreements.editTitle',
    back: 'catalog.backToAgreements',
    hint: 'catalog.agreements.lead',
  },
  creditCategory: {
    title: 'catalog.creditCategories',
    new: 'catalog.creditCategories.new',
    none: 'catalog.creditCategories.none',
    edit: 'catalog.creditCategories.editTitle',
    back: 'catalog.backToCreditCategories',
    hint: 'catalog.creditCategories.lead',
  },
};

export function CodedTable({
  ctx,
  kind,
  rows,
}: {
  ctx: PageContext;
  kind: CodedKind;
  rows: TrainingDefinition[];
}): JSX.Element {
  const { t } = ctx;
  if (rows.length === 0) return <p safe>{t(WORDS[kind].none)}</p>;
  return (
    <div class="table-wrap">
      <table class="table">
        <thead>
          <tr>
            <th scope="col" safe>
              {t('catalog.field.code')}
            </th>
            <th scope="col" safe>
              {t('catalog.field.title')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td class="mono">
                <a href={`${CODED_PATHS[kind]}/${encodeURIComponent(r.code)}`} safe>
                  {r.code}
                </a>
              </td>
              <td safe>{r.title}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CodedListPage({
  ctx,
  kind,
  view,
}: {
  ctx: PageContext;
  kind: CodedKind;
  view: ListView<TrainingDefinition>;
}): JSX.Element {
  const { t } = ctx;
  const base = CODED_PATHS[kind];
  return (
    <Layout ctx={ctx} title={t(WORDS[kind].title)} wide>
      <CatalogNav ctx={ctx} current={base} />
      <PageHeading title={t(WORDS[kind].title)} lead={t(WORDS[kind].hint)} />
      <p>
        <a class="button" href={`${base}/new`} safe>
          {t(WORDS[kind].new)}
        </a>
      </p>
      <FilterForm ctx={ctx} action={base} q={view.q} />
      <p class="small" safe>
        {t('catalog.count', { count: view.total })}
      </p>
      <CodedTable ctx={ctx} kind={kind} rows={view.rows} />
      <Pagination
        ctx={ctx}
        page={view.page}
        pages={view.pages}
        link={(p) => listLink(base, view.q, '', p)}
      />
    </Layout>
  );
}

export function CodedFormPage({
  ctx,
  kind,
  form,
  existing,
}: {
  ctx: PageContext;
  kind: CodedKind;
  form: FormState;
  /** Set when editing. */
  existing?: { code: string } | undefined;
}): JSX.Element {
  const { t } = ctx;
  const base = CODED_PATHS[kind];
  const title = existing ? t(WORDS[kind].edit, { code: existing.code }) : t(WORDS[kind].new);
  const action = existing ? `${base}/${encodeURIComponent(existing.code)}` : base;
  const firstVersion = kind === 'agreement' && !existing;
  return (
    <Layout ctx={ctx} title={title}>
      <BackLink href={base} label={t(WORDS[kind].back)} />
      <PageHeading title={title} />
      <ErrorSummary
        ctx={ctx}
        form={form}
        order={['code', 'title', 'description', 'body', 'effectiveAt', 'reason']}
      />
      <form method="post" action={action} novalidate>
        <CsrfField ctx={ctx} />
        {existing ? (
          <dl class="summary-list">
            <dt safe>{t('catalog.field.code')}</dt>
            <dd class="mono" safe>
              {existing.code}
            </dd>
          </dl>
        ) : (
          <TextField
            name="code"
            label={t('catalog.field.code')}
            hint={t('catalog.hint.code')}
            form={form}
            width="medium"
            spellcheck={false}
            maxlength={32}
          />
        )}
        <TextField name="title" label={t('catalog.field.title')} form={form} maxlength={200} />
        <TextArea name="description" label={t('catalog.field.description')} form={form} rows={3} />
        {firstVersion ? (
          <>
            <TextArea
              name="body"
              label={t('catalog.field.agreementBody')}
              hint={t('catalog.hint.agreementBody')}
              form={form}
              rows={12}
            />
            <TextField
              name="effectiveAt"
              type="date"
              label={t('catalog.field.effectiveAt')}
              hint={t('catalog.hint.effectiveAt')}
              form={form}
              width="medium"
            />
          </>
        ) : (
          ''
        )}
        {existing ? (
          <TextField
            name="reason"
            label={t('catalog.field.reason')}
            hint={t('catalog.hint.reason')}
            form={form}
            maxlength={500}
          />
        ) : (
          ''
        )}
        <button type="submit" class="button" safe>
          {existing ? t('catalog.saveChanges') : t(WORDS[kind].new)}
        </button>
      </form>
    </Layout>
  );
}

export function AgreementPage({
  ctx,
  agreement,
  versionForm,
}: {
  ctx: PageContext;
  agreement: AgreementDefinition;
  versionForm: FormState;
}): JSX.Element {
  const { t } = ctx;
  const base = `${CODED_PATHS.agreement}/${encodeURIComponent(agreement.code)}`;
  const newest = [...agreement.versions].reverse();
  return (
    <Layout ctx={ctx} title={`${agreement.code} ${agreement.title}`}>
      <BackLink href={CODED_PATHS.agreement} label={t('catalog.backToAgreements')} />
      <PageHeading
        title={`${agreement.code} ${agreement.title}`}
        lead={agreement.description || undefined}
      />
      <p>
        <a class="button button--secondary" href={`${base}/edit`} safe>
          {t('catalog.agreements.edit')}
        </a>
      </p>
      <h2 safe>{t('catalog.agreements.versions')}</h2>
      {newest.length === 0 ? (
        <p safe>{t('catalog.agreements.noVersions')}</p>
      ) : (
        <>
          {newest.map((v) => (
            <section class="card" aria-labelledby={`agreement-v${v.version}`}>
              <h3 id={`agreement-v${v.version}`} safe>
                {t('catalog.agreements.versionTitle', {
                  version: v.version,
                  date: ctx.dateTime(v.effectiveAt),
                })}
              </h3>
              <div class="notice-text" safe>
                {v.body}
              </div>
            </section>
          ))}
        </>
      )}
      <h2 safe>{t('catalog.agreements.addVersion')}</h2>
      <p class="field__hint" safe>
        {t('catalog.agreements.addVersionHint')}
      </p>
      <ErrorSummary ctx={ctx} form={versionForm} order={['body', 'effectiveAt']} />
      <form method="post" action={`${base}/versions`} novalidate>
        <CsrfField ctx={ctx} />
        <TextArea
          name="body"
          label={t('catalog.field.agreementBody')}
          form={versionForm}
          rows={12}
        />
        <TextField
          name="effectiveAt"
          type="date"
          label={t('catalog.field.effectiveAt')}
          hint={t('catalog.hint.effectiveAt')}
          form={versionForm}
          width="medium"
        />
        <button type="submit" class="button" safe>
          {t('catalog.agreements.addVersion')}
        </button>
      </form>
    </Layout>
  );
}
