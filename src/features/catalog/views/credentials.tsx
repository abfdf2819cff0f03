import type { PageContext } from '../../../platform/html/context.ts';
import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  PageHeading,
  SelectField,
  TextField,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import { CREDENTIAL_FIELDS } from '../catalog-rules.ts';
import type { RequirementDescription } from '../catalog.requirements.ts';
import type { CredentialDefinition, RequirementVersion } from '../catalog.types.ts';
import { listLink, type ListView } from './exams.tsx';
import { BackLink, CatalogNav, FilterForm, Pagination, StatusTag, TextArea } from './parts.tsx';

export function CredentialTable({
  ctx,
  credentials,
}: {
  ctx: PageContext;
  credentials: CredentialDefinition[];
}): JSX.Element {
  const { t } = ctx;
  if (credentials.length === 0) return <p safe>{t('catalog.credentials.none')}</p>;
  return (
    <div class="table-wrap">
      <table class="table">
        <thead>
          <tr>
            <th scope="col" safe>
              {t('catalog.field.code')}
            </th>
            <th scope="col" safe>
              {t('catalog.field.name')}
            </th>
            <th scope="col" safe>
              {t('catalog.field.credentialKind')}
            </th>
            <th scope="col" safe>
              {t('catalog.field.level')}
            </th>
            <th scope="col" safe>
              {t('catalog.credentials.requirementVersions')}
            </th>
            <th scope="col" safe>
              {t('catalog.field.status')}
            </th>
          </tr>
        </thead>
        <tbody>
          {credentials.map((c) => (
            <tr>
              <td class="mono">
                <a href={`/console/catalog/credentials/${encodeURIComponent(c.code)}`} safe>
                  {c.code}
                </a>
              </td>
              <td safe>{c.name}</td>
              <td safe>{t(`catalog.credentialKind.${c.kind}`)}</td>
              <td safe>
                {t('catalog.credentials.levelWithRank', { level: c.level, rank: c.levelRank })}
              </td>
              <td safe>{String(c.requirements.length)}</td>
              <td>
                <StatusTag ctx={ctx} status={c.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CredentialListPage({
  ctx,
  view,
}: {
  ctx: PageContext;
  view: ListView<CredentialDefinition>;
}): JSX.Element {
  const { t } = ctx;
  const base = '/console/catalog/credentials';
  return (
    <Layout ctx={ctx} title={t('catalog.credentials')} wide>
      <CatalogNav ctx={ctx} current={base} />
      <PageHeading title={t('catalog.credentials')} />
      <p>
        <a class="button" href={`${base}/new`} safe>
          {t('catalog.credentials.new')}
        </a>
      </p>
      <FilterForm ctx={ctx} action={base} q={view.q} status={view.status} />
      <p class="small" safe>
        {t('catalog.count', { count: view.total })}
      </p>
      <CredentialTable ctx={ctx} credentials={view.rows} />
      <Pagination
        ctx={ctx}
        page={view.page}
        pages={view.pages}
        link={(p) => listLink(base, view.q, view.status, p)}
      />
    </Layout>
  );
}

export function credentialFormValues(c: CredentialDefinition): Record<string, string> {
  const r = c.recertification;
  return {
    code: c.code,
    name: c.name,
    kind: c.kind,
    level: c.level,
    levelRank: String(c.levelRank),
    description: c.description,
    validityMonths: c.validityMonths === null ? '' : String(c.validityMonths),
    recertRequirementsAgain: r.requirementsAgain ? 'yes' : '',
    recertExams: r.exams.join(', '),
    recertHigherCredentials: r.higherCredentials.join(', '),
    recertCreditsCategory: r.credits?.category ?? '',
    recertCreditsMinimum: r.credits ? String(r.credits.minimum) : '',
  };
}

export function CredentialFormPage({
  ctx,
  form,
  credential,
  creditCategories,
}: {
  ctx: PageContext;
  form: FormState;
  credential?: CredentialDefinition | undefined;
  creditCategories: readonly { code: string; title: string }[];
}): JSX.Element {
  const { t } = ctx;
  const title = credential
    ? t('catalog.credentials.editTitle', { code: credential.code })
    : t('catalog.credentials.new');
  const action = credential
    ? `/console/catalog/credentials/${encodeURIComponent(credential.code)}`
    : '/console/catalog/credentials';
  return (
    <Layout ctx={ctx} title={title}>
      <BackLink
        href={credential ? action : '/console/catalog/credentials'}
        label={
          credential
            ? t('catalog.backTo', { name: credential.code })
            : t('catalog.backToCredentials')
        }
      />
      <PageHeading title={title} lead={credential ? undefined : t('catalog.credentials.newLead')} />
      <ErrorSummary ctx={ctx} form={form} order={[...CREDENTIAL_FIELDS, 'reason']} />
      <form method="post" action={action} novalidate>
        <CsrfField ctx={ctx} />
        {credential ? (
          <dl class="summary-list">
            <dt safe>{t('catalog.field.code')}</dt>
            <dd class="mono" safe>
              {credential.code}
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
        <TextField name="name" label={t('catalog.field.name')} form={form} maxlength={200} />
        <SelectField
          name="kind"
          label={t('catalog.field.credentialKind')}
          form={form}
          placeholder={t('catalog.choose')}
          options={[
            { value: 'certification', label: t('catalog.credentialKind.certification') },
            { value: 'accreditation', label: t('catalog.credentialKind.accreditation') },
          ]}
        />
        <TextField
          name="level"
          label={t('catalog.field.level')}
          hint={t('catalog.hint.level')}
          form={form}
          width="medium"
          maxlength={60}
        />
        <TextField
          name="levelRank"
          label={t('catalog.field.levelRank')}
          hint={t('catalog.hint.levelRank')}
          form={form}
          inputmode="numeric"
          width="short"
        />
        <TextArea name="description" label={t('catalog.field.description')} form={form} />
        <TextField
          name="validityMonths"
          label={t('catalog.field.validityMonths')}
          hint={t('catalog.hint.validityMonths')}
          form={form}
          inputmode="numeric"
          width="short"
        />
        <fieldset>
          <legend safe>{t('catalog.credentials.recertification')}</legend>
          <p class="field__hint" safe>
            {t('catalog.hint.recertification')}
          </p>
          <Checkbox
            name="recertRequirementsAgain"
            label={<span safe>{t('catalog.field.recertRequirementsAgain')}</span>}
            form={form}
          />
          <TextField
            name="recertExams"
            label={t('catalog.field.recertExams')}
            hint={t('catalog.hint.codeList')}
            form={form}
            spellcheck={false}
          />
          <TextField
            name="recertHigherCredentials"
            label={t('catalog.field.recertHigherCredentials')}
            hint={t('catalog.hint.codeList')}
            form={form}
            spellcheck={false}
          />
          <SelectField
            name="recertCreditsCategory"
            label={t('catalog.field.recertCreditsCategory')}
            form={form}
            placeholder={t('catalog.credentials.noCredits')}
            options={creditCategories.map((c) => ({
              value: c.code,
              label: `${c.code} – ${c.title}`,
            }))}
          />
          <TextField
            name="recertCreditsMinimum"
            label={t('catalog.field.recertCreditsMinimum')}
            form={form}
            inputmode="numeric"
            width="short"
          />
        </fieldset>
        {credential ? (
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
          {credential ? t('catalog.credentials.save') : t('catalog.credentials.create')}
        </button>
      </form>
    </Layout>
  );
}

/** A requirement tree in plain language, as nested lists. */
export function RequirementText({
  description,
}: {
  description: RequirementDescription;
}): JSX.Element {
  return (
    <>
      <span safe>{description.text}</span>
      {description.items.length > 0 ? (
        <ul>
          {description.items.map((item) => (
            <li>
              <RequirementText description={item} />
            </li>
          ))}
        </ul>
      ) : (
        ''
      )}
    </>
  );
}

export interface RequirementVersionView extends RequirementVersion {
  description: RequirementDescription;
  state: 'inForce' | 'scheduled' | 'superseded';
}

export function CredentialPage({
  ctx,
  credential,
  versions,
  statusError,
  names,
}: {
  ctx: PageContext;
  credential: CredentialDefinition;
  /** Newest first. */
  versions: RequirementVersionView[];
  statusError?: string | undefined;
  names: (code: string) => string | undefined;
}): JSX.Element {
  const { t } = ctx;
  const base = `/console/catalog/credentials/${encodeURIComponent(credential.code)}`;
  const r = credential.recertification;
  const recert: string[] = [];
  if (r.requirementsAgain) recert.push(t('catalog.credentials.recertAgain'));
  if (r.exams.length > 0)
    recert.push(t('catalog.credentials.recertExams', { codes: r.exams.join(', ') }));
  if (r.higherCredentials.length > 0)
    recert.push(
      t('catalog.credentials.recertHigher', {
        credentials: r.higherCredentials
          .map((c) => (names(c) ? `${names(c)} (${c})` : c))
          .join(', '),
      }),
    );
  if (r.credits)
    recert.push(
      t('catalog.credentials.recertCredits', {
        minimum: r.credits.minimum,
        category: r.credits.category,
      }),
    );
  const statusForm: FormState = {
    values: {},
    errors: statusError ? { status: statusError } : {},
    errorPrefix: t('form.errorPrefix'),
  };
  const stateLabel = {
    inForce: t('catalog.requirements.inForce'),
    scheduled: t('catalog.requirements.scheduled'),
    superseded: t('catalog.requirements.superseded'),
  } as const;
  return (
    <Layout ctx={ctx} title={`${credential.code} ${credential.name}`} wide>
      <BackLink href="/console/catalog/credentials" label={t('catalog.backToCredentials')} />
      <PageHeading title={`${credential.code} ${credential.name}`} />
      <ErrorSummary ctx={ctx} form={statusForm} order={['status']} />
      <p>
        <StatusTag ctx={ctx} status={credential.status} />
      </p>
      <dl class="summary-list">
        <dt safe>{t('catalog.field.credentialKind')}</dt>
        <dd safe>{t(`catalog.credentialKind.${credential.kind}`)}</dd>
        <dt safe>{t('catalog.field.level')}</dt>
        <dd safe>
          {t('catalog.credentials.levelWithRank', {
            level: credential.level,
            rank: credential.levelRank,
          })}
        </dd>
        <dt safe>{t('catalog.field.validityMonths')}</dt>
        <dd safe>
          {credential.validityMonths === null
            ? t('catalog.credentials.noExpiry')
            : t('catalog.credentials.validFor', { months: credential.validityMonths })}
        </dd>
        <dt safe>{t('catalog.credentials.recertification')}</dt>
        <dd safe>{recert.length > 0 ? recert.join(' ') : t('catalog.credentials.noRecert')}</dd>
        {credential.description ? (
          <>
            <dt safe>{t('catalog.field.description')}</dt>
            <dd class="notice-text" safe>
              {credential.description}
            </dd>
          </>
        ) : (
          ''
        )}
      </dl>
      <div class="button-row">
        <a class="button button--secondary" href={`${base}/edit`} safe>
          {t('catalog.credentials.edit')}
        </a>
        {credential.status !== 'published' ? (
          <form method="post" action={`${base}/status`} class="inline-form" id="f-status">
            <CsrfField ctx={ctx} />
            <input type="hidden" name="status" value="published" />
            <button type="submit" class="button" safe>
              {credential.status === 'retired'
                ? t('catalog.credentials.republish')
                : t('catalog.credentials.publish')}
            </button>
          </form>
        ) : (
          <form method="post" action={`${base}/status`} class="inline-form" id="f-status">
            <CsrfField ctx={ctx} />
            <input type="hidden" name="status" value="retired" />
            <button type="submit" class="button button--danger" safe>
              {t('catalog.credentials.retire')}
            </button>
          </form>
        )}
      </div>
      {statusError ? (
        <p class="field__error" safe>
          {statusError}
        </p>
      ) : (
        ''
      )}

      <h2 safe>{t('catalog.requirements.title')}</h2>
      <p class="field__hint" safe>
        {t('catalog.requirements.versionedHint')}
      </p>
      <p>
        <a class="button" href={`${base}/requirements/new`} safe>
          {versions.length === 0
            ? t('catalog.requirements.define')
            : t('catalog.requirements.change')}
        </a>
      </p>
      {versions.length === 0 ? (
        <p safe>{t('catalog.requirements.none')}</p>
      ) : (
        <>
          {versions.map((v) => (
            <section class="card" aria-labelledby={`req-v${v.version}`}>
              <h3 id={`req-v${v.version}`} safe>
                {t('catalog.requirements.versionTitle', { version: v.version })}
              </h3>
              <p>
                <span
                  class={
                    v.state === 'inForce'
                      ? 'tag tag--success'
                      : v.state === 'scheduled'
                        ? 'tag tag--warning'
                        : 'tag'
                  }
                  safe
                >
                  {stateLabel[v.state]}
                </span>{' '}
                <span safe>
                  {t('catalog.requirements.effective', { date: ctx.dateTime(v.effectiveAt) })}
                </span>
              </p>
              {v.note ? <p safe>{t('catalog.requirements.noteLabel', { note: v.note })}</p> : ''}
              <div>
                <RequirementText description={v.description} />
              </div>
            </section>
          ))}
        </>
      )}
    </Layout>
  );
}
