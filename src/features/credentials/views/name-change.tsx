import type { PageContext } from '../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  TextField,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import { Radios, TextArea } from '../../progress/index.ts';
import type {
  NameChangeEventView,
  NameChangeQueueRow,
  NameChangeView,
} from '../name-change.service.ts';

const FIELDS = ['givenName', 'familyName', 'reason'];

/** The candidate's name change: the current name, the request form (or the pending request) and the history. */
export function NameChangePage({
  ctx,
  currentName,
  requests,
  form,
}: {
  ctx: PageContext;
  currentName: string;
  requests: NameChangeView[];
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  const pending = requests.find((r) => r.status === 'pending');
  return (
    <Layout ctx={ctx} title={t('nameChange.title')}>
      <p class="breadcrumb">
        <a href="/my-credentials" safe>
          {t('myCredentials.back')}
        </a>
      </p>
      <ErrorSummary ctx={ctx} form={form} order={FIELDS} />
      <PageHeading title={t('nameChange.title')} lead={t('nameChange.lead')} />
      <dl class="summary-list">
        <dt safe>{t('nameChange.currentName')}</dt>
        <dd safe>{currentName}</dd>
      </dl>
      {pending ? (
        <section class="card" aria-labelledby="pending">
          <h2 id="pending" class="h3" safe>
            {t('nameChange.pendingTitle')}
          </h2>
          <p safe>{t('nameChange.pendingText', { name: pending.requestedName })}</p>
          <form method="post" action={`/my-credentials/name-change/${pending.id}/withdraw`}>
            <CsrfField ctx={ctx} />
            <button type="submit" class="button button--secondary" safe>
              {t('nameChange.withdraw')}
            </button>
          </form>
        </section>
      ) : (
        <form method="post" action="/my-credentials/name-change" novalidate>
          <CsrfField ctx={ctx} />
          <TextField
            name="givenName"
            label={t('nameChange.givenName')}
            form={form}
            autocomplete="given-name"
            maxlength={100}
            spellcheck={false}
          />
          <TextField
            name="familyName"
            label={t('nameChange.familyName')}
            form={form}
            autocomplete="family-name"
            maxlength={100}
            spellcheck={false}
          />
          <TextArea
            name="reason"
            label={t('nameChange.reason')}
            hint={t('nameChange.reasonHint')}
            form={form}
            maxlength={2000}
          />
          <button type="submit" class="button" safe>
            {t('nameChange.submit')}
          </button>
        </form>
      )}
      {requests.length > 0 ? (
        <section aria-labelledby="history">
          <h2 id="history" safe>
            {t('nameChange.history')}
          </h2>
          {requests.map((r) => (
            <RequestHistory ctx={ctx} request={r} />
          ))}
        </section>
      ) : (
        ''
      )}
    </Layout>
  );
}

function RequestHistory({ ctx, request }: { ctx: PageContext; request: NameChangeView }) {
  const { t } = ctx;
  return (
    <article class="card">
      <h3 class="h3" safe>
        {t('nameChange.requestHeading', {
          from: request.currentName,
          to: request.requestedName,
        })}
      </h3>
      <p class="small" safe>
        {t(`nameChange.status.${request.status}`)}
      </p>
      <Events ctx={ctx} events={request.events} />
    </article>
  );
}

function Events({ ctx, events }: { ctx: PageContext; events: NameChangeEventView[] }) {
  const { t } = ctx;
  return (
    <ol class="plain-list">
      {events.map((e) => (
        <li>
          <span safe>
            {t(`nameChange.event.${e.kind}`, { date: ctx.dateTime(e.at), actor: e.actor ?? '' })}
          </span>
          {e.note ? (
            <span class="pre-line" safe>
              {` ${t('nameChange.eventNote', { note: e.note })}`}
            </span>
          ) : (
            ''
          )}
        </li>
      ))}
    </ol>
  );
}

// ----------------------------------------------------------------------------
// Console: the queue and one request
// ----------------------------------------------------------------------------

export function NameChangeQueuePage({
  ctx,
  status,
  rows,
  total,
  page,
  pageSize,
}: {
  ctx: PageContext;
  status: 'pending' | 'decided';
  rows: NameChangeQueueRow[];
  total: number;
  page: number;
  pageSize: number;
}): JSX.Element {
  const { t } = ctx;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <Layout ctx={ctx} title={t('nameChange.queueTitle')} wide>
      <PageHeading title={t('nameChange.queueTitle')} lead={t('nameChange.queueLead')} />
      <nav class="tabs" aria-label={t('nameChange.filter')}>
        <a
          href="/console/name-changes?status=pending"
          aria-current={status === 'pending' ? 'page' : undefined}
          safe
        >
          {t('nameChange.pending')}
        </a>
        <a
          href="/console/name-changes?status=decided"
          aria-current={status === 'decided' ? 'page' : undefined}
          safe
        >
          {t('nameChange.decided')}
        </a>
      </nav>
      {rows.length === 0 ? (
        <p class="empty-state" safe>
          {status === 'pending' ? t('nameChange.nonePending') : t('nameChange.noneDecided')}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('nameChange.candidate')}
                </th>
                <th scope="col" safe>
                  {t('nameChange.currentName')}
                </th>
                <th scope="col" safe>
                  {t('nameChange.requestedName')}
                </th>
                <th scope="col" safe>
                  {status === 'pending' ? t('nameChange.submitted') : t('nameChange.decision')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    <a href={`/console/name-changes/${r.id}`}>
                      <span class="mono" safe>
                        {r.candidateNumber}
                      </span>{' '}
                      <span safe>{r.username}</span>
                    </a>
                  </td>
                  <td safe>{r.currentName}</td>
                  <td safe>{r.requestedName}</td>
                  <td safe>
                    {status === 'pending'
                      ? ctx.dateTime(r.createdAt)
                      : `${t(`nameChange.status.${r.status}`)} ${r.decidedAt ? ctx.dateTime(r.decidedAt) : ''}`}
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
            <a href={`/console/name-changes?status=${status}&page=${page - 1}`} safe>
              {t('nameChange.previous')}
            </a>
          ) : (
            ''
          )}
          <span safe>{t('nameChange.pageOf', { page, pages })}</span>
          {page < pages ? (
            <a href={`/console/name-changes?status=${status}&page=${page + 1}`} safe>
              {t('nameChange.next')}
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

export function NameChangeReviewPage({
  ctx,
  request,
  form,
}: {
  ctx: PageContext;
  request: NameChangeView & {
    candidateNumber: string;
    username: string;
    email: string;
    accountName: string;
  };
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  const title = t('nameChange.reviewTitle', { id: request.id });
  return (
    <Layout ctx={ctx} title={title}>
      <p class="breadcrumb">
        <a href="/console/name-changes" safe>
          {t('nameChange.backToQueue')}
        </a>
      </p>
      <ErrorSummary ctx={ctx} form={form} order={['decision', 'note']} />
      <PageHeading title={title} />
      <dl class="summary-list">
        <dt safe>{t('nameChange.candidate')}</dt>
        <dd>
          <span class="mono" safe>
            {request.candidateNumber}
          </span>{' '}
          <span safe>{`${request.username} <${request.email}>`}</span>
        </dd>
        <dt safe>{t('nameChange.accountName')}</dt>
        <dd safe>{request.accountName}</dd>
        <dt safe>{t('nameChange.nameAtRequest')}</dt>
        <dd safe>{request.currentName}</dd>
        <dt safe>{t('nameChange.requestedName')}</dt>
        <dd>
          <strong safe>{request.requestedName}</strong>
          <span class="small" safe>
            {` (${t('nameChange.givenName')}: ${request.requestedGivenName}; ${t('nameChange.familyName')}: ${request.requestedFamilyName})`}
          </span>
        </dd>
        <dt safe>{t('nameChange.reason')}</dt>
        <dd class="pre-line" safe>
          {request.reason}
        </dd>
        <dt safe>{t('nameChange.statusLabel')}</dt>
        <dd safe>{t(`nameChange.status.${request.status}`)}</dd>
      </dl>
      <h2 class="h3" safe>
        {t('nameChange.history')}
      </h2>
      <Events ctx={ctx} events={request.events} />
      {request.status === 'pending' ? (
        <form method="post" action={`/console/name-changes/${request.id}/decision`} novalidate>
          <CsrfField ctx={ctx} />
          <Radios
            name="decision"
            legend={t('nameChange.decide')}
            form={form}
            options={[
              { value: 'approve', label: t('nameChange.approve') },
              { value: 'reject', label: t('nameChange.reject') },
            ]}
          />
          <TextArea
            name="note"
            label={t('nameChange.note')}
            hint={t('nameChange.noteHint')}
            form={form}
            maxlength={2000}
          />
          <button type="submit" class="button" safe>
            {t('nameChange.record')}
          </button>
        </form>
      ) : (
        ''
      )}
    </Layout>
  );
}
