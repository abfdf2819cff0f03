import crypto from 'node:crypto';
import { escapeHtml } from '@kitajs/html';
import type { Kysely, Transaction } from 'kysely';
import type { DB, OutboxAttachment } from '../db/schema.ts';
import { translator } from '../i18n/i18n.ts';
import type { ProgramInfo } from '../program.ts';

/**
 * One email, written as plain parts; the layout turns it into an HTML and a
 * text body so both always say the same thing.
 */
export interface EmailContent {
  readonly subject: string;
  readonly greeting?: string;
  readonly paragraphs: readonly string[];
  readonly action?: { readonly label: string; readonly url: string };
  readonly afterAction?: readonly string[];
}

export interface QueueEmailInput {
  readonly to: string;
  readonly toName?: string | null;
  readonly userId?: number | null;
  /** A stable name for what kind of mail this is (`accounts.verify-email`). */
  readonly template: string;
  /** `transactional` mail is always sent; other categories follow the person's preferences. */
  readonly category?: string;
  readonly content: EmailContent;
  readonly headers?: Record<string, string>;
  readonly attachments?: readonly OutboxAttachment[];
  /**
   * Strings for the layout's footer, in the recipient's language. Mail that is
   * not transactional also gets an unsubscribe line (`unsubscribe` labels it).
   */
  readonly footer: {
    readonly sentBy: string;
    readonly help: string;
    readonly unsubscribe?: string;
  };
  /** Not sent before this time (spreads a large batch out); default: as soon as possible. */
  readonly notBefore?: Date;
}

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Writes the email to the outbox. Call it with the transaction that makes
 * the change the email reports, so that either both happen or neither does.
 */
export async function queueEmail(
  db: Executor,
  program: ProgramInfo,
  input: QueueEmailInput,
): Promise<number> {
  const row = await db
    .insertInto('outbox')
    .values(outboxRow(program, input))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Several emails in one statement per few hundred (the awards of a batch). */
export async function queueEmails(
  db: Executor,
  program: ProgramInfo,
  inputs: readonly QueueEmailInput[],
): Promise<void> {
  for (let start = 0; start < inputs.length; start += 500) {
    await db
      .insertInto('outbox')
      .values(inputs.slice(start, start + 500).map((input) => outboxRow(program, input)))
      .execute();
  }
}

function outboxRow(program: ProgramInfo, input: QueueEmailInput) {
  const category = input.category ?? 'transactional';
  const { html, text } = renderEmail(program, input.content, input.footer, category);
  return {
    message_id: `<${crypto.randomUUID()}@laurel>`,
    user_id: input.userId ?? null,
    to_address: input.to,
    to_name: input.toName ?? null,
    subject: input.content.subject,
    html,
    text,
    headers: JSON.stringify(input.headers ?? {}),
    attachments: JSON.stringify(input.attachments ?? []),
    template: input.template,
    category,
    ...(input.notBefore ? { next_attempt_at: input.notBefore } : {}),
  };
}

/**
 * Where the unsubscribe URL of a non-transactional email goes. Delivery fills
 * it with the person's one-click link (`delivery.ts`), which needs the
 * installation secret that queueing does not have.
 */
export const UNSUBSCRIBE_URL_SLOT = '%%LAUREL_UNSUBSCRIBE_URL%%';

export function renderEmail(
  program: ProgramInfo,
  content: EmailContent,
  footer: QueueEmailInput['footer'],
  category = 'transactional',
): { html: string; text: string } {
  const unsubscribeLabel =
    category === 'transactional'
      ? undefined
      : (footer.unsubscribe ?? translator('en')('profile.mail.unsubscribeFooter'));
  const textParts = [
    content.greeting ?? '',
    ...content.paragraphs,
    content.action ? `${content.action.label}:\n${content.action.url}` : '',
    ...(content.afterAction ?? []),
    '--',
    footer.sentBy,
    footer.help,
    unsubscribeLabel ? `${unsubscribeLabel}: ${UNSUBSCRIBE_URL_SLOT}` : '',
  ].filter(Boolean);
  const text = textParts.join('\n\n') + '\n';

  const p = (s: string) => `<p style="margin:0 0 16px;line-height:1.5">${escapeHtml(s)}</p>`;
  const accent = /^#[0-9a-fA-F]{6}$/.test(program.accentColor) ? program.accentColor : '#1d4ed8';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(content.subject)}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;padding:24px 0"><tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:8px;overflow:hidden">
<tr><td style="background:${accent};color:#ffffff;padding:16px 24px;font-size:18px;font-weight:600">${escapeHtml(program.name)}</td></tr>
<tr><td style="padding:24px">
${content.greeting ? p(content.greeting) : ''}
${content.paragraphs.map(p).join('\n')}
${
  content.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(content.action.url)}" style="background:${accent};color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block;font-weight:600">${escapeHtml(content.action.label)}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#57606a;word-break:break-all">${escapeHtml(content.action.url)}</p>`
    : ''
}
${(content.afterAction ?? []).map(p).join('\n')}
</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #d0d7de;font-size:13px;color:#57606a">${escapeHtml(footer.sentBy)}<br>${escapeHtml(footer.help)}${
    unsubscribeLabel
      ? `<br><a href="${UNSUBSCRIBE_URL_SLOT}" style="color:#57606a">${escapeHtml(unsubscribeLabel)}</a>`
      : ''
  }</td></tr>
</table></td></tr></table></body></html>`;
  return { html, text };
}

/** The newest messages, for the development mailbox. */
export function listOutbox(db: Kysely<DB>, limit = 100) {
  return db
    .selectFrom('outbox')
    .select(['id', 'to_address', 'subject', 'created_at', 'status', 'template'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export function findOutboxMessage(db: Kysely<DB>, id: number) {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
}
