import type { Kysely, Transaction } from 'kysely';
import type { CertificateImageType, DB } from '../../platform/db/schema.ts';

/** Every query on the certificate tables: templates, requests and cached files. No rules here. */

type Executor = Kysely<DB> | Transaction<DB>;

export function templateOf(db: Executor, credentialId: number) {
  return db
    .selectFrom('certificate_templates')
    .selectAll()
    .where('credential_id', '=', credentialId)
    .executeTakeFirst();
}

/** The template's version alone: what a cached certificate is checked against. */
export async function templateVersionOf(
  db: Executor,
  credentialId: number,
): Promise<number | null> {
  const row = await db
    .selectFrom('certificate_templates')
    .select('version')
    .where('credential_id', '=', credentialId)
    .executeTakeFirst();
  return row?.version ?? null;
}

export function templateSummaries(db: Executor) {
  return db
    .selectFrom('certificate_templates')
    .select([
      'credential_id',
      'version',
      'signatory_name',
      'signatory_title',
      'updated_at',
      'background_type',
      'logo_type',
      'signature_type',
    ])
    .execute();
}

export interface TemplateChange {
  signatory_name: string;
  signatory_title: string;
  /** undefined: keep; null: remove; an image: replace. */
  background?: { bytes: Uint8Array; type: CertificateImageType } | null;
  logo?: { bytes: Uint8Array; type: CertificateImageType } | null;
  signature?: { bytes: Uint8Array; type: CertificateImageType } | null;
}

function imageColumns(change: TemplateChange) {
  const out: Record<string, Uint8Array | string | null> = {};
  for (const name of ['background', 'logo', 'signature'] as const) {
    const value = change[name];
    if (value === undefined) continue;
    out[name] = value ? Buffer.from(value.bytes) : null;
    out[`${name}_type`] = value ? value.type : null;
  }
  return out;
}

/** Creates or changes the template; returns its new version. */
export async function saveTemplate(
  db: Executor,
  credentialId: number,
  change: TemplateChange,
  actorUserId: number,
): Promise<number> {
  const row = await db
    .insertInto('certificate_templates')
    .values({
      credential_id: credentialId,
      signatory_name: change.signatory_name,
      signatory_title: change.signatory_title,
      updated_by: actorUserId,
      ...imageColumns(change),
    })
    .onConflict((oc) =>
      oc.column('credential_id').doUpdateSet((eb) => ({
        version: eb('certificate_templates.version', '+', 1),
        signatory_name: change.signatory_name,
        signatory_title: change.signatory_title,
        updated_by: actorUserId,
        updated_at: new Date(),
        ...imageColumns(change),
      })),
    )
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}

export async function insertRequest(
  db: Executor,
  values: {
    user_id: number;
    award_id: number;
    paper: 'a4' | 'letter';
    language: string;
    delivery: 'download' | 'email' | 'both';
    template_version: number | null;
  },
): Promise<number> {
  const row = await db
    .insertInto('certificate_requests')
    .values(values)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function requestsOfAward(db: Executor, awardId: number, limit = 20) {
  return db
    .selectFrom('certificate_requests')
    .select(['id', 'paper', 'language', 'delivery', 'created_at'])
    .where('award_id', '=', awardId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function cachedFile(
  db: Executor,
  key: { awardId: number; paper: 'a4' | 'letter'; language: string },
  fingerprint: string,
): Promise<Uint8Array | undefined> {
  const row = await db
    .selectFrom('certificate_files')
    .select('pdf')
    .where('award_id', '=', key.awardId)
    .where('paper', '=', key.paper)
    .where('language', '=', key.language)
    .where('fingerprint', '=', fingerprint)
    .executeTakeFirst();
  return row?.pdf;
}

/** Keeps one file per award, paper and language: a newer one replaces the older. */
export async function storeFile(
  db: Executor,
  key: { awardId: number; paper: 'a4' | 'letter'; language: string },
  fingerprint: string,
  pdf: Uint8Array,
): Promise<void> {
  await db
    .insertInto('certificate_files')
    .values({
      award_id: key.awardId,
      paper: key.paper,
      language: key.language,
      fingerprint,
      pdf: Buffer.from(pdf),
    })
    .onConflict((oc) =>
      oc.columns(['award_id', 'paper', 'language']).doUpdateSet({
        fingerprint,
        pdf: Buffer.from(pdf),
        created_at: new Date(),
      }),
    )
    .execute();
}
