import { Readable } from 'node:stream';
import type { App } from '../app.ts';
import { ago, calendarDate } from './dates.ts';

/**
 * The results part of the demo: a results file from the fictional delivery
 * provider `vue`, imported as a program manager would (practice assessments
 * of three candidates, a no-show, and a DevOps pass for a candidate ID
 * Laurel does not know: casey can claim it from /history with registration
 * ID `VUE-DEMO-4471` and last name `Nakamura`), and one exam authorization
 * for the authorizations export.
 */
export const DEMO_UNCLAIMED = { registrationId: 'VUE-DEMO-4471', lastName: 'Nakamura' };

export async function seedResults(
  app: App,
  ids: ReadonlyMap<string, number>,
  now: Date,
): Promise<void> {
  const { db } = app.platform;
  const numbers = new Map(
    (await db.selectFrom('users').select(['id', 'candidate_number']).execute()).map((u) => [
      u.id,
      u.candidate_number,
    ]),
  );
  const number = (username: string) =>
    numbers.get(ids.get(username) ?? -1) ?? `UNKNOWN-${username}`;
  const when = (months: number, days: number) =>
    ago(now, months, days, 9).toISOString().slice(0, 19).replace('T', ' ').replaceAll('-', '/');
  const header = [
    'RegistrationID',
    'ClientCandidateID',
    'TCID',
    'ExamSeriesCode',
    'ExamRevision',
    'ExamDate',
    'PassingScore',
    'Score',
    'Grade',
    'NoShow',
    'LastName',
  ];
  const rows = [
    [
      'VUE-DEMO-4402',
      number('casey'),
      '80412',
      'PRC-100',
      '',
      when(3, 2),
      '600',
      '742',
      'pass',
      'false',
      'Nakamura',
    ],
    [
      'VUE-DEMO-4410',
      number('priya'),
      '80412',
      'PRC-100',
      '',
      when(2, 20),
      '600',
      '811',
      'pass',
      'false',
      'Raman',
    ],
    [
      'VUE-DEMO-4433',
      number('jordan'),
      '80977',
      'PRC-100',
      '',
      when(1, 9),
      '600',
      '540',
      'fail',
      'false',
      'Achterberg',
    ],
    [
      'VUE-DEMO-4450',
      number('mei'),
      '80977',
      'DEV-240',
      '1.0',
      when(0, 12),
      '',
      '',
      '',
      'true',
      'Tanaka',
    ],
    [
      DEMO_UNCLAIMED.registrationId,
      'VUE-CAND-20931',
      '80412',
      'DEV-240',
      '1.0',
      when(0, 5),
      '700',
      '768',
      'pass',
      'false',
      DEMO_UNCLAIMED.lastName,
    ],
  ];
  const file = `${[header, ...rows].map((r) => r.join('\t')).join('\r\n')}\r\n`;
  const morgan = ids.get('morgan') ?? null;
  const imports = app.results.imports;
  const id = await imports.stage(Readable.from([Buffer.from(file)]), {
    provider: 'vue',
    fileName: 'vue-results-demo.txt',
    mode: 'all_or_nothing',
    actorUserId: morgan,
  });
  await imports.apply(id, morgan);

  const casey = number('casey');
  await app.results.exports.authorize(morgan, {
    candidateNumber: casey,
    examCode: 'ACS-201',
    eligibleFrom: calendarDate(now),
    eligibleUntil: calendarDate(new Date(now.getTime() + 180 * 86_400_000)),
  });
}
