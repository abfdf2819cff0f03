import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, SupportCategory, SupportStatus } from '../../platform/db/schema.ts';

/**
 * Every query on support tickets, their messages and attachments, saved
 * replies and the support settings. No rules here: tickets.service.ts has them.
 */

type Db = Kysely<DB> | Transaction<DB>;

const TICKET = [
  't.id',
  't.user_id',
  't.requester_name',
  't.requester_email',
  't.category',
  't.subject',
  't.status',
  't.assignee_id',
  't.created_at',
  't.updated_at',
  't.waiting_since',
  't.closed_at',
] as const;

export interface NewTicketRow {
  userId: number | null;
  requesterName: string | null;
  requesterEmail: string | null;
  category: SupportCategory;
  subject: string;
}

export async function insertTicket(db: Db, t: NewTicketRow): Promise<number> {
  const row = await db
    .insertInto('support_tickets')
    .values({
      user_id: t.userId,
      requester_name: t.requesterName,
      requester_email: t.requesterEmail,
      category: t.category,
      subject: t.subject,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertMessage(
  db: Db,
  m: {
    ticketId: number;
    authorId: number | null;
    authorKind: 'requester' | 'agent' | 'system';
    internal: boolean;
    body: string;
  },
): Promise<number> {
  const row = await db
    .insertInto('support_messages')
    .values({
      ticket_id: m.ticketId,
      author_id: m.authorId,
      author_kind: m.authorKind,
      internal: m.internal,
      body: m.body,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertAttachment(
  db: Db,
  a: {
    ticketId: number;
    messageId: number;
    fileName: string;
    contentType: 'application/pdf' | 'image/png' | 'image/jpeg';
    bytes: Uint8Array;
  },
): Promise<void> {
  await db
    .insertInto('support_attachments')
    .values({
      ticket_id: a.ticketId,
      message_id: a.messageId,
      file_name: a.fileName,
      content_type: a.contentType,
      file_size: a.bytes.length,
      file: a.bytes,
    })
    .execute();
}

/** A ticket with its requester's and assignee's names; `ownerId` limits it to that candidate's own. */
export function findTicket(db: Db, id: number, ownerId?: number) {
  let q = db
    .selectFrom('support_tickets as t')
    .leftJoin('users as u', 'u.id', 't.user_id')
    .leftJoin('users as a', 'a.id', 't.assignee_id')
    .select(TICKET)
    .select([
      'u.given_name as user_given_name',
      'u.family_name as user_family_name',
      'u.email as user_email',
      'u.candidate_number as user_candidate_number',
      'u.locale as user_locale',
      'u.time_zone as user_time_zone',
      'a.given_name as assignee_given_name',
      'a.family_name as assignee_family_name',
      'a.email as assignee_email',
    ])
    .where('t.id', '=', id);
  if (ownerId !== undefined) q = q.where('t.user_id', '=', ownerId);
  return q.executeTakeFirst();
}

export function lockTicket(trx: Transaction<DB>, id: number) {
  return trx
    .selectFrom('support_tickets as t')
    .select(TICKET)
    .where('t.id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateTicket(
  db: Db,
  id: number,
  set: {
    status?: SupportStatus;
    waitingSince?: Date | null;
    closedAt?: Date | null;
    assigneeId?: number | null;
    touch?: boolean;
  },
): Promise<void> {
  await db
    .updateTable('support_tickets')
    .set({
      ...(set.status !== undefined ? { status: set.status } : {}),
      ...(set.waitingSince !== undefined ? { waiting_since: set.waitingSince } : {}),
      ...(set.closedAt !== undefined ? { closed_at: set.closedAt } : {}),
      ...(set.assigneeId !== undefined ? { assignee_id: set.assigneeId } : {}),
      ...(set.touch ? { updated_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** The thread: every message, or only the candidate-visible ones (no internal notes). */
export function messagesOf(db: Db, ticketId: number, includeInternal: boolean) {
  let q = db
    .selectFrom('support_messages as m')
    .leftJoin('users as u', 'u.id', 'm.author_id')
    .select([
      'm.id',
      'm.author_id',
      'm.author_kind',
      'm.internal',
      'm.body',
      'm.created_at',
      'u.given_name',
      'u.family_name',
    ])
    .where('m.ticket_id', '=', ticketId);
  if (!includeInternal) q = q.where('m.internal', '=', false);
  return q.orderBy('m.id').execute();
}

/** Attachments' metadata (not the bytes) of a ticket's messages. */
export function attachmentsOf(db: Db, ticketId: number) {
  return db
    .selectFrom('support_attachments')
    .select(['id', 'message_id', 'file_name', 'content_type', 'file_size'])
    .where('ticket_id', '=', ticketId)
    .orderBy('id')
    .execute();
}

/**
 * One attachment's bytes, when it belongs to the ticket and (for a candidate,
 * `ownerId`) the ticket is theirs and the message is not an internal note.
 */
export function findAttachment(db: Db, ticketId: number, id: number, ownerId?: number) {
  let q = db
    .selectFrom('support_attachments as f')
    .innerJoin('support_tickets as t', 't.id', 'f.ticket_id')
    .innerJoin('support_messages as m', 'm.id', 'f.message_id')
    .select(['f.file_name', 'f.content_type', 'f.file'])
    .where('f.id', '=', id)
    .where('f.ticket_id', '=', ticketId);
  if (ownerId !== undefined) {
    q = q.where('t.user_id', '=', ownerId).where('m.internal', '=', false);
  }
  return q.executeTakeFirst();
}

export function ticketsOfUser(db: Db, userId: number) {
  return db
    .selectFrom('support_tickets as t')
    .select(['t.id', 't.category', 't.subject', 't.status', 't.created_at', 't.updated_at'])
    .where('t.user_id', '=', userId)
    .orderBy('t.updated_at', 'desc')
    .orderBy('t.id', 'desc')
    .execute();
}

export interface QueueFilter {
  statuses: readonly SupportStatus[];
  category: SupportCategory | undefined;
  /** A user id, 'none' for unassigned, or undefined for anyone. */
  assignee: number | 'none' | undefined;
  createdBefore: Date | undefined;
}

export async function queue(db: Db, f: QueueFilter, limit: number, offset: number) {
  let base = db.selectFrom('support_tickets as t');
  if (f.statuses.length > 0) base = base.where('t.status', 'in', f.statuses);
  if (f.category) base = base.where('t.category', '=', f.category);
  if (f.assignee === 'none') base = base.where('t.assignee_id', 'is', null);
  else if (f.assignee !== undefined) base = base.where('t.assignee_id', '=', f.assignee);
  if (f.createdBefore) base = base.where('t.created_at', '<', f.createdBefore);
  const [rows, count] = await Promise.all([
    base
      .leftJoin('users as u', 'u.id', 't.user_id')
      .leftJoin('users as a', 'a.id', 't.assignee_id')
      .select(TICKET)
      .select([
        'u.given_name as user_given_name',
        'u.family_name as user_family_name',
        'u.candidate_number as user_candidate_number',
        'a.given_name as assignee_given_name',
        'a.family_name as assignee_family_name',
      ])
      .orderBy('t.updated_at', 'asc')
      .orderBy('t.id', 'asc')
      .limit(limit)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function countByStatus(db: Db, status: SupportStatus): Promise<number> {
  const row = await db
    .selectFrom('support_tickets')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Staff who may work tickets (agents, and admins, who may do everything), by name. */
export function agents(db: Db) {
  return db
    .selectFrom('users as u')
    .select(['u.id', 'u.given_name', 'u.family_name', 'u.email'])
    .where('u.status', '=', 'active')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_roles as r')
          .select('r.user_id')
          .whereRef('r.user_id', '=', 'u.id')
          .where('r.role', 'in', ['support_agent', 'admin']),
      ),
    )
    .orderBy('u.given_name')
    .orderBy('u.family_name')
    .execute();
}

/** Tickets waiting on the candidate since before `cutoff`, locked so two nodes never close one twice. */
export function waitingSinceBefore(trx: Transaction<DB>, cutoff: Date, limit: number) {
  return trx
    .selectFrom('support_tickets as t')
    .select(TICKET)
    .where('t.status', '=', 'waiting_on_candidate')
    .where('t.waiting_since', '<', cutoff)
    .orderBy('t.id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

// ------------------------------------------------------------------ requesters and settings

export function userContact(db: Db, userId: number) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'given_name', 'family_name', 'locale', 'time_zone'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

export async function autoCloseDays(db: Db): Promise<number> {
  const row = await db
    .selectFrom('support_settings')
    .select('auto_close_days')
    .where('id', '=', 1)
    .executeTakeFirst();
  return row?.auto_close_days ?? 7;
}

export async function setAutoCloseDays(db: Db, days: number): Promise<void> {
  await db
    .insertInto('support_settings')
    .values({ id: 1, auto_close_days: days })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({ auto_close_days: days, updated_at: sql<Date>`now()` }),
    )
    .execute();
}

// ------------------------------------------------------------------ saved replies

export function savedReplies(db: Db) {
  return db
    .selectFrom('support_saved_replies')
    .select(['id', 'title', 'body', 'updated_at'])
    .orderBy('title')
    .execute();
}

export function findSavedReply(db: Db, id: number) {
  return db
    .selectFrom('support_saved_replies')
    .select(['id', 'title', 'body', 'updated_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export function savedReplyByTitle(db: Db, title: string) {
  return db
    .selectFrom('support_saved_replies')
    .select('id')
    .where(sql<string>`lower(title)`, '=', title.toLowerCase())
    .executeTakeFirst();
}

export async function insertSavedReply(
  db: Db,
  r: { title: string; body: string; userId: number },
): Promise<number> {
  const row = await db
    .insertInto('support_saved_replies')
    .values({ title: r.title, body: r.body, updated_by: r.userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateSavedReply(
  db: Db,
  id: number,
  r: { title: string; body: string; userId: number },
): Promise<boolean> {
  const result = await db
    .updateTable('support_saved_replies')
    .set({ title: r.title, body: r.body, updated_by: r.userId, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteSavedReply(db: Db, id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('support_saved_replies')
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
