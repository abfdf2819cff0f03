/**
 * Results files, pure: splitting a byte stream into records (tab- or
 * comma-separated, RFC 4180 quoting), recognising the header (a delivery
 * provider's `exam` file or Laurel's simple CSV) and checking each row. No
 * I/O, no clock (the caller passes `now`), no database (the caller passes
 * the exams). Every problem names a line, a column and a message key.
 */

/** A record longer than this is refused (and skipped to the next line break): memory stays flat. */
export const MAX_RECORD_CHARS = 16_384;
/** Identifiers (registration and candidate IDs) longer than this are refused. */
export const MAX_ID_CHARS = 64;
const MAX_NAME_CHARS = 200;
/** A date typed for "today" east of UTC may lie ahead of the server's clock. */
const FUTURE_TOLERANCE_MS = 36 * 3_600_000;

export type ProblemKey =
  | 'results.p.nulByte'
  | 'results.p.encoding'
  | 'results.p.tooLong'
  | 'results.p.columnCount'
  | 'results.p.missingColumn'
  | 'results.p.duplicateColumn'
  | 'results.p.empty'
  | 'results.p.required'
  | 'results.p.idTooLong'
  | 'results.p.nameTooLong'
  | 'results.p.unknownExam'
  | 'results.p.unknownVersion'
  | 'results.p.date'
  | 'results.p.dateFuture'
  | 'results.p.score'
  | 'results.p.scoreRange'
  | 'results.p.outcome'
  | 'results.p.outcomeRequired'
  | 'results.p.noShow'
  | 'results.p.duplicate'
  | 'results.p.unclosedQuote'
  | 'results.p.fileTooLarge';

export interface RowProblem {
  line: number;
  column: string;
  messageKey: ProblemKey;
  params?: Record<string, string | number>;
}

export interface RawRecord {
  /** The line the record starts on (1 is the header). */
  line: number;
  fields: string[];
  /** The record as it was in the file (for the download of bad rows). */
  raw: string;
  /** A problem found while splitting (NUL byte, bad encoding, too long, unclosed quote). */
  problem?: ProblemKey;
}

/**
 * Splits text into records, chunk by chunk. The delimiter is taken from the
 * first line (a tab there: tab-separated, else comma). Quoted fields may hold
 * delimiters, doubled quotes and line breaks. Feed it decoded text with
 * `push`, then call `end`.
 */
export class RecordSplitter {
  private delimiter: string | undefined;
  private fields: string[] = [];
  private field = '';
  private raw = '';
  private quoted = false;
  private afterQuote = false;
  private line = 1;
  private startLine = 1;
  private problem: ProblemKey | undefined;
  private skipping = false;
  private atStart = true;

  push(text: string, emit: (record: RawRecord) => void): void {
    let s = text;
    if (this.atStart) {
      if (s.length === 0) return;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      this.atStart = false;
    }
    if (this.delimiter === undefined) {
      // Wait for the first line break (or the end) to decide the delimiter.
      this.pending += s;
      const nl = this.pending.indexOf('\n');
      if (nl < 0 && this.pending.length < MAX_RECORD_CHARS) return;
      const first = nl < 0 ? this.pending : this.pending.slice(0, nl);
      this.delimiter = first.includes('\t') ? '\t' : ',';
      s = this.pending;
      this.pending = '';
    }
    this.scan(s, emit);
  }

  private pending = '';
  private quoteAtEnd = false;

  end(emit: (record: RawRecord) => void): void {
    if (this.delimiter === undefined) {
      this.delimiter = this.pending.includes('\t') ? '\t' : ',';
      const s = this.pending;
      this.pending = '';
      this.scan(s, emit);
    }
    if (this.quoteAtEnd) {
      this.quoteAtEnd = false;
      this.quoted = false;
    }
    if (this.quoted && !this.skipping) this.problem ??= 'results.p.unclosedQuote';
    if (this.raw.length > 0 || this.fields.length > 0 || this.field.length > 0) this.finish(emit);
  }

  get separator(): 'tab' | 'comma' {
    return this.delimiter === '\t' ? 'tab' : 'comma';
  }

  private scan(s: string, emit: (record: RawRecord) => void): void {
    const d = this.delimiter!;
    for (let i = 0; i < s.length; i++) {
      const ch = s[i]!;
      if (this.skipping) {
        // A record over the limit: drop everything up to the next line break.
        if (ch === '\n') {
          this.line++;
          this.skipping = false;
          this.quoted = false;
          this.finish(emit);
        }
        continue;
      }
      if (this.quoteAtEnd) {
        // The previous chunk ended on a quote inside a quoted field: escaped or closing?
        this.quoteAtEnd = false;
        if (ch === '"') {
          this.field += '"';
          this.raw += ch;
          continue;
        }
        this.quoted = false;
        this.afterQuote = true;
      }
      this.raw += ch;
      if (this.raw.length > MAX_RECORD_CHARS) {
        this.problem = 'results.p.tooLong';
        this.raw = this.raw.slice(0, 200);
        this.fields = [];
        this.field = '';
        this.skipping = true;
        if (ch === '\n') this.line++;
        continue;
      }
      if (ch === '\u0000') this.problem ??= 'results.p.nulByte';
      else if (ch === '\ufffd') this.problem ??= 'results.p.encoding';
      if (this.quoted) {
        if (ch === '"') {
          if (i + 1 === s.length) {
            this.quoteAtEnd = true;
          } else if (s[i + 1] === '"') {
            this.field += '"';
            this.raw += '"';
            i++;
          } else {
            this.quoted = false;
            this.afterQuote = true;
          }
        } else {
          if (ch === '\n') this.line++;
          this.field += ch;
        }
        continue;
      }
      if (ch === d) {
        this.fields.push(this.field);
        this.field = '';
        this.afterQuote = false;
      } else if (ch === '\n') {
        this.line++;
        this.raw = this.raw.slice(0, -1);
        if (this.field.endsWith('\r')) this.field = this.field.slice(0, -1);
        if (this.raw.endsWith('\r')) this.raw = this.raw.slice(0, -1);
        this.finish(emit);
      } else if (ch === '"' && this.field.length === 0 && !this.afterQuote) {
        this.quoted = true;
      } else {
        this.field += ch;
      }
    }
  }

  private finish(emit: (record: RawRecord) => void): void {
    this.fields.push(this.field);
    // PostgreSQL text cannot hold NUL: the raw line keeps a visible mark instead.
    const raw =
      this.problem === 'results.p.nulByte' ? this.raw.replaceAll('\u0000', '\ufffd') : this.raw;
    const record: RawRecord = { line: this.startLine, fields: this.fields, raw };
    if (this.problem) record.problem = this.problem;
    // Blank lines are skipped (but counted as lines).
    if (this.problem || this.raw.trim().length > 0) emit(record);
    this.fields = [];
    this.field = '';
    this.raw = '';
    this.problem = undefined;
    this.afterQuote = false;
    this.startLine = this.line;
  }
}

// ---------------------------------------------------------------- the header

export type Field =
  | 'registrationId'
  | 'candidateId'
  | 'lastName'
  | 'examCode'
  | 'examVersion'
  | 'takenAt'
  | 'passingScore'
  | 'score'
  | 'outcome'
  | 'noShow';

/** Column names (compared without case, spaces, dashes and underscores) and the field each fills. */
const ALIASES: Record<string, Field> = {
  registrationid: 'registrationId',
  clientcandidateid: 'candidateId',
  candidateid: 'candidateId',
  lastname: 'lastName',
  candidatelastname: 'lastName',
  examseriescode: 'examCode',
  examcode: 'examCode',
  examrevision: 'examVersion',
  examversion: 'examVersion',
  examdate: 'takenAt',
  takenon: 'takenAt',
  takenat: 'takenAt',
  passingscore: 'passingScore',
  score: 'score',
  grade: 'outcome',
  passed: 'outcome',
  noshow: 'noShow',
};

const REQUIRED: Field[] = ['registrationId', 'candidateId', 'examCode', 'takenAt'];

export interface Header {
  format: 'provider' | 'simple';
  /** Column index of each field present. */
  columns: Partial<Record<Field, number>>;
  /** The column names as written in the file, for problems. */
  names: string[];
  width: number;
}

export function normalizeColumnName(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/** Reads the header record: the columns found, or the problems that stop the whole file. */
export function readHeader(record: RawRecord): { header?: Header; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  if (record.problem) {
    return { problems: [{ line: record.line, column: '', messageKey: record.problem }] };
  }
  const names = record.fields.map((f) => f.trim());
  const columns: Partial<Record<Field, number>> = {};
  names.forEach((name, index) => {
    const field = ALIASES[normalizeColumnName(name)];
    if (!field) return; // Other columns of the vendor's file (TCID, Form, ...) are ignored.
    if (columns[field] !== undefined) {
      problems.push({ line: record.line, column: name, messageKey: 'results.p.duplicateColumn' });
    } else {
      columns[field] = index;
    }
  });
  // The simple CSV writes its columns in lower case with underscores; the vendor's file in CamelCase.
  const format: Header['format'] = names.some(
    (n) => ALIASES[normalizeColumnName(n)] && /[A-Z]/.test(n),
  )
    ? 'provider'
    : 'simple';
  const label = (field: Field) => columnLabel(format, field);
  for (const field of REQUIRED) {
    if (columns[field] === undefined) {
      problems.push({
        line: record.line,
        column: label(field),
        messageKey: 'results.p.missingColumn',
      });
    }
  }
  if (columns.score === undefined && columns.outcome === undefined) {
    problems.push({
      line: record.line,
      column: label('score'),
      messageKey: 'results.p.missingColumn',
    });
  }
  if (problems.length > 0) return { problems };
  return { header: { format, columns, names, width: names.length }, problems };
}

const PROVIDER_NAMES: Record<Field, string> = {
  registrationId: 'RegistrationID',
  candidateId: 'ClientCandidateID',
  lastName: 'LastName',
  examCode: 'ExamSeriesCode',
  examVersion: 'ExamRevision',
  takenAt: 'ExamDate',
  passingScore: 'PassingScore',
  score: 'Score',
  outcome: 'Grade',
  noShow: 'NoShow',
};
const SIMPLE_NAMES: Record<Field, string> = {
  registrationId: 'registration_id',
  candidateId: 'candidate_id',
  lastName: 'last_name',
  examCode: 'exam_code',
  examVersion: 'exam_version',
  takenAt: 'taken_on',
  passingScore: 'passing_score',
  score: 'score',
  outcome: 'passed',
  noShow: 'no_show',
};

export function columnLabel(format: Header['format'], field: Field): string {
  return (format === 'provider' ? PROVIDER_NAMES : SIMPLE_NAMES)[field];
}

// ---------------------------------------------------------------- one row

/** What a row needs to know about an exam. */
export interface ExamFacts {
  id: number;
  code: string;
  scoreMin: number;
  scoreMax: number;
  passingScore: number;
  /** Known version labels; empty: any version (or none) is accepted. */
  versions: readonly string[];
}

export interface ResultRow {
  line: number;
  registrationId: string;
  candidateId: string;
  lastName: string | null;
  examId: number;
  examCode: string;
  examVersion: string | null;
  score: number | null;
  passed: boolean;
  takenAt: Date;
}

export type RowOutcome =
  | { kind: 'row'; row: ResultRow }
  | { kind: 'noShow'; line: number }
  | { kind: 'bad'; problems: RowProblem[] };

const TRUE = new Set(['true', 'yes', 'y', '1', 't']);
const FALSE = new Set(['false', 'no', 'n', '0', 'f', '']);
const PASS = new Set(['pass', 'passed', 'p', 'true', 'yes', 'y', '1']);
const FAIL = new Set(['fail', 'failed', 'f', 'false', 'no', 'n', '0']);

/** Checks one data record against the header and the exams; every problem, not just the first. */
export function readRow(
  record: RawRecord,
  header: Header,
  exams: (code: string) => ExamFacts | undefined,
  now: Date,
): RowOutcome {
  const line = record.line;
  const label = (field: Field) =>
    header.names[header.columns[field]!] ?? columnLabel(header.format, field);
  if (record.problem) {
    return { kind: 'bad', problems: [{ line, column: '', messageKey: record.problem }] };
  }
  const problems: RowProblem[] = [];
  if (record.fields.length !== header.width) {
    problems.push({
      line,
      column: '',
      messageKey: 'results.p.columnCount',
      params: { expected: header.width, found: record.fields.length },
    });
    return { kind: 'bad', problems };
  }
  const value = (field: Field): string => {
    const index = header.columns[field];
    return index === undefined ? '' : (record.fields[index] ?? '').trim();
  };
  const add = (field: Field, messageKey: ProblemKey, params?: Record<string, string | number>) =>
    problems.push({ line, column: label(field), messageKey, ...(params ? { params } : {}) });

  const noShowText = value('noShow').toLowerCase();
  if (!TRUE.has(noShowText) && !FALSE.has(noShowText)) add('noShow', 'results.p.noShow');
  const noShow = TRUE.has(noShowText);

  const registrationId = value('registrationId');
  if (!registrationId) add('registrationId', 'results.p.required');
  else if (registrationId.length > MAX_ID_CHARS)
    add('registrationId', 'results.p.idTooLong', { max: MAX_ID_CHARS });
  const candidateId = value('candidateId');
  if (!candidateId) add('candidateId', 'results.p.required');
  else if (candidateId.length > MAX_ID_CHARS)
    add('candidateId', 'results.p.idTooLong', { max: MAX_ID_CHARS });
  const lastName = value('lastName');
  if (lastName.length > MAX_NAME_CHARS)
    add('lastName', 'results.p.nameTooLong', { max: MAX_NAME_CHARS });

  const code = value('examCode').toUpperCase();
  const exam = code ? exams(code) : undefined;
  if (!code) add('examCode', 'results.p.required');
  else if (!exam) add('examCode', 'results.p.unknownExam', { code: value('examCode') });
  const version = value('examVersion') || null;
  if (exam && version && exam.versions.length > 0 && !exam.versions.includes(version)) {
    add('examVersion', 'results.p.unknownVersion', { version, code: exam.code });
  }

  const takenText = value('takenAt');
  const takenAt = takenText ? parseResultDate(takenText) : undefined;
  if (!takenText) add('takenAt', 'results.p.required');
  else if (!takenAt) add('takenAt', 'results.p.date', { value: takenText });
  else if (takenAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS)
    add('takenAt', 'results.p.dateFuture');

  const scoreText = value('score');
  let score: number | null = null;
  if (scoreText) {
    if (!/^-?\d{1,9}$/.test(scoreText)) add('score', 'results.p.score', { value: scoreText });
    else {
      score = Number(scoreText);
      if (exam && (score < exam.scoreMin || score > exam.scoreMax)) {
        add('score', 'results.p.scoreRange', { min: exam.scoreMin, max: exam.scoreMax });
      }
    }
  }
  const passingText = value('passingScore');
  let passingScore: number | undefined;
  if (passingText) {
    if (!/^-?\d{1,9}$/.test(passingText))
      add('passingScore', 'results.p.score', { value: passingText });
    else passingScore = Number(passingText);
  }
  const outcomeText = value('outcome').toLowerCase();
  let passed: boolean | undefined;
  if (outcomeText) {
    if (PASS.has(outcomeText)) passed = true;
    else if (FAIL.has(outcomeText)) passed = false;
    else add('outcome', 'results.p.outcome', { value: value('outcome') });
  } else if (score !== null && exam) {
    passed = score >= (passingScore ?? exam.passingScore);
  }
  if (noShow) {
    // A no-show is not an attempt with a result: it is counted and skipped.
    return problems.length > 0 ? { kind: 'bad', problems } : { kind: 'noShow', line };
  }
  if (passed === undefined && !scoreText && !outcomeText) {
    add(header.columns.score !== undefined ? 'score' : 'outcome', 'results.p.outcomeRequired');
  }
  if (problems.length > 0 || !exam || !takenAt || passed === undefined) {
    return { kind: 'bad', problems };
  }
  return {
    kind: 'row',
    row: {
      line,
      registrationId,
      candidateId,
      lastName: lastName || null,
      examId: exam.id,
      examCode: exam.code,
      examVersion: version,
      score,
      passed,
      takenAt,
    },
  };
}

const DATE_RE =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A result date: `YYYY-MM-DD` or `YYYY/MM/DD`, optionally with a time
 * (`HH:MM[:SS]`) and a zone (`Z`, `+02:00`); without a zone, UTC.
 * Impossible dates (31 February) and years before 1970 are refused.
 */
export function parseResultDate(text: string): Date | undefined {
  const m = DATE_RE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (
    year < 1970 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day) return undefined;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
    if (offset > 14 * 60) return undefined;
    ms -= sign * offset * 60_000;
  }
  return new Date(ms);
}

/** A last name as compared for claiming: without case, accents, spaces, dashes or apostrophes. */
export function normalizeLastName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s'’`´.-]+/g, '');
}

/** A tab-separated field: tabs and line breaks inside it become spaces. */
export function tsvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(/[\t\r\n]+/g, ' ');
}
