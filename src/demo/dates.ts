/**
 * Dates of the demo, counted back from the moment it is seeded, so that the
 * program looks alive whenever it is: "passed 22 months and 15 days ago".
 */

const DAY_MS = 86_400_000;

/**
 * `months` calendar months before `date`, at the same UTC time; a day the
 * target month lacks becomes its last day (as the awarding engine counts
 * validity, so a pass dated `monthsAgo(now, 24)` expires about now).
 */
export function monthsAgo(date: Date, months: number): Date {
  const target = new Date(date.getTime());
  const day = target.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() - months);
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

/**
 * `months` months and `days` days before `now` (a negative `days` moves
 * forward), at `hour`:00 UTC that day, as exams and courses happen in
 * office hours. Never later than `now`.
 */
export function ago(now: Date, months: number, days = 0, hour = 14): Date {
  const d = new Date(monthsAgo(now, months).getTime() - days * DAY_MS);
  d.setUTCHours(hour, 0, 0, 0);
  return d.getTime() > now.getTime() ? new Date(now.getTime()) : d;
}

/** `YYYY-MM-DD` of the instant in UTC. */
export function calendarDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
