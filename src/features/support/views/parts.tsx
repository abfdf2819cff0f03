import type { PageContext } from '../../../platform/html/context.ts';
import { FileField, formatSize, type FormState } from '../../../platform/html/forms.tsx';
import type { MessageKey } from '../../../platform/i18n/i18n.ts';
import type { Category, Status } from '../tickets.rules.ts';
import type { AttachmentView, MessageView } from '../tickets.service.ts';

/**
 * Pieces the support pages share: the ticket status tag (icon and words,
 * never color alone), the thread of messages, and the form fields the
 * platform does not have (text area, several files).
 */

type IconName = 'dot' | 'reply' | 'hourglass' | 'check' | 'lock';

const ICON_PATHS: Record<IconName, string> = {
  dot: 'M8 4a4 4 0 1 0 0 8 4 4 0 0 0 0-8z',
  reply: 'M6.5 3 1.5 7.5l5 4.5V9c3.5 0 6 1 8 4-.6-4-3-7-8-7.5z',
  hourglass:
    'M4 1.5h8V4L9.5 8 12 12v2.5H4V12l2.5-4L4 4zm1.6 1.6v.5L8 7.2l2.4-3.6v-.5zM8 8.8l-2.4 3.6v.5h4.8v-.5z',
  check: 'M6.2 11.6 2.6 8l1.2-1.2 2.4 2.4 6-6L13.4 4.4z',
  lock: 'M5 7V5a3 3 0 0 1 6 0v2h1v7H4V7zm1.6 0h2.8V5a1.4 1.4 0 0 0-2.8 0z',
};

function Icon({ name }: { name: IconName }): JSX.Element {
  return (
    <svg
      class="icon"
      viewBox="0 0 16 16"
      width="16"
      height="16"
      aria-hidden="true"
      focusable="false"
    >
      <path fill="currentColor" d={ICON_PATHS[name]} />
    </svg>
  );
}

const STATUS: Record<Status, { icon: IconName; className: string }> = {
  new: { icon: 'dot', className: 'status--pending' },
  open: { icon: 'reply', className: 'status--pending' },
  waiting_on_candidate: { icon: 'hourglass', className: 'status--todo' },
  resolved: { icon: 'check', className: 'status--active' },
  closed: { icon: 'lock', className: 'status--expired' },
};

export function statusLabel(ctx: PageContext, status: Status): string {
  return ctx.t(`support.status.${status}` as MessageKey);
}

export function categoryLabel(ctx: PageContext, category: Category): string {
  return ctx.t(`support.category.${category}` as MessageKey);
}

export function TicketStatus({ ctx, status }: { ctx: PageContext; status: Status }): JSX.Element {
  const s = STATUS[status];
  return (
    <span class={`status ${s.className}`}>
      <Icon name={s.icon} />
      <span safe>{statusLabel(ctx, status)}</span>
    </span>
  );
}

/**
 * The thread, oldest first. `attachmentBase` is where attachments download
 * from (`/support/tickets/1` or `/console/tickets/1`); internal notes are
 * marked as such (the candidate's page never receives them at all).
 */
export function Thread({
  ctx,
  messages,
  attachmentBase,
  requesterLabel,
}: {
  ctx: PageContext;
  messages: readonly MessageView[];
  attachmentBase: string;
  requesterLabel: string;
}): JSX.Element {
  const { t } = ctx;
  return (
    <ol class="ticket-thread">
      {messages.map((m) => {
        const who =
          m.authorKind === 'requester'
            ? requesterLabel
            : m.authorKind === 'system'
              ? t('support.systemAuthor', { program: ctx.program.shortName })
              : t('support.agentAuthor', {
                  name: m.authorName ?? t('support.formerAgent'),
                  program: ctx.program.shortName,
                });
        return (
          <li
            class={`ticket-message ticket-message--${m.internal ? 'note' : m.authorKind}`}
            id={`m${m.id}`}
          >
            <div class="ticket-message__head">
              <strong safe>{who}</strong>
              {m.internal ? (
                <span class="tag tag--warning" safe>
                  {t('support.internalNote')}
                </span>
              ) : (
                ''
              )}
              <span class="small" safe>
                {ctx.dateTime(m.createdAt)}
              </span>
            </div>
            <div class="ticket-message__body pre-line" safe>
              {m.body}
            </div>
            {m.attachments.length > 0 ? (
              <Attachments ctx={ctx} attachments={m.attachments} base={attachmentBase} />
            ) : (
              ''
            )}
          </li>
        );
      })}
    </ol>
  );
}

function Attachments({
  ctx,
  attachments,
  base,
}: {
  ctx: PageContext;
  attachments: readonly AttachmentView[];
  base: string;
}): JSX.Element {
  return (
    <ul class="plain-list ticket-message__files">
      {attachments.map((a) => (
        <li>
          <a href={`${base}/attachments/${a.id}`} safe>
            {ctx.t('support.download', { name: a.fileName })}
          </a>{' '}
          <span class="small" safe>
            {formatSize(ctx, a.fileSize)}
          </span>
        </li>
      ))}
    </ul>
  );
}

export { TextArea, formatSize } from '../../../platform/html/forms.tsx';

/** One file input that takes up to three files (`multiple`); the server checks each. */
export function FilesField({
  ctx,
  name,
  form,
}: {
  ctx: PageContext;
  name: string;
  form: FormState;
}): JSX.Element {
  return (
    <FileField
      name={name}
      label={ctx.t('support.attachments')}
      hint={ctx.t('support.attachmentsHint')}
      form={form}
      accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
      multiple
    />
  );
}

export { Pagination } from '../../../platform/html/forms.tsx';
