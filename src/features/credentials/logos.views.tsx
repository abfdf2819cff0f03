import type { PageContext } from '../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  fieldId,
  type FormState,
} from '../../platform/html/forms.tsx';
import { Layout } from '../../platform/html/layout.tsx';
import {
  MAX_GUIDELINES,
  type CandidateLogos,
  type Guidelines,
  type LogoFileView,
} from './logos.service.ts';

/** Logo pages: the console (files, guidelines, downloads) and the candidate's download page. */

function size(ctx: PageContext, bytes: number): string {
  const number = new Intl.NumberFormat(ctx.locale, { maximumFractionDigits: 1 });
  if (bytes >= 1024 * 1024)
    return ctx.t('logos.sizeMb', { size: number.format(bytes / 1024 / 1024) });
  return ctx.t('logos.sizeKb', { size: number.format(Math.max(1, Math.round(bytes / 1024))) });
}

function FieldError({ form, name }: { form: FormState; name: string }): JSX.Element {
  const error = form.errors[name];
  if (!error) return '';
  return (
    <p class="field__error" id={`${fieldId(name)}-error`}>
      <span class="visually-hidden" safe>
        {`${form.errorPrefix ?? 'Error:'} `}
      </span>
      <span safe>{error}</span>
    </p>
  );
}

export function LogosOverviewPage({
  ctx,
  rows,
}: {
  ctx: PageContext;
  rows: {
    code: string;
    name: string;
    files: number;
    guidelinesVersion: number | null;
    downloads: number;
  }[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('logos.consoleTitle')} wide>
      <PageHeading title={t('logos.consoleTitle')} lead={t('logos.consoleLead')} />
      {rows.length === 0 ? (
        <div class="empty-state">
          <p safe>{t('logos.noCredentials')}</p>
        </div>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden" safe>
              {t('logos.consoleTitle')}
            </caption>
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('logos.credential')}
                </th>
                <th scope="col" safe>
                  {t('logos.files')}
                </th>
                <th scope="col" safe>
                  {t('logos.guidelines')}
                </th>
                <th scope="col" safe>
                  {t('logos.downloads')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    <a href={`/console/logos/${encodeURIComponent(r.code)}`} safe>
                      {`${r.name} (${r.code})`}
                    </a>
                  </td>
                  <td safe>{String(r.files)}</td>
                  <td safe>
                    {r.guidelinesVersion === null
                      ? t('logos.noGuidelines')
                      : t('logos.version', { version: r.guidelinesVersion })}
                  </td>
                  <td safe>{String(r.downloads)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export function CredentialLogosPage({
  ctx,
  data,
  uploadForm,
  guidelinesForm,
}: {
  ctx: PageContext;
  data: {
    credential: { code: string; name: string };
    files: LogoFileView[];
    guidelines: Guidelines | null;
    downloads: {
      at: Date;
      credentialNumber: string;
      fileName: string;
      guidelinesVersion: number | null;
    }[];
  };
  uploadForm: FormState;
  guidelinesForm: FormState;
}): JSX.Element {
  const { t } = ctx;
  const base = `/console/logos/${encodeURIComponent(data.credential.code)}`;
  const errors: FormState = {
    values: {},
    errors: { ...uploadForm.errors, ...guidelinesForm.errors },
    ...(uploadForm.errorPrefix ? { errorPrefix: uploadForm.errorPrefix } : {}),
  };
  return (
    <Layout ctx={ctx} title={t('logos.credentialTitle', { name: data.credential.name })} wide>
      <p class="breadcrumb">
        <a href="/console/logos" safe>
          {t('logos.back')}
        </a>
      </p>
      <PageHeading title={t('logos.credentialTitle', { name: data.credential.name })} />
      <ErrorSummary ctx={ctx} form={errors} order={['file', 'body']} />

      <h2 safe>{t('logos.files')}</h2>
      {data.files.length === 0 ? (
        <p safe>{t('logos.noFiles')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('logos.fileName')}
                </th>
                <th scope="col" safe>
                  {t('logos.kind')}
                </th>
                <th scope="col" safe>
                  {t('logos.size')}
                </th>
                <th scope="col" safe>
                  {t('logos.uploaded')}
                </th>
                <th scope="col">
                  <span class="visually-hidden" safe>
                    {t('logos.actions')}
                  </span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.files.map((f) => (
                <tr>
                  <td>
                    <a href={`${base}/files/${f.id}`} safe>
                      {f.fileName}
                    </a>
                  </td>
                  <td safe>{f.kind.toUpperCase()}</td>
                  <td safe>{size(ctx, f.size)}</td>
                  <td safe>{ctx.date(f.createdAt)}</td>
                  <td>
                    <form method="post" action={`${base}/files/${f.id}/delete`} class="inline-form">
                      <CsrfField ctx={ctx} />
                      <button type="submit" class="link-button" safe>
                        {t('logos.remove', { name: f.fileName })}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 safe>{t('logos.uploadTitle')}</h2>
      <form method="post" action={`${base}/files`} enctype="multipart/form-data">
        <CsrfField ctx={ctx} />
        <div class={uploadForm.errors.file ? 'field field--error' : 'field'}>
          <label class="field__label" for={fieldId('file')} safe>
            {t('logos.fileLabel')}
          </label>
          <div class="field__hint" safe>
            {t('logos.fileHint')}
          </div>
          <FieldError form={uploadForm} name="file" />
          <input
            class="file-input"
            type="file"
            id={fieldId('file')}
            name="file"
            accept=".svg,.png,.eps,.zip,image/svg+xml,image/png,application/postscript,application/zip"
          />
        </div>
        <button class="button" type="submit" safe>
          {t('logos.upload')}
        </button>
      </form>

      <h2 safe>{t('logos.guidelines')}</h2>
      <p safe>
        {data.guidelines
          ? t('logos.currentVersion', {
              version: data.guidelines.version,
              date: ctx.date(data.guidelines.createdAt),
            })
          : t('logos.noGuidelines')}
      </p>
      <form method="post" action={`${base}/guidelines`}>
        <CsrfField ctx={ctx} />
        <div class={guidelinesForm.errors.body ? 'field field--error' : 'field'}>
          <label class="field__label" for={fieldId('body')} safe>
            {t('logos.guidelinesLabel')}
          </label>
          <div class="field__hint" safe>
            {t('logos.guidelinesHint')}
          </div>
          <FieldError form={guidelinesForm} name="body" />
          <textarea id={fieldId('body')} name="body" rows="10" maxlength={MAX_GUIDELINES} safe>
            {guidelinesForm.values.body ?? data.guidelines?.body ?? ''}
          </textarea>
        </div>
        <button class="button" type="submit" safe>
          {t('logos.publish')}
        </button>
      </form>

      <h2 safe>{t('logos.downloadLog')}</h2>
      {data.downloads.length === 0 ? (
        <p safe>{t('logos.noDownloads')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('logos.when')}
                </th>
                <th scope="col" safe>
                  {t('logos.award')}
                </th>
                <th scope="col" safe>
                  {t('logos.fileName')}
                </th>
                <th scope="col" safe>
                  {t('logos.guidelines')}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.downloads.map((d) => (
                <tr>
                  <td safe>{ctx.dateTime(d.at)}</td>
                  <td class="mono" safe>
                    {d.credentialNumber}
                  </td>
                  <td safe>{d.fileName}</td>
                  <td safe>
                    {d.guidelinesVersion === null
                      ? '—'
                      : t('logos.version', { version: d.guidelinesVersion })}
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

export function CandidateLogosPage({
  ctx,
  data,
}: {
  ctx: PageContext;
  data: CandidateLogos;
}): JSX.Element {
  const { t } = ctx;
  const number = data.award.credentialNumber;
  const base = `/my-credentials/${number}/logos`;
  return (
    <Layout ctx={ctx} title={t('logos.candidateTitle', { name: data.award.credentialName })}>
      <p class="breadcrumb">
        <a href={`/verify/${number}`} safe>
          {t('logos.verificationPage')}
        </a>
      </p>
      <PageHeading
        title={t('logos.candidateTitle', { name: data.award.credentialName })}
        lead={t('logos.candidateLead')}
      />
      {data.access === 'withdrawn' ? (
        <div class="banner banner--warning" role="status">
          <p safe>{t('logos.withdrawn')}</p>
        </div>
      ) : data.access === 'accept' ? (
        <section aria-labelledby="guidelines-title">
          <h2 id="guidelines-title" safe>
            {t('logos.acceptTitle', { version: data.guidelines.version })}
          </h2>
          <div class="card pre-line" safe>
            {data.guidelines.body}
          </div>
          <form method="post" action={`${base}/accept`}>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="version" value={String(data.guidelines.version)} />
            <button class="button" type="submit" safe>
              {t('logos.accept')}
            </button>
          </form>
        </section>
      ) : (
        <>
          {data.guidelines ? (
            <details>
              <summary safe>
                {t('logos.acceptedVersion', { version: data.guidelines.version })}
              </summary>
              <div class="pre-line" safe>
                {data.guidelines.body}
              </div>
            </details>
          ) : (
            ''
          )}
          {data.files.length === 0 ? (
            <p safe>{t('logos.noFilesYet')}</p>
          ) : (
            <ul class="link-list">
              {data.files.map((f) => (
                <li>
                  <a href={`${base}/${f.id}`} safe>
                    {f.fileName}
                  </a>{' '}
                  <span class="small" safe>
                    {`${f.kind.toUpperCase()}, ${size(ctx, f.size)}`}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Layout>
  );
}
