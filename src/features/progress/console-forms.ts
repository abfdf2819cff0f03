import type { FieldProblem } from '../../platform/http/errors.ts';

/**
 * Reading the console's forms: strings in, typed values or one problem per
 * field out. Pure. The service then checks meaning (known codes, score on
 * the exam's scale) and answers with its own field problems.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today's calendar date, `YYYY-MM-DD`, in a time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/**
 * A calendar date as the start of that day in UTC; a date after today (in
 * the staff member's time zone) is refused. The service keeps "today" from
 * lying ahead of its clock.
 */
export function readDate(
  raw: string | undefined,
  field: string,
  problems: FieldProblem[],
  today: string,
): Date | undefined {
  const value = (raw ?? '').trim();
  if (!value) {
    problems.push({ field, messageKey: 'progress.v.dateRequired' });
    return undefined;
  }
  const m = DATE.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !date || date.toISOString().slice(0, 10) !== value || Number(m[1]) < 1900) {
    problems.push({ field, messageKey: 'progress.v.date' });
    return undefined;
  }
  if (value > today) {
    problems.push({ field, messageKey: 'progress.v.dateFuture' });
    return undefined;
  }
  return date;
}

export function readReason(
  raw: string | undefined,
  field: string,
  problems: FieldProblem[],
): string {
  const value = (raw ?? '').trim();
  if (!value) problems.push({ field, messageKey: 'progress.v.reasonRequired' });
  return value;
}

/** A whole number, or undefined for a blank field. */
export function readWholeNumber(
  raw: string | undefined,
  field: string,
  problems: FieldProblem[],
  messageKey: FieldProblem['messageKey'],
  params?: Record<string, string | number>,
): number | undefined {
  const value = (raw ?? '').trim().replace(/[\s,]/g, '');
  if (!value) return undefined;
  if (!/^-?\d{1,9}$/.test(value)) {
    problems.push(params ? { field, messageKey, params } : { field, messageKey });
    return undefined;
  }
  return Number(value);
}

export function readAmount(
  raw: string | undefined,
  field: string,
  problems: FieldProblem[],
): number | undefined {
  const value = (raw ?? '').trim();
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(value) || Number(value) <= 0) {
    problems.push({ field, messageKey: 'progress.v.amount' });
    return undefined;
  }
  return Number(value);
}

/** 'passed' | 'failed' | anything else: from the score. */
export function readOutcome(raw: string | undefined): boolean | undefined {
  if (raw === 'passed') return true;
  if (raw === 'failed') return false;
  return undefined;
}

/** The ISO date (`YYYY-MM-DD`) of a moment, for re-filling date fields. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
