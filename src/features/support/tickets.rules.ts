/**
 * The rules of a support ticket, with no I/O: categories and statuses, what
 * a new message does to the status, when the auto-close job closes a
 * ticket, and the queue's age filter. tickets.service.ts applies them.
 */

import type { FieldProblem } from '../../platform/http/errors.ts';

export const CATEGORIES = [
  'exam_registration',
  'results',
  'certificates',
  'account',
  'partner_program',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const STATUSES = ['new', 'open', 'waiting_on_candidate', 'resolved', 'closed'] as const;
export type Status = (typeof STATUSES)[number];

/** What an agent may set a ticket to when replying (a reply is never "new"). */
export const REPLY_STATUSES = ['waiting_on_candidate', 'open', 'resolved'] as const;
export type ReplyStatus = (typeof REPLY_STATUSES)[number];

export const MAX_SUBJECT = 200;
export const MAX_BODY = 10_000;
export const MAX_NAME = 120;
export const MAX_EMAIL = 254;
export const MAX_ATTACHMENTS = 3;

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

export function isStatus(value: unknown): value is Status {
  return typeof value === 'string' && (STATUSES as readonly string[]).includes(value);
}

/** Closed tickets take no more messages: the candidate opens a new one. */
export function acceptsReplies(status: Status): boolean {
  return status !== 'closed';
}

/**
 * The status after the candidate writes: a ticket that was waiting on them,
 * or resolved, is open again; a new one stays new (nobody has looked yet).
 */
export function statusAfterCandidateReply(status: Status): Status {
  return status === 'new' ? 'new' : 'open';
}

/** `waiting_since` follows the status: set when a ticket starts waiting on the candidate, kept while it waits. */
export function waitingSince(
  previous: { status: Status; waitingSince: Date | null },
  next: Status,
  now: Date,
): Date | null {
  if (next !== 'waiting_on_candidate') return null;
  return previous.status === 'waiting_on_candidate' && previous.waitingSince
    ? previous.waitingSince
    : now;
}

/** Tickets waiting on the candidate since before this instant are closed by the auto-close job. */
export function autoCloseCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * 86_400_000);
}

/** The queue's age filter: tickets opened more than so many days ago. */
export const AGE_FILTERS = { '1d': 1, '3d': 3, '7d': 7, '30d': 30 } as const;
export type AgeFilter = keyof typeof AGE_FILTERS;

export function isAgeFilter(value: unknown): value is AgeFilter {
  return typeof value === 'string' && Object.hasOwn(AGE_FILTERS, value);
}

export function olderThan(now: Date, age: AgeFilter): Date {
  return new Date(now.getTime() - AGE_FILTERS[age] * 86_400_000);
}

/** Line endings made plain and the ends trimmed, as every stored message is. */
export function cleanText(raw: string | undefined): string {
  return (raw ?? '').replace(/\r\n?/g, '\n').trim();
}

/** A deliberately plain email check: one @, something on both sides, a dot in the domain, no spaces. */
export function isEmailAddress(value: string): boolean {
  return value.length <= MAX_EMAIL && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

export interface NewTicketFields {
  category?: string | undefined;
  subject?: string | undefined;
  message?: string | undefined;
}

/** Checks the fields of the signed-in form; the attachments are checked by file-type. */
export function checkNewTicket(
  input: NewTicketFields,
):
  | { ok: true; category: Category; subject: string; message: string }
  | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const subject = cleanText(input.subject).replace(/\s+/g, ' ');
  const message = cleanText(input.message);
  if (!isCategory(input.category)) {
    problems.push({ field: 'category', messageKey: 'support.categoryRequired' });
  }
  if (!subject) problems.push({ field: 'subject', messageKey: 'support.subjectRequired' });
  else if (subject.length > MAX_SUBJECT) {
    problems.push({
      field: 'subject',
      messageKey: 'support.subjectTooLong',
      params: { max: MAX_SUBJECT },
    });
  }
  problems.push(...checkMessage(message, 'message'));
  if (problems.length > 0 || !isCategory(input.category)) return { ok: false, problems };
  return { ok: true, category: input.category, subject, message };
}

export function checkMessage(message: string, field: string): FieldProblem[] {
  if (!message) return [{ field, messageKey: 'support.messageRequired' }];
  if (message.length > MAX_BODY) {
    return [{ field, messageKey: 'support.messageTooLong', params: { max: MAX_BODY } }];
  }
  return [];
}

export interface ContactFields {
  name?: string | undefined;
  email?: string | undefined;
  message?: string | undefined;
}

/** Checks the signed-out contact form. */
export function checkContact(
  input: ContactFields,
):
  | { ok: true; name: string; email: string; message: string }
  | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const name = cleanText(input.name).replace(/\s+/g, ' ');
  const email = cleanText(input.email).toLowerCase();
  const message = cleanText(input.message);
  if (!name) problems.push({ field: 'name', messageKey: 'support.nameRequired' });
  else if (name.length > MAX_NAME) {
    problems.push({ field: 'name', messageKey: 'support.nameTooLong', params: { max: MAX_NAME } });
  }
  if (!email) problems.push({ field: 'email', messageKey: 'support.emailRequired' });
  else if (!isEmailAddress(email)) {
    problems.push({ field: 'email', messageKey: 'support.emailFormat' });
  }
  problems.push(...checkMessage(message, 'message'));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, name, email, message };
}

/** The subject of a ticket from the contact form: the message's first line, shortened. */
export function subjectFromMessage(message: string): string {
  const first = message.split('\n').find((l) => l.trim()) ?? '';
  const line = first.trim().replace(/\s+/g, ' ');
  return line.length > 80 ? `${line.slice(0, 79)}…` : line || '-';
}

/** A saved reply with `{name}` replaced by the candidate's given name. */
export function fillSavedReply(body: string, name: string): string {
  return body.replace(/\{name\}/g, name);
}
