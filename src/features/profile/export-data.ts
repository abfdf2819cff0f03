import type { Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

/**
 * A part of a person's data export: a name and a function that reads that
 * person's rows (in the export's read transaction). Features add theirs with
 * `app.profile.registerExportSection`; nothing here may return another
 * person's data, so every query is keyed by `userId`.
 */
export type ExportSection = (trx: Transaction<DB>, userId: number) => Promise<unknown>;

/**
 * The sections for the catalog/progress core, which was built before the
 * export existed. They read progress's tables directly, by `user_id`, as
 * plain facts (see docs/decisions/ for why this one exception).
 */
export const CORE_SECTIONS: Record<string, ExportSection> = {
  results: (trx, userId) =>
    trx
      .selectFrom('results as r')
      .innerJoin('exams as e', 'e.id', 'r.exam_id')
      .select([
        'e.code as exam',
        'e.title as examTitle',
        'r.exam_version as examVersion',
        'r.score',
        'r.passed',
        'r.taken_at as takenAt',
        'r.source',
        'r.provider',
        'r.provider_candidate_id as providerCandidateId',
        'r.status',
        'r.status_reason as statusReason',
      ])
      .where('r.user_id', '=', userId)
      .orderBy('r.taken_at')
      .execute(),
  awards: (trx, userId) =>
    trx
      .selectFrom('awards as a')
      .innerJoin('credentials as c', 'c.id', 'a.credential_id')
      .select([
        'c.code as credential',
        'c.name as credentialName',
        'a.credential_number as credentialNumber',
        'a.awarded_at as awardedAt',
        'a.expires_at as expiresAt',
        'a.last_renewed_at as lastRenewedAt',
        'a.status',
        'a.status_reason as statusReason',
      ])
      .where('a.user_id', '=', userId)
      .orderBy('a.awarded_at')
      .execute(),
  training: (trx, userId) =>
    trx
      .selectFrom('training_completions as t')
      .innerJoin('training_courses as c', 'c.id', 't.course_id')
      .select([
        'c.code as course',
        'c.title as courseTitle',
        't.completed_at as completedAt',
        't.source',
      ])
      .where('t.user_id', '=', userId)
      .orderBy('t.completed_at')
      .execute(),
  agreements: (trx, userId) =>
    trx
      .selectFrom('agreement_acceptances as a')
      .innerJoin('agreements as g', 'g.id', 'a.agreement_id')
      .select(['g.code as agreement', 'a.version', 'a.accepted_at as acceptedAt', 'a.source'])
      .where('a.user_id', '=', userId)
      .orderBy('a.accepted_at')
      .execute(),
  credits: (trx, userId) =>
    trx
      .selectFrom('credit_entries as e')
      .innerJoin('credit_categories as c', 'c.id', 'e.category_id')
      .select(['c.code as category', 'e.amount', 'e.earned_at as earnedAt', 'e.source'])
      .where('e.user_id', '=', userId)
      .orderBy('e.earned_at')
      .execute(),
  evidence: (trx, userId) =>
    trx
      .selectFrom('evidence_submissions')
      .select([
        'kind',
        'occurred_on as occurredOn',
        'description',
        'file_name as fileName',
        'content_type as contentType',
        'file_size as fileSize',
        'status',
        'decision_note as decisionNote',
        'created_at as submittedAt',
      ])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute(),
  emails: (trx, userId) =>
    trx
      .selectFrom('outbox')
      .select([
        'to_address as to',
        'subject',
        'category',
        'status',
        'created_at as queuedAt',
        'sent_at as sentAt',
      ])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute(),
  auditLog: (trx, userId) =>
    trx
      .selectFrom('audit_events')
      .select(['at', 'action', 'ip'])
      .where('subject_type', '=', 'user')
      .where('subject_id', '=', String(userId))
      .orderBy('id')
      .execute(),
};

/**
 * What erasing an account removes from the core's tables: the uploaded
 * evidence files (the training and credit records approved from them stay,
 * with the link to the file cleared by the database), and the name an exam
 * provider sent with a result. Results and awards themselves stay: they are
 * what verification rests on (docs/privacy.md).
 */
export const CORE_ERASERS: ((trx: Transaction<DB>, userId: number) => Promise<void>)[] = [
  async (trx, userId) => {
    await trx.deleteFrom('evidence_submissions').where('user_id', '=', userId).execute();
  },
  async (trx, userId) => {
    await trx
      .updateTable('results')
      .set({ provider_last_name: null })
      .where('user_id', '=', userId)
      .execute();
  },
];
