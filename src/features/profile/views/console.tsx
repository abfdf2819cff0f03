import type { PageContext } from '../../../platform/html/context.ts';
import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  PageHeading,
  SelectField,
  TextArea,
  TextField,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import { REVIEW_INTERVALS } from '../profile-rules.ts';
import type { QuestionView } from '../profile.service.ts';
import type { NoticeView } from './privacy.tsx';

function QuestionFields({
  ctx,
  form,
  editing,
}: {
  ctx: PageContext;
  form: FormState;
  editing: boolean;
}) {
  const { t } = ctx;
  return (
    <>
      <TextField name="prompt" label={t('profile.console.prompt')} form={form} maxlength={300} />
      <TextArea
        name="options"
        label={t('profile.console.options')}
        hint={t('profile.console.optionsHint')}
        form={form}
        rows={6}
        maxlength={12_000}
      />
      <Checkbox
        name="required"
        form={form}
        label={<span safe>{t('profile.console.required')}</span>}
      />
      <TextField
        name="position"
        label={t('profile.console.position')}
        hint={t('profile.console.positionHint')}
        form={form}
        type="number"
        inputmode="numeric"
        width="short"
      />
      {editing ? (
        <Checkbox
          name="retired"
          form={form}
          label={<span safe>{t('profile.console.retire')}</span>}
        />
      ) : (
        ''
      )}
    </>
  );
}

export function DemographicsConsolePage({
  ctx,
  questions,
  form,
  reviewInterval,
}: {
  ctx: PageContext;
  questions: readonly QuestionView[];
  form: FormState;
  reviewInterval: number | null;
}): JSX.Element {
  const { t } = ctx;
  const reviewForm: FormState = { values: { months: String(reviewInterval ?? '') }, errors: {} };
  return (
    <Layout ctx={ctx} title={t('profile.console.demographicsTitle')} wide>
      <PageHeading
        title={t('profile.console.demographicsTitle')}
        lead={t('profile.console.demographicsLead')}
      />
      <h2 safe>{t('profile.console.questions')}</h2>
      {questions.length === 0 ? (
        <p class="empty-state" safe>
          {t('profile.console.noQuestions')}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('profile.console.position')}
                </th>
                <th scope="col" safe>
                  {t('profile.console.prompt')}
                </th>
                <th scope="col" safe>
                  {t('profile.console.options')}
                </th>
                <th scope="col" safe>
                  {t('profile.console.status')}
                </th>
                <th scope="col">
                  <span class="visually-hidden" safe>
                    {t('profile.console.edit')}
                  </span>
                </th>
              </tr>
            </thead>
            <tbody>
              {questions.map((q) => (
                <tr>
                  <td safe>{String(q.position)}</td>
                  <td safe>{q.prompt}</td>
                  <td safe>{q.options.join(' · ')}</td>
                  <td safe>
                    {`${q.status === 'active' ? t('profile.console.active') : t('profile.console.retired')}, ${
                      q.required
                        ? t('profile.console.requiredShort')
                        : t('profile.console.optionalShort')
                    }`}
                  </td>
                  <td>
                    <a href={`/console/demographics/${q.id}`} safe>
                      {t('profile.console.edit')}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 safe>{t('profile.console.addQuestion')}</h2>
      <ErrorSummary ctx={ctx} form={form} order={['prompt', 'options', 'position']} />
      <form method="post" action="/console/demographics" novalidate>
        <CsrfField ctx={ctx} />
        <QuestionFields ctx={ctx} form={form} editing={false} />
        <button type="submit" class="button" safe>
          {t('profile.console.saveQuestion')}
        </button>
      </form>
      <h2 safe>{t('profile.console.review')}</h2>
      <form method="post" action="/console/demographics/review">
        <CsrfField ctx={ctx} />
        <SelectField
          name="months"
          label={t('profile.console.reviewLabel')}
          form={reviewForm}
          placeholder={t('profile.console.reviewNever')}
          options={REVIEW_INTERVALS.map((m) => ({
            value: String(m),
            label: t('profile.console.reviewEvery', { months: m }),
          }))}
        />
        <button type="submit" class="button button--secondary" safe>
          {t('profile.console.saveReview')}
        </button>
      </form>
    </Layout>
  );
}

export function QuestionPage({
  ctx,
  id,
  form,
}: {
  ctx: PageContext;
  id: number;
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('profile.console.editQuestion')}>
      <p>
        <a href="/console/demographics" safe>
          {t('profile.console.back')}
        </a>
      </p>
      <PageHeading title={t('profile.console.editQuestion')} />
      <ErrorSummary ctx={ctx} form={form} order={['prompt', 'options', 'position']} />
      <form method="post" action={`/console/demographics/${id}`} novalidate>
        <CsrfField ctx={ctx} />
        <QuestionFields ctx={ctx} form={form} editing={true} />
        <button type="submit" class="button" safe>
          {t('profile.console.saveQuestion')}
        </button>
      </form>
    </Layout>
  );
}

export function NoticesConsolePage({
  ctx,
  notices,
  form,
  deletionAwardName,
}: {
  ctx: PageContext;
  notices: readonly (NoticeView & { createdAt: Date })[];
  form: FormState;
  deletionAwardName: 'keep' | 'remove';
}): JSX.Element {
  const { t } = ctx;
  const now = new Date();
  const current = notices.find((n) => n.effectiveAt <= now)?.version;
  const state = (n: NoticeView) =>
    n.effectiveAt > now
      ? t('profile.console.scheduled')
      : n.version === current
        ? t('profile.console.current')
        : t('profile.console.superseded');
  return (
    <Layout ctx={ctx} title={t('profile.console.noticesTitle')} wide>
      <PageHeading
        title={t('profile.console.noticesTitle')}
        lead={t('profile.console.noticesLead')}
      />
      <div class="table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col" safe>
                {t('profile.console.version')}
              </th>
              <th scope="col" safe>
                {t('profile.console.effective')}
              </th>
              <th scope="col" safe>
                {t('profile.console.published')}
              </th>
              <th scope="col" safe>
                {t('profile.console.status')}
              </th>
            </tr>
          </thead>
          <tbody>
            {notices.map((n) => (
              <tr>
                <td>
                  <details>
                    <summary safe>{String(n.version)}</summary>
                    <div class="notice-text pre-line" safe>
                      {n.body}
                    </div>
                  </details>
                </td>
                <td safe>{ctx.dateTime(n.effectiveAt)}</td>
                <td safe>{ctx.dateTime(n.createdAt)}</td>
                <td safe>{state(n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2 safe>{t('profile.console.publishTitle')}</h2>
      <ErrorSummary ctx={ctx} form={form} order={['body', 'effectiveOn']} />
      <form method="post" action="/admin/privacy-notices" novalidate>
        <CsrfField ctx={ctx} />
        <TextArea
          name="body"
          label={t('profile.console.noticeText')}
          form={form}
          rows={14}
          maxlength={100_000}
        />
        <TextField
          name="effectiveOn"
          label={t('profile.console.effectiveOn')}
          form={form}
          type="date"
          width="medium"
        />
        <button type="submit" class="button" safe>
          {t('profile.console.publish')}
        </button>
      </form>
      <h2 safe>{t('profile.console.deletionPolicy')}</h2>
      <form method="post" action="/admin/privacy-notices/deletion-policy">
        <CsrfField ctx={ctx} />
        <div class="radios">
          {(['keep', 'remove'] as const).map((v) => (
            <div class="radio">
              <input
                type="radio"
                id={`f-policy-${v}`}
                name="policy"
                value={v}
                checked={deletionAwardName === v}
              />
              <label for={`f-policy-${v}`} safe>
                {v === 'keep'
                  ? t('profile.console.deletionKeep')
                  : t('profile.console.deletionRemove')}
              </label>
            </div>
          ))}
        </div>
        <button type="submit" class="button button--secondary" safe>
          {t('profile.console.savePolicy')}
        </button>
      </form>
    </Layout>
  );
}

export interface DeletionRequestView {
  readonly id: number;
  readonly candidateNumber: string;
  readonly username: string;
  readonly name: string;
  readonly email: string;
  readonly status: 'pending' | 'approved' | 'rejected' | 'cancelled';
  readonly reason: string | null;
  readonly requestedAt: Date;
  readonly decidedAt: Date | null;
  readonly decidedBy: string | null;
  readonly note: string | null;
}

export function DeletionRequestsPage({
  ctx,
  pending,
  decided,
}: {
  ctx: PageContext;
  pending: readonly DeletionRequestView[];
  decided: readonly DeletionRequestView[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('profile.console.deletionTitle')} wide>
      <PageHeading
        title={t('profile.console.deletionTitle')}
        lead={t('profile.console.deletionLead')}
      />
      <h2 safe>{t('profile.console.pending')}</h2>
      {pending.length === 0 ? (
        <p class="empty-state" safe>
          {t('profile.console.noPending')}
        </p>
      ) : (
        <>
          {pending.map((r) => (
            <section class="card" aria-labelledby={`req-${r.id}`}>
              <h3 id={`req-${r.id}`} safe>
                {`${r.name} (${r.candidateNumber}, ${r.username})`}
              </h3>
              <dl class="summary-list">
                <dt safe>{t('profile.email')}</dt>
                <dd safe>{r.email}</dd>
                <dt safe>{t('profile.console.requested')}</dt>
                <dd safe>{ctx.dateTime(r.requestedAt)}</dd>
                <dt safe>{t('profile.console.reason')}</dt>
                <dd class="pre-line" safe>
                  {r.reason ?? '—'}
                </dd>
              </dl>
              <form method="post" action={`/console/deletion-requests/${r.id}`}>
                <CsrfField ctx={ctx} />
                <TextArea
                  name="note"
                  label={t('profile.console.note')}
                  form={{ values: {}, errors: {} }}
                  rows={2}
                  maxlength={2000}
                />
                <div class="button-row">
                  <button
                    type="submit"
                    name="decision"
                    value="approve"
                    class="button button--danger"
                    safe
                  >
                    {t('profile.console.approve')}
                  </button>
                  <button
                    type="submit"
                    name="decision"
                    value="reject"
                    class="button button--secondary"
                    safe
                  >
                    {t('profile.console.reject')}
                  </button>
                </div>
              </form>
            </section>
          ))}
        </>
      )}
      <h2 safe>{t('profile.console.decided')}</h2>
      {decided.length === 0 ? (
        <p safe>{t('profile.console.noDecided')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('profile.console.candidate')}
                </th>
                <th scope="col" safe>
                  {t('profile.console.requested')}
                </th>
                <th scope="col" safe>
                  {t('profile.console.decision')}
                </th>
                <th scope="col" safe>
                  {t('profile.console.by')}
                </th>
              </tr>
            </thead>
            <tbody>
              {decided.map((r) => (
                <tr>
                  <td class="mono" safe>
                    {r.candidateNumber}
                  </td>
                  <td safe>{ctx.date(r.requestedAt)}</td>
                  <td safe>
                    {`${t(`profile.deletion.status.${r.status as 'approved'}`)}${r.decidedAt ? `, ${ctx.date(r.decidedAt)}` : ''}`}
                  </td>
                  <td safe>{r.decidedBy ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
