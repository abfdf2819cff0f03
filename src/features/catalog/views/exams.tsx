import type { PageContext } from '../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  SelectField,
  TextField,
  Checkbox,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import { DELIVERIES, EXAM_FIELDS, formatPrice } from '../catalog-rules.ts';
import type { ExamDefinition, PublicationStatus } from '../catalog.types.ts';
import {
  BackLink,
  CatalogNav,
  CheckboxGroup,
  FilterForm,
  Pagination,
  StatusTag,
  TextArea,
} from './parts.tsx';

export interface ListView<T> {
  rows: T[];
  total: number;
  page: number;
  pages: number;
  q: string;
  status: PublicationStatus | '';
}

export function listLink(base: string, q: string, status: string, page: number): string {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (status) params.set('status', status);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}

export function ExamTable({
  ctx,
  exams,
}: {
  ctx: PageContext;
  exams: ExamDefinition[];
}): JSX.Element {
  const { t } = ctx;
  if (exams.length === 0) return <p safe>{t('catalog.exams.none')}</p>;
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
            <th scope="col" safe>
              {t('catalog.field.kind')}
            </th>
            <th scope="col" safe>
              {t('catalog.field.passingScore')}
            </th>
            <th scope="col" safe>
              {t('catalog.field.versions')}
            </th>
            <th scope="col" safe>
              {t('catalog.field.status')}
            </th>
          </tr>
        </thead>
        <tbody>
          {exams.map((e) => (
            <tr>
              <td class="mono">
                <a href={`/console/catalog/exams/${encodeURIComponent(e.code)}`} safe>
                  {e.code}
                </a>
              </td>
              <td safe>{e.title}</td>
              <td safe>{t(`catalog.examKind.${e.kind}`)}</td>
              <td safe>
                {t('catalog.exams.scoreOnScale', {
                  score: e.passingScore,
                  min: e.scoreMin,
                  max: e.scoreMax,
                })}
              </td>
              <td safe>{e.versions.map((v) => v.version).join(', ') || '–'}</td>
              <td>
                <StatusTag ctx={ctx} status={e.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ExamListPage({
  ctx,
  view,
}: {
  ctx: PageContext;
  view: ListView<ExamDefinition>;
}): JSX.Element {
  const { t } = ctx;
  const base = '/console/catalog/exams';
  return (
    <Layout ctx={ctx} title={t('catalog.exams')} wide>
      <CatalogNav ctx={ctx} current={base} />
      <PageHeading title={t('catalog.exams')} />
      <p>
        <a class="button" href={`${base}/new`} safe>
          {t('catalog.exams.new')}
        </a>
      </p>
      <FilterForm ctx={ctx} action={base} q={view.q} status={view.status} />
      <p class="small" safe>
        {t('catalog.count', { count: view.total })}
      </p>
      <ExamTable ctx={ctx} exams={view.rows} />
      <Pagination
        ctx={ctx}
        page={view.page}
        pages={view.pages}
        link={(p) => listLink(base, view.q, view.status, p)}
      />
    </Layout>
  );
}

/** An exam as form values, for the edit form. */
export function examFormValues(e: ExamDefinition): Record<string, string> {
  return {
    code: e.code,
    title: e.title,
    description: e.description,
    kind: e.kind,
    scoreMin: String(e.scoreMin),
    scoreMax: String(e.scoreMax),
    passingScore: String(e.passingScore),
    languages: e.languages.join(', '),
    durationMinutes: e.durationMinutes === null ? '' : String(e.durationMinutes),
    price: e.price ? formatPrice(e.price.cents) : '',
    currency: e.price?.currency ?? '',
    retakeWaitDaysFirst: String(e.retake.waitDaysFirst),
    retakeWaitDaysLater: String(e.retake.waitDaysLater),
    retakeMaxPerYear: e.retake.maxPerYear === null ? '' : String(e.retake.maxPerYear),
    retakeAfterPass: e.retake.afterPass ? 'yes' : '',
    status: e.status,
  };
}

export function ExamFormPage({
  ctx,
  form,
  delivery,
  exam,
}: {
  ctx: PageContext;
  form: FormState;
  /** The ticked delivery modes (a list, so not in `form.values`). */
  delivery: readonly string[];
  /** Set when editing. */
  exam?: ExamDefinition | undefined;
}): JSX.Element {
  const { t } = ctx;
  const title = exam ? t('catalog.exams.editTitle', { code: exam.code }) : t('catalog.exams.new');
  const action = exam
    ? `/console/catalog/exams/${encodeURIComponent(exam.code)}`
    : '/console/catalog/exams';
  return (
    <Layout ctx={ctx} title={title}>
      <BackLink
        href={exam ? action : '/console/catalog/exams'}
        label={exam ? t('catalog.backTo', { name: exam.code }) : t('catalog.backToExams')}
      />
      <PageHeading title={title} />
      <ErrorSummary ctx={ctx} form={form} order={[...EXAM_FIELDS, 'reason']} />
      <form method="post" action={action} novalidate>
        <CsrfField ctx={ctx} />
        {exam ? (
          <dl class="summary-list">
            <dt safe>{t('catalog.field.code')}</dt>
            <dd class="mono" safe>
              {exam.code}
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
        <TextArea name="description" label={t('catalog.field.description')} form={form} />
        <SelectField
          name="kind"
          label={t('catalog.field.kind')}
          form={form}
          placeholder={t('catalog.choose')}
          options={[
            { value: 'exam', label: t('catalog.examKind.exam') },
            { value: 'assessment', label: t('catalog.examKind.assessment') },
          ]}
        />
        <CheckboxGroup
          name="delivery"
          legend={t('catalog.field.delivery')}
          form={form}
          checked={delivery}
          options={DELIVERIES.map((d) => ({ value: d, label: t(`catalog.delivery.${d}`) }))}
        />
        <fieldset>
          <legend safe>{t('catalog.exams.scoring')}</legend>
          <TextField
            name="scoreMin"
            label={t('catalog.field.scoreMin')}
            form={form}
            inputmode="numeric"
            width="short"
          />
          <TextField
            name="scoreMax"
            label={t('catalog.field.scoreMax')}
            form={form}
            inputmode="numeric"
            width="short"
          />
          <TextField
            name="passingScore"
            label={t('catalog.field.passingScore')}
            hint={t('catalog.hint.passingScore')}
            form={form}
            inputmode="numeric"
            width="short"
          />
        </fieldset>
        <TextField
          name="languages"
          label={t('catalog.field.languages')}
          hint={t('catalog.hint.languages')}
          form={form}
          width="medium"
          spellcheck={false}
        />
        <TextField
          name="durationMinutes"
          label={t('catalog.field.durationMinutes')}
          hint={t('catalog.hint.optional')}
          form={form}
          inputmode="numeric"
          width="short"
        />
        <TextField
          name="price"
          label={t('catalog.field.price')}
          hint={t('catalog.hint.price')}
          form={form}
          width="short"
        />
        <TextField
          name="currency"
          label={t('catalog.field.currency')}
          hint={t('catalog.hint.currency')}
          form={form}
          width="short"
          maxlength={3}
          spellcheck={false}
        />
        <fieldset>
          <legend safe>{t('catalog.exams.retakePolicy')}</legend>
          <TextField
            name="retakeWaitDaysFirst"
            label={t('catalog.field.retakeWaitDaysFirst')}
            form={form}
            inputmode="numeric"
            width="short"
          />
          <TextField
            name="retakeWaitDaysLater"
            label={t('catalog.field.retakeWaitDaysLater')}
            form={form}
            inputmode="numeric"
            width="short"
          />
          <TextField
            name="retakeMaxPerYear"
            label={t('catalog.field.retakeMaxPerYear')}
            hint={t('catalog.hint.retakeMaxPerYear')}
            form={form}
            inputmode="numeric"
            width="short"
          />
          <Checkbox
            name="retakeAfterPass"
            label={<span safe>{t('catalog.field.retakeAfterPass')}</span>}
            form={form}
          />
        </fieldset>
        <SelectField
          name="status"
          label={t('catalog.field.status')}
          hint={t('catalog.hint.examStatus')}
          form={form}
          options={(['draft', 'published', 'retired'] as const).map((s) => ({
            value: s,
            label: t(`catalog.status.${s}`),
          }))}
        />
        {exam ? (
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
          {exam ? t('catalog.exams.save') : t('catalog.exams.create')}
        </button>
      </form>
    </Layout>
  );
}

export function ExamPage({
  ctx,
  exam,
  versionForm,
  retire,
  today,
}: {
  ctx: PageContext;
  exam: ExamDefinition;
  versionForm: FormState;
  /** A retire form that failed, to show with its message. */
  retire?: { version: string; form: FormState } | undefined;
  /** Today in the viewer's time zone, `YYYY-MM-DD`. */
  today: string;
}): JSX.Element {
  const { t } = ctx;
  const base = `/console/catalog/exams/${encodeURIComponent(exam.code)}`;
  const r = exam.retake;
  return (
    <Layout ctx={ctx} title={`${exam.code} ${exam.title}`} wide>
      <BackLink href="/console/catalog/exams" label={t('catalog.backToExams')} />
      <PageHeading title={`${exam.code} ${exam.title}`} />
      <p>
        <StatusTag ctx={ctx} status={exam.status} />
      </p>
      <dl class="summary-list">
        <dt safe>{t('catalog.field.kind')}</dt>
        <dd safe>{t(`catalog.examKind.${exam.kind}`)}</dd>
        <dt safe>{t('catalog.field.delivery')}</dt>
        <dd safe>{exam.delivery.map((d) => t(`catalog.delivery.${d}`)).join(', ')}</dd>
        <dt safe>{t('catalog.field.passingScore')}</dt>
        <dd safe>
          {t('catalog.exams.scoreOnScale', {
            score: exam.passingScore,
            min: exam.scoreMin,
            max: exam.scoreMax,
          })}
        </dd>
        <dt safe>{t('catalog.field.languages')}</dt>
        <dd safe>{exam.languages.join(', ')}</dd>
        <dt safe>{t('catalog.field.durationMinutes')}</dt>
        <dd safe>
          {exam.durationMinutes === null
            ? '–'
            : t('catalog.exams.minutes', { minutes: exam.durationMinutes })}
        </dd>
        <dt safe>{t('catalog.field.price')}</dt>
        <dd safe>
          {exam.price
            ? new Intl.NumberFormat(ctx.locale, {
                style: 'currency',
                currency: exam.price.currency,
              }).format(exam.price.cents / 100)
            : t('catalog.exams.noPrice')}
        </dd>
        <dt safe>{t('catalog.exams.retakePolicy')}</dt>
        <dd safe>
          {[
            t('catalog.exams.retakeWait', { first: r.waitDaysFirst, later: r.waitDaysLater }),
            r.maxPerYear === null
              ? t('catalog.exams.retakeNoLimit')
              : t('catalog.exams.retakeMax', { count: r.maxPerYear }),
            r.afterPass
              ? t('catalog.exams.retakeAfterPassYes')
              : t('catalog.exams.retakeAfterPassNo'),
          ].join(' ')}
        </dd>
        {exam.description ? (
          <>
            <dt safe>{t('catalog.field.description')}</dt>
            <dd class="notice-text" safe>
              {exam.description}
            </dd>
          </>
        ) : (
          ''
        )}
      </dl>
      <p>
        <a class="button button--secondary" href={`${base}/edit`} safe>
          {t('catalog.exams.edit')}
        </a>
      </p>

      <h2 safe>{t('catalog.field.versions')}</h2>
      {exam.versions.length === 0 ? (
        <p safe>{t('catalog.exams.noVersions')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('catalog.field.version')}
                </th>
                <th scope="col" safe>
                  {t('catalog.field.availableFrom')}
                </th>
                <th scope="col" safe>
                  {t('catalog.field.availableUntil')}
                </th>
                <th scope="col" safe>
                  {t('catalog.exams.retireVersion')}
                </th>
              </tr>
            </thead>
            <tbody>
              {exam.versions.map((v) => {
                const failed = retire?.version === v.version ? retire.form : undefined;
                const open = v.availableUntil === null || v.availableUntil >= today;
                const fieldName = 'availableUntil';
                const inputId = `retire-${v.version.replace(/[^A-Za-z0-9_-]/g, '-')}`;
                return (
                  <tr>
                    <td class="mono" safe>
                      {v.version}
                    </td>
                    <td safe>{ctx.date(v.availableFrom)}</td>
                    <td safe>
                      {v.availableUntil
                        ? ctx.date(v.availableUntil)
                        : t('catalog.exams.stillAvailable')}
                    </td>
                    <td>
                      {open ? (
                        <form
                          method="post"
                          action={`${base}/versions/${encodeURIComponent(v.version)}/retire`}
                          class={failed ? 'field--error' : undefined}
                        >
                          <CsrfField ctx={ctx} />
                          <label class="field__label" for={inputId} safe>
                            {t('catalog.exams.lastDay', { version: v.version })}
                          </label>
                          {failed?.errors[fieldName] ? (
                            <p class="field__error" id={`${inputId}-error`} safe>
                              {failed.errors[fieldName]}
                            </p>
                          ) : (
                            ''
                          )}
                          <input
                            class="input input--short"
                            type="date"
                            id={inputId}
                            name={fieldName}
                            value={failed?.values[fieldName] ?? v.availableUntil ?? today}
                            aria-describedby={
                              failed?.errors[fieldName] ? `${inputId}-error` : undefined
                            }
                          />
                          <button type="submit" class="button button--small" safe>
                            {t('catalog.exams.retireVersion')}
                          </button>
                        </form>
                      ) : (
                        <span safe>{t('catalog.exams.versionRetired')}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p class="field__hint" safe>
        {t('catalog.exams.retireHint')}
      </p>

      <h2 safe>{t('catalog.exams.addVersion')}</h2>
      <ErrorSummary
        ctx={ctx}
        form={versionForm}
        order={['version', 'availableFrom', 'availableUntil']}
      />
      <form method="post" action={`${base}/versions`} novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          name="version"
          label={t('catalog.field.version')}
          hint={t('catalog.hint.version')}
          form={versionForm}
          width="short"
          maxlength={20}
          spellcheck={false}
        />
        <TextField
          name="availableFrom"
          type="date"
          label={t('catalog.field.availableFrom')}
          form={versionForm}
          width="medium"
        />
        <TextField
          name="availableUntil"
          type="date"
          label={t('catalog.field.availableUntil')}
          hint={t('catalog.hint.optional')}
          form={versionForm}
          width="medium"
        />
        <button type="submit" class="button" safe>
          {t('catalog.exams.addVersion')}
        </button>
      </form>
    </Layout>
  );
}
