import { StringDecoder } from 'node:string_decoder';
import { recordAudit } from '../../platform/audit.ts';
import { copyText, type Database, type DatabaseHandle } from '../../platform/db/database.ts';
import { enqueueJob } from '../../platform/jobs/runner.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { CatalogApi, ProgramDefinitions } from '../catalog/index.ts';
import type { FastifyInstance } from 'fastify';
import {
  readHeader,
  readRow,
  RecordSplitter,
  type ExamFacts,
  type Header,
  type RawRecord,
  type RowProblem,
} from './result-file.ts';
import * as repo from './results.repository.ts';

/**
 * File imports in two steps. **Stage**: the file is read as a stream,
 * record by record; valid rows go to `result_import_rows` in batches (with
 * COPY on PostgreSQL), problems to `result_import_problems` (line, column,
 * reason): memory stays flat whatever the size. **Apply** (a job for the console, directly for the
 * CLI): the staged rows, 1,000 per transaction, go through the progress
 * service's batch upsert, which re-evaluates the affected candidates in the
 * same transaction. By default a file with any bad row is not applied at
 * all; in `good_rows` mode the good rows are applied and the bad ones can be
 * downloaded.
 */

export const APPLY_IMPORT_JOB = 'results.apply-import';
export const PROVIDER_CODE = /^[a-z0-9][a-z0-9-]{0,31}$/;
const STAGE_BATCH = 1000;
/** Rows per COPY when staging on PostgreSQL. */
const COPY_BATCH = 20_000;
const STAGED_COLUMNS = [
  'import_id',
  'line',
  'registration_id',
  'candidate_id',
  'last_name',
  'exam_id',
  'exam_version',
  'score',
  'passed',
  'taken_at',
] as const;
const APPLY_BATCH = 1000;
const PREVIEW_ROWS = 10;
/** Rows applied between two refreshes of the planner's statistics. */
const ANALYZE_EVERY = 200_000;

export type ImportMode = 'all_or_nothing' | 'good_rows';

export interface StageInput {
  provider: string;
  fileName: string;
  mode: ImportMode;
  actorUserId: number | null;
}

export interface ImportView {
  id: number;
  provider: string;
  fileName: string;
  format: 'provider' | 'simple' | null;
  mode: ImportMode;
  status: 'validating' | 'invalid' | 'ready' | 'importing' | 'done' | 'failed';
  rowsTotal: number;
  rowsValid: number;
  rowsBad: number;
  rowsNoShow: number;
  rowsDone: number;
  created: number;
  updated: number;
  unchanged: number;
  unclaimed: number;
  awarded: number;
  jobId: number | null;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface ProblemView {
  line: number;
  column: string;
  messageKey: string;
  params: Record<string, string | number>;
}

export interface PreviewRow {
  line: number;
  registrationId: string;
  candidateId: string;
  examCode: string;
  examVersion: string | null;
  takenAt: Date;
  score: number | null;
  passed: boolean;
}

export class ImportService {
  constructor(
    private readonly db: Database,
    private readonly catalog: Pick<CatalogApi, 'definitions'>,
    private readonly progress: FastifyInstance['progress'],
    /** Batches applied at once (the embedded database has one connection: 1). */
    private readonly parallel = 1,
    /** Staging with COPY (PostgreSQL); without it, multi-row inserts. */
    private readonly copyIn?: DatabaseHandle['copyIn'],
  ) {}

  /** Reads the file, stages its good rows and records its problems. Returns the import's id. */
  async stage(
    input: AsyncIterable<Buffer | string>,
    meta: StageInput,
    now = new Date(),
  ): Promise<number> {
    if (!PROVIDER_CODE.test(meta.provider)) {
      throw new AppError('BAD_PROVIDER', 400, 'results.v.provider');
    }
    const defs = await this.catalog.definitions();
    const exams = examLookup(defs);
    const importId = await repo.createImport(this.db, {
      provider: meta.provider,
      file_name: meta.fileName.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255) || 'results',
      mode: meta.mode,
      created_by: meta.actorUserId,
    });
    const splitter = new RecordSplitter();
    const decoder = new StringDecoder('utf8');
    let header: Header | undefined;
    let headerLine: string | null = null;
    let headerProblems: RowProblem[] | undefined;
    let total = 0;
    let valid = 0;
    let bad = 0;
    let noShow = 0;
    let rows: repo.StagedRow[] = [];
    // With COPY: the rows as COPY text, and a filter of the registration IDs
    // seen so far. A row whose ID may repeat an earlier one (the filter says
    // so; sometimes wrongly) is staged by insert instead, which tells
    // duplicates exactly; COPY would fail on one.
    const copyIn = this.copyIn;
    let copyRows: string[] = [];
    const seen = copyIn ? new SeenFilter() : undefined;
    let problems: Parameters<typeof repo.insertProblems>[1] = [];
    let pending: RawRecord[] = [];

    const problemRow = (p: RowProblem, raw: string | null) => ({
      import_id: importId,
      line: p.line,
      column_name: p.column,
      message_key: p.messageKey,
      params: JSON.stringify(p.params ?? {}),
      raw,
    });
    const flush = async () => {
      if (copyIn && copyRows.length > 0) {
        const text = copyRows.join('');
        copyRows = [];
        await copyIn('result_import_rows', STAGED_COLUMNS, text);
      }
      if (rows.length > 0) {
        const batch = rows;
        rows = [];
        const kept = await repo.stageRows(this.db, batch);
        for (const row of batch) {
          if (kept.has(row.line)) continue;
          // The registration ID repeats one staged earlier in this file.
          valid--;
          bad++;
          const first = await repo.firstLineOf(this.db, importId, row.registration_id);
          problems.push(
            problemRow(
              {
                line: row.line,
                column: header ? header.names[header.columns.registrationId!]! : '',
                messageKey: 'results.p.duplicate',
                params: { line: first?.line ?? 0 },
              },
              rawByLine.get(row.line) ?? null,
            ),
          );
        }
        rawByLine.clear();
      }
      if (problems.length > 0) {
        const batch = problems;
        problems = [];
        await repo.insertProblems(this.db, batch);
      }
    };
    const full = () =>
      rows.length >= STAGE_BATCH || problems.length >= STAGE_BATCH || copyRows.length >= COPY_BATCH;
    // The raw text of the rows in the current batch, for a duplicate found when staging.
    const rawByLine = new Map<number, string>();

    const handle = (record: RawRecord) => {
      if (!header && !headerProblems) {
        const read = readHeader(record);
        if (read.header) {
          header = read.header;
          headerLine = record.raw.slice(0, 4000);
        } else headerProblems = read.problems;
        return;
      }
      if (!header) return; // A file with a bad header is only counted.
      total++;
      const outcome = readRow(record, header, exams, now);
      if (outcome.kind === 'row') {
        valid++;
        const r = outcome.row;
        const row: repo.StagedRow = {
          import_id: importId,
          line: r.line,
          registration_id: r.registrationId,
          candidate_id: r.candidateId,
          last_name: r.lastName,
          exam_id: r.examId,
          exam_version: r.examVersion,
          score: r.score,
          passed: r.passed,
          taken_at: r.takenAt,
        };
        if (seen && !seen.check(r.registrationId)) {
          copyRows.push(STAGED_COLUMNS.map((c) => copyText(row[c])).join('\t') + '\n');
          return;
        }
        rows.push(row);
        rawByLine.set(r.line, record.raw);
      } else if (outcome.kind === 'noShow') {
        noShow++;
      } else {
        bad++;
        outcome.problems.forEach((p, i) =>
          problems.push(problemRow(p, i === 0 ? record.raw : null)),
        );
      }
    };

    try {
      for await (const chunk of input) {
        const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
        splitter.push(text, (record) => pending.push(record));
        if (pending.length > 0) {
          const records = pending;
          pending = [];
          for (const record of records) {
            handle(record);
            if (full()) await flush();
          }
        }
      }
      splitter.push(decoder.end(), (record) => pending.push(record));
      splitter.end((record) => pending.push(record));
      for (const record of pending) {
        handle(record);
        if (full()) await flush();
      }
      pending = [];
      if (!header && !headerProblems) {
        headerProblems = [{ line: 1, column: '', messageKey: 'results.p.empty' }];
      }
      if (headerProblems) {
        problems.push(...headerProblems.map((p) => problemRow(p, null)));
      }
      await flush();
    } catch (error) {
      await repo.updateImport(this.db, importId, {
        status: 'failed',
        last_error: String((error as Error).message ?? error).slice(0, 1000),
        finished_at: new Date(),
      });
      throw error;
    }
    const invalid = !!headerProblems || (bad > 0 && meta.mode === 'all_or_nothing') || valid === 0;
    if (invalid) await repo.deleteStaged(this.db, importId);
    await recordAudit(this.db, {
      actorUserId: meta.actorUserId,
      action: 'results.import_uploaded',
      subjectType: 'result_import',
      subjectId: importId,
      details: { provider: meta.provider, fileName: meta.fileName, rows: total, bad, noShow },
    });
    await repo.updateImport(this.db, importId, {
      format: header?.format ?? null,
      header_line: headerLine,
      rows_total: total,
      rows_valid: valid,
      rows_bad: bad,
      rows_no_show: noShow,
      status: invalid ? (headerProblems || bad > 0 ? 'invalid' : 'done') : 'ready',
      ...(invalid ? { finished_at: new Date() } : {}),
    });
    return importId;
  }

  /** Queues the apply job of a staged import (status `ready`); returns the job's id. */
  async queueApply(importId: number, actorUserId: number | null): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('result_imports')
        .select(['id', 'status', 'job_id'])
        .where('id', '=', importId)
        .forUpdate()
        .executeTakeFirst();
      if (!current) throw notFound();
      if (current.status !== 'ready') {
        if (current.job_id !== null) return current.job_id;
        throw new AppError('IMPORT_NOT_READY', 409, 'results.v.notReady');
      }
      const jobId = await enqueueJob(trx, APPLY_IMPORT_JOB, { importId }, { maxAttempts: 5 });
      if (jobId === undefined) throw new Error('The import job was not queued.');
      await repo.updateImport(trx, importId, { status: 'importing', job_id: jobId });
      await recordAudit(trx, {
        actorUserId,
        action: 'results.import_started',
        subjectType: 'result_import',
        subjectId: importId,
        details: { jobId },
      });
      return jobId;
    });
  }

  /**
   * Applies the staged rows, 1,000 per transaction (several at once on
   * PostgreSQL). A retried job applies only the rows still staged; the
   * upsert is idempotent anyway. `onProgress` is told after each batch.
   */
  async apply(
    importId: number,
    actorUserId: number | null,
    onProgress?: (done: number, total: number) => Promise<void>,
  ): Promise<ImportView> {
    const start = await repo.findImport(this.db, importId);
    if (!start) throw notFound();
    if (start.status === 'done') return toImportView(start);
    // 'failed' here is an apply job that failed and is being retried: it resumes.
    if (start.status !== 'ready' && start.status !== 'importing' && start.status !== 'failed') {
      throw new AppError('IMPORT_NOT_READY', 409, 'results.v.notReady');
    }
    if (start.status !== 'importing') {
      await repo.updateImport(this.db, importId, { status: 'importing', last_error: null });
    }
    const label = `Import ${importId} (${start.file_name})`;
    // Only rows not yet applied are still staged: each batch deletes its own
    // rows in the transaction that applies them, so a retried job resumes.
    let cursor = 0;
    let done = start.rows_done;
    // Fresh statistics at the start and as the results table grows (see
    // analyzeForImport): after 10,000 rows, then each time the count doubles,
    // then every ANALYZE_EVERY rows.
    let analyzedAt = done;
    if (start.rows_valid - done >= ANALYZE_EVERY / 10) await repo.analyzeForImport(this.db);
    const applyBatch = async (staged: Awaited<ReturnType<typeof repo.stagedRowsAfter>>) => {
      const defs = await this.catalog.definitions();
      const first = staged[0]!.line;
      const last = staged[staged.length - 1]!.line;
      await this.db.transaction().execute(async (trx) => {
        const users = await repo.usersByCandidateNumber(
          trx,
          staged.map((r) => r.candidate_id),
        );
        const { outcomes, awardChanges } = await this.progress.upsertProviderResults(
          trx,
          actorUserId === null ? null : { userId: actorUserId },
          staged.map((r) => ({
            ref: r.registration_id,
            userId: users.get(r.candidate_id) ?? null,
            candidateRef: r.candidate_id,
            lastName: r.last_name,
            examId: r.exam_id,
            examVersion: r.exam_version,
            score: r.score,
            passed: r.passed,
            takenAt: r.taken_at,
          })),
          { provider: start.provider, source: 'import', reason: label, definitions: defs },
        );
        const count = (kind: string) => outcomes.filter((o) => o.kind === kind).length;
        await trx
          .updateTable('result_imports')
          .set((eb) => ({
            rows_done: eb('rows_done', '+', staged.length),
            created_count: eb('created_count', '+', count('created')),
            updated_count: eb('updated_count', '+', count('updated')),
            unchanged_count: eb('unchanged_count', '+', count('unchanged')),
            unclaimed_count: eb(
              'unclaimed_count',
              '+',
              outcomes.filter((o) => o.kind !== 'unchanged' && !o.claimed).length,
            ),
            awarded_count: eb(
              'awarded_count',
              '+',
              awardChanges.filter((c) => c.kind === 'awarded').length,
            ),
            applied_through_line: eb.fn('greatest', ['applied_through_line', eb.val(last)]),
          }))
          .where('id', '=', importId)
          .execute();
        await repo.deleteStagedBetween(trx, importId, first, last);
      });
      done += staged.length;
      if (done - analyzedAt >= Math.min(ANALYZE_EVERY, Math.max(10_000, analyzedAt))) {
        analyzedAt = done;
        await repo.analyzeForImport(this.db);
      }
      if (onProgress) await onProgress(done, start.rows_valid);
    };
    // Batches run side by side on PostgreSQL. Two batches with a candidate in
    // common take turns on that candidate's row (each locks its candidates in
    // id order first), as any two changes do.
    const running = new Set<Promise<void>>();
    let failure: unknown;
    for (;;) {
      if (failure) break;
      const staged = await repo.stagedRowsAfter(this.db, importId, cursor, APPLY_BATCH);
      if (staged.length === 0) break;
      cursor = staged[staged.length - 1]!.line;
      const work: Promise<void> = applyBatch(staged)
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => running.delete(work));
      running.add(work);
      if (running.size >= this.parallel) await Promise.race(running);
    }
    await Promise.all(running);
    if (failure) throw failure;
    const finished = await this.db.transaction().execute(async (trx) => {
      await repo.updateImport(trx, importId, { status: 'done', finished_at: new Date() });
      const row = (await repo.findImport(trx, importId))!;
      await recordAudit(trx, {
        actorUserId,
        action: 'results.import_applied',
        subjectType: 'result_import',
        subjectId: importId,
        details: {
          provider: row.provider,
          fileName: row.file_name,
          created: row.created_count,
          updated: row.updated_count,
          unchanged: row.unchanged_count,
          unclaimed: row.unclaimed_count,
          bad: row.rows_bad,
        },
      });
      return row;
    });
    return toImportView(finished);
  }

  /** The job: applies the import and reports progress on the job. */
  async runApplyJob(
    payload: { importId?: number },
    ctx: { setProgress(done: number, total: number, note?: string): Promise<void> },
  ): Promise<void> {
    const importId = Number(payload.importId);
    const current = await repo.findImport(this.db, importId);
    if (!current) return;
    try {
      await this.apply(importId, current.created_by, (done, total) => ctx.setProgress(done, total));
    } catch (error) {
      // The job is retried with backoff; until then the import shows as failed, with the error.
      await repo.updateImport(this.db, importId, {
        status: 'failed',
        last_error: String((error as Error).message ?? error).slice(0, 1000),
      });
      throw error;
    }
  }

  async get(id: number): Promise<ImportView | undefined> {
    const row = await repo.findImport(this.db, id);
    return row ? toImportView(row) : undefined;
  }

  async list(page: number, pageSize: number): Promise<{ rows: ImportView[]; total: number }> {
    const { rows, total } = await repo.listImports(this.db, pageSize, (page - 1) * pageSize);
    return { rows: rows.map(toImportView), total };
  }

  async problems(
    id: number,
    page: number,
    pageSize: number,
  ): Promise<{ rows: ProblemView[]; total: number }> {
    const [rows, total] = await Promise.all([
      repo.problemsOf(this.db, id, pageSize, (page - 1) * pageSize),
      repo.countProblems(this.db, id),
    ]);
    return {
      rows: rows.map((r) => ({
        line: r.line,
        column: r.column_name,
        messageKey: r.message_key,
        params: r.params,
      })),
      total,
    };
  }

  /** The first staged rows, for the preview before importing. */
  async preview(id: number): Promise<PreviewRow[]> {
    const defs = await this.catalog.definitions();
    const rows = await repo.stagedRowsAfter(this.db, id, 0, PREVIEW_ROWS);
    return rows.map((r) => ({
      line: r.line,
      registrationId: r.registration_id,
      candidateId: r.candidate_id,
      examCode: defs.examsById.get(r.exam_id)?.code ?? '',
      examVersion: r.exam_version,
      takenAt: r.taken_at,
      score: r.score,
      passed: r.passed,
    }));
  }

  /**
   * The bad rows as they were in the file, under the file's header, for
   * correcting and importing again. Yields text chunks (keyset pages).
   */
  async *badRows(id: number): AsyncGenerator<string> {
    const current = await repo.findImport(this.db, id);
    if (!current) return;
    if (current.header_line) yield `${current.header_line}\n`;
    let after = 0;
    for (;;) {
      const rows = await repo.badLinesAfter(this.db, id, after, 1000);
      if (rows.length === 0) return;
      yield rows.map((r) => `${r.raw ?? ''}\n`).join('');
      after = rows[rows.length - 1]!.line;
    }
  }

  /** Refuses an upload cut off at the size limit: nothing of it may be imported. */
  async refuseTooLarge(id: number, maxBytes: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await repo.deleteStaged(trx, id);
      await repo.updateImport(trx, id, { status: 'invalid', finished_at: new Date() });
      await repo.insertProblems(trx, [
        {
          import_id: id,
          line: 0,
          column_name: '',
          message_key: 'results.p.fileTooLarge',
          params: JSON.stringify({ mb: Math.round(maxBytes / 2 ** 20) }),
          raw: null,
        },
      ]);
    });
  }

  /** Cancels an import that was checked but not applied: its staged rows go. */
  async discard(id: number, actorUserId: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('result_imports')
        .select(['status'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw notFound();
      if (row.status !== 'ready') throw new AppError('IMPORT_NOT_READY', 409, 'results.v.notReady');
      await repo.deleteStaged(trx, id);
      await repo.updateImport(trx, id, { status: 'invalid', finished_at: new Date() });
      await recordAudit(trx, {
        actorUserId,
        action: 'results.import_discarded',
        subjectType: 'result_import',
        subjectId: id,
      });
    });
  }
}

/**
 * Which registration IDs a file has shown so far, as a bitmap of 2^25 hash
 * bits (4 MB, whatever the file's size): `check` says "new" for an ID not
 * seen before, and "maybe seen" for one that was (or, for about one row in
 * thirty of a million-row file, one that only shares a hash).
 */
class SeenFilter {
  private readonly bits = new Uint32Array(1 << 20);

  /** True when the ID may have been seen; records it either way. */
  check(id: string): boolean {
    // FNV-1a, 32 bits, keeping 25.
    let h = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) {
      h ^= id.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    const bit = (h >>> 0) & ((1 << 25) - 1);
    const word = bit >>> 5;
    const mask = 1 << (bit & 31);
    const hit = (this.bits[word]! & mask) !== 0;
    this.bits[word]! |= mask;
    return hit;
  }
}

export function examLookup(defs: ProgramDefinitions): (code: string) => ExamFacts | undefined {
  const cache = new Map<string, ExamFacts>();
  return (code) => {
    const hit = cache.get(code);
    if (hit) return hit;
    const exam = defs.exams.get(code);
    if (!exam) return undefined;
    const facts: ExamFacts = {
      id: exam.id,
      code: exam.code,
      scoreMin: exam.scoreMin,
      scoreMax: exam.scoreMax,
      passingScore: exam.passingScore,
      versions: exam.versions.map((v) => v.version),
    };
    cache.set(code, facts);
    return facts;
  };
}

function toImportView(row: NonNullable<Awaited<ReturnType<typeof repo.findImport>>>): ImportView {
  return {
    id: row.id,
    provider: row.provider,
    fileName: row.file_name,
    format: row.format,
    mode: row.mode,
    status: row.status,
    rowsTotal: row.rows_total,
    rowsValid: row.rows_valid,
    rowsBad: row.rows_bad,
    rowsNoShow: row.rows_no_show,
    rowsDone: row.rows_done,
    created: row.created_count,
    updated: row.updated_count,
    unchanged: row.unchanged_count,
    unclaimed: row.unclaimed_count,
    awarded: row.awarded_count,
    jobId: row.job_id,
    lastError: row.last_error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}
