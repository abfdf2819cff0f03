import type { App } from '../app.ts';
import type {
  CatalogActor,
  CredentialKind,
  Delivery,
  ExamKind,
  PublicationStatus,
} from '../features/catalog/index.ts';
import type { RequirementNode } from '../features/progress/index.ts';
import { calendarDate, monthsAgo } from './dates.ts';

/**
 * The demo catalog of the fictional vendor Corvid, as plain data: exams and
 * assessments, training courses, the candidate agreement, continuing-education
 * credit categories and credentials with their requirement trees. Dates are
 * "so many months ago", so the program looks alive whenever it is seeded.
 * `seedProgram` creates all of it through the catalog service, so the
 * catalog's validation and audit apply.
 */

export interface DemoExam {
  code: string;
  title: string;
  description: string;
  kind: ExamKind;
  delivery: Delivery[];
  passingScore: number;
  languages: string[];
  durationMinutes: number;
  /** US dollars; null: free. */
  priceUsd: number | null;
  retake: {
    waitDaysFirst: number;
    waitDaysLater: number;
    maxPerYear: number | null;
    afterPass: boolean;
  };
  /** Available from so many months ago, until so many months ago (retired) or still. */
  versions: { version: string; fromMonthsAgo: number; untilMonthsAgo?: number }[];
}

export interface DemoCoded {
  code: string;
  title: string;
  description: string;
}

export interface DemoAgreement extends DemoCoded {
  versions: { effectiveMonthsAgo: number; body: string }[];
}

export interface DemoCredential {
  code: string;
  name: string;
  kind: CredentialKind;
  level: 'Associate' | 'Professional' | 'Expert';
  levelRank: number;
  description: string;
  validityMonths: number | null;
  recertification: {
    requirementsAgain?: boolean;
    exams?: string[];
    higherCredentials?: string[];
    credits?: { category: string; minimum: number };
  };
  status: PublicationStatus;
  requirements: { effectiveMonthsAgo: number; note: string; tree: RequirementNode }[];
}

// ------------------------------------------------------------------ exams and assessments

const PROCTORED: Delivery[] = ['test_center', 'online_proctored'];
const STANDARD_RETAKE = { waitDaysFirst: 14, waitDaysLater: 30, maxPerYear: 4, afterPass: false };
const ASSESSMENT_RETAKE = { waitDaysFirst: 1, waitDaysLater: 1, maxPerYear: null, afterPass: true };
const MAIN_LANGUAGES = ['en', 'de', 'es', 'fr', 'ja', 'pt-BR', 'zh-Hans'];

export const DEMO_EXAMS: readonly DemoExam[] = [
  {
    code: 'ACS-101',
    title: 'Corvid Cloud Foundations',
    description:
      'Core services, pricing, shared responsibility and the Corvid console: the entry exam of the program.',
    kind: 'exam',
    delivery: PROCTORED,
    passingScore: 700,
    languages: [...MAIN_LANGUAGES, 'ko'],
    durationMinutes: 90,
    priceUsd: 150,
    retake: STANDARD_RETAKE,
    versions: [
      { version: '1.0', fromMonthsAgo: 72, untilMonthsAgo: 20 },
      { version: '2.0', fromMonthsAgo: 20 },
    ],
  },
  {
    code: 'PRC-100',
    title: 'Cloud Foundations Practice Assessment',
    description:
      'A free practice run for ACS-101, with feedback per topic. Counts towards nothing.',
    kind: 'assessment',
    delivery: ['web'],
    passingScore: 600,
    languages: ['en', 'de', 'es', 'fr', 'ja'],
    durationMinutes: 30,
    priceUsd: null,
    retake: { waitDaysFirst: 0, waitDaysLater: 0, maxPerYear: null, afterPass: true },
    versions: [{ version: '1.0', fromMonthsAgo: 60 }],
  },
  {
    code: 'ANA-150',
    title: 'Cloud Analytics Fundamentals Assessment',
    description:
      'A web assessment of querying, dashboards and data pipelines on Corvid Cloud, taken after the ANA-100 course.',
    kind: 'assessment',
    delivery: ['web'],
    passingScore: 650,
    languages: ['en', 'es', 'pt-BR'],
    durationMinutes: 45,
    priceUsd: null,
    retake: ASSESSMENT_RETAKE,
    versions: [{ version: '1.0', fromMonthsAgo: 48 }],
  },
  {
    code: 'ACS-201',
    title: 'Designing Solutions on Corvid Cloud',
    description:
      'Designing resilient, secure and cost-aware architectures for common workloads, from case studies.',
    kind: 'exam',
    delivery: PROCTORED,
    passingScore: 720,
    languages: ['en', 'de', 'ja', 'pt-BR', 'zh-Hans'],
    durationMinutes: 130,
    priceUsd: 200,
    retake: STANDARD_RETAKE,
    versions: [{ version: '1.0', fromMonthsAgo: 60 }],
  },
  {
    code: 'ACS-210',
    title: 'Operating Corvid Cloud Workloads',
    description: 'Monitoring, incident response, backups, patching and capacity on Corvid Cloud.',
    kind: 'exam',
    delivery: PROCTORED,
    passingScore: 720,
    languages: ['en', 'de', 'ja'],
    durationMinutes: 120,
    priceUsd: 200,
    retake: STANDARD_RETAKE,
    versions: [{ version: '1.0', fromMonthsAgo: 60 }],
  },
  {
    code: 'SEC-220',
    title: 'Securing Corvid Cloud',
    description: 'Identity and access, encryption, network controls, logging and compliance.',
    kind: 'exam',
    delivery: PROCTORED,
    passingScore: 750,
    languages: ['en', 'de', 'fr', 'ja'],
    durationMinutes: 120,
    priceUsd: 200,
    retake: STANDARD_RETAKE,
    versions: [{ version: '1.0', fromMonthsAgo: 60 }],
  },
  {
    code: 'NET-230',
    title: 'Corvid Cloud Networking',
    description: 'Virtual networks, hybrid connectivity, load balancing and DNS.',
    kind: 'exam',
    delivery: PROCTORED,
    passingScore: 720,
    languages: ['en', 'ja'],
    durationMinutes: 120,
    priceUsd: 200,
    retake: STANDARD_RETAKE,
    versions: [{ version: '1.0', fromMonthsAgo: 60 }],
  },
  {
    code: 'DEV-240',
    title: 'DevOps and Automation on Corvid Cloud',
    description: 'Infrastructure as code, pipelines, containers and release strategies.',
    kind: 'exam',
    delivery: PROCTORED,
    passingScore: 700,
    languages: ['en', 'es', 'ja'],
    durationMinutes: 120,
    priceUsd: 200,
    retake: STANDARD_RETAKE,
    versions: [{ version: '1.0', fromMonthsAgo: 48 }],
  },
  {
    code: 'DAT-250',
    title: 'Data Engineering on Corvid Cloud',
    description: 'Batch and streaming pipelines, the lakehouse and data governance. New this year.',
    kind: 'exam',
    delivery: PROCTORED,
    passingScore: 720,
    languages: ['en'],
    durationMinutes: 120,
    priceUsd: 200,
    retake: STANDARD_RETAKE,
    versions: [{ version: '1.0', fromMonthsAgo: 6 }],
  },
  {
    code: 'ACS-301',
    title: 'Advanced Architecture Design',
    description: 'Multi-region, multi-account and high-scale designs, judged against trade-offs.',
    kind: 'exam',
    delivery: PROCTORED,
    passingScore: 750,
    languages: ['en', 'ja'],
    durationMinutes: 180,
    priceUsd: 300,
    retake: STANDARD_RETAKE,
    versions: [{ version: '1.0', fromMonthsAgo: 54 }],
  },
  {
    code: 'ACS-310',
    title: 'Migration and Modernization',
    description: 'Planning and running migrations to Corvid Cloud, and modernizing what arrives.',
    kind: 'exam',
    delivery: PROCTORED,
    passingScore: 750,
    languages: ['en', 'de'],
    durationMinutes: 180,
    priceUsd: 300,
    retake: STANDARD_RETAKE,
    versions: [{ version: '1.0', fromMonthsAgo: 54 }],
  },
  {
    code: 'ARC-350',
    title: 'Corvid Expert Architecture Lab',
    description:
      'A four-hour hands-on lab at a test center: build, secure and repair a live environment.',
    kind: 'exam',
    delivery: ['test_center'],
    passingScore: 800,
    languages: ['en'],
    durationMinutes: 240,
    priceUsd: 450,
    retake: { waitDaysFirst: 30, waitDaysLater: 90, maxPerYear: 3, afterPass: false },
    versions: [{ version: '1.0', fromMonthsAgo: 54 }],
  },
  {
    code: 'ACS-R01',
    title: 'Corvid Cloud Recertification Exam',
    description:
      'A short online exam on what changed in Corvid Cloud; passing it renews a Professional certification.',
    kind: 'exam',
    delivery: ['online_proctored'],
    passingScore: 700,
    languages: ['en', 'de', 'es', 'fr', 'ja'],
    durationMinutes: 60,
    priceUsd: 75,
    retake: { waitDaysFirst: 7, waitDaysLater: 14, maxPerYear: 4, afterPass: true },
    versions: [{ version: '1.0', fromMonthsAgo: 36 }],
  },
];

// ------------------------------------------------------------------ training, agreement, credits

export const DEMO_TRAININGS: readonly DemoCoded[] = [
  {
    code: 'ANA-100',
    title: 'Analytics on Corvid Cloud (instructor-led, 2 days)',
    description: 'Queries, dashboards and pipelines, taught by a Corvid training partner.',
  },
  {
    code: 'OPS-200',
    title: 'Cloud Operations Bootcamp (5 days)',
    description: 'Hands-on operations: monitoring, incidents, backups and automation.',
  },
  {
    code: 'ARC-300',
    title: 'Architecting at Scale Workshop (3 days)',
    description: 'Design reviews of real systems with Corvid architects.',
  },
];

export const DEMO_AGREEMENT: DemoAgreement = {
  code: 'CANDIDATE',
  title: 'Corvid Candidate Agreement',
  description: 'The terms every candidate accepts before receiving a Corvid credential.',
  versions: [
    {
      effectiveMonthsAgo: 72,
      body: `By taking Corvid exams you agree:

1. To keep exam content confidential and not to share, record or publish questions.
2. To sit exams yourself, without help, and to follow the test center's or proctor's rules.
3. That Corvid may revoke results and credentials obtained in breach of these terms.
4. To use the credential's name and logo only while your credential is active, following the logo guidelines.`,
    },
    {
      effectiveMonthsAgo: 8,
      body: `By taking Corvid exams you agree:

1. To keep exam content confidential and not to share, record or publish questions.
2. To sit exams yourself, without help, and to follow the test center's or proctor's rules.
3. Not to use generative AI tools, notes or other devices during an exam, including online proctored ones.
4. That Corvid may revoke results and credentials obtained in breach of these terms.
5. To use the credential's name and logo only while your credential is active, following the logo guidelines.`,
    },
  ],
};

export const DEMO_CREDIT_CATEGORIES: readonly DemoCoded[] = [
  {
    code: 'CE-TECH',
    title: 'Technical continuing education',
    description:
      'Corvid events, webinars, courses and published technical work; one credit per hour.',
  },
  {
    code: 'CE-SEC',
    title: 'Security continuing education',
    description: 'Security courses, conferences and incident exercises; one credit per hour.',
  },
];

// ------------------------------------------------------------------ credentials

const exam = (
  id: string,
  examCode: string,
  extra: { minScore?: number; withinMonths?: number } = {},
): RequirementNode => ({ kind: 'exam', id, examCode, ...extra });
const agreement = (id: string, version?: number): RequirementNode => ({
  kind: 'agreement',
  id,
  agreementCode: 'CANDIDATE',
  ...(version !== undefined ? { version } : {}),
});

/**
 * Listed from the top level down: recertification names higher credentials,
 * which must exist first. Requirement trees (which name lower credentials)
 * are added afterwards, from the bottom up.
 */
export const DEMO_CREDENTIALS: readonly DemoCredential[] = [
  {
    code: 'CCE-ARCH',
    name: 'Corvid Certified Expert – Cloud Architect',
    kind: 'certification',
    level: 'Expert',
    levelRank: 7,
    description:
      'For architects who lead large designs on Corvid Cloud: the Professional certification, a hands-on lab and an advanced exam or workshop.',
    validityMonths: 36,
    recertification: { requirementsAgain: true, credits: { category: 'CE-TECH', minimum: 90 } },
    status: 'published',
    requirements: [
      {
        effectiveMonthsAgo: 60,
        note: 'First version.',
        tree: {
          kind: 'all',
          id: 'root',
          children: [
            { kind: 'credential', id: 'professional', credentialCode: 'CCP-ARCH' },
            exam('lab', 'ARC-350', { withinMonths: 24 }),
            {
              kind: 'any',
              id: 'advanced',
              count: 1,
              children: [
                exam('design', 'ACS-301'),
                exam('migration', 'ACS-310'),
                { kind: 'training', id: 'workshop', courseCode: 'ARC-300' },
              ],
            },
            agreement('agreement'),
          ],
        },
      },
      {
        effectiveMonthsAgo: 8,
        note: 'Version 2 of the candidate agreement is required (no AI tools during exams).',
        tree: {
          kind: 'all',
          id: 'root',
          children: [
            { kind: 'credential', id: 'professional', credentialCode: 'CCP-ARCH' },
            exam('lab', 'ARC-350', { withinMonths: 24 }),
            {
              kind: 'any',
              id: 'advanced',
              count: 1,
              children: [
                exam('design', 'ACS-301'),
                exam('migration', 'ACS-310'),
                { kind: 'training', id: 'workshop', courseCode: 'ARC-300' },
              ],
            },
            agreement('agreement', 2),
          ],
        },
      },
    ],
  },
  {
    code: 'CCE-DATA',
    name: 'Corvid Certified Expert – Data Platform',
    kind: 'certification',
    level: 'Expert',
    levelRank: 7,
    description: 'In preparation: for data platform leads. Not yet open to candidates.',
    validityMonths: 36,
    recertification: { requirementsAgain: true, credits: { category: 'CE-TECH', minimum: 90 } },
    status: 'draft',
    requirements: [
      {
        effectiveMonthsAgo: 1,
        note: 'Draft for review by the certification board.',
        tree: {
          kind: 'all',
          id: 'root',
          children: [
            { kind: 'credential', id: 'professional', credentialCode: 'CCP-ARCH' },
            exam('data', 'DAT-250', { minScore: 750 }),
            exam('analytics', 'ANA-150'),
          ],
        },
      },
    ],
  },
  {
    code: 'CCP-ARCH',
    name: 'Corvid Certified Professional – Solutions Architect',
    kind: 'certification',
    level: 'Professional',
    levelRank: 4,
    description:
      'For architects who design solutions on Corvid Cloud. Requires the Associate certification.',
    validityMonths: 36,
    recertification: {
      requirementsAgain: true,
      exams: ['ACS-R01'],
      higherCredentials: ['CCE-ARCH'],
    },
    status: 'published',
    requirements: [
      {
        effectiveMonthsAgo: 60,
        note: 'First version.',
        tree: {
          kind: 'all',
          id: 'root',
          children: [
            { kind: 'credential', id: 'associate', credentialCode: 'CCA' },
            exam('design', 'ACS-201', { minScore: 750, withinMonths: 36 }),
            {
              kind: 'any',
              id: 'specialty',
              count: 1,
              children: [exam('networking', 'NET-230'), exam('security', 'SEC-220')],
            },
          ],
        },
      },
    ],
  },
  {
    code: 'CCP-OPS',
    name: 'Corvid Certified Professional – Cloud Operations',
    kind: 'certification',
    level: 'Professional',
    levelRank: 4,
    description:
      'For engineers who run production workloads on Corvid Cloud: two of four specialty exams and the operations bootcamp.',
    validityMonths: 36,
    recertification: { exams: ['ACS-R01'], credits: { category: 'CE-TECH', minimum: 60 } },
    status: 'published',
    requirements: [
      {
        effectiveMonthsAgo: 60,
        note: 'First version.',
        tree: {
          kind: 'all',
          id: 'root',
          children: [
            { kind: 'credential', id: 'associate', credentialCode: 'CCA' },
            {
              kind: 'any',
              id: 'specialties',
              count: 2,
              children: [
                exam('operations', 'ACS-210'),
                exam('networking', 'NET-230'),
                exam('security', 'SEC-220'),
                exam('devops', 'DEV-240'),
              ],
            },
            { kind: 'training', id: 'bootcamp', courseCode: 'OPS-200' },
          ],
        },
      },
    ],
  },
  {
    code: 'CCS-SEC',
    name: 'Corvid Certified Specialist – Cloud Security',
    kind: 'certification',
    level: 'Professional',
    levelRank: 5,
    description:
      'For security engineers: a high score on SEC-220 within the last two years, and a design or operations exam.',
    validityMonths: 24,
    recertification: { requirementsAgain: true, credits: { category: 'CE-SEC', minimum: 20 } },
    status: 'published',
    requirements: [
      {
        effectiveMonthsAgo: 48,
        note: 'First version.',
        tree: {
          kind: 'all',
          id: 'root',
          children: [
            exam('security', 'SEC-220', { minScore: 800, withinMonths: 24 }),
            {
              kind: 'any',
              id: 'foundation',
              count: 1,
              children: [exam('design', 'ACS-201'), exam('operations', 'ACS-210')],
            },
          ],
        },
      },
    ],
  },
  {
    code: 'CCA',
    name: 'Corvid Certified Cloud Associate',
    kind: 'certification',
    level: 'Associate',
    levelRank: 1,
    description:
      'The entry certification: pass Corvid Cloud Foundations (ACS-101) and accept the candidate agreement.',
    validityMonths: 24,
    recertification: {
      higherCredentials: ['CCP-ARCH', 'CCP-OPS'],
      credits: { category: 'CE-TECH', minimum: 30 },
    },
    status: 'published',
    requirements: [
      {
        effectiveMonthsAgo: 72,
        note: 'First version.',
        tree: {
          kind: 'all',
          id: 'root',
          children: [exam('foundations', 'ACS-101', { minScore: 700 }), agreement('agreement')],
        },
      },
    ],
  },
  {
    code: 'CAA',
    name: 'Corvid Cloud Analytics Accreditation',
    kind: 'accreditation',
    level: 'Associate',
    levelRank: 2,
    description:
      'For analysts and partner staff: the ANA-100 course within the last two years and the ANA-150 assessment.',
    validityMonths: 24,
    recertification: { requirementsAgain: true },
    status: 'published',
    requirements: [
      {
        effectiveMonthsAgo: 48,
        note: 'First version.',
        tree: {
          kind: 'all',
          id: 'root',
          children: [
            { kind: 'training', id: 'course', courseCode: 'ANA-100', withinMonths: 24 },
            exam('assessment', 'ANA-150'),
            agreement('agreement'),
          ],
        },
      },
    ],
  },
];

// ------------------------------------------------------------------ seeding

/**
 * Creates the catalog above through the catalog service: exams, training,
 * the agreement and its versions, credit categories, then the credentials
 * (top level first, for recertification references), their requirement
 * versions (bottom level first, for prerequisite references), and finally
 * publishes the published ones.
 */
export async function seedProgram(app: App, actor: CatalogActor, now: Date): Promise<void> {
  const catalog = app.catalog;
  for (const e of DEMO_EXAMS) {
    await catalog.createExam(actor, {
      code: e.code,
      title: e.title,
      description: e.description,
      kind: e.kind,
      delivery: e.delivery,
      scoreMin: 0,
      scoreMax: 1000,
      passingScore: e.passingScore,
      languages: e.languages,
      durationMinutes: e.durationMinutes,
      ...(e.priceUsd !== null ? { price: e.priceUsd, currency: 'USD' } : {}),
      retakeWaitDaysFirst: e.retake.waitDaysFirst,
      retakeWaitDaysLater: e.retake.waitDaysLater,
      retakeMaxPerYear: e.retake.maxPerYear,
      retakeAfterPass: e.retake.afterPass,
      status: 'published',
      versions: e.versions.map((v) => ({
        version: v.version,
        availableFrom: calendarDate(monthsAgo(now, v.fromMonthsAgo)),
        availableUntil:
          v.untilMonthsAgo === undefined ? null : calendarDate(monthsAgo(now, v.untilMonthsAgo)),
      })),
    });
  }
  for (const t of DEMO_TRAININGS) await catalog.createCoded(actor, 'training', { ...t });
  for (const c of DEMO_CREDIT_CATEGORIES)
    await catalog.createCoded(actor, 'creditCategory', { ...c });
  const [first, ...later] = DEMO_AGREEMENT.versions;
  await catalog.createCoded(actor, 'agreement', {
    code: DEMO_AGREEMENT.code,
    title: DEMO_AGREEMENT.title,
    description: DEMO_AGREEMENT.description,
    body: first!.body,
    effectiveAt: monthsAgo(now, first!.effectiveMonthsAgo),
  });
  for (const v of later) {
    await catalog.addAgreementVersion(actor, DEMO_AGREEMENT.code, {
      body: v.body,
      effectiveAt: monthsAgo(now, v.effectiveMonthsAgo),
    });
  }

  for (const c of DEMO_CREDENTIALS) {
    const r = c.recertification;
    await catalog.createCredential(actor, {
      code: c.code,
      name: c.name,
      kind: c.kind,
      level: c.level,
      levelRank: c.levelRank,
      description: c.description,
      validityMonths: c.validityMonths,
      recertRequirementsAgain: r.requirementsAgain ?? false,
      recertExams: r.exams ?? [],
      recertHigherCredentials: r.higherCredentials ?? [],
      ...(r.credits
        ? { recertCreditsCategory: r.credits.category, recertCreditsMinimum: r.credits.minimum }
        : {}),
    });
  }
  for (const c of [...DEMO_CREDENTIALS].reverse()) {
    for (const v of c.requirements) {
      await catalog.addRequirementVersion(actor, c.code, {
        tree: v.tree,
        effectiveAt: monthsAgo(now, v.effectiveMonthsAgo),
        note: v.note,
      });
    }
  }
  for (const c of DEMO_CREDENTIALS) {
    if (c.status !== 'draft') await catalog.setCredentialStatus(actor, c.code, c.status);
  }
}
