import type { Principal } from '../../platform/auth/session.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Database } from '../../platform/db/database.ts';
import type { NameChangeStatus } from '../../platform/db/schema.ts';
import {
  AppError,
  notFound,
  ValidationError,
  type FieldProblem,
} from '../../platform/http/errors.ts';
import type { RateLimiter, RateRule } from '../../platform/http/rate-limit.ts';
import { translator } from '../../platform/i18n/i18n.ts';
import { queueEmail } from '../../platform/mail/outbox.ts';
import type { ProgramSettings } from '../../platform/program.ts';
import { checkName, type AccountsService } from '../accounts/index.ts';
import { unprintableCharacters } from './certificates.pdf.ts';
import { fullName } from './certificates.service.ts';
import * as repo from './name-change.repository.ts';

/**
 * Name change requests: the name on the account is the name printed on
 * certificates, so a candidate cannot change it alone. They ask, with a
 * reason; a support agent approves (the account's name changes, audited,
 * through the accounts feature) or rejects with a note. Nothing is deleted:
 * each step is an event in the request's history.
 */

const MAX_REASON = 2000;
const MAX_NOTE = 2000;

export const NAME_CHANGE_RATE: RateRule = {
  name: 'name-change:user',
  limit: 10,
  windowSeconds: 86_400,
};

export interface NameChangeEventView {
  at: Date;
  kind: 'submitted' | 'approved' | 'rejected' | 'withdrawn';
  note: string | null;
  /** The username of whoever did it; null for the candidate's own steps. */
  actor: string | null;
}

export interface NameChangeView {
  id: number;
  userId: number;
  currentName: string;
  requestedGivenName: string;
  requestedFamilyName: string;
  requestedName: string;
  reason: string;
  status: NameChangeStatus;
  createdAt: Date;
  decidedAt: Date | null;
  decisionNote: string | null;
  events: NameChangeEventView[];
}

export interface NameChangeQueueRow {
  id: number;
  candidateNumber: string;
  username: string;
  currentName: string;
  requestedName: string;
  status: NameChangeStatus;
  createdAt: Date;
  decidedAt: Date | null;
}

export interface NameChangeInput {
  givenName?: string | undefined;
  familyName?: string | undefined;
  reason?: string | undefined;
}

type Row = Awaited<ReturnType<typeof repo.requestsOfUser>>[number];

export class NameChangeService {
  constructor(
    private readonly db: Database,
    private readonly accounts: AccountsService,
    private readonly program: ProgramSettings,
    private readonly limiter: RateLimiter,
  ) {}

  /** The candidate's requests, newest first, each with its history. */
  async mine(userId: number): Promise<NameChangeView[]> {
    const rows = await repo.requestsOfUser(this.db, userId);
    return this.withEvents(rows, userId);
  }

  async submit(
    principal: Pick<Principal, 'userId'>,
    input: NameChangeInput,
  ): Promise<{ ok: true; id: number } | { ok: false; problems: FieldProblem[] }> {
    const givenName = (input.givenName ?? '').trim();
    const familyName = (input.familyName ?? '').trim();
    const reason = (input.reason ?? '').trim();
    const problems: FieldProblem[] = [
      ...checkName(givenName, 'givenName'),
      ...checkName(familyName, 'familyName'),
    ];
    if (!reason) problems.push({ field: 'reason', messageKey: 'nameChange.v.reasonRequired' });
    else if ([...reason].length > MAX_REASON) {
      problems.push({
        field: 'reason',
        messageKey: 'nameChange.v.reasonTooLong',
        params: { max: MAX_REASON },
      });
    }
    const account = await this.accounts.accountSummary(principal.userId);
    if (
      problems.length === 0 &&
      givenName === account.givenName.trim() &&
      familyName === account.familyName.trim()
    ) {
      problems.push({ field: 'givenName', messageKey: 'nameChange.v.same' });
    }
    const missing = unprintableCharacters(`${givenName} ${familyName}`);
    if (problems.length === 0 && missing.length > 0) {
      problems.push({
        field: 'givenName',
        messageKey: 'nameChange.v.unprintable',
        params: { characters: missing.join(' ') },
      });
    }
    if (problems.length > 0) return { ok: false, problems };
    await this.limiter.consume(NAME_CHANGE_RATE, String(principal.userId));
    const id = await this.db.transaction().execute(async (trx) => {
      const created = await repo.insertRequest(trx, {
        user_id: principal.userId,
        current_given_name: account.givenName,
        current_family_name: account.familyName,
        requested_given_name: givenName,
        requested_family_name: familyName,
        reason,
      });
      if (created === undefined) return undefined;
      await repo.insertEvent(trx, {
        request_id: created,
        actor_user_id: principal.userId,
        kind: 'submitted',
        note: null,
      });
      return created;
    });
    if (id === undefined) {
      return {
        ok: false,
        problems: [{ field: 'givenName', messageKey: 'nameChange.v.pendingExists' }],
      };
    }
    return { ok: true, id };
  }

  async withdraw(principal: Pick<Principal, 'userId'>, id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await repo.lockRequest(trx, id);
      if (!row || row.user_id !== principal.userId) throw notFound();
      if (row.status !== 'pending') {
        throw new AppError('NAME_CHANGE_DECIDED', 409, 'nameChange.alreadyDecided');
      }
      await repo.decide(trx, id, {
        status: 'withdrawn',
        decided_by: principal.userId,
        decision_note: null,
      });
      await repo.insertEvent(trx, {
        request_id: id,
        actor_user_id: principal.userId,
        kind: 'withdrawn',
        note: null,
      });
    });
  }

  // ---------------------------------------------------------------- support

  async queue(
    status: 'pending' | 'decided',
    page: number,
    pageSize: number,
  ): Promise<{ rows: NameChangeQueueRow[]; total: number }> {
    const { rows, total } = await repo.queue(this.db, status, pageSize, (page - 1) * pageSize);
    const accounts = await this.accountsOf(rows.map((r) => r.user_id));
    return {
      total,
      rows: rows.map((r) => ({
        id: r.id,
        candidateNumber: accounts.get(r.user_id)?.candidateNumber ?? '',
        username: accounts.get(r.user_id)?.username ?? '',
        currentName: fullName(r.current_given_name, r.current_family_name),
        requestedName: fullName(r.requested_given_name, r.requested_family_name),
        status: r.status,
        createdAt: r.created_at,
        decidedAt: r.decided_at,
      })),
    };
  }

  async forReview(id: number): Promise<
    NameChangeView & {
      candidateNumber: string;
      username: string;
      email: string;
      accountName: string;
    }
  > {
    const row = await repo.findRequest(this.db, id);
    if (!row) throw notFound();
    const [view] = await this.withEvents([row], null);
    const account = await this.accounts.accountSummary(row.user_id);
    return {
      ...view!,
      candidateNumber: account.candidateNumber,
      username: account.username,
      email: account.email,
      accountName: fullName(account.givenName, account.familyName),
    };
  }

  /**
   * Approves (the account's name becomes the requested one) or rejects (a
   * note is required: the candidate reads it), in one transaction with the
   * event, the audit and the email to the candidate.
   */
  async decide(
    actor: Pick<Principal, 'userId'>,
    id: number,
    decision: 'approve' | 'reject',
    note: string | undefined,
    ip: string,
  ): Promise<{ ok: true } | { ok: false; problems: FieldProblem[] }> {
    const text = (note ?? '').trim();
    if (decision === 'reject' && !text) {
      return { ok: false, problems: [{ field: 'note', messageKey: 'nameChange.v.noteRequired' }] };
    }
    if ([...text].length > MAX_NOTE) {
      return {
        ok: false,
        problems: [
          { field: 'note', messageKey: 'nameChange.v.noteTooLong', params: { max: MAX_NOTE } },
        ],
      };
    }
    const found = await repo.findRequest(this.db, id);
    if (!found) throw notFound();
    const account = await this.accounts.accountSummary(found.user_id);
    const program = await this.program.get();
    try {
      await this.db.transaction().execute(async (trx) => {
        const row = await repo.lockRequest(trx, id);
        if (!row) throw notFound();
        if (row.status !== 'pending') {
          throw new AppError('NAME_CHANGE_DECIDED', 409, 'nameChange.alreadyDecided');
        }
        const status = decision === 'approve' ? 'approved' : 'rejected';
        if (decision === 'approve') {
          await this.accounts.changeName(
            trx,
            actor.userId,
            row.user_id,
            { givenName: row.requested_given_name, familyName: row.requested_family_name },
            text || `Name change request ${id}`,
          );
        }
        await repo.decide(trx, id, {
          status,
          decided_by: actor.userId,
          decision_note: text || null,
        });
        await repo.insertEvent(trx, {
          request_id: id,
          actor_user_id: actor.userId,
          kind: status,
          note: text || null,
        });
        await recordAudit(trx, {
          actorUserId: actor.userId,
          action: `credentials.name_change_${status}`,
          subjectType: 'name_change_request',
          subjectId: id,
          reason: text || null,
          details: { userId: row.user_id },
          ip,
        });
        const t = translator('en');
        const requested = fullName(row.requested_given_name, row.requested_family_name);
        await queueEmail(trx, program, {
          to: account.email,
          toName: requested,
          userId: row.user_id,
          template: `credentials.name-change-${status}`,
          content: {
            subject: t(
              decision === 'approve'
                ? 'nameChange.mail.approvedSubject'
                : 'nameChange.mail.rejectedSubject',
            ),
            greeting: t('mail.greeting', {
              name: decision === 'approve' ? row.requested_given_name : account.givenName,
            }),
            paragraphs: [
              decision === 'approve'
                ? t('nameChange.mail.approvedBody', { name: requested })
                : t('nameChange.mail.rejectedBody', { name: requested }),
              ...(text ? [t('nameChange.mail.note', { note: text })] : []),
            ],
          },
          footer: {
            sentBy: t('mail.sentBy', { program: program.name }),
            help: t('mail.help', { email: program.supportEmail }),
          },
        });
      });
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, problems: error.problems };
      throw error;
    }
    return { ok: true };
  }

  private async withEvents(rows: Row[], ownerId: number | null): Promise<NameChangeView[]> {
    const events = await repo.eventsOf(
      this.db,
      rows.map((r) => r.id),
    );
    const actorIds = [
      ...new Set(events.map((e) => e.actor_user_id).filter((id): id is number => id !== null)),
    ];
    const actors = await this.accountsOf(actorIds.filter((id) => id !== ownerId));
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      currentName: fullName(r.current_given_name, r.current_family_name),
      requestedGivenName: r.requested_given_name,
      requestedFamilyName: r.requested_family_name,
      requestedName: fullName(r.requested_given_name, r.requested_family_name),
      reason: r.reason,
      status: r.status,
      createdAt: r.created_at,
      decidedAt: r.decided_at,
      decisionNote: r.decision_note,
      events: events
        .filter((e) => e.request_id === r.id)
        .map((e) => ({
          at: e.at,
          kind: e.kind,
          note: e.note,
          actor:
            e.actor_user_id === null || e.actor_user_id === r.user_id
              ? null
              : (actors.get(e.actor_user_id)?.username ?? null),
        })),
    }));
  }

  /** Accounts by id through the accounts feature (a page holds at most a few dozen). */
  private async accountsOf(ids: readonly number[]) {
    const out = new Map<number, { candidateNumber: string; username: string }>();
    for (const id of new Set(ids)) {
      try {
        const a = await this.accounts.accountSummary(id);
        out.set(id, { candidateNumber: a.candidateNumber, username: a.username });
      } catch (error) {
        if (!(error instanceof AppError && error.statusCode === 404)) throw error;
      }
    }
    return out;
  }
}
