import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit.ts';
import type { Database } from '../../platform/db/database.ts';
import { ValidationError, notFound, type FieldProblem } from '../../platform/http/errors.ts';
import type { CatalogApi } from '../catalog/index.ts';
import { alpha3 } from './countries.ts';
import { tsvField } from './result-file.ts';

/**
 * Files for delivery providers (Pearson VUE style, see STANDARDS.md):
 * candidate data (CDD) and exam authorizations (EAD), tab-separated, with
 * only what is new or changed since the previous export of the same kind.
 * Each export records the instant it covers up to; the next one starts
 * there.
 */

export const CDD_COLUMNS = [
  'ClientCandidateID',
  'FirstName',
  'LastName',
  'Email',
  'Address1',
  'Address2',
  'Address3',
  'City',
  'State',
  'PostalCode',
  'Country',
  'Phone',
  'PhoneCountryCode',
  'LastUpdate',
] as const;

export const EAD_COLUMNS = [
  'AuthorizationTransactionType',
  'ClientAuthorizationID',
  'ClientCandidateID',
  'ExamSeriesCode',
  'EligibilityApptDateFirst',
  'EligibilityApptDateLast',
  'LastUpdate',
] as const;

export type ExportKind = 'candidates' | 'authorizations';

export interface ExportFile {
  fileName: string;
  body: string;
  rows: number;
  changedAfter: Date | null;
  changedUntil: Date;
}

export interface ExportRecord {
  id: number;
  kind: ExportKind;
  changedAfter: Date | null;
  changedUntil: Date;
  rows: number;
  createdBy: number | null;
  createdAt: Date;
}

export interface AuthorizationView {
  id: number;
  candidateNumber: string;
  candidateName: string;
  examCode: string;
  eligibleFrom: string;
  eligibleUntil: string;
  status: 'active' | 'cancelled';
  updatedAt: Date;
}

/** `YYYY/MM/DD HH:MM:SS` in UTC, the vendors' LastUpdate format. */
export function vendorTimestamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 19)}`;
}

/** `YYYY-MM-DD` to `YYYY/MM/DD`. */
export function vendorDate(date: string): string {
  return date.replaceAll('-', '/');
}

export class ExportService {
  constructor(
    private readonly db: Database,
    private readonly catalog: Pick<CatalogApi, 'definitions'>,
  ) {}

  /** Writes the next export of `kind` and records it. */
  async export(kind: ExportKind, actorUserId: number | null): Promise<ExportFile> {
    return this.db.transaction().execute(async (trx) => {
      // One export of a kind at a time, so two never cover the same window twice or miss one.
      await sql`lock table provider_exports in share row exclusive mode`.execute(trx);
      const last = await trx
        .selectFrom('provider_exports')
        .select('changed_until')
        .where('kind', '=', kind)
        .orderBy('changed_until', 'desc')
        .limit(1)
        .executeTakeFirst();
      const after = last?.changed_until ?? null;
      const { rows: nowRows } = await sql<{ now: Date }>`select now() as now`.execute(trx);
      const until = new Date(nowRows[0]!.now);
      const lines: string[] = [];
      if (kind === 'candidates') {
        lines.push(CDD_COLUMNS.join('\t'));
        let q = trx
          .selectFrom('users')
          .select([
            'candidate_number',
            'given_name',
            'family_name',
            'email',
            'country',
            'updated_at',
          ])
          .where('status', '=', 'active')
          .where('updated_at', '<=', until);
        if (after) q = q.where('updated_at', '>', after);
        for (const u of await q.orderBy('id').execute()) {
          lines.push(
            [
              u.candidate_number,
              u.given_name,
              u.family_name,
              u.email,
              '',
              '',
              '',
              '',
              '',
              '',
              alpha3(u.country),
              '',
              '',
              vendorTimestamp(u.updated_at),
            ]
              .map(tsvField)
              .join('\t'),
          );
        }
      } else {
        lines.push(EAD_COLUMNS.join('\t'));
        let q = trx
          .selectFrom('exam_authorizations as a')
          .innerJoin('users as u', 'u.id', 'a.user_id')
          .innerJoin('exams as e', 'e.id', 'a.exam_id')
          .select([
            'a.id',
            'a.status',
            'a.created_at',
            'a.updated_at',
            'a.eligible_from',
            'a.eligible_until',
            'u.candidate_number',
            'e.code',
          ])
          .where('a.updated_at', '<=', until);
        if (after) q = q.where('a.updated_at', '>', after);
        for (const a of await q.orderBy('a.id').execute()) {
          const type =
            a.status === 'cancelled'
              ? 'Delete'
              : !after || a.created_at.getTime() > after.getTime()
                ? 'Add'
                : 'Update';
          // An authorization added and cancelled between two exports never reached the provider.
          if (type === 'Delete' && after && a.created_at.getTime() > after.getTime()) continue;
          if (type === 'Delete' && !after) continue;
          lines.push(
            [
              type,
              a.id,
              a.candidate_number,
              a.code,
              vendorDate(a.eligible_from),
              vendorDate(a.eligible_until),
              vendorTimestamp(a.updated_at),
            ]
              .map(tsvField)
              .join('\t'),
          );
        }
      }
      const rows = lines.length - 1;
      await trx
        .insertInto('provider_exports')
        .values({
          kind,
          changed_after: after,
          changed_until: until,
          row_count: rows,
          created_by: actorUserId,
        })
        .execute();
      await recordAudit(trx, {
        actorUserId,
        action: 'results.exported',
        subjectType: 'provider_export',
        subjectId: kind,
        details: {
          rows,
          changedAfter: after?.toISOString() ?? null,
          changedUntil: until.toISOString(),
        },
      });
      const stamp = until.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
      return {
        fileName: `${kind === 'candidates' ? 'cdd' : 'ead'}-${stamp}.dat`,
        body: `${lines.join('\r\n')}\r\n`,
        rows,
        changedAfter: after,
        changedUntil: until,
      };
    });
  }

  async history(limit: number): Promise<ExportRecord[]> {
    const rows = await this.db
      .selectFrom('provider_exports')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      changedAfter: r.changed_after,
      changedUntil: r.changed_until,
      rows: r.row_count,
      createdBy: r.created_by,
      createdAt: r.created_at,
    }));
  }

  // ------------------------------------------------------------ authorizations

  /** Authorizes a candidate to sit an exam at a provider within a window (dates `YYYY-MM-DD`). */
  async authorize(
    actorUserId: number | null,
    input: {
      candidateNumber: string;
      examCode: string;
      eligibleFrom: string;
      eligibleUntil: string;
    },
  ): Promise<{ id: number }> {
    const problems: FieldProblem[] = [];
    const number = input.candidateNumber.trim().toUpperCase();
    const user = number
      ? await this.db
          .selectFrom('users')
          .select('id')
          .where('candidate_number', '=', number)
          .executeTakeFirst()
      : undefined;
    if (!user) {
      problems.push(
        number
          ? {
              field: 'candidateNumber',
              messageKey: 'results.v.candidateUnknown',
              params: { number },
            }
          : { field: 'candidateNumber', messageKey: 'results.v.candidateRequired' },
      );
    }
    const defs = await this.catalog.definitions();
    const exam = defs.exams.get(input.examCode.trim().toUpperCase());
    if (!exam) {
      problems.push({
        field: 'examCode',
        messageKey: 'results.v.examUnknown',
        params: { code: input.examCode.trim() },
      });
    }
    const from = isoDate(input.eligibleFrom);
    const until = isoDate(input.eligibleUntil);
    if (!from) problems.push({ field: 'eligibleFrom', messageKey: 'results.v.date' });
    if (!until) problems.push({ field: 'eligibleUntil', messageKey: 'results.v.date' });
    if (from && until && until < from) {
      problems.push({ field: 'eligibleUntil', messageKey: 'results.v.window' });
    }
    if (problems.length > 0 || !user || !exam || !from || !until)
      throw new ValidationError(problems);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('exam_authorizations')
        .values({
          user_id: user.id,
          exam_id: exam.id,
          eligible_from: from,
          eligible_until: until,
          created_by: actorUserId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        actorUserId,
        action: 'results.authorization_added',
        subjectType: 'exam_authorization',
        subjectId: row.id,
        details: { userId: user.id, exam: exam.code, from, until },
      });
      return { id: row.id };
    });
  }

  async cancelAuthorization(actorUserId: number, id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('exam_authorizations')
        .set({ status: 'cancelled', updated_at: new Date() })
        .where('id', '=', id)
        .where('status', '=', 'active')
        .returning('id')
        .executeTakeFirst();
      if (!row) throw notFound();
      await recordAudit(trx, {
        actorUserId,
        action: 'results.authorization_cancelled',
        subjectType: 'exam_authorization',
        subjectId: id,
      });
    });
  }

  async authorizations(limit: number): Promise<AuthorizationView[]> {
    const rows = await this.db
      .selectFrom('exam_authorizations as a')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .innerJoin('exams as e', 'e.id', 'a.exam_id')
      .select([
        'a.id',
        'a.status',
        'a.updated_at',
        'a.eligible_from',
        'a.eligible_until',
        'u.candidate_number',
        'u.given_name',
        'u.family_name',
        'e.code',
      ])
      .orderBy('a.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      candidateNumber: r.candidate_number,
      candidateName: `${r.given_name} ${r.family_name}`.trim(),
      examCode: r.code,
      eligibleFrom: r.eligible_from,
      eligibleUntil: r.eligible_until,
      status: r.status,
      updatedAt: r.updated_at,
    }));
  }
}

function isoDate(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const d = new Date(`${m[0]}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== m[0]) return undefined;
  return m[0];
}
