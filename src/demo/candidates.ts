import type { App } from '../app.ts';
import type { Actor } from '../features/progress/index.ts';
// The evidence service is built inside the progress feature's pages and not
// exported from its index; the demo builds one the same way to file a
// submission as a candidate would.
import { EvidenceService } from '../features/progress/evidence.service.ts';
import { DEMO_AGREEMENT, DEMO_EXAMS } from './program.ts';
import { ago, calendarDate, monthsAgo } from './dates.ts';

/**
 * The demo candidates and what each has done, as plain data: every fact is
 * dated "so many months and days ago", and recorded through the progress
 * service, which awards, renews and expires credentials exactly as it would
 * for real candidates. The resulting stage of each is in `stage`.
 */

/** Months and days before the seed (negative days move forward). */
export type When = readonly [months: number, days: number];

export type DemoFact =
  | { kind: 'agreement'; at: When; version: number }
  | { kind: 'result'; at: When; exam: string; score: number; manualReason?: string }
  | { kind: 'training'; at: When; course: string }
  | { kind: 'credits'; at: When; category: string; amount: number; reason: string };

export type DemoStage =
  'nothing yet' | 'half-way' | 'certified' | 'expiring soon' | 'expired' | 'mixed';

export interface DemoCandidate {
  username: string;
  givenName: string;
  familyName: string;
  email: string;
  country: string;
  stage: DemoStage;
  /** What a newcomer sees when signed in as this candidate. */
  story: string;
  facts: readonly DemoFact[];
  /** A pending evidence submission (credits), for a program manager to decide. */
  pendingEvidence?: {
    category: string;
    amount: number;
    daysAgo: number;
    /** The event, as the certificate of attendance names it. */
    event: string;
    description: string;
    fileName: string;
  };
}

/** Every extra demo candidate signs in with this passphrase (as `casey` does). */
export const DEMO_CANDIDATE_PASSWORD = 'demo candidate passphrase';

/** `casey` (created with the other accounts in seed.ts) and the extra candidates. */
export const DEMO_STORIES: readonly DemoCandidate[] = [
  {
    username: 'casey',
    givenName: 'Casey',
    familyName: 'Nakamura',
    email: 'casey@example.com',
    country: 'US',
    stage: 'mixed',
    story:
      'Analytics accreditation (CAA) active; Associate (CCA) expires in about 45 days, 20 of the 30 renewal credits earned and 10 more waiting for approval; Professional architect (CCP-ARCH) half-way after a failed SEC-220 (retake in a few days).',
    facts: [
      { kind: 'agreement', at: [23, 20], version: 1 },
      { kind: 'result', at: [23, 10], exam: 'PRC-100', score: 640 },
      { kind: 'result', at: [23, 0], exam: 'ACS-101', score: 655 },
      { kind: 'result', at: [22, 15], exam: 'ACS-101', score: 742 },
      {
        kind: 'credits',
        at: [10, 0],
        category: 'CE-TECH',
        amount: 8,
        reason: 'Corvid re:Connect conference, eight sessions attended (organizer list).',
      },
      { kind: 'agreement', at: [7, 0], version: 2 },
      { kind: 'training', at: [5, 10], course: 'ANA-100' },
      { kind: 'result', at: [5, 0], exam: 'ANA-150', score: 720 },
      { kind: 'result', at: [4, 0], exam: 'ACS-201', score: 781 },
      {
        kind: 'credits',
        at: [2, 0],
        category: 'CE-TECH',
        amount: 12,
        reason: 'Corvid webinar series on serverless design (attendance report).',
      },
      { kind: 'result', at: [0, 10], exam: 'SEC-220', score: 690 },
    ],
    pendingEvidence: {
      category: 'CE-TECH',
      amount: 10,
      daysAgo: 20,
      event: 'the Corvid Architecture Summit',
      description:
        'Corvid Architecture Summit: two days of technical sessions (certificate attached).',
      fileName: 'architecture-summit-attendance.pdf',
    },
  },
  {
    username: 'robin',
    givenName: 'Robin',
    familyName: 'Achterberg',
    email: 'robin@example.com',
    country: 'NL',
    stage: 'nothing yet',
    story: 'A new account: no exams, no credentials yet.',
    facts: [],
  },
  {
    username: 'jordan',
    givenName: 'Jordan',
    familyName: 'Mensah',
    email: 'jordan@example.com',
    country: 'GH',
    stage: 'half-way',
    story:
      'No credential yet: analytics accreditation (CAA) two of three done (course and agreement, the ANA-150 assessment left); failed ACS-101 once and may retake it.',
    facts: [
      { kind: 'agreement', at: [1, 20], version: 2 },
      { kind: 'result', at: [1, 15], exam: 'PRC-100', score: 700 },
      { kind: 'training', at: [1, 5], course: 'ANA-100' },
      { kind: 'result', at: [0, 20], exam: 'ACS-101', score: 668 },
    ],
  },
  {
    username: 'priya',
    givenName: 'Priya',
    familyName: 'Raman',
    email: 'priya@example.com',
    country: 'IN',
    stage: 'certified',
    story:
      'Expert architect (CCE-ARCH) two months ago; earning it renewed her Professional (CCP-ARCH), which in turn renewed her Associate (CCA): a stacked program.',
    facts: [
      { kind: 'agreement', at: [22, 0], version: 1 },
      { kind: 'result', at: [21, 10], exam: 'ACS-101', score: 835 },
      { kind: 'result', at: [15, 0], exam: 'ACS-201', score: 802 },
      { kind: 'result', at: [13, 20], exam: 'NET-230', score: 768 },
      { kind: 'agreement', at: [7, 15], version: 2 },
      { kind: 'training', at: [4, 0], course: 'ARC-300' },
      { kind: 'result', at: [3, 10], exam: 'ACS-310', score: 791 },
      { kind: 'result', at: [2, 0], exam: 'ARC-350', score: 842 },
    ],
  },
  {
    username: 'mei',
    givenName: 'Mei',
    familyName: 'Tanaka',
    email: 'mei@example.com',
    country: 'JP',
    stage: 'certified',
    story:
      'Professional operations (CCP-OPS, renewed last month by the ACS-R01 recertification exam), security specialist (CCS-SEC) and Associate (CCA, renewed by continuing-education credits, then by CCP-OPS).',
    facts: [
      { kind: 'agreement', at: [17, 0], version: 1 },
      { kind: 'result', at: [16, 20], exam: 'ACS-101', score: 768 },
      { kind: 'result', at: [14, 0], exam: 'ACS-210', score: 745 },
      { kind: 'result', at: [13, 0], exam: 'DEV-240', score: 812 },
      { kind: 'training', at: [12, 10], course: 'OPS-200' },
      { kind: 'result', at: [9, 0], exam: 'SEC-220', score: 846 },
      {
        kind: 'credits',
        at: [6, 0],
        category: 'CE-TECH',
        amount: 35,
        reason: 'Corvid Developer Days, talks given and workshops attended (organizer letter).',
      },
      {
        kind: 'credits',
        at: [3, 0],
        category: 'CE-SEC',
        amount: 12,
        reason: 'Incident response tabletop exercise, Corvid security team.',
      },
      {
        kind: 'result',
        at: [1, 0],
        exam: 'ACS-R01',
        score: 790,
        manualReason: 'Entered from the provider score report during the results feed outage.',
      },
    ],
  },
  {
    username: 'tomas',
    givenName: 'Tomás',
    familyName: 'Herrera',
    email: 'tomas@example.com',
    country: 'MX',
    stage: 'expiring soon',
    story:
      'Associate (CCA) expires in 18 days, with no renewal in sight (no credits, no Professional yet); failed ACS-210 three months ago.',
    facts: [
      { kind: 'result', at: [24, 10], exam: 'PRC-100', score: 710 },
      { kind: 'agreement', at: [24, 5], version: 1 },
      { kind: 'result', at: [24, -18], exam: 'ACS-101', score: 721 },
      { kind: 'result', at: [3, 0], exam: 'ACS-210', score: 702 },
    ],
  },
  {
    username: 'lena',
    givenName: 'Lena',
    familyName: 'Fischer',
    email: 'lena@example.com',
    country: 'DE',
    stage: 'expired',
    story:
      'Associate (CCA) expired two months ago (earned 26 months ago, never renewed); to earn it again she must pass ACS-101 again.',
    facts: [
      { kind: 'agreement', at: [27, 0], version: 1 },
      { kind: 'result', at: [26, 0], exam: 'ACS-101', score: 776 },
      { kind: 'result', at: [20, 0], exam: 'ACS-201', score: 690 },
    ],
  },
];

/** The extra candidates (all but `casey`, who is one of the role accounts). */
export const MORE_CANDIDATES: readonly DemoCandidate[] = DEMO_STORIES.filter(
  (c) => c.username !== 'casey',
);

/** The exam version on sale at `at` (the latest that had started), if the exam has versions. */
function versionAt(examCode: string, at: Date, now: Date): string | undefined {
  const exam = DEMO_EXAMS.find((e) => e.code === examCode);
  const day = calendarDate(at);
  let found: string | undefined;
  for (const v of exam?.versions ?? []) {
    const from = calendarDate(monthsAgo(now, v.fromMonthsAgo));
    const until =
      v.untilMonthsAgo === undefined ? undefined : calendarDate(monthsAgo(now, v.untilMonthsAgo));
    if (from <= day && (until === undefined || day <= until)) found = v.version;
  }
  return found;
}

/**
 * Records one candidate's facts, oldest first, in one transaction (each
 * fact re-evaluates the candidate, as it would have happened). `manager`
 * records the hand-entered facts; exams arrive from the delivery provider,
 * assessments through the API, courses from the training partners' import.
 */
export async function recordStory(
  app: App,
  userId: number,
  story: DemoCandidate,
  manager: Actor,
  now: Date,
): Promise<void> {
  if (story.facts.length === 0) return;
  const progress = app.progress;
  const self: Actor = { userId };
  await app.platform.db.transaction().execute(async (trx) => {
    for (const fact of story.facts) {
      const at = ago(now, fact.at[0], fact.at[1], fact.kind === 'result' ? 10 : 14);
      switch (fact.kind) {
        case 'agreement':
          await progress.recordAgreement(
            self,
            userId,
            {
              agreementCode: DEMO_AGREEMENT.code,
              version: fact.version,
              acceptedAt: at,
              source: 'candidate',
            },
            trx,
          );
          break;
        case 'training':
          await progress.recordTraining(
            null,
            userId,
            {
              courseCode: fact.course,
              completedAt: at,
              source: 'import',
              reason: 'Training partner completion roster.',
            },
            trx,
          );
          break;
        case 'credits':
          await progress.recordCredits(
            manager,
            userId,
            {
              categoryCode: fact.category,
              amount: fact.amount,
              earnedAt: at,
              source: 'manual',
              reason: fact.reason,
            },
            trx,
          );
          break;
        case 'result': {
          const exam = DEMO_EXAMS.find((e) => e.code === fact.exam);
          const version = versionAt(fact.exam, at, now);
          await progress.recordResult(
            fact.manualReason ? manager : null,
            userId,
            {
              examCode: fact.exam,
              ...(version ? { examVersion: version } : {}),
              score: fact.score,
              takenAt: at,
              source: fact.manualReason
                ? 'manual'
                : exam?.kind === 'assessment'
                  ? 'api'
                  : 'provider',
              reason: fact.manualReason ?? '',
            },
            trx,
          );
          break;
        }
      }
    }
  });
}

/** Files the story's pending evidence as the candidate would: a small PDF certificate of attendance. */
export async function submitPendingEvidence(
  app: App,
  userId: number,
  story: DemoCandidate,
  now: Date,
): Promise<void> {
  const pending = story.pendingEvidence;
  if (!pending) return;
  const evidence = new EvidenceService(app.platform.db, app.catalog, app.progress, app.accounts);
  const occurredOn = calendarDate(ago(now, 0, pending.daysAgo));
  const outcome = await evidence.submit(
    userId,
    {
      kind: 'credits',
      category: pending.category,
      amount: String(pending.amount),
      occurredOn,
      description: pending.description,
      file: {
        name: pending.fileName,
        declaredType: 'application/pdf',
        bytes: attendancePdf(
          `${story.givenName} ${story.familyName}`,
          pending.event,
          pending.amount,
          occurredOn,
        ),
        truncated: false,
      },
    },
    calendarDate(now),
  );
  if (!outcome.ok) {
    throw new Error(`The demo evidence was refused: ${JSON.stringify(outcome.problems)}`);
  }
}

/** A one-page PDF (PDF 1.4, Helvetica) certifying attendance: valid, tiny, made on the spot. */
export function attendancePdf(
  name: string,
  event: string,
  credits: number,
  date: string,
): Uint8Array {
  const ascii = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/[\\()]/g, (c) => `\\${c}`);
  const lines = [
    ['F2', 24, 'Certificate of attendance'],
    ['F1', 14, `This certifies that ${ascii(name)} attended ${ascii(event)}`],
    ['F1', 14, `ending on ${date}, for ${credits} continuing-education credits.`],
    ['F1', 11, 'Corvid Events Team - events@corvid.example'],
  ] as const;
  let y = 720;
  const content = lines
    .map(([font, size, text]) => {
      const line = `BT /${font} ${size} Tf 72 ${y} Td (${text}) Tj ET`;
      y -= size * 2.2;
      return line;
    })
    .join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(pdf);
}
