import type { PageContext } from '../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  TextField,
  fieldId,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import type { MessageKey } from '../../../platform/i18n/i18n.ts';
import { Pagination, ResultStatusTag } from '../../progress/views/console/common.tsx';
import type { ImportView, PreviewRow, ProblemView } from '../import.service.ts';
import type { UnclaimedView } from '../results.service.ts';

/** The staff console of results: imports, one import, unclaimed results, linking, exports. */

function ResultsNav({ ctx, current }: { ctx: PageContext; current: string }): JSX.Element {
  const { t } = ctx;
  const items: [string, MessageKey][] = [
    ['/console/results', 'results.nav.imports'],
    ['/console/results/imports/new', 'results.nav.newImport'],
    ['/console/results/unclaimed', 'results.nav.unclaimed'],
    ['/console/results/exports', 'results.nav.exports'],
  ];
  return (
    <nav class="tabs" aria-label={t('results.nav.label')}>
      <ul class="button-row">
        {items.map(([href, key]) => (
          <li>
            <a href={href} aria-current={href === current ? 'page' : undefined} safe>
              {t(key)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function formatText(ctx: PageContext, format: ImportView['format']): string {
  return format ? ctx.t(`results.format.${format}`) : '–';
}

function statusText(ctx: PageContext, status: ImportView['status']): string {
  return ctx.t(`results.status.${status}`);
}

export function ImportsPage({
  ctx,
  rows,
  total,
  page,
  pageSize,
}: {
  ctx: PageContext;
  rows: ImportView[];
  total: number;
  page: number;
  pageSize: number;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('results.imports.title')} wide>
      <PageHeading title={t('results.imports.title')} lead={t('results.imports.lead')} />
      <ResultsNav ctx={ctx} current="/console/results" />
      {rows.length === 0 ? (
        <p class="empty-state" safe>
          {t('results.imports.none')}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('results.col.import')}
                </th>
                <th scope="col" safe>
                  {t('results.col.file')}
                </th>
                <th scope="col" safe>
                  {t('results.col.provider')}
                </th>
                <th scope="col" safe>
                  {t('results.col.status')}
                </th>
                <th scope="col" safe>
                  {t('results.col.rows')}
                </th>
                <th scope="col" safe>
                  {t('results.col.bad')}
                </th>
                <th scope="col" safe>
                  {t('results.col.uploaded')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    <a href={`/console/results/imports/${r.id}`} safe>
                      {t('results.import.name', { id: r.id })}
                    </a>
                  </td>
                  <td safe>{r.fileName}</td>
                  <td safe>{r.provider}</td>
                  <td safe>{statusText(ctx, r.status)}</td>
                  <td safe>{String(r.rowsTotal)}</td>
                  <td safe>{String(r.rowsBad)}</td>
                  <td safe>{ctx.dateTime(r.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination
        ctx={ctx}
        page={page}
        total={total}
        pageSize={pageSize}
        link={(p) => `/console/results?page=${p}`}
      />
    </Layout>
  );
}

export function NewImportPage({ ctx, form }: { ctx: PageContext; form: FormState }): JSX.Element {
  const { t } = ctx;
  const mode = form.values.mode ?? 'all_or_nothing';
  return (
    <Layout ctx={ctx} title={t('results.new.title')}>
      <PageHeading title={t('results.new.title')} lead={t('results.new.lead')} />
      <ResultsNav ctx={ctx} current="/console/results/imports/new" />
      <ErrorSummary ctx={ctx} form={form} order={['provider', 'file']} />
      {/* The CSRF field comes first: the upload is read as a stream, fields in this order. */}
      <form
        method="post"
        action="/console/results/imports"
        enctype="multipart/form-data"
        novalidate
      >
        <CsrfField ctx={ctx} />
        <TextField
          name="provider"
          label={t('results.new.provider')}
          hint={t('results.new.providerHint')}
          form={form}
          width="medium"
          maxlength={32}
          value={form.values.provider ?? 'vue'}
        />
        <fieldset class="fieldset">
          <legend class="field__label" safe>
            {t('results.new.mode')}
          </legend>
          <div class="radios">
            <div class="radio">
              <input
                type="radio"
                id={fieldId('mode')}
                name="mode"
                value="all_or_nothing"
                checked={mode === 'all_or_nothing'}
              />
              <label for={fieldId('mode')} safe>
                {t('results.new.modeAll')}
              </label>
            </div>
            <div class="radio">
              <input
                type="radio"
                id={`${fieldId('mode')}-good`}
                name="mode"
                value="good_rows"
                checked={mode === 'good_rows'}
              />
              <label for={`${fieldId('mode')}-good`} safe>
                {t('results.new.modeGood')}
              </label>
            </div>
          </div>
        </fieldset>
        <div class={form.errors.file ? 'field field--error' : 'field'}>
          <label class="field__label" for={fieldId('file')} safe>
            {t('results.new.file')}
          </label>
          <div class="field__hint" id={`${fieldId('file')}-hint`} safe>
            {t('results.new.fileHint')}
          </div>
          {form.errors.file ? (
            <p class="field__error" id={`${fieldId('file')}-error`}>
              <span safe>{form.errors.file}</span>
            </p>
          ) : (
            ''
          )}
          <input
            class="input"
            type="file"
            id={fieldId('file')}
            name="file"
            accept=".csv,.tsv,.txt,.dat,text/csv,text/tab-separated-values,text/plain"
            aria-describedby={`${fieldId('file')}-hint`}
          />
        </div>
        <button type="submit" class="button" safe>
          {t('results.new.submit')}
        </button>
      </form>
    </Layout>
  );
}

export function ImportPage({
  ctx,
  view,
  preview,
  problems,
  problemTotal,
  page,
  pageSize,
}: {
  ctx: PageContext;
  view: ImportView;
  preview: PreviewRow[];
  problems: ProblemView[];
  problemTotal: number;
  page: number;
  pageSize: number;
}): JSX.Element {
  const { t } = ctx;
  const running = view.status === 'importing' || view.status === 'validating';
  const percent =
    view.rowsValid > 0
      ? Math.floor((Math.min(view.rowsDone, view.rowsValid) * 100) / view.rowsValid)
      : 0;
  return (
    <Layout
      ctx={ctx}
      title={t('results.import.name', { id: view.id })}
      wide
      {...(running ? { refreshSeconds: 2 } : {})}
    >
      <PageHeading title={t('results.import.name', { id: view.id })} lead={view.fileName} />
      <ResultsNav ctx={ctx} current="" />
      <dl class="summary-list">
        <dt safe>{t('results.col.status')}</dt>
        <dd class="import-status" safe>
          {statusText(ctx, view.status)}
        </dd>
        <dt safe>{t('results.col.provider')}</dt>
        <dd safe>{view.provider}</dd>
        <dt safe>{t('results.import.format')}</dt>
        <dd safe>{formatText(ctx, view.format)}</dd>
        <dt safe>{t('results.new.mode')}</dt>
        <dd safe>
          {view.mode === 'good_rows' ? t('results.new.modeGood') : t('results.new.modeAll')}
        </dd>
        <dt safe>{t('results.import.counts')}</dt>
        <dd class="import-counts" safe>
          {t('results.import.countsText', {
            total: view.rowsTotal,
            valid: view.rowsValid,
            bad: view.rowsBad,
            noShow: view.rowsNoShow,
          })}
        </dd>
        {view.status === 'done' || view.status === 'importing' ? (
          <>
            <dt safe>{t('results.import.outcome')}</dt>
            <dd class="import-outcome" safe>
              {t('results.import.outcomeText', {
                created: view.created,
                updated: view.updated,
                unchanged: view.unchanged,
                unclaimed: view.unclaimed,
                awarded: view.awarded,
              })}
            </dd>
          </>
        ) : (
          ''
        )}
      </dl>
      {view.status === 'importing' ? (
        <div class="progress">
          <label class="progress__label" for="import-progress" safe>
            {t('results.import.progress', { done: view.rowsDone, total: view.rowsValid, percent })}
          </label>
          <progress
            id="import-progress"
            class="progress__bar"
            max={String(Math.max(1, view.rowsValid))}
            value={String(Math.min(view.rowsDone, view.rowsValid))}
          ></progress>
          <p class="small" role="status" safe>
            {t('results.import.refreshing')}
          </p>
        </div>
      ) : (
        ''
      )}
      {view.lastError ? (
        <p class="field__error" safe>
          {t('results.import.error', { error: view.lastError })}
        </p>
      ) : (
        ''
      )}
      {view.status === 'invalid' && view.rowsBad > 0 && view.mode === 'all_or_nothing' ? (
        <p class="notice" safe>
          {t('results.import.nothingImported')}
        </p>
      ) : (
        ''
      )}
      {view.status === 'ready' ? (
        <>
          <h2 safe>{t('results.import.previewTitle')}</h2>
          <div class="table-wrap">
            <table class="table preview">
              <thead>
                <tr>
                  <th scope="col" safe>
                    {t('results.col.line')}
                  </th>
                  <th scope="col" safe>
                    {t('results.col.registrationId')}
                  </th>
                  <th scope="col" safe>
                    {t('results.col.candidateId')}
                  </th>
                  <th scope="col" safe>
                    {t('results.col.exam')}
                  </th>
                  <th scope="col" safe>
                    {t('results.col.date')}
                  </th>
                  <th scope="col" safe>
                    {t('results.col.score')}
                  </th>
                  <th scope="col" safe>
                    {t('results.col.outcome')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {preview.map((r) => (
                  <tr>
                    <td safe>{String(r.line)}</td>
                    <td safe>{r.registrationId}</td>
                    <td safe>{r.candidateId}</td>
                    <td safe>{r.examVersion ? `${r.examCode} (${r.examVersion})` : r.examCode}</td>
                    <td safe>{ctx.date(r.takenAt)}</td>
                    <td safe>{r.score === null ? '–' : String(r.score)}</td>
                    <td safe>{r.passed ? t('results.passed') : t('results.failed')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form
            method="post"
            action={`/console/results/imports/${view.id}/apply`}
            class="button-row"
          >
            <CsrfField ctx={ctx} />
            <button type="submit" class="button" safe>
              {t('results.import.apply', { count: view.rowsValid })}
            </button>
          </form>
          <form method="post" action={`/console/results/imports/${view.id}/discard`}>
            <CsrfField ctx={ctx} />
            <button type="submit" class="button button--secondary" safe>
              {t('results.import.discard')}
            </button>
          </form>
        </>
      ) : (
        ''
      )}
      {problemTotal > 0 ? (
        <>
          <h2 safe>{t('results.import.problemsTitle', { count: view.rowsBad })}</h2>
          {view.rowsBad > 0 ? (
            <p>
              <a href={`/console/results/imports/${view.id}/bad-rows`} download="" safe>
                {t('results.import.downloadBad')}
              </a>
            </p>
          ) : (
            ''
          )}
          <div class="table-wrap">
            <table class="table problems">
              <thead>
                <tr>
                  <th scope="col" safe>
                    {t('results.col.line')}
                  </th>
                  <th scope="col" safe>
                    {t('results.col.column')}
                  </th>
                  <th scope="col" safe>
                    {t('results.col.reason')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {problems.map((p) => (
                  <tr>
                    <td safe>{String(p.line)}</td>
                    <td safe>{p.column || '–'}</td>
                    <td safe>{problemText(ctx, p)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            ctx={ctx}
            page={page}
            total={problemTotal}
            pageSize={pageSize}
            link={(p) => `/console/results/imports/${view.id}?page=${p}`}
          />
        </>
      ) : (
        ''
      )}
    </Layout>
  );
}

export function problemText(
  ctx: PageContext,
  p: { messageKey: string; params: Record<string, string | number> },
): string {
  return ctx.t(p.messageKey as MessageKey, p.params);
}

export function UnclaimedPage({
  ctx,
  query,
  rows,
  total,
  page,
  pageSize,
}: {
  ctx: PageContext;
  query: string;
  rows: UnclaimedView[];
  total: number;
  page: number;
  pageSize: number;
}): JSX.Element {
  const { t } = ctx;
  const link = (p: number) =>
    `/console/results/unclaimed?${new URLSearchParams({ q: query, page: String(p) }).toString()}`;
  return (
    <Layout ctx={ctx} title={t('results.unclaimed.title')} wide>
      <PageHeading title={t('results.unclaimed.title')} lead={t('results.unclaimed.lead')} />
      <ResultsNav ctx={ctx} current="/console/results/unclaimed" />
      <form method="get" action="/console/results/unclaimed" class="search-form" role="search">
        <label class="field__label" for="f-q" safe>
          {t('results.unclaimed.search')}
        </label>
        <div class="button-row">
          <input class="input input--medium" id="f-q" name="q" type="search" value={query} />
          <button type="submit" class="button" safe>
            {t('results.unclaimed.searchButton')}
          </button>
        </div>
      </form>
      <p class="small" safe>
        {t('results.unclaimed.count', { count: total })}
      </p>
      {rows.length === 0 ? (
        <p class="empty-state" safe>
          {t('results.unclaimed.none')}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('results.col.registrationId')}
                </th>
                <th scope="col" safe>
                  {t('results.col.provider')}
                </th>
                <th scope="col" safe>
                  {t('results.col.candidateId')}
                </th>
                <th scope="col" safe>
                  {t('results.col.lastName')}
                </th>
                <th scope="col" safe>
                  {t('results.col.exam')}
                </th>
                <th scope="col" safe>
                  {t('results.col.date')}
                </th>
                <th scope="col" safe>
                  {t('results.col.outcome')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    <a href={`/console/results/unclaimed/${r.id}`} safe>
                      {r.registrationId ?? String(r.id)}
                    </a>
                  </td>
                  <td safe>{r.provider ?? '–'}</td>
                  <td safe>{r.candidateId ?? '–'}</td>
                  <td safe>{r.lastName ?? '–'}</td>
                  <td safe>{r.examCode}</td>
                  <td safe>{ctx.date(r.takenAt)}</td>
                  <td>
                    <span safe>{outcomeText(ctx, r)}</span>{' '}
                    {r.status === 'revoked' ? <ResultStatusTag ctx={ctx} status="revoked" /> : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination ctx={ctx} page={page} total={total} pageSize={pageSize} link={link} />
    </Layout>
  );
}

function outcomeText(ctx: PageContext, r: { score: number | null; passed: boolean }): string {
  const word = r.passed ? ctx.t('results.passed') : ctx.t('results.failed');
  return r.score === null ? word : `${word} (${r.score})`;
}

export function UnclaimedResultPage({
  ctx,
  result,
  form,
  canEdit,
}: {
  ctx: PageContext;
  result: UnclaimedView;
  form: FormState;
  canEdit: boolean;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('results.unclaimed.one', { ref: result.registrationId ?? '' })}>
      <PageHeading
        title={t('results.unclaimed.one', { ref: result.registrationId ?? '' })}
        lead={`${result.examCode} ${result.examTitle}`}
      />
      <ResultsNav ctx={ctx} current="" />
      <dl class="summary-list">
        <dt safe>{t('results.col.provider')}</dt>
        <dd safe>{result.provider ?? '–'}</dd>
        <dt safe>{t('results.col.candidateId')}</dt>
        <dd safe>{result.candidateId ?? '–'}</dd>
        <dt safe>{t('results.col.lastName')}</dt>
        <dd safe>{result.lastName ?? '–'}</dd>
        <dt safe>{t('results.col.date')}</dt>
        <dd safe>{ctx.date(result.takenAt)}</dd>
        <dt safe>{t('results.col.outcome')}</dt>
        <dd safe>{outcomeText(ctx, result)}</dd>
        <dt safe>{t('results.col.status')}</dt>
        <dd>
          <ResultStatusTag ctx={ctx} status={result.status} />
        </dd>
        <dt safe>{t('results.col.received')}</dt>
        <dd safe>{ctx.dateTime(result.receivedAt)}</dd>
      </dl>
      {canEdit ? (
        <>
          <h2 safe>{t('results.link.title')}</h2>
          <ErrorSummary ctx={ctx} form={form} order={['candidateNumber', 'reason']} />
          <form method="post" action={`/console/results/unclaimed/${result.id}/link`} novalidate>
            <CsrfField ctx={ctx} />
            <TextField
              name="candidateNumber"
              label={t('results.link.candidate')}
              hint={t('results.link.candidateHint')}
              form={form}
              width="medium"
              maxlength={64}
            />
            <TextField
              name="reason"
              label={t('results.link.reason')}
              form={form}
              maxlength={2000}
            />
            <button type="submit" class="button" safe>
              {t('results.link.submit')}
            </button>
          </form>
        </>
      ) : (
        ''
      )}
    </Layout>
  );
}
