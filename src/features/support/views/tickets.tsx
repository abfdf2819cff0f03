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
import { CATEGORIES, MAX_BODY, MAX_EMAIL, MAX_NAME, MAX_SUBJECT } from '../tickets.rules.ts';
import type { TicketSummary, TicketView } from '../tickets.service.ts';
import { FilesField, TextArea, Thread, TicketStatus, categoryLabel } from './parts.tsx';

/** The candidate's support page: their tickets, newest activity first, and a way to ask. */
export function SupportHomePage({
  ctx,
  tickets,
}: {
  ctx: PageContext;
  tickets: readonly TicketSummary[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('support.title')} wide>
      <PageHeading title={t('support.title')} lead={t('support.lead')} />
      <p class="button-row">
        <a class="button" href="/support/new" safe>
          {t('support.ask')}
        </a>
        <a class="button button--secondary" href="/help" safe>
          {t('support.browseHelp')}
        </a>
      </p>
      <h2 safe>{t('support.myTickets')}</h2>
      {tickets.length === 0 ? (
        <div class="empty-state">
          <p safe>{t('support.noTickets')}</p>
        </div>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden" safe>
              {t('support.myTickets')}
            </caption>
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('support.subject')}
                </th>
                <th scope="col" safe>
                  {t('support.categoryLabel')}
                </th>
                <th scope="col" safe>
                  {t('support.statusLabel')}
                </th>
                <th scope="col" safe>
                  {t('support.lastActivity')}
                </th>
              </tr>
            </thead>
            <tbody>
              {tickets.map((ticket) => (
                <tr>
                  <td>
                    <a href={`/support/tickets/${ticket.id}`} safe>
                      {ticket.subject}
                    </a>
                    <div class="small" safe>
                      {t('support.ticketNumber', { id: ticket.id })}
                    </div>
                  </td>
                  <td safe>{categoryLabel(ctx, ticket.category)}</td>
                  <td>
                    <TicketStatus ctx={ctx} status={ticket.status} />
                  </td>
                  <td safe>{ctx.dateTime(ticket.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export const NEW_TICKET_FIELDS = ['category', 'subject', 'message', 'attachments'];

/** The signed-in form: category, subject, message and up to three files (multipart). */
export function NewTicketPage({ ctx, form }: { ctx: PageContext; form: FormState }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('support.newTitle')}>
      <p class="breadcrumb">
        <a href="/support" safe>
          {t('support.back')}
        </a>
      </p>
      <ErrorSummary ctx={ctx} form={form} order={NEW_TICKET_FIELDS} />
      <PageHeading title={t('support.newTitle')} lead={t('support.newLead')} />
      <form method="post" action="/support/new" enctype="multipart/form-data" novalidate>
        <CsrfField ctx={ctx} />
        <SelectField
          name="category"
          label={t('support.categoryLabel')}
          form={form}
          placeholder={t('support.categoryChoose')}
          options={CATEGORIES.map((c) => ({ value: c, label: categoryLabel(ctx, c) }))}
        />
        <TextField
          name="subject"
          label={t('support.subject')}
          hint={t('support.subjectHint')}
          form={form}
          maxlength={MAX_SUBJECT}
        />
        <TextArea
          name="message"
          label={t('support.message')}
          hint={t('support.messageHint')}
          form={form}
          maxlength={MAX_BODY}
          rows={8}
        />
        <FilesField ctx={ctx} name="attachments" form={form} />
        <button type="submit" class="button" safe>
          {t('support.send')}
        </button>
      </form>
    </Layout>
  );
}

/** One ticket as its candidate sees it: status, the thread without internal notes, and a reply box. */
export function TicketPage({
  ctx,
  ticket,
  form,
}: {
  ctx: PageContext;
  ticket: TicketView;
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={ticket.subject}>
      <p class="breadcrumb">
        <a href="/support" safe>
          {t('support.back')}
        </a>
      </p>
      <ErrorSummary ctx={ctx} form={form} order={['message', 'attachments']} />
      <div class="page-heading">
        <h1 safe>{ticket.subject}</h1>
        <p class="lead">
          <TicketStatus ctx={ctx} status={ticket.status} />{' '}
          <span safe>
            {t('support.ticketMeta', {
              id: ticket.id,
              category: categoryLabel(ctx, ticket.category),
              date: ctx.date(ticket.createdAt),
            })}
          </span>
        </p>
      </div>
      <Thread
        ctx={ctx}
        messages={ticket.messages}
        attachmentBase={`/support/tickets/${ticket.id}`}
        requesterLabel={t('support.you')}
      />
      {ticket.status === 'closed' ? (
        <div class="empty-state">
          <p safe>{t('support.closedNotice')}</p>
          <p>
            <a class="button" href="/support/new" safe>
              {t('support.ask')}
            </a>
          </p>
        </div>
      ) : (
        <form
          method="post"
          action={`/support/tickets/${ticket.id}/reply`}
          enctype="multipart/form-data"
          novalidate
        >
          <h2 safe>{t('support.replyTitle')}</h2>
          <CsrfField ctx={ctx} />
          <TextArea
            name="message"
            label={t('support.yourReply')}
            form={form}
            maxlength={MAX_BODY}
          />
          <FilesField ctx={ctx} name="attachments" form={form} />
          <button type="submit" class="button" safe>
            {t('support.sendReply')}
          </button>
        </form>
      )}
    </Layout>
  );
}

export const CONTACT_FIELDS = ['name', 'email', 'message'];

/**
 * The signed-out form, for people who cannot sign in. The `website` field is
 * a honeypot: hidden from people (visually and from screen readers) and left
 * empty by them; robots fill every field they find.
 */
export function ContactPage({ ctx, form }: { ctx: PageContext; form: FormState }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('contact.title')}>
      <ErrorSummary ctx={ctx} form={form} order={CONTACT_FIELDS} />
      <PageHeading title={t('contact.title')} lead={t('contact.lead')} />
      {ctx.principal ? (
        <p class="notice-text">
          <span safe>{t('contact.signedIn')}</span>{' '}
          <a href="/support/new" safe>
            {t('support.ask')}
          </a>
        </p>
      ) : (
        ''
      )}
      <form method="post" action="/contact" novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          name="name"
          label={t('contact.name')}
          form={form}
          autocomplete="name"
          maxlength={MAX_NAME}
        />
        <TextField
          name="email"
          type="email"
          label={t('contact.email')}
          hint={t('contact.emailHint')}
          form={form}
          autocomplete="email"
          spellcheck={false}
          maxlength={MAX_EMAIL}
        />
        <TextArea
          name="message"
          label={t('support.message')}
          hint={t('contact.messageHint')}
          form={form}
          maxlength={MAX_BODY}
          rows={8}
        />
        <div class="visually-hidden" aria-hidden="true">
          <label for="f-website" safe>
            {t('contact.honeypot')}
          </label>
          <input id="f-website" type="text" name="website" tabindex="-1" autocomplete="off" />
        </div>
        <button type="submit" class="button" safe>
          {t('contact.send')}
        </button>
      </form>
    </Layout>
  );
}

export function ContactSentPage({ ctx }: { ctx: PageContext }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('contact.sentTitle')}>
      <PageHeading title={t('contact.sentTitle')} lead={t('contact.sentLead')} />
      <p>
        <a href="/help" safe>
          {t('contact.sentHelp')}
        </a>
      </p>
    </Layout>
  );
}
