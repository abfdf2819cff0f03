/**
 * A generated certification program at scale, for benchmarks: a catalog
 * (12 tracks, 120 exams, 50 credentials with realistic requirement trees),
 * candidates (users) and their facts (results, training, agreement
 * acceptances, continuing-education credits), all from one seed.
 *
 * Deterministic: the same seed, size and reference date give the same rows
 * (no Math.random). Every candidate draws from its own PRNG stream (the seed
 * mixed with its index), so any candidate can be generated on its own and
 * the tables can be streamed in one pass without holding them in memory.
 * Dates are relative to the reference date (default: today, 00:00 UTC), so
 * that a run on any day sees the same shape of active and expired awards.
 *
 * Awards are not generated here: `awardWithEngine` runs Laurel's awarding
 * engine over every candidate once, so the awards are exactly the ones the
 * engine would have made.
 *
 * Loading: `postgresCopySink` streams rows with COPY ... FROM STDIN
 * (pg-copy-streams); `insertSink` uses multi-row INSERTs (the embedded
 * database, which has no COPY from a client stream).
 */
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DB } from '../../src/platform/db/schema.ts';
import {
  parseRequirementTree,
  validateRequirementTree,
  type AllRequirement,
  type RequirementNode,
} from '../../src/features/progress/requirements.ts';
import { CatalogService, type ProgramDefinitions } from '../../src/features/catalog/index.ts';
import type { CandidateState } from '../../src/features/progress/award-rules.ts';
import { AWARD_COLUMNS, AWARD_EVENT_COLUMNS, InMemoryAwarding } from './awards.ts';

// ------------------------------------------------------------------ PRNG

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes numbers into one 32-bit seed (murmur3's finalizer over each part). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    let k = (part >>> 0) ^ Math.floor(part / 4294967296);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** An index drawn with the given (non-negative) weights. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

/** Streams of one candidate's PRNG: one per purpose, so changing one never shifts the others. */
const STREAM = { count: 1, user: 2, facts: 3 } as const;

// ------------------------------------------------------------------ size

export interface ProgramSize {
  candidates: number;
  results: number;
}

/** The program: 200,000 candidates, 2,000,000 results (50 credentials, 120 exams). */
export const FULL_PROGRAM: ProgramSize = { candidates: 200_000, results: 2_000_000 };
/** The embedded database's program: a tenth. */
export const EMBEDDED_PROGRAM: ProgramSize = { candidates: 20_000, results: 200_000 };

export function scaled(size: ProgramSize, scale: number): ProgramSize {
  const candidates = Math.max(50, Math.round(size.candidates * scale));
  return {
    candidates,
    results: Math.max(candidates, Math.round(size.results * scale)),
  };
}

// ------------------------------------------------------------------ catalog

const DAY_MS = 86_400_000;

export type Tier = 'F' | 'A' | 'P' | 'E';

export interface ExamSpec {
  code: string;
  title: string;
  track: string;
  tier: Tier;
  kind: 'exam' | 'assessment';
  delivery: ('test_center' | 'online_proctored' | 'web')[];
  scoreMin: number;
  scoreMax: number;
  passingScore: number;
  durationMinutes: number;
  priceCents: number | null;
  /** Ascending; the last is still available. Dates `YYYY-MM-DD`. */
  versions: { version: string; availableFrom: string; availableUntil: string | null }[];
}

export interface CredentialSpec {
  code: string;
  name: string;
  kind: 'accreditation' | 'certification';
  level: string;
  levelRank: number;
  description: string;
  validityMonths: number | null;
  recertification: {
    requirementsAgain: boolean;
    exams: string[];
    higherCredentials: string[];
    credits: { category: string; minimum: number } | null;
  };
  tree: RequirementNode;
}

export interface CatalogSpec {
  reference: Date;
  tracks: { code: string; name: string; weight: number }[];
  exams: ExamSpec[];
  trainings: { code: string; title: string }[];
  creditCategories: { code: string; title: string }[];
  agreements: {
    code: string;
    title: string;
    versions: { version: number; body: string; effectiveAt: Date }[];
  }[];
  /** In level order (prerequisites first). */
  credentials: CredentialSpec[];
}

const TRACKS: readonly [string, string, number][] = [
  ['CLD', 'Cloud', 18],
  ['SEC', 'Security', 14],
  ['NET', 'Networking', 12],
  ['DEV', 'Software Development', 12],
  ['DAT', 'Data Analytics', 10],
  ['AIM', 'AI and Machine Learning', 9],
  ['OPS', 'Operations', 8],
  ['DBA', 'Database Administration', 6],
  ['WEB', 'Web Platforms', 5],
  ['MOB', 'Mobile', 3],
  ['IOT', 'Internet of Things', 2],
  ['ERP', 'Enterprise Applications', 1],
];

/** The exams of a track, in the order a candidate meets them. */
const TRACK_EXAMS: readonly { suffix: string; tier: Tier; title: string }[] = [
  { suffix: 'F1', tier: 'F', title: 'Fundamentals Assessment' },
  { suffix: 'F2', tier: 'F', title: 'Fundamentals Skills Check' },
  { suffix: '101', tier: 'A', title: 'Core Concepts' },
  { suffix: '102', tier: 'A', title: 'Implementation' },
  { suffix: '103', tier: 'A', title: 'Administration' },
  { suffix: '201', tier: 'P', title: 'Design' },
  { suffix: '202', tier: 'P', title: 'Advanced Operations' },
  { suffix: '203', tier: 'P', title: 'Troubleshooting' },
  { suffix: '301', tier: 'E', title: 'Expert Written Exam' },
  { suffix: '302', tier: 'E', title: 'Expert Practical Lab' },
];

export const CANDIDATE_AGREEMENT = 'CANDIDATE';

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function yearsBefore(reference: Date, years: number): Date {
  const d = new Date(reference);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}

/** Today at 00:00 UTC: the date every generated fact is relative to. */
export function defaultReference(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** The exam version names and windows: released 8, 4 and 1 years before the reference. */
function examVersions(reference: Date): ExamSpec['versions'] {
  const starts = [8, 4, 1].map((y) => yearsBefore(reference, y));
  return starts.map((start, i) => ({
    version: `v${start.getUTCFullYear()}`,
    availableFrom: isoDate(start),
    availableUntil:
      i + 1 < starts.length ? isoDate(new Date(starts[i + 1]!.getTime() - DAY_MS)) : null,
  }));
}

export function generateCatalog(seed: number, reference: Date): CatalogSpec {
  const rng = new Rng(mixSeed(seed, 0xca7a106));
  const versions = examVersions(reference);
  const exams: ExamSpec[] = [];
  for (const [track, name] of TRACKS) {
    for (const e of TRACK_EXAMS) {
      const assessment = e.tier === 'F';
      exams.push({
        code: `${track}-${e.suffix}`,
        title: `${name}: ${e.title}`,
        track,
        tier: e.tier,
        kind: assessment ? 'assessment' : 'exam',
        delivery: assessment ? ['web'] : ['test_center', 'online_proctored'],
        scoreMin: 0,
        scoreMax: assessment ? 100 : 1000,
        passingScore: assessment ? 70 : e.suffix === '302' ? 750 : 700,
        durationMinutes: assessment ? 45 : e.tier === 'E' ? 180 : 120,
        priceCents: assessment ? null : { A: 15_000, P: 25_000, E: 40_000 }[e.tier as 'A'],
        versions,
      });
    }
  }

  const trainings = TRACKS.map(([track, name]) => ({
    code: `${track}-TRN`,
    title: `${name} Fundamentals Course`,
  }));
  const creditCategories = [
    { code: 'CPE', title: 'Continuing professional education' },
    { code: 'TEACH', title: 'Teaching and mentoring' },
  ];
  const agreements = [
    {
      code: CANDIDATE_AGREEMENT,
      title: 'Candidate agreement',
      versions: [
        {
          version: 1,
          body: 'Candidate agreement, first edition.',
          effectiveAt: yearsBefore(reference, 10),
        },
        {
          version: 2,
          body: 'Candidate agreement, second edition.',
          effectiveAt: yearsBefore(reference, 3),
        },
      ],
    },
  ];

  const exam = (id: string, code: string, extra: Partial<RequirementNode> = {}): RequirementNode =>
    ({ kind: 'exam', id, examCode: code, ...extra }) as RequirementNode;
  const credential = (id: string, code: string): RequirementNode => ({
    kind: 'credential',
    id,
    credentialCode: code,
  });
  const agreement = (version: number): RequirementNode => ({
    kind: 'agreement',
    id: 'agreement',
    agreementCode: CANDIDATE_AGREEMENT,
    version,
  });

  const credentials: CredentialSpec[] = [];
  const byLevel: Record<string, CredentialSpec[]> = { F: [], A: [], P: [], E: [], X: [] };
  for (const [track, name, weight] of TRACKS) {
    const big = weight >= 8;
    byLevel.F!.push({
      code: `${track}-FA`,
      name: `${name} Fundamentals`,
      kind: 'accreditation',
      level: 'Foundation',
      levelRank: 1,
      description: `Foundational knowledge of ${name.toLowerCase()}.`,
      validityMonths: null,
      recertification: {
        requirementsAgain: false,
        exams: [],
        higherCredentials: [],
        credits: null,
      },
      tree: {
        kind: 'any',
        id: 'root',
        count: 1,
        children: [
          exam('f1', `${track}-F1`),
          exam('f2', `${track}-F2`, { minScore: rng.pick([70, 75, 80]) }),
          { kind: 'training', id: 'course', courseCode: `${track}-TRN` },
        ],
      },
    });
    const associateChildren: RequirementNode[] = [
      exam('core', `${track}-101`, rng.chance(0.6) ? { minScore: rng.pick([720, 750]) } : {}),
      {
        kind: 'any',
        id: 'electives',
        count: 1,
        children: [exam('impl', `${track}-102`), exam('admin', `${track}-103`)],
      },
      agreement(1),
    ];
    if (rng.chance(0.4)) associateChildren.unshift(credential('foundation', `${track}-FA`));
    byLevel.A!.push({
      code: `${track}-CA`,
      name: `Certified ${name} Associate`,
      kind: 'certification',
      level: 'Associate',
      levelRank: 3,
      description: `Implements and administers ${name.toLowerCase()} solutions.`,
      validityMonths: 36,
      recertification: {
        requirementsAgain: true,
        exams: [],
        higherCredentials: [`${track}-CP`],
        credits: null,
      },
      tree: { kind: 'all', id: 'root', children: associateChildren },
    });
    byLevel.P!.push({
      code: `${track}-CP`,
      name: `Certified ${name} Professional`,
      kind: 'certification',
      level: 'Professional',
      levelRank: 5,
      description: `Designs and runs ${name.toLowerCase()} solutions at scale.`,
      validityMonths: 36,
      recertification: {
        requirementsAgain: true,
        exams: [`${track}-301`],
        higherCredentials: [`${track}-CE`],
        credits: null,
      },
      tree: {
        kind: 'all',
        id: 'root',
        children: [
          credential('associate', `${track}-CA`),
          {
            kind: 'any',
            id: 'professional-exams',
            count: big ? 2 : 1,
            children: [
              exam('design', `${track}-201`),
              exam('ops', `${track}-202`, { minScore: 700 }),
              exam('troubleshooting', `${track}-203`, { withinMonths: rng.pick([36, 48]) }),
            ],
          },
          agreement(rng.chance(0.5) ? 2 : 1),
        ],
      },
    });
    const recent = versions.slice(-2).map((v) => v.version);
    byLevel.E!.push({
      code: `${track}-CE`,
      name: `${name} Expert`,
      kind: 'certification',
      level: 'Expert',
      levelRank: 7,
      description: `Recognised expertise in ${name.toLowerCase()}.`,
      validityMonths: 24,
      recertification: {
        requirementsAgain: false,
        exams: [],
        higherCredentials: [],
        credits: { category: 'CPE', minimum: 40 },
      },
      tree: {
        kind: 'all',
        id: 'root',
        children: [
          credential('professional', `${track}-CP`),
          exam('written', `${track}-301`, {
            minScore: rng.pick([720, 750]),
            withinMonths: rng.pick([24, 36]),
          }),
          exam('lab', `${track}-302`, { versions: recent }),
          {
            kind: 'credits',
            id: 'cpe',
            categoryCode: 'CPE',
            minimum: rng.pick([10, 20]),
            withinMonths: 24,
          },
        ],
      },
    });
  }
  const architect = (code: string, name: string, lead: string, pool: string[]): CredentialSpec => ({
    code,
    name,
    kind: 'certification',
    level: 'Architect',
    levelRank: 8,
    description: `${name}: solutions that span several disciplines.`,
    validityMonths: 36,
    recertification: {
      requirementsAgain: true,
      exams: [`${lead}-302`],
      higherCredentials: [],
      credits: { category: 'CPE', minimum: 60 },
    },
    tree: {
      kind: 'all',
      id: 'root',
      children: [
        {
          kind: 'any',
          id: 'disciplines',
          count: 2,
          children: pool.map((t) => credential(`cp-${t.toLowerCase()}`, `${t}-CP`)),
        },
        exam('capstone', `${lead}-302`, { minScore: 800 }),
      ],
    },
  });
  byLevel.X!.push(
    architect('ARCH-CLD', 'Cloud Solutions Architect', 'CLD', ['CLD', 'NET', 'SEC', 'OPS']),
    architect('ARCH-DAT', 'Data Platform Architect', 'DAT', ['DAT', 'DBA', 'AIM', 'DEV']),
  );
  for (const level of ['F', 'A', 'P', 'E', 'X']) credentials.push(...byLevel[level]!);

  const catalog: CatalogSpec = {
    reference,
    tracks: TRACKS.map(([code, name, weight]) => ({ code, name, weight })),
    exams,
    trainings,
    creditCategories,
    agreements,
    credentials,
  };
  checkTrees(catalog, credentials);
  return catalog;
}

/** Every tree must pass the same checks as one saved in the console. */
function checkTrees(catalog: CatalogSpec, credentials: readonly CredentialSpec[]): void {
  const known = {
    exams: new Set(catalog.exams.map((e) => e.code)),
    credentials: new Set(catalog.credentials.map((c) => c.code)),
    trainings: new Set(catalog.trainings.map((t) => t.code)),
    agreements: new Set(catalog.agreements.map((a) => a.code)),
    creditCategories: new Set(catalog.creditCategories.map((c) => c.code)),
    examVersions: new Map(
      catalog.exams.map((e) => [e.code, new Set(e.versions.map((v) => v.version))]),
    ),
    scoreScales: new Map(catalog.exams.map((e) => [e.code, { min: e.scoreMin, max: e.scoreMax }])),
  };
  for (const c of credentials) {
    const parsed = parseRequirementTree(JSON.parse(JSON.stringify(c.tree)));
    const problems = parsed.ok
      ? validateRequirementTree(parsed.tree, known, c.code)
      : parsed.problems;
    if (problems.length > 0) {
      throw new Error(`generated tree of ${c.code} is invalid: ${JSON.stringify(problems)}`);
    }
  }
}

/**
 * The requirements change the benchmark makes: the most popular track's
 * associate certification drops its minimum score on the core exam and
 * accepts a professional exam as a third elective. Its dependents
 * (professional, expert, architect) are re-decided too.
 */
export function changedRequirements(catalog: CatalogSpec): {
  credentialCode: string;
  tree: RequirementNode;
  note: string;
} {
  const track = catalog.tracks[0]!.code;
  const code = `${track}-CA`;
  const current = catalog.credentials.find((c) => c.code === code)!;
  const children = (current.tree as AllRequirement).children.map((child) => {
    if (child.kind === 'exam' && child.id === 'core')
      return { kind: 'exam', id: 'core', examCode: child.examCode };
    if (child.kind === 'any' && child.id === 'electives') {
      return {
        ...child,
        children: [...child.children, { kind: 'exam', id: 'design', examCode: `${track}-201` }],
      };
    }
    return child;
  }) as RequirementNode[];
  return {
    credentialCode: code,
    tree: { kind: 'all', id: 'root', children },
    note: 'Benchmark: no minimum score on the core exam; the design exam counts as an elective.',
  };
}

// ------------------------------------------------------------------ candidates

/**
 * How many results each candidate has: about 15 % none, the rest one or
 * more with a long tail (exponential, mean chosen to hit the total), then
 * nudged so that the sum is exactly `size.results`.
 */
export function resultCounts(seed: number, size: ProgramSize): Int32Array {
  const { candidates, results } = size;
  const counts = new Int32Array(candidates);
  const CAP = 150;
  const none = 0.15;
  const mean = Math.max(0, results / (candidates * (1 - none)) - 1);
  let total = 0;
  for (let i = 0; i < candidates; i++) {
    const rng = new Rng(mixSeed(seed, i, STREAM.count));
    const n = rng.chance(none) ? 0 : Math.min(CAP, 1 + Math.floor(rng.exponential(mean)));
    counts[i] = n;
    total += n;
  }
  const rng = new Rng(mixSeed(seed, 0x70741));
  let delta = results - total;
  let guard = 0;
  while (delta !== 0) {
    if (++guard > 100 * candidates + 1_000_000) throw new Error('could not reach the result total');
    const i = rng.int(0, candidates - 1);
    const n = counts[i]!;
    if (delta > 0 && n < CAP && (n > 0 || delta > candidates)) {
      counts[i] = n + 1;
      delta--;
    } else if (delta < 0 && n > 1) {
      counts[i] = n - 1;
      delta++;
    }
  }
  return counts;
}

const GIVEN = [
  'Ada',
  'Ben',
  'Chloé',
  'Dmitri',
  'Eun-ji',
  'Fatima',
  'Gabriel',
  'Hana',
  'Ibrahim',
  'Jonas',
  'Kavya',
  'Lucía',
  'Mateo',
  'Nia',
  'Oskar',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Tomás',
  'Uma',
  'Viktor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoë',
];
const FAMILY = [
  'Adeyemi',
  'Bauer',
  'Chen',
  'Dubois',
  'Eriksson',
  'Fernández',
  'García',
  'Hoang',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lindqvist',
  'Müller',
  'Nakamura',
  'Okafor',
  'Patel',
  'Quispe',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Uddin',
  'Virtanen',
  'Walsh',
  'Xu',
  'Yilmaz',
  'Zhang',
];
const COUNTRIES: readonly [string, string, number][] = [
  ['US', 'America/New_York', 24],
  ['IN', 'Asia/Kolkata', 16],
  ['DE', 'Europe/Berlin', 8],
  ['GB', 'Europe/London', 7],
  ['BR', 'America/Sao_Paulo', 6],
  ['FR', 'Europe/Paris', 5],
  ['JP', 'Asia/Tokyo', 5],
  ['CN', 'Asia/Shanghai', 5],
  ['NG', 'Africa/Lagos', 4],
  ['MX', 'America/Mexico_City', 4],
  ['AU', 'Australia/Sydney', 3],
  ['CA', 'America/Toronto', 3],
  ['ES', 'Europe/Madrid', 3],
  ['PL', 'Europe/Warsaw', 3],
  ['KR', 'Asia/Seoul', 2],
  ['ZA', 'Africa/Johannesburg', 2],
];
const COUNTRY_WEIGHTS = COUNTRIES.map((c) => c[2]);

/** The first candidate number; the sequence is moved past the last one after loading. */
export const FIRST_CANDIDATE_NUMBER = 1_000_001;
export const BENCH_PASSWORD = 'bench candidate passphrase';

export type Cell = string | number | boolean | Date | null;

export const USER_COLUMNS = [
  'candidate_number',
  'username',
  'email',
  'email_verified_at',
  'given_name',
  'family_name',
  'country',
  'locale',
  'time_zone',
  'password_hash',
  'password_changed_at',
  'marketing_opt_in',
  'created_at',
  'updated_at',
] as const;

/** When candidate `i` registered: up to eight years before the reference. */
function registeredAt(seed: number, i: number, reference: Date): Date {
  const rng = new Rng(mixSeed(seed, i, STREAM.user));
  const span = 8 * 365 * DAY_MS;
  return new Date(reference.getTime() - 14 * DAY_MS - Math.floor(rng.next() * span));
}

export function candidateNumber(i: number): string {
  return `CT-${String(FIRST_CANDIDATE_NUMBER + i).padStart(7, '0')}`;
}

export function userRow(seed: number, i: number, reference: Date, passwordHash: string): Cell[] {
  const rng = new Rng(mixSeed(seed, i, STREAM.user));
  const registered = registeredAt(seed, i, reference);
  rng.next(); // the draw registeredAt used
  const given = rng.pick(GIVEN);
  const family = rng.pick(FAMILY);
  const [country, timeZone] = COUNTRIES[rng.weighted(COUNTRY_WEIGHTS)]!;
  const handle = `c${(FIRST_CANDIDATE_NUMBER + i).toString(36)}`;
  return [
    candidateNumber(i),
    handle,
    `${handle}@candidates.bench.example`,
    registered,
    given,
    family,
    country,
    'en',
    timeZone,
    passwordHash,
    registered,
    rng.chance(0.3),
    registered,
    registered,
  ];
}

export const RESULT_COLUMNS = [
  'user_id',
  'exam_id',
  'exam_version',
  'score',
  'passed',
  'taken_at',
  'source',
  'provider',
  'provider_ref',
  'status',
  'status_reason',
  'created_at',
  'updated_at',
] as const;
export const TRAINING_COLUMNS = ['user_id', 'course_id', 'completed_at', 'source'] as const;
export const AGREEMENT_COLUMNS = [
  'user_id',
  'agreement_id',
  'version',
  'accepted_at',
  'source',
] as const;
export const CREDIT_COLUMNS = ['user_id', 'category_id', 'amount', 'earned_at', 'source'] as const;

/** Catalog ids as the database assigned them. */
export interface CatalogIds {
  exams: Map<string, number>;
  trainings: Map<string, number>;
  creditCategories: Map<string, number>;
  agreements: Map<string, number>;
  credentials: Map<string, number>;
}

export interface CandidateRows {
  results: Cell[][];
  trainings: Cell[][];
  agreements: Cell[][];
  credits: Cell[][];
}

const PASS_RATE: Record<Tier, number> = { F: 0.85, A: 0.65, P: 0.55, E: 0.45 };

/** Precomputed per catalog: the journey through each track and the weights. */
interface Journeys {
  catalog: CatalogSpec;
  ids: CatalogIds;
  trackWeights: number[];
  /** Per track: the exams in journey order, as steps (each step one or two choices). */
  steps: ExamSpec[][][];
  examsByCode: Map<string, ExamSpec>;
  noise: ExamSpec[];
  versionStarts: { version: string; from: number }[];
  agreementV2: number;
}

export function journeys(catalog: CatalogSpec, ids: CatalogIds): Journeys {
  const examsByCode = new Map(catalog.exams.map((e) => [e.code, e]));
  const steps = catalog.tracks.map(({ code }) => {
    const e = (s: string) => examsByCode.get(`${code}-${s}`)!;
    return [
      [e('F1'), e('F2')],
      [e('101')],
      [e('102'), e('103')],
      [e('201')],
      [e('202'), e('203')],
      [e('203'), e('202')],
      [e('301')],
      [e('302')],
    ];
  });
  const versions = catalog.exams[0]!.versions;
  return {
    catalog,
    ids,
    trackWeights: catalog.tracks.map((t) => t.weight),
    steps,
    examsByCode,
    noise: catalog.exams.filter((e) => e.tier === 'F' || e.tier === 'A'),
    versionStarts: versions.map((v) => ({ version: v.version, from: Date.parse(v.availableFrom) })),
    agreementV2: catalog.agreements[0]!.versions[1]!.effectiveAt.getTime(),
  };
}

/**
 * Candidate `i`'s facts: `count` exam attempts along one or more tracks
 * (assessment, associate exams, professional exams, expert exams; a failed
 * attempt is retaken, sometimes a track is abandoned), dated from the
 * candidate's registration up to the reference date; agreement acceptances,
 * some training and, for experts, continuing-education credits.
 */
export function candidateRows(
  seed: number,
  i: number,
  count: number,
  userId: number,
  j: Journeys,
): CandidateRows {
  const rng = new Rng(mixSeed(seed, i, STREAM.facts));
  const reference = j.catalog.reference.getTime();
  const start = registeredAt(seed, i, j.catalog.reference).getTime();
  const out: CandidateRows = { results: [], trainings: [], agreements: [], credits: [] };

  // 1. The sequence of attempts.
  const attempts: { exam: ExamSpec; passed: boolean; gapDays: number }[] = [];
  let track = rng.weighted(j.trackWeights);
  const home = track;
  let step = rng.chance(0.25) ? 1 : 0; // some go straight to the associate exams
  let failures = 0;
  while (attempts.length < count) {
    if (rng.chance(0.06)) {
      attempts.push({
        exam: rng.pick(j.noise),
        passed: rng.chance(0.6),
        gapDays: 10 + rng.exponential(40),
      });
      continue;
    }
    const choices = j.steps[track]![step]!;
    const exam = choices.length > 1 && rng.chance(0.3) ? choices[1]! : choices[0]!;
    const passed = rng.chance(PASS_RATE[exam.tier]);
    attempts.push({
      exam,
      passed,
      gapDays: passed ? 20 + rng.exponential(90) : 21 + rng.exponential(35),
    });
    if (passed) {
      failures = 0;
      step++;
    } else if (++failures >= 3 && rng.chance(0.5)) {
      failures = 0;
      step = j.steps[track]!.length; // gives up this track
    }
    if (step >= j.steps[track]!.length) {
      track = rng.weighted(j.trackWeights);
      step = rng.chance(0.5) ? 1 : 0;
      failures = 0;
    }
  }

  // 2. Dates: the gaps from registration, squeezed to end before the reference.
  const first = start + Math.floor(rng.next() * 60) * DAY_MS;
  let span = attempts.reduce((sum, a) => sum + a.gapDays, 0) * DAY_MS;
  const room = reference - DAY_MS - first;
  const squeeze = span > room ? room / span : 1;
  let at = first;
  let lastAttempt = first;
  let firstExpertPass: number | undefined;
  attempts.forEach((a, k) => {
    if (k > 0) at += Math.floor(a.gapDays * DAY_MS * squeeze);
    // Office hours, give or take.
    const takenAt = new Date(Math.floor(at / DAY_MS) * DAY_MS + (7 + rng.int(0, 11)) * 3_600_000);
    lastAttempt = takenAt.getTime();
    const e = a.exam;
    const range = e.scoreMax - e.passingScore;
    const score = a.passed
      ? e.passingScore + Math.floor(range * Math.pow(rng.next(), 1.3))
      : e.scoreMin + Math.floor((e.passingScore - e.scoreMin) * (0.45 + 0.55 * rng.next()));
    let version = j.versionStarts[0]!.version;
    for (const v of j.versionStarts) if (v.from <= takenAt.getTime()) version = v.version;
    const revoked = rng.chance(0.001);
    const created = new Date(takenAt.getTime() + rng.int(1, 48) * 3_600_000);
    out.results.push([
      userId,
      j.ids.exams.get(e.code)!,
      version,
      Math.min(score, a.passed ? e.scoreMax : e.passingScore - 1),
      a.passed,
      takenAt,
      'provider',
      e.kind === 'assessment' ? 'laurel-web' : 'testing-partner',
      `${i.toString(36)}-${k.toString(36)}`,
      revoked ? 'revoked' : 'valid',
      revoked ? 'Misconduct found in a review (generated)' : null,
      created,
      created,
    ]);
    if (a.passed && e.tier === 'E' && firstExpertPass === undefined)
      firstExpertPass = takenAt.getTime();
  });
  span = lastAttempt - first;

  // 3. Agreements: accepted when the candidate first sits an exam; the second edition on the
  //    first exam after it took effect.
  const agreementId = j.ids.agreements.get(CANDIDATE_AGREEMENT)!;
  if (count > 0 ? rng.chance(0.97) : rng.chance(0.4)) {
    const acceptedAt = new Date(Math.max(start, first - DAY_MS));
    const v2 = j.agreementV2;
    const version = acceptedAt.getTime() >= v2 ? 2 : 1;
    out.agreements.push([userId, agreementId, version, acceptedAt, 'candidate']);
    if (version === 1 && lastAttempt >= v2 && rng.chance(0.9)) {
      const firstAfter = out.results.find((r) => (r[5] as Date).getTime() >= v2);
      if (firstAfter) {
        const at2 = new Date((firstAfter[5] as Date).getTime() - 3_600_000);
        out.agreements.push([userId, agreementId, 2, at2, 'candidate']);
      }
    }
  }

  // 4. Training: a quarter take their first track's course before the first exam.
  if (count > 0 && rng.chance(0.25)) {
    const code = `${j.catalog.tracks[home]!.code}-TRN`;
    out.trainings.push([
      userId,
      j.ids.trainings.get(code)!,
      new Date(first - rng.int(5, 40) * DAY_MS),
      'import',
    ]);
  }

  // 5. Credits: experts log continuing education every few months; a few others now and then.
  const cpe = j.ids.creditCategories.get('CPE')!;
  if (firstExpertPass !== undefined) {
    let t = firstExpertPass + rng.int(20, 90) * DAY_MS;
    for (let n = 0; n < 24 && t < reference - DAY_MS; n++) {
      out.credits.push([userId, cpe, (rng.int(8, 24) / 2).toFixed(2), new Date(t), 'import']);
      t += rng.int(45, 150) * DAY_MS;
    }
  } else if (count > 0 && rng.chance(0.03)) {
    const category = rng.chance(0.5) ? cpe : j.ids.creditCategories.get('TEACH')!;
    for (let n = rng.int(1, 3); n > 0; n--) {
      const t = first + Math.floor(rng.next() * Math.max(span, DAY_MS));
      out.credits.push([userId, category, (rng.int(2, 16) / 2).toFixed(2), new Date(t), 'import']);
    }
  }
  return out;
}

// ------------------------------------------------------------------ sinks

export interface RowSink {
  /** Writes every row into `table (columns)`; returns the number of rows written. */
  copy(
    table: string,
    columns: readonly string[],
    chunks: Iterable<Cell[][]> | AsyncIterable<Cell[][]>,
  ): Promise<number>;
}

function copyText(cell: Cell): string {
  if (cell === null) return '\\N';
  if (cell instanceof Date) return cell.toISOString();
  if (typeof cell === 'boolean') return cell ? 't' : 'f';
  if (typeof cell === 'number') return String(cell);
  return cell.replace(
    /[\\\t\n\r]/g,
    (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!,
  );
}

/** COPY ... FROM STDIN (text format) on one client, streamed with back-pressure. */
export function postgresCopySink(client: pg.Client): RowSink {
  return {
    async copy(table, columns, chunks) {
      let rows = 0;
      async function* text() {
        for await (const chunk of chunks) {
          rows += chunk.length;
          let s = '';
          for (const row of chunk) s += `${row.map(copyText).join('\t')}\n`;
          yield s;
        }
      }
      const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
      await pipeline(Readable.from(text()), stream);
      return rows;
    },
  };
}

function sqlLiteral(cell: Cell): string {
  if (cell === null) return 'null';
  if (cell instanceof Date) return `'${cell.toISOString()}'`;
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  if (typeof cell === 'number') return String(cell);
  return `'${cell.replace(/'/g, "''")}'`;
}

/** Multi-row INSERTs of up to `rowsPerStatement` rows (the embedded database). */
export function insertSink(db: Kysely<DB>, rowsPerStatement = 5_000): RowSink {
  return {
    async copy(table, columns, chunks) {
      let rows = 0;
      let pending: Cell[][] = [];
      const flush = async () => {
        if (pending.length === 0) return;
        const values = pending.map((r) => `(${r.map(sqlLiteral).join(',')})`).join(',');
        await sql.raw(`insert into ${table} (${columns.join(', ')}) values ${values}`).execute(db);
        rows += pending.length;
        pending = [];
      };
      for await (const chunk of chunks) {
        for (const row of chunk) {
          pending.push(row);
          if (pending.length >= rowsPerStatement) await flush();
        }
      }
      await flush();
      return rows;
    },
  };
}

// ------------------------------------------------------------------ loading

export interface LoadOptions {
  seed: number;
  size: ProgramSize;
  reference: Date;
  /** The evaluation date of the awards (the engine's `at`); default now. */
  at?: Date;
  /** One argon2 hash every generated candidate shares (hashing 200,000 would take hours). */
  passwordHash: string;
  log?: (message: string) => void;
  /** Candidates per generated chunk. */
  chunk?: number;
}

export interface LoadReport {
  catalog: CatalogSpec;
  ids: CatalogIds;
  /** The generated candidates' user ids are firstUserId .. firstUserId + candidates - 1. */
  firstUserId: number;
  rows: Record<(typeof FACT_TABLES)[number] | 'users', number>;
  awards: {
    awarded: number;
    renewed: number;
    expired: number;
    /** Candidates the rules did not settle within the engine's ten rounds (it logs a warning). */
    unsettled: number[];
  };
  seconds: { catalog: number; users: number; facts: number; awards: number };
}

/** Tables whose ids the loader predicts (rows go in in id order, into an empty program). */
const FACT_TABLES = [
  'results',
  'training_completions',
  'agreement_acceptances',
  'credit_entries',
  'awards',
  'award_events',
] as const;

/**
 * Writes the catalog (with Kysely), every candidate and fact (through the
 * sink), and the awards the engine's rules make of them, into a migrated,
 * empty program. Users first (the facts refer to them), then results
 * streamed candidate by candidate while the other facts and the awards are
 * gathered, then those. Ids are identity columns, given in insertion order:
 * the loader predicts them (the awards' evidence names results and other
 * awards by id) and checks them afterwards.
 */
export async function loadProgram(
  db: Kysely<DB>,
  sink: RowSink,
  options: LoadOptions,
): Promise<LoadReport> {
  const { seed, size, reference, passwordHash } = options;
  const at = options.at ?? new Date();
  const log = options.log ?? (() => {});
  const chunkSize = options.chunk ?? 2_000;
  const clock = () => performance.now() / 1000;

  let t = clock();
  const catalog = generateCatalog(seed, reference);
  const ids = await insertCatalog(db, catalog);
  const defs = await new CatalogService(db).definitions(db);
  const catalogSeconds = clock() - t;

  t = clock();
  const firstUserId = await nextId(db, 'users');
  const users = await sink.copy(
    'users',
    USER_COLUMNS,
    (function* () {
      for (let i = 0; i < size.candidates; i += chunkSize) {
        const chunk: Cell[][] = [];
        for (let k = i; k < Math.min(size.candidates, i + chunkSize); k++) {
          chunk.push(userRow(seed, k, reference, passwordHash));
        }
        yield chunk;
      }
    })(),
  );
  await checkIds(db, 'users', firstUserId, size.candidates);
  await sql`select setval('candidate_number_seq', ${FIRST_CANDIDATE_NUMBER + size.candidates})`.execute(
    db,
  );
  const usersSeconds = clock() - t;
  log(`users: ${users.toLocaleString('en-US')} rows in ${usersSeconds.toFixed(1)} s`);

  t = clock();
  const first = {} as Record<(typeof FACT_TABLES)[number], number>;
  for (const table of FACT_TABLES) first[table] = await nextId(db, table);
  const counter = { ...first };
  const counts = resultCounts(seed, size);
  const j = journeys(catalog, ids);
  const awarding = new InMemoryAwarding(defs, at, seed, first.awards, 'bench:generate');
  const rest = {
    trainings: [] as Cell[][],
    agreements: [] as Cell[][],
    credits: [] as Cell[][],
    awards: [] as Cell[][],
    events: [] as Cell[][],
  };
  let awardsSeconds = 0;
  let lastLog = clock();
  const results = await sink.copy(
    'results',
    RESULT_COLUMNS,
    (function* () {
      for (let i = 0; i < size.candidates; i += chunkSize) {
        const chunk: Cell[][] = [];
        for (let k = i; k < Math.min(size.candidates, i + chunkSize); k++) {
          const userId = firstUserId + k;
          const rows = candidateRows(seed, k, counts[k]!, userId, j);
          for (const r of rows.results) chunk.push(r);
          for (const r of rows.trainings) rest.trainings.push(r);
          for (const r of rows.agreements) rest.agreements.push(r);
          for (const r of rows.credits) rest.credits.push(r);
          const started = clock();
          awarding.candidate(userId, factsOf(rows, counter, defs), rest);
          awardsSeconds += clock() - started;
        }
        if (clock() - lastLog > 15) {
          lastLog = clock();
          log(
            `  ${Math.min(size.candidates, i + chunkSize).toLocaleString('en-US')} candidates, ` +
              `${rest.awards.length.toLocaleString('en-US')} awards so far`,
          );
        }
        yield chunk;
      }
    })(),
  );
  const trainings = await sink.copy('training_completions', TRAINING_COLUMNS, [rest.trainings]);
  const agreements = await sink.copy('agreement_acceptances', AGREEMENT_COLUMNS, [rest.agreements]);
  const credits = await sink.copy('credit_entries', CREDIT_COLUMNS, [rest.credits]);
  const awards = await sink.copy('awards', AWARD_COLUMNS, [rest.awards]);
  const events = await sink.copy('award_events', AWARD_EVENT_COLUMNS, [rest.events]);
  const rows = {
    users,
    results,
    training_completions: trainings,
    agreement_acceptances: agreements,
    credit_entries: credits,
    awards,
    award_events: events,
  };
  for (const table of FACT_TABLES) await checkIds(db, table, first[table], rows[table]);
  const factsSeconds = clock() - t;
  log(
    `facts: ${results.toLocaleString('en-US')} results, ${trainings} training, ` +
      `${agreements} agreement, ${credits} credit rows; ${awards.toLocaleString('en-US')} awards, ` +
      `${events.toLocaleString('en-US')} award events in ${factsSeconds.toFixed(1)} s ` +
      `(deciding awards ${awardsSeconds.toFixed(1)} s)`,
  );
  return {
    catalog,
    ids,
    firstUserId,
    rows,
    awards: { ...awarding.changes, unsettled: awarding.unsettledUsers },
    seconds: {
      catalog: catalogSeconds,
      users: usersSeconds,
      facts: factsSeconds - awardsSeconds,
      awards: awardsSeconds,
    },
  };
}

/** A candidate's generated rows as the evaluator's facts, with the ids the rows will get. */
function factsOf(
  rows: CandidateRows,
  counter: Record<(typeof FACT_TABLES)[number], number>,
  defs: ProgramDefinitions,
): CandidateState['facts'] {
  // The same mapping as facts.repository.ts `loadCandidates`.
  return {
    results: rows.results.map((r) => ({
      id: String(counter.results++),
      examCode: defs.examsById.get(r[1] as number)!.code,
      examVersion: (r[2] as string | null) ?? '',
      score: (r[3] as number | null) ?? Number.NEGATIVE_INFINITY,
      passed: r[4] as boolean,
      takenAt: r[5] as Date,
      revoked: r[9] === 'revoked',
    })),
    trainings: rows.trainings.map((r) => ({
      id: String(counter.training_completions++),
      courseCode: defs.trainingsById.get(r[1] as number)!.code,
      completedAt: r[2] as Date,
    })),
    agreements: rows.agreements.map((r) => ({
      id: String(counter.agreement_acceptances++),
      agreementCode: defs.agreementsById.get(r[1] as number)!.code,
      version: r[2] as number,
      acceptedAt: r[3] as Date,
    })),
    credits: rows.credits.map((r) => ({
      id: String(counter.credit_entries++),
      categoryCode: defs.creditCategoriesById.get(r[1] as number)!.code,
      amount: Number(r[2]),
      earnedAt: r[3] as Date,
    })),
  };
}

async function nextId(db: Kysely<DB>, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | null }>`select max(id)::int as n from ${sql.table(
    table,
  )}`.execute(db);
  return (rows[0]?.n ?? 0) + 1;
}

async function checkIds(db: Kysely<DB>, table: string, first: number, count: number) {
  const { rows } = await sql<{ lo: number | null; hi: number | null; n: number }>`
    select min(id)::int as lo, max(id)::int as hi, count(*)::int as n
    from ${sql.table(table)} where id >= ${first}`.execute(db);
  const got = rows[0]!;
  if (count > 0 && (got.n !== count || got.lo !== first || got.hi !== first + count - 1)) {
    throw new Error(
      `${table}: expected ids ${first}..${first + count - 1}, got ${got.lo}..${got.hi} ` +
        `(${got.n} rows): load into an empty program, with nothing else writing`,
    );
  }
}

async function insertCatalog(db: Kysely<DB>, catalog: CatalogSpec): Promise<CatalogIds> {
  const ids: CatalogIds = {
    exams: new Map(),
    trainings: new Map(),
    creditCategories: new Map(),
    agreements: new Map(),
    credentials: new Map(),
  };
  const created = new Date(catalog.reference.getTime() - 10 * 365 * DAY_MS);
  await db.transaction().execute(async (trx) => {
    for (const e of catalog.exams) {
      const row = await trx
        .insertInto('exams')
        .values({
          code: e.code,
          title: e.title,
          description: `${e.title} (${e.code}).`,
          kind: e.kind,
          delivery: e.delivery,
          score_min: e.scoreMin,
          score_max: e.scoreMax,
          passing_score: e.passingScore,
          languages: ['en'],
          duration_minutes: e.durationMinutes,
          price_cents: e.priceCents,
          currency: e.priceCents === null ? null : 'USD',
          retake_wait_days_first: e.kind === 'assessment' ? 1 : 14,
          retake_wait_days_later: e.kind === 'assessment' ? 1 : 30,
          retake_max_per_year: e.kind === 'assessment' ? null : 4,
          status: 'published',
          created_at: created,
          updated_at: created,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.exams.set(e.code, row.id);
      await trx
        .insertInto('exam_versions')
        .values(
          e.versions.map((v) => ({
            exam_id: row.id,
            version: v.version,
            available_from: v.availableFrom,
            available_until: v.availableUntil,
          })),
        )
        .execute();
    }
    for (const [table, list, map] of [
      ['training_courses', catalog.trainings, ids.trainings],
      ['credit_categories', catalog.creditCategories, ids.creditCategories],
      ['agreements', catalog.agreements, ids.agreements],
    ] as const) {
      for (const item of list) {
        const row = await trx
          .insertInto(table)
          .values({
            code: item.code,
            title: item.title,
            description: item.title,
            created_at: created,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        map.set(item.code, row.id);
      }
    }
    for (const a of catalog.agreements) {
      await trx
        .insertInto('agreement_versions')
        .values(
          a.versions.map((v) => ({
            agreement_id: ids.agreements.get(a.code)!,
            version: v.version,
            body: v.body,
            effective_at: v.effectiveAt,
          })),
        )
        .execute();
    }
    for (const c of catalog.credentials) {
      const row = await trx
        .insertInto('credentials')
        .values({
          code: c.code,
          name: c.name,
          kind: c.kind,
          level: c.level,
          level_rank: c.levelRank,
          description: c.description,
          status: 'published',
          validity_months: c.validityMonths,
          recertification: JSON.stringify(c.recertification),
          created_at: created,
          updated_at: created,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.credentials.set(c.code, row.id);
      await trx
        .insertInto('credential_requirements')
        .values({
          credential_id: row.id,
          version: 1,
          tree: JSON.stringify(c.tree),
          effective_at: created,
          note: 'Generated for benchmarks.',
          created_at: created,
        })
        .execute();
    }
  });
  return ids;
}

/** A session token for generated candidate `k`: derived from the seed, so runs are repeatable. */
export function benchSessionToken(seed: number, k: number): string {
  return crypto
    .createHash('sha256')
    .update(`laurel-bench-session:${seed}:${k}`)
    .digest('base64url');
}
