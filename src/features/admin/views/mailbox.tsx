import { escapeHtml } from '@kitajs/html';
import type { PageContext } from '../../../platform/html/context.ts';
import { PageHeading } from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';

export interface MailSummary {
  id: number;
  to: string;
  subject: string;
  createdAt: Date;
  status: string;
}

export function MailboxPage({
  ctx,
  mails,
}: {
  ctx: PageContext;
  mails: MailSummary[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('mailbox.title')} wide>
      <PageHeading title={t('mailbox.title')} lead={t('mailbox.lead')} />
      {mails.length === 0 ? (
        <p safe>{t('mailbox.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('mailbox.queued')}
                </th>
                <th scope="col" safe>
                  {t('mailbox.to')}
                </th>
                <th scope="col" safe>
                  {t('mailbox.subject')}
                </th>
              </tr>
            </thead>
            <tbody>
              {mails.map((m) => (
                <tr>
                  <td safe>{ctx.dateTime(m.createdAt)}</td>
                  <td safe>{m.to}</td>
                  <td>
                    <a href={`/dev/mailbox/${m.id}`} safe>
                      {m.subject}
                    </a>
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

/** The text part, with its links made clickable (escaped first, then linked). */
export function MailPage({
  ctx,
  mail,
}: {
  ctx: PageContext;
  mail: MailSummary & { text: string };
}): JSX.Element {
  const { t } = ctx;
  const safeBody = escapeHtml(mail.text).replace(
    /https?:\/\/[^\s<>"']+/g,
    (url) => `<a href="${url}">${url}</a>`,
  );
  return (
    <Layout ctx={ctx} title={mail.subject} wide>
      <p>
        <a href="/dev/mailbox" safe>
          {t('mailbox.back')}
        </a>
      </p>
      <PageHeading title={mail.subject} />
      <dl class="summary-list">
        <dt safe>{t('mailbox.to')}</dt>
        <dd safe>{mail.to}</dd>
        <dt safe>{t('mailbox.queued')}</dt>
        <dd safe>{ctx.dateTime(mail.createdAt)}</dd>
      </dl>
      <div class="mail-body">{safeBody}</div>
      <p>
        <a href={`/dev/mailbox/${mail.id}/html`} safe>
          {t('mailbox.html')}
        </a>
      </p>
    </Layout>
  );
}
