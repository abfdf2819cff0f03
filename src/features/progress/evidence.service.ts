import type { Database } from '../../platform/db/database.ts';
import { recordAudit } from '../../platform/audit.ts';
import { AppError, notFound, type FieldProblem } from '../../platform/http/errors.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { CatalogApi, ProgramDefinitions } from '../catalog/index.ts';
import {
  checkEvidenceFile,
  safeFileName,
  type EvidenceContentType,
} from '../../platform/files/file-type.ts';
import * as repo from './evidence.repository.ts';
import type { Actor, ProgressService } from './progress.types.ts';

/**
 * Evidence: a candidate sends proof of a training completion or of
 * continuing-education credits (a PDF, PNG or JPEG); a program manager
 * approves or rejects it with a note. Approval records the fact through the
 * awarding engine in the same transaction as the decision, so the award it
 * completes exists the moment the decision does, or neither does.
 */

export type EvidenceKind = 'training' | 'credits';
export type EvidenceStatus = repo.EvidenceStatus;

/** More waiting submissions than this and a candidate must wait for decisions first. */
export const MAX_PENDING_PER_CANDIDATE = 20;
const MAX_DESCRIPTION = 1000;
const MAX_NOTE = 2000;

export interface EvidenceSubmissionView {
  id: number;
  userId: number;
  kind: EvidenceKind;
  /** The course (training) or category (credits), by code and title. */
  subject: { code: string; title: string };
  /** Credits claimed; null for training. */
  amount: number | null;
  /** 'YYYY-MM-DD': when the course was completed or the credits earned. */
  occurredOn: string;
  description: string;
  fileName: string;
  contentType: EvidenceContentType;
  fileSize: number;
  status: EvidenceStatus;
  decidedAt: Date | null;
  decisionNote: string | null;
  createdAt: Date;
}

export interface ReviewRow extends EvidenceSubmissionView {
  candidate: { id: number; candidateNumber: string; name: string; email: string };
}

/** The form as posted: every field a string (or absent), the file as bytes. */
export interface SubmissionInput {
  kind?: string | undefined;
  course?: string | undefined;
  category?: string | undefined;
  amount?: string | undefined;
  occurredOn?: string | undefined;
  description?: string | undefined;
  file?:
    | { name: string; declaredType: string | undefined; bytes: Uint8Array; truncated: boolean }
    | undefined;
}

export type SubmitOutcome = { ok: true; id: number } | { ok: false; problems: FieldProblem[] };

export interface StoredFile {
  fileName: string;
  contentType: EvidenceContentType;
  bytes: Uint8Array;
}

type SubmissionRow = NonNullable<Awaited<ReturnType<typeof repo.findSubmission>>>;

export class EvidenceService {
  constructor(
    private readonly db: Database,
    private readonly catalog: Pick<CatalogApi, 'definitions'>,
    private readonly progress: Pick<ProgressService, 'recordTraining' | 'recordCredits'>,
    private readonly accounts: Pick<AccountsService, 'accountSummary'>,
  ) {}

  /** Courses and credit categories a candidate may send evidence for, by title. */
  async choices(): Promise<{
    courses: { code: string; title: string }[];
    categories: { code: string; title: string }[];
  }> {
    const defs = await this.catalog.definitions();
    const byTitle = (a: { title: string }, b: { title: string }) => a.title.localeCompare(b.title);
    return {
      courses: [...defs.trainings.values()]
        .map(({ code, title }) => ({ code, title }))
        .sort(byTitle),
      categories: [...defs.creditCategories.values()]
        .map(({ code, title }) => ({ code, title }))
        .sort(byTitle),
    };
  }

  async submit(userId: number, input: SubmissionInput, today: string): Promise<SubmitOutcome> {
    const defs = await this.catalog.definitions();
    const problems: FieldProblem[] = [];
    const kind = input.kind === 'training' || input.kind === 'credits' ? input.kind : undefined;
    if (!kind) problems.push({ field: 'kind', messageKey: 'evidence.kindRequired' });

    let courseId: number | null = null;
    let categoryId: number | null = null;
    let amount: string | null = null;
    if (kind === 'training') {
      const course = input.course ? defs.trainings.get(input.course) : undefined;
      if (!course) problems.push({ field: 'course', messageKey: 'evidence.courseRequired' });
      else courseId = course.id;
    }
    if (kind === 'credits') {
      const category = input.category ? defs.creditCategories.get(input.category) : undefined;
      if (!category) problems.push({ field: 'category', messageKey: 'evidence.categoryRequired' });
      else categoryId = category.id;
      amount = parseAmount(input.amount);
      if (amount === null) {
        problems.push({
          field: 'amount',
          messageKey: input.amount?.trim() ? 'evidence.amountFormat' : 'evidence.amountRequired',
        });
      }
    }

    const occurredOn = input.occurredOn?.trim() ?? '';
    if (!occurredOn) {
      problems.push({
        field: 'occurredOn',
        messageKey:
          kind === 'credits' ? 'evidence.earnedOnRequired' : 'evidence.completedOnRequired',
      });
    } else if (!isCalendarDate(occurredOn) || occurredOn < '1970-01-01') {
      problems.push({ field: 'occurredOn', messageKey: 'evidence.dateFormat' });
    } else if (occurredOn > today) {
      problems.push({ field: 'occurredOn', messageKey: 'evidence.dateFuture' });
    }

    const description = (input.description ?? '').replace(/\r\n?/g, '\n').trim();
    if (description.length > MAX_DESCRIPTION) {
      problems.push({
        field: 'description',
        messageKey: 'evidence.descriptionTooLong',
        params: { max: MAX_DESCRIPTION },
      });
    }

    let file: { name: string; contentType: EvidenceContentType; bytes: Uint8Array } | undefined;
    if (!input.file || (input.file.bytes.length === 0 && !input.file.name)) {
      problems.push({ field: 'file', messageKey: 'evidence.fileRequired' });
    } else {
      const check = checkEvidenceFile({
        bytes: input.file.bytes,
        name: input.file.name,
        declaredType: input.file.declaredType,
        truncated: input.file.truncated,
      });
      if (check.ok) {
        file = {
          name: safeFileName(input.file.name, check.extension),
          contentType: check.contentType,
          bytes: input.file.bytes,
        };
      } else {
        problems.push({ field: 'file', messageKey: FILE_PROBLEM[check.problem] });
      }
    }

    if (
      problems.length === 0 &&
      (await repo.countPendingOfUser(this.db, userId)) >= MAX_PENDING_PER_CANDIDATE
    ) {
      problems.push({
        field: 'file',
        messageKey: 'evidence.tooManyPending',
        params: { max: MAX_PENDING_PER_CANDIDATE },
      });
    }
    if (problems.length > 0 || !kind || !file) return { ok: false, problems };

    const id = await this.db.transaction().execute(async (trx) => {
      const newId = await repo.insertSubmission(trx, {
        userId,
        kind,
        courseId,
        categoryId,
        amount,
        occurredOn,
        description,
        fileName: file.name,
        contentType: file.contentType,
        file: file.bytes,
      });
      await recordAudit(trx, {
        actorUserId: userId,
        action: 'progress.evidence_submitted',
        subjectType: 'evidence_submission',
        subjectId: newId,
        details: { kind, contentType: file.contentType, size: file.bytes.length },
      });
      return newId;
    });
    return { ok: true, id };
  }

  async mine(userId: number): Promise<EvidenceSubmissionView[]> {
    const [rows, defs] = await Promise.all([
      repo.submissionsOfUser(this.db, userId),
      this.catalog.definitions(),
    ]);
    return rows.map((r) => toView(r, defs));
  }

  /** One of the candidate's own submissions; someone else's is "not found", never "forbidden". */
  async ownSubmission(userId: number, id: number): Promise<EvidenceSubmissionView> {
    const row = await repo.findSubmission(this.db, id, userId);
    if (!row) throw notFound();
    return toView(row, await this.catalog.definitions());
  }

  /** The file of a submission: the candidate's own (`ownerId`), or any for staff (`ownerId` undefined). */
  async file(id: number, ownerId: number | undefined): Promise<StoredFile> {
    const row = await repo.findFile(this.db, id, ownerId);
    if (!row) throw notFound();
    return { fileName: row.file_name, contentType: row.content_type, bytes: row.file };
  }

  async reviewQueue(
    status: 'pending' | 'decided',
    page: number,
    pageSize: number,
  ): Promise<{ rows: ReviewRow[]; total: number }> {
    const [{ rows, total }, defs] = await Promise.all([
      repo.queue(this.db, { status }, pageSize, (page - 1) * pageSize),
      this.catalog.definitions(),
    ]);
    const candidates = await this.candidates(rows.map((r) => r.user_id));
    return {
      rows: rows.map((r) => ({ ...toView(r, defs), candidate: candidates.get(r.user_id)! })),
      total,
    };
  }

  async forReview(id: number): Promise<ReviewRow> {
    const row = await repo.findSubmission(this.db, id);
    if (!row) throw notFound();
    const [defs, candidates] = await Promise.all([
      this.catalog.definitions(),
      this.candidates([row.user_id]),
    ]);
    return { ...toView(row, defs), candidate: candidates.get(row.user_id)! };
  }

  /**
   * Approves or rejects a pending submission. Approval records the training
   * completion or the credits (source 'evidence') through the awarding
   * engine inside this transaction, so a credential it completes is awarded
   * with the decision. A rejection needs a note: the candidate reads it.
   */
  async decide(
    actor: NonNullable<Actor>,
    id: number,
    decision: 'approve' | 'reject',
    rawNote: string | undefined,
    ip: string,
  ): Promise<{ ok: true } | { ok: false; problems: FieldProblem[] }> {
    const note = (rawNote ?? '').replace(/\r\n?/g, '\n').trim();
    if (decision === 'reject' && !note) {
      return { ok: false, problems: [{ field: 'note', messageKey: 'evidence.noteRequired' }] };
    }
    if (note.length > MAX_NOTE) {
      return {
        ok: false,
        problems: [
          { field: 'note', messageKey: 'evidence.noteTooLong', params: { max: MAX_NOTE } },
        ],
      };
    }
    await this.db.transaction().execute(async (trx) => {
      const row = await repo.lockSubmission(trx, id);
      if (!row) throw notFound();
      if (row.status !== 'pending') {
        throw new AppError('EVIDENCE_ALREADY_DECIDED', 409, 'evidence.alreadyDecided');
      }
      const defs = await this.catalog.definitions(trx);
      const reason = note ? `Evidence #${id} approved: ${note}` : `Evidence #${id} approved`;
      const at = new Date(`${row.occurred_on}T00:00:00Z`);
      let factId: number | undefined;
      if (decision === 'approve') {
        if (row.kind === 'training') {
          const course = row.course_id === null ? undefined : defs.trainingsById.get(row.course_id);
          if (!course) throw new AppError('UNKNOWN_CODE', 400, 'evidence.subjectGone');
          ({ id: factId } = await this.progress.recordTraining(
            actor,
            row.user_id,
            {
              courseCode: course.code,
              completedAt: at,
              source: 'evidence',
              evidenceId: id,
              reason,
            },
            trx,
          ));
        } else {
          const category =
            row.category_id === null ? undefined : defs.creditCategoriesById.get(row.category_id);
          if (!category || row.amount === null) {
            throw new AppError('UNKNOWN_CODE', 400, 'evidence.subjectGone');
          }
          ({ id: factId } = await this.progress.recordCredits(
            actor,
            row.user_id,
            {
              categoryCode: category.code,
              amount: Number(row.amount),
              earnedAt: at,
              source: 'evidence',
              evidenceId: id,
              reason,
            },
            trx,
          ));
        }
      }
      await repo.decide(trx, id, {
        status: decision === 'approve' ? 'approved' : 'rejected',
        decidedBy: actor.userId,
        note: note || null,
      });
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action:
          decision === 'approve' ? 'progress.evidence_approved' : 'progress.evidence_rejected',
        subjectType: 'evidence_submission',
        subjectId: id,
        details: { userId: row.user_id, kind: row.kind, ...(factId ? { factId } : {}) },
        reason: note || null,
        ip,
      });
    });
    return { ok: true };
  }

  private async candidates(
    userIds: readonly number[],
  ): Promise<Map<number, ReviewRow['candidate']>> {
    const unique = [...new Set(userIds)];
    const summaries = await Promise.all(unique.map((id) => this.accounts.accountSummary(id)));
    return new Map(
      summaries.map((a) => [
        a.id,
        {
          id: a.id,
          candidateNumber: a.candidateNumber,
          name: `${a.givenName} ${a.familyName}`,
          email: a.email,
        },
      ]),
    );
  }
}

const FILE_PROBLEM = {
  empty: 'evidence.fileEmpty',
  tooLarge: 'evidence.fileTooLarge',
  unsupported: 'evidence.fileUnsupported',
  mismatch: 'evidence.fileMismatch',
} as const;

function toView(row: SubmissionRow, defs: ProgramDefinitions): EvidenceSubmissionView {
  const subject =
    row.kind === 'training'
      ? defs.trainingsById.get(row.course_id ?? -1)
      : defs.creditCategoriesById.get(row.category_id ?? -1);
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    subject: subject ? { code: subject.code, title: subject.title } : { code: '?', title: '?' },
    amount: row.amount === null ? null : Number(row.amount),
    occurredOn: row.occurred_on,
    description: row.description,
    fileName: row.file_name,
    contentType: row.content_type,
    fileSize: row.file_size,
    status: row.status,
    decidedAt: row.decided_at,
    decisionNote: row.decision_note,
    createdAt: row.created_at,
  };
}

/** The most credits one record may hold (the awarding engine refuses more). */
export const MAX_CREDITS_PER_SUBMISSION = 100_000;

/** A positive amount with at most two decimals (the column is numeric(8, 2)), up to the maximum. */
export function parseAmount(raw: string | undefined): string | null {
  const text = (raw ?? '').trim().replace(',', '.');
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(text)) return null;
  const value = Number(text);
  return value > 0 && value <= MAX_CREDITS_PER_SUBMISSION ? text : null;
}

function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}
