import type { Database } from '../../platform/db/database.ts';
import type { Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { recordAudit } from '../../platform/audit.ts';
import { AppError, notFound, type FieldProblem } from '../../platform/http/errors.ts';
import type { ProgramSettings } from '../../platform/program.ts';
import { translator } from '../../platform/i18n/i18n.ts';
import {
  checkEvidenceFile,
  safeFileName,
  type EvidenceContentType,
} from '../../platform/files/file-type.ts';
import * as repo from './tickets.repository.ts';
import { sendTicketEmail } from './tickets.emails.ts';
import {
  MAX_ATTACHMENTS,
  MAX_BODY,
  acceptsReplies,
  autoCloseCutoff,
  checkContact,
  checkMessage,
  checkNewTicket,
  cleanText,
  fillSavedReply,
  isStatus,
  olderThan,
  statusAfterCandidateReply,
  subjectFromMessage,
  waitingSince,
  type AgeFilter,
  type Category,
  type ReplyStatus,
  type Status,
} from './tickets.rules.ts';

/**
 * Support tickets: a candidate (or someone who cannot sign in) writes; support
 * agents reply, write internal notes, assign and change the status; both
 * sides are told of a new reply by email. Internal notes never leave the
 * console: the candidate's queries exclude them in SQL, not in a view.
 */

export interface UploadedFile {
  name: string;
  declaredType: string | undefined;
  bytes: Uint8Array;
  truncated: boolean;
}

export interface Actor {
  readonly userId: number;
  readonly givenName: string;
  readonly familyName: string;
}

export interface TicketSummary {
  id: number;
  category: Category;
  subject: string;
  status: Status;
  createdAt: Date;
  updatedAt: Date;
}

export interface AttachmentView {
  id: number;
  fileName: string;
  contentType: EvidenceContentType;
  fileSize: number;
}

export interface MessageView {
  id: number;
  authorKind: 'requester' | 'agent' | 'system';
  authorName: string | null;
  internal: boolean;
  body: string;
  createdAt: Date;
  attachments: AttachmentView[];
}

export interface TicketView extends TicketSummary {
  requester: {
    userId: number | null;
    name: string;
    email: string;
    candidateNumber: string | null;
  };
  assignee: { id: number; name: string } | null;
  waitingSince: Date | null;
  closedAt: Date | null;
  messages: MessageView[];
}

export interface QueueRow extends TicketSummary {
  requesterName: string;
  candidateNumber: string | null;
  assigneeName: string | null;
}

export interface QueueQuery {
  status: Status | 'active' | 'all';
  category: Category | undefined;
  assignee: 'me' | 'none' | number | undefined;
  age: AgeFilter | undefined;
  page: number;
}

export type Outcome<T = object> = ({ ok: true } & T) | { ok: false; problems: FieldProblem[] };

export interface SavedReplyView {
  id: number;
  title: string;
  body: string;
  updatedAt: Date;
}

const FILE_PROBLEM = {
  empty: 'support.fileEmpty',
  tooLarge: 'support.fileTooLarge',
  unsupported: 'support.fileUnsupported',
  mismatch: 'support.fileMismatch',
} as const;

const ACTIVE: readonly Status[] = ['new', 'open', 'waiting_on_candidate'];

export class TicketService {
  constructor(
    private readonly db: Database,
    private readonly program: ProgramSettings,
    private readonly publicUrl: string,
  ) {}

  // ------------------------------------------------------------------ candidate side

  /** Opens a ticket for a signed-in candidate, with up to three attachments. */
  async open(
    actor: Actor & { email: string; locale: string },
    input: { category?: string; subject?: string; message?: string },
    files: readonly UploadedFile[],
  ): Promise<Outcome<{ id: number }>> {
    const checked = checkNewTicket(input);
    const attachments = checkFiles(files);
    const problems = [...(checked.ok ? [] : checked.problems), ...attachments.problems];
    if (!checked.ok || problems.length > 0) return { ok: false, problems };
    const program = await this.program.get();
    const id = await this.db.transaction().execute(async (trx) => {
      const ticketId = await repo.insertTicket(trx, {
        userId: actor.userId,
        requesterName: null,
        requesterEmail: null,
        category: checked.category,
        subject: checked.subject,
      });
      await this.addMessage(trx, ticketId, actor.userId, 'requester', false, checked.message, [
        ...attachments.files,
      ]);
      const from = `${actor.givenName} ${actor.familyName}`;
      await sendTicketEmail(
        trx,
        program,
        this.publicUrl,
        { email: actor.email, name: actor.givenName, userId: actor.userId, locale: actor.locale },
        { kind: 'received', ticketId, subject: checked.subject },
      );
      await sendTicketEmail(trx, program, this.publicUrl, teamAddress(program.supportEmail), {
        kind: 'new-ticket-to-team',
        ticketId,
        subject: checked.subject,
        from,
      });
      return ticketId;
    });
    return { ok: true, id };
  }

  /**
   * The signed-out form. The honeypot (a field people never see) filled in
   * means a robot: nothing is stored, and the robot is told it worked.
   */
  async contact(input: {
    name?: string;
    email?: string;
    message?: string;
    website?: string;
  }): Promise<Outcome<{ id: number | null }>> {
    if (input.website && input.website.trim() !== '') return { ok: true, id: null };
    const checked = checkContact(input);
    if (!checked.ok) return checked;
    const program = await this.program.get();
    const subject = subjectFromMessage(checked.message);
    const id = await this.db.transaction().execute(async (trx) => {
      const ticketId = await repo.insertTicket(trx, {
        userId: null,
        requesterName: checked.name,
        requesterEmail: checked.email,
        category: 'account',
        subject,
      });
      await this.addMessage(trx, ticketId, null, 'requester', false, checked.message, []);
      await sendTicketEmail(trx, program, this.publicUrl, teamAddress(program.supportEmail), {
        kind: 'new-ticket-to-team',
        ticketId,
        subject,
        from: `${checked.name} <${checked.email}>`,
      });
      return ticketId;
    });
    return { ok: true, id };
  }

  async mine(userId: number): Promise<TicketSummary[]> {
    const rows = await repo.ticketsOfUser(this.db, userId);
    return rows.map((r) => ({
      id: r.id,
      category: r.category,
      subject: r.subject,
      status: r.status,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  /** One of the candidate's own tickets without internal notes; anyone else's is "not found". */
  async ownTicket(userId: number, id: number): Promise<TicketView> {
    const row = await repo.findTicket(this.db, id, userId);
    if (!row) throw notFound();
    return this.view(row, false);
  }

  async candidateReply(
    actor: Actor,
    ticketId: number,
    input: { message?: string },
    files: readonly UploadedFile[],
  ): Promise<Outcome> {
    const message = cleanText(input.message);
    const attachments = checkFiles(files);
    const problems = [...checkMessage(message, 'message'), ...attachments.problems];
    if (problems.length > 0) return { ok: false, problems };
    const program = await this.program.get();
    await this.db.transaction().execute(async (trx) => {
      const ticket = await repo.lockTicket(trx, ticketId);
      if (!ticket || ticket.user_id !== actor.userId) throw notFound();
      if (!acceptsReplies(ticket.status)) {
        throw new AppError('TICKET_CLOSED', 409, 'support.closedNoReply');
      }
      await this.addMessage(trx, ticketId, actor.userId, 'requester', false, message, [
        ...attachments.files,
      ]);
      const status = statusAfterCandidateReply(ticket.status);
      await repo.updateTicket(trx, ticketId, {
        status,
        waitingSince: null,
        closedAt: null,
        touch: true,
      });
      const assignee = ticket.assignee_id
        ? await repo.userContact(trx, ticket.assignee_id)
        : undefined;
      await sendTicketEmail(
        trx,
        program,
        this.publicUrl,
        assignee
          ? { email: assignee.email, name: assignee.given_name, userId: assignee.id, locale: 'en' }
          : teamAddress(program.supportEmail),
        {
          kind: 'reply-to-team',
          ticketId,
          subject: ticket.subject,
          from: `${actor.givenName} ${actor.familyName}`,
        },
      );
    });
    return { ok: true };
  }

  /** An attachment: on the candidate's own ticket and not on a note (`ownerId`), or any for staff. */
  async attachment(
    ticketId: number,
    id: number,
    ownerId: number | undefined,
  ): Promise<{ fileName: string; contentType: EvidenceContentType; bytes: Uint8Array }> {
    const row = await repo.findAttachment(this.db, ticketId, id, ownerId);
    if (!row) throw notFound();
    return { fileName: row.file_name, contentType: row.content_type, bytes: row.file };
  }

  // ------------------------------------------------------------------ agents

  async queue(
    query: QueueQuery,
    me: number,
    pageSize: number,
    now = new Date(),
  ): Promise<{ rows: QueueRow[]; total: number }> {
    const statuses =
      query.status === 'all' ? [] : query.status === 'active' ? ACTIVE : [query.status];
    const { rows, total } = await repo.queue(
      this.db,
      {
        statuses,
        category: query.category,
        assignee: query.assignee === 'me' ? me : query.assignee,
        createdBefore: query.age ? olderThan(now, query.age) : undefined,
      },
      pageSize,
      (query.page - 1) * pageSize,
    );
    return {
      total,
      rows: rows.map((r) => ({
        id: r.id,
        category: r.category,
        subject: r.subject,
        status: r.status,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        requesterName:
          r.user_id !== null
            ? `${r.user_given_name ?? ''} ${r.user_family_name ?? ''}`.trim()
            : (r.requester_name ?? ''),
        candidateNumber: r.user_candidate_number ?? null,
        assigneeName:
          r.assignee_id !== null
            ? `${r.assignee_given_name ?? ''} ${r.assignee_family_name ?? ''}`.trim()
            : null,
      })),
    };
  }

  /** The whole thread, internal notes included: staff only. */
  async forAgent(id: number): Promise<TicketView> {
    const row = await repo.findTicket(this.db, id);
    if (!row) throw notFound();
    return this.view(row, true);
  }

  async agents(): Promise<{ id: number; name: string }[]> {
    const rows = await repo.agents(this.db);
    return rows.map((r) => ({ id: r.id, name: `${r.given_name} ${r.family_name}` }));
  }

  /**
   * An agent's reply (the candidate sees it and is emailed a link) or
   * internal note (only staff see it; nobody is emailed). A reply sets the
   * status the agent chose; a note leaves it, except that a new ticket
   * someone has looked at is open.
   */
  async agentWrite(
    actor: Actor,
    ticketId: number,
    input: { body?: string; kind: 'reply' | 'note'; status?: ReplyStatus },
    ip: string,
  ): Promise<Outcome> {
    const body = cleanText(input.body);
    const problems = checkMessage(body, 'body');
    if (problems.length > 0) return { ok: false, problems };
    const program = await this.program.get();
    await this.db.transaction().execute(async (trx) => {
      const ticket = await repo.lockTicket(trx, ticketId);
      if (!ticket) throw notFound();
      if (!acceptsReplies(ticket.status)) {
        throw new AppError('TICKET_CLOSED', 409, 'support.closedNoReply');
      }
      const internal = input.kind === 'note';
      const messageId = await this.addMessage(trx, ticketId, actor.userId, 'agent', internal, body);
      const now = new Date();
      const next: Status = internal
        ? ticket.status === 'new'
          ? 'open'
          : ticket.status
        : (input.status ?? 'waiting_on_candidate');
      await repo.updateTicket(trx, ticketId, {
        status: next,
        waitingSince: waitingSince(
          { status: ticket.status, waitingSince: ticket.waiting_since },
          next,
          now,
        ),
        ...(ticket.assignee_id === null ? { assigneeId: actor.userId } : {}),
        touch: !internal,
      });
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: internal ? 'support.note_added' : 'support.replied',
        subjectType: 'support_ticket',
        subjectId: ticketId,
        details: { messageId, from: ticket.status, to: next },
        ip,
      });
      if (internal) return;
      if (ticket.user_id !== null) {
        const user = await repo.userContact(trx, ticket.user_id);
        if (user) {
          await sendTicketEmail(
            trx,
            program,
            this.publicUrl,
            { email: user.email, name: user.given_name, userId: user.id, locale: user.locale },
            { kind: 'reply-to-candidate', ticketId, subject: ticket.subject },
          );
        }
      } else if (ticket.requester_email) {
        await sendTicketEmail(
          trx,
          program,
          this.publicUrl,
          {
            email: ticket.requester_email,
            name: ticket.requester_name ?? '',
            userId: null,
            locale: 'en',
          },
          { kind: 'reply-to-contact', ticketId, subject: ticket.subject, body },
        );
      }
    });
    return { ok: true };
  }

  /** Assigns the ticket to an agent (or to nobody: `assigneeId` null). */
  async assign(actor: Actor, ticketId: number, assigneeId: number | null, ip: string) {
    if (assigneeId !== null) {
      const agents = await this.agents();
      if (!agents.some((a) => a.id === assigneeId)) {
        return {
          ok: false as const,
          problems: [{ field: 'assignee', messageKey: 'support.assigneeUnknown' } as FieldProblem],
        };
      }
    }
    await this.db.transaction().execute(async (trx) => {
      const ticket = await repo.lockTicket(trx, ticketId);
      if (!ticket) throw notFound();
      await repo.updateTicket(trx, ticketId, { assigneeId });
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'support.assigned',
        subjectType: 'support_ticket',
        subjectId: ticketId,
        details: { from: ticket.assignee_id, to: assigneeId },
        ip,
      });
    });
    return { ok: true as const };
  }

  async setStatus(actor: Actor, ticketId: number, status: string, ip: string): Promise<Outcome> {
    if (!isStatus(status) || status === 'new') {
      return { ok: false, problems: [{ field: 'status', messageKey: 'support.statusRequired' }] };
    }
    await this.db.transaction().execute(async (trx) => {
      const ticket = await repo.lockTicket(trx, ticketId);
      if (!ticket) throw notFound();
      const now = new Date();
      await repo.updateTicket(trx, ticketId, {
        status,
        waitingSince: waitingSince(
          { status: ticket.status, waitingSince: ticket.waiting_since },
          status,
          now,
        ),
        closedAt: status === 'closed' ? (ticket.closed_at ?? now) : null,
        touch: true,
      });
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'support.status_changed',
        subjectType: 'support_ticket',
        subjectId: ticketId,
        details: { from: ticket.status, to: status },
        ip,
      });
    });
    return { ok: true };
  }

  /**
   * Closes every ticket that has waited on the candidate longer than the
   * configured number of days, with a note in the thread and an email to the
   * candidate. Safe on several nodes at once (locked rows are skipped).
   */
  async closeWaiting(now = new Date()): Promise<number> {
    const days = await repo.autoCloseDays(this.db);
    const program = await this.program.get();
    const cutoff = autoCloseCutoff(now, days);
    let closed = 0;
    for (;;) {
      const batch = await this.db.transaction().execute(async (trx) => {
        const rows = await repo.waitingSinceBefore(trx, cutoff, 100);
        for (const ticket of rows) {
          await this.addMessage(
            trx,
            ticket.id,
            null,
            'system',
            false,
            translator('en')('support.autoClosedNote', { days }),
          );
          await repo.updateTicket(trx, ticket.id, {
            status: 'closed',
            waitingSince: null,
            closedAt: now,
            touch: true,
          });
          await recordAudit(trx, {
            actorUserId: null,
            action: 'support.auto_closed',
            subjectType: 'support_ticket',
            subjectId: ticket.id,
            details: { days, waitingSince: ticket.waiting_since?.toISOString() ?? null },
          });
          const to =
            ticket.user_id !== null ? await repo.userContact(trx, ticket.user_id) : undefined;
          if (to) {
            await sendTicketEmail(
              trx,
              program,
              this.publicUrl,
              { email: to.email, name: to.given_name, userId: to.id, locale: to.locale },
              { kind: 'auto-closed', ticketId: ticket.id, subject: ticket.subject, days },
            );
          }
        }
        return rows.length;
      });
      closed += batch;
      if (batch < 100) return closed;
    }
  }

  autoCloseDays(): Promise<number> {
    return repo.autoCloseDays(this.db);
  }

  async setAutoCloseDays(actor: Actor, raw: string | undefined, ip: string): Promise<Outcome> {
    const text = (raw ?? '').trim();
    const days = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
    if (!(days >= 1 && days <= 365)) {
      return { ok: false, problems: [{ field: 'days', messageKey: 'support.daysRange' }] };
    }
    await this.db.transaction().execute(async (trx) => {
      const before = await repo.autoCloseDays(trx);
      await repo.setAutoCloseDays(trx, days);
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'support.settings_changed',
        subjectType: 'support_settings',
        subjectId: 1,
        details: { autoCloseDays: { from: before, to: days } },
        ip,
      });
    });
    return { ok: true };
  }

  // ------------------------------------------------------------------ saved replies

  async savedReplies(): Promise<SavedReplyView[]> {
    const rows = await repo.savedReplies(this.db);
    return rows.map((r) => ({ id: r.id, title: r.title, body: r.body, updatedAt: r.updated_at }));
  }

  async savedReply(id: number): Promise<SavedReplyView> {
    const r = await repo.findSavedReply(this.db, id);
    if (!r) throw notFound();
    return { id: r.id, title: r.title, body: r.body, updatedAt: r.updated_at };
  }

  /** A saved reply's text for one ticket, `{name}` filled with the candidate's given name. */
  async savedReplyFor(id: number, ticket: TicketView): Promise<string | undefined> {
    const r = await repo.findSavedReply(this.db, id);
    if (!r) return undefined;
    return fillSavedReply(r.body, ticket.requester.name.split(' ')[0] ?? '');
  }

  async saveSavedReply(
    actor: Actor,
    id: number | undefined,
    input: { title?: string; body?: string },
    ip: string,
  ): Promise<Outcome<{ id: number }>> {
    const title = cleanText(input.title).replace(/\s+/g, ' ');
    const body = cleanText(input.body);
    const problems: FieldProblem[] = [];
    if (!title) problems.push({ field: 'title', messageKey: 'support.titleRequired' });
    else if (title.length > 120) {
      problems.push({ field: 'title', messageKey: 'support.titleTooLong', params: { max: 120 } });
    } else {
      const same = await repo.savedReplyByTitle(this.db, title);
      if (same && same.id !== id) {
        problems.push({ field: 'title', messageKey: 'support.titleTaken' });
      }
    }
    if (!body) problems.push({ field: 'body', messageKey: 'support.messageRequired' });
    else if (body.length > MAX_BODY) {
      problems.push({
        field: 'body',
        messageKey: 'support.messageTooLong',
        params: { max: MAX_BODY },
      });
    }
    if (problems.length > 0) return { ok: false, problems };
    const write = this.db.transaction().execute(async (trx) => {
      let rowId = id;
      if (rowId === undefined) {
        rowId = await repo.insertSavedReply(trx, { title, body, userId: actor.userId });
      } else if (
        !(await repo.updateSavedReply(trx, rowId, { title, body, userId: actor.userId }))
      ) {
        throw notFound();
      }
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: id === undefined ? 'support.saved_reply_created' : 'support.saved_reply_updated',
        subjectType: 'support_saved_reply',
        subjectId: rowId,
        details: { title },
        ip,
      });
      return rowId;
    });
    try {
      return { ok: true, id: await write };
    } catch (error) {
      // Another agent saved the same title between the check above and this write.
      if ((error as { code?: string }).code === '23505') {
        return { ok: false, problems: [{ field: 'title', messageKey: 'support.titleTaken' }] };
      }
      throw error;
    }
  }

  async deleteSavedReply(actor: Actor, id: number, ip: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (!(await repo.deleteSavedReply(trx, id))) throw notFound();
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'support.saved_reply_deleted',
        subjectType: 'support_saved_reply',
        subjectId: id,
        ip,
      });
    });
  }

  // ------------------------------------------------------------------ helpers

  private async addMessage(
    trx: Transaction<DB>,
    ticketId: number,
    authorId: number | null,
    authorKind: 'requester' | 'agent' | 'system',
    internal: boolean,
    body: string,
    files: { name: string; contentType: EvidenceContentType; bytes: Uint8Array }[] = [],
  ): Promise<number> {
    const messageId = await repo.insertMessage(trx, {
      ticketId,
      authorId,
      authorKind,
      internal,
      body,
    });
    for (const f of files) {
      await repo.insertAttachment(trx, {
        ticketId,
        messageId,
        fileName: f.name,
        contentType: f.contentType,
        bytes: f.bytes,
      });
    }
    return messageId;
  }

  private async view(
    row: NonNullable<Awaited<ReturnType<typeof repo.findTicket>>>,
    includeInternal: boolean,
  ): Promise<TicketView> {
    const [messages, attachments] = await Promise.all([
      repo.messagesOf(this.db, row.id, includeInternal),
      repo.attachmentsOf(this.db, row.id),
    ]);
    const byMessage = new Map<number, AttachmentView[]>();
    for (const a of attachments) {
      const list = byMessage.get(a.message_id) ?? [];
      list.push({
        id: a.id,
        fileName: a.file_name,
        contentType: a.content_type,
        fileSize: a.file_size,
      });
      byMessage.set(a.message_id, list);
    }
    return {
      id: row.id,
      category: row.category,
      subject: row.subject,
      status: row.status,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      waitingSince: row.waiting_since,
      closedAt: row.closed_at,
      requester:
        row.user_id !== null
          ? {
              userId: row.user_id,
              name: `${row.user_given_name ?? ''} ${row.user_family_name ?? ''}`.trim(),
              email: row.user_email ?? '',
              candidateNumber: row.user_candidate_number ?? null,
            }
          : {
              userId: null,
              name: row.requester_name ?? '',
              email: row.requester_email ?? '',
              candidateNumber: null,
            },
      assignee:
        row.assignee_id !== null
          ? {
              id: row.assignee_id,
              name: `${row.assignee_given_name ?? ''} ${row.assignee_family_name ?? ''}`.trim(),
            }
          : null,
      messages: messages.map((m) => ({
        id: m.id,
        authorKind: m.author_kind,
        authorName: m.given_name !== null ? `${m.given_name} ${m.family_name ?? ''}`.trim() : null,
        internal: m.internal,
        body: m.body,
        createdAt: m.created_at,
        attachments: byMessage.get(m.id) ?? [],
      })),
    };
  }
}

/** The program's support address, as a recipient. */
function teamAddress(email: string) {
  return { email, name: 'Support team', userId: null, locale: 'en' };
}

/** Checks the attachments: at most three, each a PDF, PNG or JPEG by its content, up to 5 MB. */
export function checkFiles(files: readonly UploadedFile[]): {
  files: { name: string; contentType: EvidenceContentType; bytes: Uint8Array }[];
  problems: FieldProblem[];
} {
  // A file input left empty still sends a part with no name and no bytes.
  const sent = files.filter((f) => f.name !== '' || f.bytes.length > 0);
  if (sent.length > MAX_ATTACHMENTS) {
    return {
      files: [],
      problems: [
        {
          field: 'attachments',
          messageKey: 'support.tooManyFiles',
          params: { max: MAX_ATTACHMENTS },
        },
      ],
    };
  }
  const ok: { name: string; contentType: EvidenceContentType; bytes: Uint8Array }[] = [];
  for (const f of sent) {
    const check = checkEvidenceFile({
      bytes: f.bytes,
      name: f.name,
      declaredType: f.declaredType,
      truncated: f.truncated,
    });
    if (!check.ok) {
      return {
        files: [],
        problems: [
          {
            field: 'attachments',
            messageKey: FILE_PROBLEM[check.problem],
            params: { name: f.name.slice(0, 100) },
          },
        ],
      };
    }
    ok.push({
      name: safeFileName(f.name, check.extension),
      contentType: check.contentType,
      bytes: f.bytes,
    });
  }
  return { files: ok, problems: [] };
}
