import type { PageContext } from '../../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  SelectField,
  TextField,
  type FormState,
} from '../../../../platform/html/forms.tsx';
import { Layout } from '../../../../platform/html/layout.tsx';
import type { MessageKey } from '../../../../platform/i18n/i18n.ts';
import type { EvidenceStatus, EvidenceSubmissionView, ReviewRow } from '../../evidence.service.ts';
import { FileField, Icon, Radios, TextArea, formatSize } from './parts.tsx';

const STATUS: Record<
  EvidenceStatus,
  { icon: 'hourglass' | 'check' | 'cross'; className: string; label: MessageKey }
> = {
  pending: { icon: 'hourglass', className: 'status--pending', label: 'evidence.status.pending' },
  approved: { icon: 'check', className: 'status--active', label: 'evidence.status.approved' },
  rejected: { icon: 'cross', className: 'status--revoked', label: 'evidence.status.rejected' },
};

export function EvidenceStatusTag({
  ctx,
  status,
}: {
  ctx: PageContext;
  status: EvidenceStatus;
}): JSX.Element {
  const s = STATUS[status];
  return (
    <span class={`status ${s.className}`}>
      <Icon name={s.icon} />
      <span safe>{ctx.t(s.label)}</span>
    </span>
  );
}

function what(ctx: PageContext, s: EvidenceSubmissionView): string {
  return s.kind === 'training'
    ? ctx.t('evidence.whatTraining', { course: s.subject.title })
    : ctx.t('evidence.whatCredits', {
        amount: new Intl.NumberFormat(ctx.locale, { maximumFractionDigits: 2 }).format(
          s.amount ?? 0,
        ),
        category: s.subject.title,
      });
}

/** The candidate's submissions, newest first, with status and the reviewer's note. */
export function EvidenceListPage({
  ctx,
  submissions,
}: {
  ctx: PageContext;
  submissions: EvidenceSubmissionView[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('evidence.title')} wide>
      <PageHeading title={t('evidence.title')} lead={t('evidence.lead')} />
      <p>
        <a class="button" href="/evidence/new" safe>
          {t('evidence.send')}
        </a>
      </p>
      {submissions.length === 0 ? (
        <div class="empty-state">
          <p safe>{t('evidence.none')}</p>
        </div>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden" safe>
              {t('evidence.title')}
            </caption>
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('evidence.what')}
                </th>
                <th scope="col" safe>
                  {t('evidence.date')}
                </th>
                <th scope="col" safe>
                  {t('evidence.sent')}
                </th>
                <th scope="col" safe>
                  {t('evidence.file')}
                </th>
                <th scope="col" safe>
                  {t('evidence.statusTitle')}
                </th>
              </tr>
            </thead>
            <tbody>
              {submissions.map((s) => (
                <tr>
                  <td safe>{what(ctx, s)}</td>
                  <td safe>{ctx.date(s.occurredOn)}</td>
                  <td safe>{ctx.date(s.createdAt)}</td>
                  <td>
                    <a href={`/evidence/${s.id}/file`} safe>
                      {s.fileName}
                    </a>
                    <div class="small" safe>
                      {formatSize(ctx, s.fileSize)}
                    </div>
                  </td>
                  <td>
                    <EvidenceStatusTag ctx={ctx} status={s.status} />
                    {s.decisionNote ? (
                      <p class="decision-note small" safe>
                        {t('evidence.note', { note: s.decisionNote })}
                      </p>
                    ) : (
                      ''
                    )}
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

/** First question: what is the evidence for? (GET: the answer goes into the URL.) */
export function EvidenceKindPage({
  ctx,
  form,
}: {
  ctx: PageContext;
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('evidence.newTitle')}>
      <p class="breadcrumb">
        <a href="/evidence" safe>
          {t('evidence.back')}
        </a>
      </p>
      <ErrorSummary ctx={ctx} form={form} order={['kind']} />
      <form method="get" action="/evidence/new" novalidate>
        {/* Tells a choice left blank (no `kind` sent at all) from a first visit. */}
        <input type="hidden" name="step" value="kind" />
        <Radios
          name="kind"
          heading
          legend={t('evidence.kindQuestion')}
          form={form}
          options={[
            {
              value: 'training',
              label: t('evidence.kindTraining'),
              hint: t('evidence.kindTrainingHint'),
            },
            {
              value: 'credits',
              label: t('evidence.kindCredits'),
              hint: t('evidence.kindCreditsHint'),
            },
          ]}
        />
        <button type="submit" class="button" safe>
          {t('evidence.continue')}
        </button>
      </form>
    </Layout>
  );
}

export const EVIDENCE_FIELDS = [
  'course',
  'category',
  'amount',
  'occurredOn',
  'description',
  'file',
];

/** The upload form for one kind of evidence (multipart: the file travels with the fields). */
export function EvidenceFormPage({
  ctx,
  kind,
  form,
  courses,
  categories,
}: {
  ctx: PageContext;
  kind: 'training' | 'credits';
  form: FormState;
  courses: { code: string; title: string }[];
  categories: { code: string; title: string }[];
}): JSX.Element {
  const { t } = ctx;
  const title = kind === 'training' ? t('evidence.trainingTitle') : t('evidence.creditsTitle');
  return (
    <Layout ctx={ctx} title={title}>
      <p class="breadcrumb">
        <a href="/evidence/new" safe>
          {t('evidence.changeKind')}
        </a>
      </p>
      <ErrorSummary ctx={ctx} form={form} order={EVIDENCE_FIELDS} />
      <PageHeading title={title} lead={t('evidence.formLead')} />
      <form method="post" action="/evidence/new" enctype="multipart/form-data" novalidate>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="kind" value={kind} />
        {kind === 'training' ? (
          <SelectField
            name="course"
            label={t('evidence.course')}
            form={form}
            placeholder={t('evidence.choose')}
            options={courses.map((c) => ({ value: c.code, label: `${c.title} (${c.code})` }))}
          />
        ) : (
          <>
            <SelectField
              name="category"
              label={t('evidence.category')}
              form={form}
              placeholder={t('evidence.choose')}
              options={categories.map((c) => ({ value: c.code, label: `${c.title} (${c.code})` }))}
            />
            <TextField
              name="amount"
              label={t('evidence.amount')}
              hint={t('evidence.amountHint')}
              form={form}
              inputmode="text"
              width="short"
              maxlength={12}
            />
          </>
        )}
        <TextField
          name="occurredOn"
          type="date"
          label={kind === 'training' ? t('evidence.completedOn') : t('evidence.earnedOn')}
          hint={t('evidence.dateHint')}
          form={form}
          width="medium"
        />
        <TextArea
          name="description"
          label={t('evidence.description')}
          hint={t('evidence.descriptionHint')}
          form={form}
          maxlength={1000}
        />
        <FileField
          name="file"
          label={t('evidence.fileLabel')}
          hint={t('evidence.fileHint')}
          form={form}
          accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
        />
        <button type="submit" class="button" safe>
          {t('evidence.submit')}
        </button>
      </form>
    </Layout>
  );
}

// ----------------------------------------------------------------------------
// Staff: the review queue and one submission
// ----------------------------------------------------------------------------

export function ReviewQueuePage({
  ctx,
  status,
  rows,
  total,
  page,
  pageSize,
}: {
  ctx: PageContext;
  status: 'pending' | 'decided';
  rows: ReviewRow[];
  total: number;
  page: number;
  pageSize: number;
}): JSX.Element {
  const { t } = ctx;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const link = (s: string, p: number) =>
    `/console/evidence?${new URLSearchParams({ status: s, page: String(p) }).toString()}`;
  return (
    <Layout ctx={ctx} title={t('review.title')} wide>
      <PageHeading title={t('review.title')} lead={t('review.lead')} />
      <nav class="tabs" aria-label={t('review.filter')}>
        <ul>
          <li>
            <a
              href={link('pending', 1)}
              aria-current={status === 'pending' ? 'page' : undefined}
              safe
            >
              {t('review.pending')}
            </a>
          </li>
          <li>
            <a
              href={link('decided', 1)}
              aria-current={status === 'decided' ? 'page' : undefined}
              safe
            >
              {t('review.decided')}
            </a>
          </li>
        </ul>
      </nav>
      <p class="small" safe>
        {total === 1 ? t('review.countOne') : t('review.count', { count: total })}
      </p>
      {rows.length === 0 ? (
        <div class="empty-state">
          <p safe>{status === 'pending' ? t('review.nonePending') : t('review.noneDecided')}</p>
        </div>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('review.candidate')}
                </th>
                <th scope="col" safe>
                  {t('evidence.what')}
                </th>
                <th scope="col" safe>
                  {t('evidence.date')}
                </th>
                <th scope="col" safe>
                  {t('evidence.sent')}
                </th>
                <th scope="col" safe>
                  {t('evidence.statusTitle')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    <a href={`/console/evidence/${r.id}`} safe>
                      {r.candidate.name}
                    </a>
                    <div class="small mono" safe>
                      {r.candidate.candidateNumber}
                    </div>
                  </td>
                  <td safe>{what(ctx, r)}</td>
                  <td safe>{ctx.date(r.occurredOn)}</td>
                  <td safe>{ctx.dateTime(r.createdAt)}</td>
                  <td>
                    <EvidenceStatusTag ctx={ctx} status={r.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 ? (
        <nav class="pagination" aria-label={t('layout.pagination')}>
          {page > 1 ? (
            <a href={link(status, page - 1)} safe>
              {t('admin.previous')}
            </a>
          ) : (
            ''
          )}
          <span safe>{t('review.pageOf', { page, pages })}</span>
          {page < pages ? (
            <a href={link(status, page + 1)} safe>
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

export function ReviewPage({
  ctx,
  row,
  form,
}: {
  ctx: PageContext;
  row: ReviewRow;
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('review.detailTitle', { id: row.id })}>
      <p class="breadcrumb">
        <a href="/console/evidence" safe>
          {t('review.back')}
        </a>
      </p>
      <ErrorSummary ctx={ctx} form={form} order={['note']} />
      <PageHeading title={t('review.detailTitle', { id: row.id })} />
      <dl class="summary-list">
        <dt safe>{t('review.candidate')}</dt>
        <dd>
          <span safe>{row.candidate.name}</span>{' '}
          <span class="mono small" safe>
            {row.candidate.candidateNumber}
          </span>
          <div class="small" safe>
            {row.candidate.email}
          </div>
        </dd>
        <dt safe>{t('evidence.what')}</dt>
        <dd safe>{`${what(ctx, row)} (${row.subject.code})`}</dd>
        <dt safe>{row.kind === 'training' ? t('review.completedOn') : t('review.earnedOn')}</dt>
        <dd safe>{ctx.date(row.occurredOn)}</dd>
        <dt safe>{t('review.candidateNote')}</dt>
        <dd class="pre-line" safe>
          {row.description || '–'}
        </dd>
        <dt safe>{t('evidence.sent')}</dt>
        <dd safe>{ctx.dateTime(row.createdAt)}</dd>
        <dt safe>{t('evidence.file')}</dt>
        <dd>
          <a href={`/console/evidence/${row.id}/file`} safe>
            {t('review.download', { name: row.fileName })}
          </a>
          <div class="small" safe>
            {`${t(`review.types.${row.contentType === 'application/pdf' ? 'pdf' : row.contentType === 'image/png' ? 'png' : 'jpeg'}`)}, ${formatSize(ctx, row.fileSize)}`}
          </div>
        </dd>
        <dt safe>{t('evidence.statusTitle')}</dt>
        <dd>
          <EvidenceStatusTag ctx={ctx} status={row.status} />
          {row.decidedAt ? (
            <div class="small" safe>
              {t('review.decidedOn', { date: ctx.dateTime(row.decidedAt) })}
            </div>
          ) : (
            ''
          )}
          {row.decisionNote ? (
            <p class="decision-note" safe>
              {t('evidence.note', { note: row.decisionNote })}
            </p>
          ) : (
            ''
          )}
        </dd>
      </dl>
      {row.status === 'pending' ? (
        <form method="post" action={`/console/evidence/${row.id}/decision`} class="card" novalidate>
          <h2 class="h3" safe>
            {t('review.decide')}
          </h2>
          <CsrfField ctx={ctx} />
          <TextArea
            name="note"
            label={t('review.noteLabel')}
            hint={t('review.noteHint')}
            form={form}
            maxlength={2000}
          />
          <div class="button-row">
            <button type="submit" name="decision" value="approve" class="button" safe>
              {t('review.approve')}
            </button>
            <button type="submit" name="decision" value="reject" class="button button--danger" safe>
              {t('review.reject')}
            </button>
          </div>
        </form>
      ) : (
        ''
      )}
    </Layout>
  );
}
