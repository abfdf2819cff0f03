import type { App } from '../../src/app.ts';
import type { Database } from '../../src/platform/db/database.ts';
import type { RequirementNode } from '../../src/features/progress/requirements.ts';
import {
  givenAgreement,
  givenCreditCategory,
  givenCredential,
  givenExam,
  givenTraining,
} from './catalog.ts';

/**
 * A small program for the candidate-page tests, made with the shared catalog
 * factories (catalog.ts) under fixed codes and titles that the pages'
 * assertions read, and steps that record facts through the awarding engine.
 *
 * - ACS-101 Cloud Security Basics (pass 700; retake after 14 days, then 30)
 * - ACS-201 Cloud Security Advanced (pass 700), ACS-202 Cloud Networking (pass 650)
 * - training TRN-CLOUD, credit category CE-GEN, agreement CAND
 * - CSA "Cloud Security Associate" (certification, Associate, 24 months):
 *   pass ACS-101 with 700+ and complete TRN-CLOUD
 * - CSP "Cloud Security Professional" (certification, Professional, 36 months):
 *   hold CSA, and any two of ACS-201 (750+), ACS-202, 10 CE-GEN credits
 * - DRAFT-1 (draft: never shown to candidates)
 */
export interface PagesCatalog {
  exams: Record<'ACS-101' | 'ACS-201' | 'ACS-202', number>;
  courseId: number;
  categoryId: number;
  credentials: Record<'CSA' | 'CSP' | 'DRAFT-1', number>;
}

export const CSA_TREE: RequirementNode = {
  kind: 'all',
  id: 'root',
  children: [
    { kind: 'exam', id: 'basics', examCode: 'ACS-101', minScore: 700 },
    { kind: 'training', id: 'workshop', courseCode: 'TRN-CLOUD' },
  ],
};

export const CSP_TREE: RequirementNode = {
  kind: 'all',
  id: 'root',
  children: [
    { kind: 'credential', id: 'associate', credentialCode: 'CSA' },
    {
      kind: 'any',
      id: 'electives',
      count: 2,
      children: [
        { kind: 'exam', id: 'advanced', examCode: 'ACS-201', minScore: 750 },
        { kind: 'exam', id: 'networking', examCode: 'ACS-202' },
        { kind: 'credits', id: 'ce', categoryCode: 'CE-GEN', minimum: 10 },
      ],
    },
  ],
};

export async function givenPagesCatalog(db: Database): Promise<PagesCatalog> {
  const retake = { waitDaysFirst: 14, waitDaysLater: 30 };
  const exam = async (
    code: string,
    title: string,
    passingScore: number,
    maxPerYear: number | null = null,
  ) =>
    (
      await givenExam(db, {
        code,
        title,
        passingScore,
        versions: ['2025'],
        retake: { ...retake, maxPerYear },
      })
    ).id;
  const exams = {
    'ACS-101': await exam('ACS-101', 'Cloud Security Basics', 700, 3),
    'ACS-201': await exam('ACS-201', 'Cloud Security Advanced', 700),
    'ACS-202': await exam('ACS-202', 'Cloud Networking', 650),
  };
  // The shared factories name these after their codes; the pages show titles, so give real ones.
  const courseId = (await givenTraining(db, 'TRN-CLOUD')).id;
  await db
    .updateTable('training_courses')
    .set({ title: 'Cloud Fundamentals Workshop' })
    .where('id', '=', courseId)
    .execute();
  const categoryId = (await givenCreditCategory(db, 'CE-GEN')).id;
  await db
    .updateTable('credit_categories')
    .set({ title: 'General continuing education' })
    .where('id', '=', categoryId)
    .execute();
  await givenAgreement(db, 'CAND');

  const credentials = {
    CSA: (
      await givenCredential(db, {
        code: 'CSA',
        name: 'Cloud Security Associate',
        level: 'Associate',
        levelRank: 1,
        validityMonths: 24,
        recertification: {
          requirementsAgain: true,
          exams: [],
          higherCredentials: [],
          credits: { category: 'CE-GEN', minimum: 20 },
        },
        requirements: [{ tree: CSA_TREE }],
      })
    ).id,
    CSP: (
      await givenCredential(db, {
        code: 'CSP',
        name: 'Cloud Security Professional',
        level: 'Professional',
        levelRank: 2,
        validityMonths: 36,
        recertification: {
          requirementsAgain: false,
          exams: ['ACS-201'],
          higherCredentials: [],
          credits: null,
        },
        requirements: [{ tree: CSP_TREE }],
      })
    ).id,
    'DRAFT-1': (
      await givenCredential(db, {
        code: 'DRAFT-1',
        name: 'Secret Draft Credential',
        level: 'Expert',
        levelRank: 3,
        status: 'draft',
        requirements: [{ tree: { kind: 'exam', id: 'x', examCode: 'ACS-202' } }],
      })
    ).id,
  };
  return { exams, courseId, categoryId, credentials };
}

/** Records an attempt through the awarding engine (which awards what it completes). */
export async function givenResult(
  app: App,
  userId: number,
  examCode: string,
  score: number,
  takenAt: Date,
  extra: { examVersion?: string } = {},
): Promise<number> {
  const { resultId } = await app.progress.recordResult(null, userId, {
    examCode,
    score,
    takenAt,
    examVersion: extra.examVersion ?? '2025',
    reason: 'test',
    source: 'provider',
  });
  return resultId;
}

export async function givenTrainingCompletion(
  app: App,
  userId: number,
  completedAt: Date,
): Promise<number> {
  const { id } = await app.progress.recordTraining(null, userId, {
    courseCode: 'TRN-CLOUD',
    completedAt,
    source: 'manual',
    reason: 'test',
  });
  return id;
}

export const daysAgo = (days: number): Date => new Date(Date.now() - days * 86_400_000);

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------

export const PDF_BYTES = Buffer.from(
  '%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n',
  'latin1',
);
export const PNG_BYTES = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1,
  0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
]);
export const JPEG_BYTES = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9,
]);
export const EXE_BYTES = Buffer.concat([
  Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'),
  Buffer.alloc(64),
]);

export interface MultipartFile {
  name: string;
  type: string;
  bytes: Buffer;
}

/** A multipart/form-data body as a browser sends it. */
export function multipartBody(
  fields: Record<string, string>,
  file?: MultipartFile,
): { payload: Buffer; contentType: string } {
  const boundary = `----laurel${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  if (file) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
