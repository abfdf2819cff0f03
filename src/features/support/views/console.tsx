import type { PageContext } from '../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  SelectField,
  TextField,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import {
  AGE_FILTERS,
  CATEGORIES,
  MAX_BODY,
  REPLY_STATUSES,
  STATUSES,
  type AgeFilter,
  type Category,
  type Status,
} from '../tickets.rules.ts';
import type { QueueRow, SavedReplyView, TicketView } from '../tickets.service.ts';
import {
  Pagination,
  TextArea,
  Thread,
  TicketStatus,
  categoryLabel,
  statusLabel,
} from './parts.tsx';

export interface QueueFilters {
  status: Status | 'active' | 'all';
  category: Category | undefined;
  assignee: 'me' | 'none' | number | undefined;
  age: AgeFilter | undefined;
}

/** The filters as a query string (the view can be bookmarked), without `page`. */
export function queueQuery(f: QueueFilters, page?: number): string {
  const params = new URLSearchParams();
  if (f.status !== 'active') params.set('status', f.status);
  if (f.category) params.set('category', f.category);
  if (f.assignee !== undefined) params.set('assignee', String(f.assignee));
  if (f.age) params.set('age', f.age);
  if (page && page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function QueuePage({
  ctx,
  filters,
  rows,
  total,
  page,
  pageSize,
  agents,
}: {
  ctx: PageContext;
  filters: QueueFilters;
  rows: readonly QueueRow[];
  total: number;
  page: number;
  pageSize: number;
  agents: readonly { id: number; name: string }[];
}): JSX.Element {
  const { t } = ctx;
  const values = {
    status: filters.status,
    category: filters.category ?? '',
    assignee: filters.assignee === undefined ? '' : String(filters.assignee),
    age: filters.age ?? '',
  };
  const form: FormState = { values, errors: {} };
  return (
    <Layout ctx={ctx} title={t('queue.title')} wide>
      <PageHeading title={t('queue.title')} />
      <p class="button-row">
        <a class="button button--secondary" href="/console/saved-replies" safe>
          {t('savedReplies.title')}
        </a>
        <a class="button button--secondary" href="/console/tickets/settings" safe>
          {t('supportSettings.title')}
        </a>
      </p>
      <form method="get" action="/console/tickets" class="filter-form">
        <SelectField
          name="status"
          label={t('support.statusLabel')}
          form={form}
          options={[
            { value: 'active', label: t('queue.active') },
            ...STATUSES.map((s) => ({ value: s, label: statusLabel(ctx, s) })),
            { value: 'all', label: t('queue.allStatuses') },
          ]}
        />
        <SelectField
          name="category"
          label={t('support.categoryLabel')}
          form={form}
          placeholder={t('queue.anyCategory')}
          options={CATEGORIES.map((c) => ({ value: c, label: categoryLabel(ctx, c) }))}
        />
        <SelectField
          name="assignee"
          label={t('queue.assignee')}
          form={form}
          placeholder={t('queue.anyone')}
          options={[
            { value: 'me', label: t('queue.me') },
            { value: 'none', label: t('queue.unassigned') },
            ...agents.map((a) => ({ value: String(a.id), label: a.name })),
          ]}
        />
        <SelectField
          name="age"
          label={t('queue.age')}
          form={form}
          placeholder={t('queue.anyAge')}
          options={(Object.keys(AGE_FILTERS) as AgeFilter[]).map((a) => ({
            value: a,
            label: t(`queue.age.${a}`),
          }))}
        />
        <div class="filter-form__actions">
          <button type="submit" class="button button--secondary" safe>
            {t('queue.filter')}
          </button>
        </div>
      </form>
      <p safe>{t('queue.count', { count: total })}</p>
      {rows.length === 0 ? (
        <div class="empty-state">
          <p safe>{t('queue.none')}</p>
        </div>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden" safe>
              {t('queue.title')}
            </caption>
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('support.subject')}
                </th>
                <th scope="col" safe>
                  {t('queue.requester')}
                </th>
                <th scope="col" safe>
                  {t('support.categoryLabel')}
                </th>
                <th scope="col" safe>
                  {t('support.statusLabel')}
                </th>
                <th scope="col" safe>
                  {t('queue.assignee')}
                </th>
                <th scope="col" safe>
                  {t('queue.opened')}
                </th>
                <th scope="col" safe>
                  {t('support.lastActivity')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    <a href={`/console/tickets/${r.id}`} safe>
                      {r.subject}
                    </a>
                    <div class="small" safe>
                      {t('support.ticketNumber', { id: r.id })}
                    </div>
                  </td>
                  <td>
                    <span safe>{r.requesterName}</span>
                    <div class="small mono" safe>
                      {r.candidateNumber ?? t('queue.noAccount')}
                    </div>
                  </td>
                  <td safe>{categoryLabel(ctx, r.category)}</td>
                  <td>
                    <TicketStatus ctx={ctx} status={r.status} />
                  </td>
                  <td safe>{r.assigneeName ?? t('queue.unassigned')}</td>
                  <td safe>{ctx.date(r.createdAt)}</td>
                  <td safe>{ctx.dateTime(r.updatedAt)}</td>
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
        link={(p) => `/console/tickets${queueQuery(filters, p)}`}
      />
    </Layout>
  );
}

/** One ticket for an agent: who asked (with a link to their record), the thread with notes, and the actions. */
export function AgentTicketPage({
  ctx,
  ticket,
  agents,
  savedReplies,
  form,
  draft,
}: {
  ctx: PageContext;
  ticket: TicketView;
  agents: readonly { id: number; name: string }[];
  savedReplies: readonly SavedReplyView[];
  form: FormState;
  /** Text for the reply box (a saved reply the agent picked). */
  draft?: string | undefined;
}): JSX.Element {
  const { t } = ctx;
  const base = `/console/tickets/${ticket.id}`;
  const writeForm: FormState = {
    ...form,
    values: { kind: 'reply', status: 'waiting_on_candidate', ...form.values },
  };
  return (
    <Layout ctx={ctx} title={ticket.subject} wide>
      <p class="breadcrumb">
        <a href="/console/tickets" safe>
          {t('queue.back')}
        </a>
      </p>
      <ErrorSummary ctx={ctx} form={form} order={['body', 'assignee', 'status']} />
      <div class="page-heading">
        <h1 safe>{ticket.subject}</h1>
        <p class="lead">
          <TicketStatus ctx={ctx} status={ticket.status} />{' '}
          <span safe>{t('support.ticketNumber', { id: ticket.id })}</span>
        </p>
      </div>
      <dl class="summary-list">
        <dt safe>{t('queue.requester')}</dt>
        <dd>
          {ticket.requester.userId !== null ? (
            <a href={`/console/candidates/${ticket.requester.userId}`} safe>
              {t('queue.candidateRecord', {
                name: ticket.requester.name,
                number: ticket.requester.candidateNumber ?? '',
              })}
            </a>
          ) : (
            <span safe>{t('queue.noAccountRequester', { name: ticket.requester.name })}</span>
          )}
          <div class="small" safe>
            {ticket.requester.email}
          </div>
        </dd>
        <dt safe>{t('support.categoryLabel')}</dt>
        <dd safe>{categoryLabel(ctx, ticket.category)}</dd>
        <dt safe>{t('queue.opened')}</dt>
        <dd safe>{ctx.dateTime(ticket.createdAt)}</dd>
        <dt safe>{t('queue.assignee')}</dt>
        <dd safe>{ticket.assignee?.name ?? t('queue.unassigned')}</dd>
        {ticket.waitingSince ? (
          <>
            <dt safe>{t('queue.waitingSince')}</dt>
            <dd safe>{ctx.dateTime(ticket.waitingSince)}</dd>
          </>
        ) : (
          ''
        )}
      </dl>

      <div class="grid">
        <form method="post" action={`${base}/assign`} class="inline-form">
          <CsrfField ctx={ctx} />
          <SelectField
            name="assignee"
            label={t('queue.assignTo')}
            form={{
              ...form,
              values: { assignee: ticket.assignee ? String(ticket.assignee.id) : '' },
            }}
            placeholder={t('queue.unassigned')}
            options={agents.map((a) => ({ value: String(a.id), label: a.name }))}
          />
          <button type="submit" class="button button--secondary button--small" safe>
            {t('queue.assign')}
          </button>
        </form>
        <form method="post" action={`${base}/status`} class="inline-form">
          <CsrfField ctx={ctx} />
          <SelectField
            name="status"
            label={t('queue.setStatus')}
            form={{ ...form, values: { status: ticket.status } }}
            options={STATUSES.filter((s) => s !== 'new').map((s) => ({
              value: s,
              label: statusLabel(ctx, s),
            }))}
          />
          <button type="submit" class="button button--secondary button--small" safe>
            {t('queue.changeStatus')}
          </button>
        </form>
      </div>

      <h2 safe>{t('queue.conversation')}</h2>
      <Thread
        ctx={ctx}
        messages={ticket.messages}
        attachmentBase={base}
        requesterLabel={ticket.requester.name}
      />

      {ticket.status === 'closed' ? (
        <p class="notice-text" safe>
          {t('queue.closedNotice')}
        </p>
      ) : (
        <>
          {savedReplies.length > 0 ? (
            <form method="get" action={base} class="filter-form">
              <SelectField
                name="saved"
                label={t('queue.useSavedReply')}
                form={{ values: {}, errors: {} }}
                options={savedReplies.map((r) => ({ value: String(r.id), label: r.title }))}
              />
              <div class="filter-form__actions">
                <button type="submit" class="button button--secondary button--small" safe>
                  {t('queue.insertSavedReply')}
                </button>
              </div>
            </form>
          ) : (
            ''
          )}
          <form method="post" action={`${base}/messages`} novalidate>
            <h2 safe>{t('queue.write')}</h2>
            <CsrfField ctx={ctx} />
            <TextArea
              name="body"
              label={t('queue.message')}
              hint={t('queue.messageHint')}
              form={writeForm}
              maxlength={MAX_BODY}
              rows={8}
              {...(draft !== undefined ? { value: draft } : {})}
            />
            <fieldset class="field">
              <legend safe>{t('queue.kind')}</legend>
              <div class="radios">
                <div class="radio">
                  <input
                    type="radio"
                    id="f-kind"
                    name="kind"
                    value="reply"
                    checked={writeForm.values.kind !== 'note'}
                  />
                  <label for="f-kind" safe>
                    {t('queue.kindReply')}
                  </label>
                </div>
                <div class="radio">
                  <input
                    type="radio"
                    id="f-kind-note"
                    name="kind"
                    value="note"
                    checked={writeForm.values.kind === 'note'}
                  />
                  <label for="f-kind-note" safe>
                    {t('queue.kindNote')}
                  </label>
                </div>
              </div>
            </fieldset>
            <SelectField
              name="replyStatus"
              label={t('queue.afterReply')}
              hint={t('queue.afterReplyHint')}
              form={{
                ...writeForm,
                values: { replyStatus: writeForm.values.replyStatus ?? 'waiting_on_candidate' },
              }}
              options={REPLY_STATUSES.map((s) => ({ value: s, label: statusLabel(ctx, s) }))}
            />
            <button type="submit" class="button" safe>
              {t('queue.send')}
            </button>
          </form>
        </>
      )}
    </Layout>
  );
}

export function SavedRepliesPage({
  ctx,
  replies,
  form,
}: {
  ctx: PageContext;
  replies: readonly SavedReplyView[];
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('savedReplies.title')} wide>
      <p class="breadcrumb">
        <a href="/console/tickets" safe>
          {t('queue.back')}
        </a>
      </p>
      <ErrorSummary ctx={ctx} form={form} order={['title', 'body']} />
      <PageHeading title={t('savedReplies.title')} lead={t('savedReplies.lead')} />
      {replies.length === 0 ? (
        <div class="empty-state">
          <p safe>{t('savedReplies.none')}</p>
        </div>
      ) : (
        <ul class="plain-list">
          {replies.map((r) => (
            <li class="card">
              <h2 class="h3">
                <a href={`/console/saved-replies/${r.id}`} safe>
                  {r.title}
                </a>
              </h2>
              <p class="pre-line small" safe>
                {r.body}
              </p>
            </li>
          ))}
        </ul>
      )}
      <h2 safe>{t('savedReplies.add')}</h2>
      <SavedReplyForm ctx={ctx} form={form} action="/console/saved-replies" />
    </Layout>
  );
}

export function SavedReplyEditPage({
  ctx,
  reply,
  form,
}: {
  ctx: PageContext;
  reply: SavedReplyView;
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('savedReplies.edit', { title: reply.title })}>
      <p class="breadcrumb">
        <a href="/console/saved-replies" safe>
          {t('savedReplies.back')}
        </a>
      </p>
      <ErrorSummary ctx={ctx} form={form} order={['title', 'body']} />
      <PageHeading title={t('savedReplies.edit', { title: reply.title })} />
      <SavedReplyForm ctx={ctx} form={form} action={`/console/saved-replies/${reply.id}`} />
      <form method="post" action={`/console/saved-replies/${reply.id}/delete`}>
        <CsrfField ctx={ctx} />
        <button type="submit" class="button button--danger" safe>
          {t('savedReplies.delete')}
        </button>
      </form>
    </Layout>
  );
}

function SavedReplyForm({
  ctx,
  form,
  action,
}: {
  ctx: PageContext;
  form: FormState;
  action: string;
}): JSX.Element {
  const { t } = ctx;
  return (
    <form method="post" action={action} novalidate>
      <CsrfField ctx={ctx} />
      <TextField name="title" label={t('savedReplies.titleLabel')} form={form} maxlength={120} />
      <TextArea
        name="body"
        label={t('savedReplies.body')}
        hint={t('savedReplies.bodyHint')}
        form={form}
        maxlength={MAX_BODY}
      />
      <button type="submit" class="button" safe>
        {t('savedReplies.save')}
      </button>
    </form>
  );
}

export function SupportSettingsPage({
  ctx,
  form,
}: {
  ctx: PageContext;
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('supportSettings.title')}>
      <p class="breadcrumb">
        <a href="/console/tickets" safe>
          {t('queue.back')}
        </a>
      </p>
      <ErrorSummary ctx={ctx} form={form} order={['days']} />
      <PageHeading title={t('supportSettings.title')} />
      <form method="post" action="/console/tickets/settings" novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          name="days"
          label={t('supportSettings.days')}
          hint={t('supportSettings.daysHint')}
          form={form}
          inputmode="numeric"
          width="short"
        />
        <button type="submit" class="button" safe>
          {t('supportSettings.save')}
        </button>
      </form>
    </Layout>
  );
}
