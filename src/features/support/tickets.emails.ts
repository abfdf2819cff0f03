import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { translator, type MessageKey, type Params } from '../../platform/i18n/i18n.ts';
import { queueEmail } from '../../platform/mail/outbox.ts';
import type { ProgramInfo } from '../../platform/program.ts';

/**
 * Ticket notifications, written to the outbox in the transaction that adds
 * the message. They carry a link to the ticket, never an attachment, and
 * for a signed-in candidate not even the reply's text: the reply is read on
 * the web, behind sign-in. Someone who wrote through the signed-out form has
 * no account to sign in to, so their email holds the agent's reply (still
 * without attachments, which agents cannot add). Replies are transactional:
 * the person asked for them.
 */

export interface MailTo {
  readonly email: string;
  readonly name: string;
  readonly userId: number | null;
  readonly locale: string;
}

export type TicketMail =
  | { kind: 'received'; ticketId: number; subject: string }
  | { kind: 'reply-to-candidate'; ticketId: number; subject: string }
  | { kind: 'reply-to-contact'; ticketId: number; subject: string; body: string }
  | { kind: 'new-ticket-to-team'; ticketId: number; subject: string; from: string }
  | { kind: 'reply-to-team'; ticketId: number; subject: string; from: string }
  | { kind: 'auto-closed'; ticketId: number; subject: string; days: number };

export async function sendTicketEmail(
  db: Kysely<DB> | Transaction<DB>,
  program: ProgramInfo,
  publicUrl: string,
  to: MailTo,
  mail: TicketMail,
): Promise<void> {
  const t = translator(to.locale);
  const base: Params = { id: mail.ticketId, subject: mail.subject, program: program.name };
  const candidateLink = `${publicUrl}/support/tickets/${mail.ticketId}`;
  const consoleLink = `${publicUrl}/console/tickets/${mail.ticketId}`;
  let subject: MessageKey;
  const paragraphs: string[] = [];
  let action: { label: MessageKey; url: string } | undefined;
  switch (mail.kind) {
    case 'received':
      subject = 'supportMail.received.subject';
      paragraphs.push(t('supportMail.received.body', base));
      action = { label: 'supportMail.viewTicket', url: candidateLink };
      break;
    case 'reply-to-candidate':
      subject = 'supportMail.reply.subject';
      paragraphs.push(t('supportMail.reply.body', base));
      action = { label: 'supportMail.viewTicket', url: candidateLink };
      break;
    case 'reply-to-contact':
      subject = 'supportMail.reply.subject';
      paragraphs.push(t('supportMail.contactReply.body', base), mail.body);
      paragraphs.push(t('supportMail.contactReply.after'));
      action = { label: 'supportMail.contactAgain', url: `${publicUrl}/contact` };
      break;
    case 'new-ticket-to-team':
      subject = 'supportMail.newTicket.subject';
      paragraphs.push(t('supportMail.newTicket.body', { ...base, from: mail.from }));
      action = { label: 'supportMail.openInConsole', url: consoleLink };
      break;
    case 'reply-to-team':
      subject = 'supportMail.teamReply.subject';
      paragraphs.push(t('supportMail.teamReply.body', { ...base, from: mail.from }));
      action = { label: 'supportMail.openInConsole', url: consoleLink };
      break;
    case 'auto-closed':
      subject = 'supportMail.autoClosed.subject';
      paragraphs.push(t('supportMail.autoClosed.body', { ...base, days: mail.days }));
      action = { label: 'supportMail.viewTicket', url: candidateLink };
      break;
  }
  await queueEmail(db, program, {
    to: to.email,
    toName: to.name,
    userId: to.userId,
    template: `support.${mail.kind}`,
    category: 'transactional',
    content: {
      subject: t(subject, base),
      greeting: t('mail.greeting', { name: to.name }),
      paragraphs,
      ...(action ? { action: { label: t(action.label), url: action.url } } : {}),
    },
    footer: {
      sentBy: t('mail.sentBy', { program: program.name }),
      help: t('mail.help', { email: program.supportEmail }),
    },
  });
}
