import type { PageContext } from '../../../platform/html/context.ts';
import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  fieldId,
  PageHeading,
  SelectField,
  TextField,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import { displayStatus, FileField, Radios, StatusTag } from '../../progress/index.ts';
import type { CertificatePageView, TemplateView } from '../certificates.service.ts';

/** A language's own name in the page's language ("English"), from the runtime's data. */
function languageName(locale: string, code: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
const REQUEST_FIELDS = ['paper', 'language', 'delivery'];

/**
 * The certificate request: paper size, language, download and/or email.
 * An award that is not active, or a name the font cannot print, gets the
 * reason instead of the form.
 */
export function CertificatePage({
  ctx,
  view,
  form,
}: {
  ctx: PageContext;
  view: CertificatePageView;
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  const { award } = view;
  const number = encodeURIComponent(award.credentialNumber);
  const title = t('certificates.title', { credential: award.credentialName });
  return (
    <Layout ctx={ctx} title={title}>
      <p class="breadcrumb">
        <a href={`/my-credentials/${number}`} safe>
          {t('certificates.back', { credential: award.credentialName })}
        </a>
      </p>
      <ErrorSummary ctx={ctx} form={form} order={REQUEST_FIELDS} />
      <PageHeading title={title} />
      <dl class="summary-list">
        <dt safe>{t('certificates.status')}</dt>
        <dd>
          <StatusTag ctx={ctx} status={displayStatus(award, new Date())} />
        </dd>
        <dt safe>{t('myCredentials.number')}</dt>
        <dd class="mono" safe>
          {award.credentialNumber}
        </dd>
        <dt safe>{t('certificates.namePrinted')}</dt>
        <dd safe>{view.holderName}</dd>
      </dl>
      {view.unavailable ? (
        <div class="banner banner--warning" role="status">
          <h2 class="h3" safe>
            {t('certificates.unavailableTitle')}
          </h2>
          <p safe>{t(`certificates.unavailable.${view.unavailable}`)}</p>
          {award.statusReason && view.unavailable !== 'expired' ? (
            <p safe>{t('myCredentials.reason', { reason: award.statusReason })}</p>
          ) : (
            ''
          )}
        </div>
      ) : view.unprintable.length > 0 ? (
        <div class="banner banner--warning" role="status">
          <h2 class="h3" safe>
            {t('certificates.unprintableTitle')}
          </h2>
          <p safe>{t('certificates.unprintable', { characters: view.unprintable.join(' ') })}</p>
          <p>
            <a href="/my-credentials/name-change" safe>
              {t('certificates.requestNameChange')}
            </a>
          </p>
        </div>
      ) : (
        <>
          <p>
            <span safe>{t('certificates.nameHint')}</span>{' '}
            <a href="/my-credentials/name-change" safe>
              {t('certificates.requestNameChange')}
            </a>
          </p>
          <form method="post" action={`/my-credentials/${number}/certificate`} novalidate>
            <CsrfField ctx={ctx} />
            <Radios
              name="paper"
              legend={t('certificates.paper')}
              form={{ ...form, values: { paper: form.values.paper ?? 'a4', ...form.values } }}
              options={[
                { value: 'a4', label: t('certificates.paperA4') },
                { value: 'letter', label: t('certificates.paperLetter') },
              ]}
            />
            <SelectField
              name="language"
              label={t('certificates.language')}
              form={{ ...form, values: { language: ctx.locale, ...form.values } }}
              options={view.languages.map((l) => ({
                value: l,
                label: languageName(ctx.locale, l),
              }))}
            />
            <fieldset
              class={form.errors.delivery ? 'field field--error' : 'field'}
              id={fieldId('delivery')}
              tabindex="-1"
            >
              <legend safe>{t('certificates.delivery')}</legend>
              {form.errors.delivery ? (
                <p class="field__error">
                  <span class="visually-hidden" safe>
                    {`${form.errorPrefix ?? 'Error:'} `}
                  </span>
                  <span safe>{form.errors.delivery}</span>
                </p>
              ) : (
                ''
              )}
              <Checkbox
                name="download"
                form={{
                  ...form,
                  errors: {},
                  values:
                    form.values.delivery === undefined && !form.errors.delivery
                      ? { download: 'yes', ...form.values }
                      : form.values,
                }}
                label={<span safe>{t('certificates.download')}</span>}
              />
              <Checkbox
                name="email"
                form={{ ...form, errors: {} }}
                label={
                  <span safe>{t('certificates.email', { email: ctx.principal?.email ?? '' })}</span>
                }
              />
            </fieldset>
            <button type="submit" class="button" safe>
              {t('certificates.submit')}
            </button>
          </form>
        </>
      )}
      {view.recent.length > 0 ? (
        <section aria-labelledby="recent">
          <h2 id="recent" class="h3" safe>
            {t('certificates.recent')}
          </h2>
          <ul class="plain-list">
            {view.recent.map((r) => (
              <li safe>
                {t('certificates.recentItem', {
                  date: ctx.dateTime(r.at),
                  paper:
                    r.paper === 'a4' ? t('certificates.paperA4') : t('certificates.paperLetter'),
                  delivery: t(`certificates.deliveries.${r.delivery}`),
                })}
              </li>
            ))}
          </ul>
        </section>
      ) : (
        ''
      )}
    </Layout>
  );
}

// ----------------------------------------------------------------------------
// Console: certificate templates
// ----------------------------------------------------------------------------

export function TemplatesPage({
  ctx,
  templates,
}: {
  ctx: PageContext;
  templates: TemplateView[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('templates.title')} wide>
      <PageHeading title={t('templates.title')} lead={t('templates.lead')} />
      {templates.length === 0 ? (
        <p safe>{t('templates.noCredentials')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('templates.credential')}
                </th>
                <th scope="col" safe>
                  {t('templates.signatory')}
                </th>
                <th scope="col" safe>
                  {t('templates.images')}
                </th>
                <th scope="col" safe>
                  {t('templates.version')}
                </th>
              </tr>
            </thead>
            <tbody>
              {templates.map((tpl) => (
                <tr>
                  <td>
                    <a
                      href={`/console/certificate-templates/${encodeURIComponent(tpl.credentialCode)}`}
                    >
                      <span safe>{tpl.credentialName}</span>{' '}
                      <span class="mono small" safe>
                        {tpl.credentialCode}
                      </span>
                    </a>
                  </td>
                  <td safe>
                    {tpl.signatoryName
                      ? `${tpl.signatoryName}${tpl.signatoryTitle ? `, ${tpl.signatoryTitle}` : ''}`
                      : t('templates.none')}
                  </td>
                  <td safe>{imagesText(ctx, tpl)}</td>
                  <td safe>
                    {tpl.version === null ? t('templates.default') : String(tpl.version)}
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

function imagesText(ctx: PageContext, tpl: TemplateView): string {
  const { t } = ctx;
  const parts = [
    tpl.hasBackground ? t('templates.background') : '',
    tpl.hasLogo ? t('templates.logo') : '',
    tpl.hasSignature ? t('templates.signature') : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : t('templates.none');
}

const TEMPLATE_FIELDS = ['signatoryName', 'signatoryTitle', 'background', 'logo', 'signature'];

export function TemplatePage({
  ctx,
  template,
  form,
}: {
  ctx: PageContext;
  template: TemplateView;
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  const code = encodeURIComponent(template.credentialCode);
  const title = t('templates.editTitle', { credential: template.credentialName });
  const values = {
    signatoryName: template.signatoryName,
    signatoryTitle: template.signatoryTitle,
    ...form.values,
  };
  const imageField = (name: 'background' | 'logo' | 'signature', has: boolean) => (
    <>
      <FileField
        name={name}
        label={t(`templates.${name}Label`)}
        hint={t(`templates.${name}Hint`)}
        form={form}
        accept=".png,.jpg,.jpeg,image/png,image/jpeg"
      />
      {has ? (
        <Checkbox
          name={`remove${name[0]!.toUpperCase()}${name.slice(1)}`}
          value="on"
          form={{ ...form, errors: {} }}
          label={<span safe>{t(`templates.remove.${name}`)}</span>}
        />
      ) : (
        ''
      )}
    </>
  );
  return (
    <Layout ctx={ctx} title={title}>
      <p class="breadcrumb">
        <a href="/console/certificate-templates" safe>
          {t('templates.back')}
        </a>
      </p>
      <ErrorSummary ctx={ctx} form={form} order={TEMPLATE_FIELDS} />
      <PageHeading title={title} lead={t('templates.editLead')} />
      <p>
        <a href={`/console/certificate-templates/${code}/preview.pdf`} safe>
          {t('templates.preview')}
        </a>
        <span class="small" safe>
          {` ${template.version === null ? t('templates.defaultNote') : t('templates.versionNote', { version: template.version })}`}
        </span>
      </p>
      <form
        method="post"
        action={`/console/certificate-templates/${code}`}
        enctype="multipart/form-data"
        novalidate
      >
        <CsrfField ctx={ctx} />
        <TextField
          name="signatoryName"
          label={t('templates.signatoryName')}
          hint={t('templates.signatoryNameHint')}
          form={{ ...form, values }}
          maxlength={120}
        />
        <TextField
          name="signatoryTitle"
          label={t('templates.signatoryTitle')}
          form={{ ...form, values }}
          maxlength={120}
        />
        {imageField('signature', template.hasSignature)}
        {imageField('logo', template.hasLogo)}
        {imageField('background', template.hasBackground)}
        <button type="submit" class="button" safe>
          {t('templates.save')}
        </button>
      </form>
    </Layout>
  );
}
