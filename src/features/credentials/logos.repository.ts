import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, LogoKind } from '../../platform/db/schema.ts';

/** Every query on the logo tables: files, guidelines, acceptances, downloads. No rules here. */
type Executor = Kysely<DB> | Transaction<DB>;

const fileColumns = [
  'id',
  'credential_id',
  'file_name',
  'kind',
  'file_size',
  'created_at',
] as const;

export function filesOf(db: Executor, credentialId: number) {
  return db
    .selectFrom('logo_files')
    .select(fileColumns)
    .where('credential_id', '=', credentialId)
    .orderBy('file_name')
    .orderBy('id')
    .execute();
}

export function fileWithBytes(db: Executor, credentialId: number, id: number) {
  return db
    .selectFrom('logo_files')
    .select([...fileColumns, 'file'])
    .where('credential_id', '=', credentialId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertFile(
  db: Executor,
  file: {
    credentialId: number;
    fileName: string;
    kind: LogoKind;
    bytes: Uint8Array;
    uploadedBy: number;
  },
): Promise<number> {
  const row = await db
    .insertInto('logo_files')
    .values({
      credential_id: file.credentialId,
      file_name: file.fileName,
      kind: file.kind,
      file_size: file.bytes.length,
      file: file.bytes,
      uploaded_by: file.uploadedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function deleteFile(db: Executor, credentialId: number, id: number) {
  return db
    .deleteFrom('logo_files')
    .where('credential_id', '=', credentialId)
    .where('id', '=', id)
    .returning(['id', 'file_name'])
    .executeTakeFirst();
}

export function currentGuidelines(db: Executor, credentialId: number) {
  return db
    .selectFrom('logo_guidelines')
    .select(['version', 'body', 'created_at'])
    .where('credential_id', '=', credentialId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Locks the credential's guidelines so that two editors cannot take the same version number. */
export async function nextGuidelinesVersion(trx: Transaction<DB>, credentialId: number) {
  await sql`select pg_advisory_xact_lock(hashtext('logo_guidelines'), ${credentialId}::int)`.execute(
    trx,
  );
  const row = await trx
    .selectFrom('logo_guidelines')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('credential_id', '=', credentialId)
    .executeTakeFirst();
  return Number(row?.v ?? 0) + 1;
}

export function insertGuidelines(
  db: Executor,
  g: { credentialId: number; version: number; body: string; createdBy: number },
) {
  return db
    .insertInto('logo_guidelines')
    .values({
      credential_id: g.credentialId,
      version: g.version,
      body: g.body,
      created_by: g.createdBy,
    })
    .execute();
}

export async function hasAccepted(
  db: Executor,
  userId: number,
  credentialId: number,
  version: number,
) {
  const row = await db
    .selectFrom('logo_acceptances')
    .select('version')
    .where('user_id', '=', userId)
    .where('credential_id', '=', credentialId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row !== undefined;
}

export function insertAcceptance(
  db: Executor,
  userId: number,
  credentialId: number,
  version: number,
) {
  return db
    .insertInto('logo_acceptances')
    .values({ user_id: userId, credential_id: credentialId, version })
    .onConflict((oc) => oc.columns(['user_id', 'credential_id', 'version']).doNothing())
    .execute();
}

export function insertDownload(
  db: Executor,
  d: {
    userId: number;
    credentialId: number;
    fileId: number;
    credentialNumber: string;
    fileName: string;
    guidelinesVersion: number | null;
  },
) {
  return db
    .insertInto('logo_downloads')
    .values({
      user_id: d.userId,
      credential_id: d.credentialId,
      logo_file_id: d.fileId,
      credential_number: d.credentialNumber,
      file_name: d.fileName,
      guidelines_version: d.guidelinesVersion,
    })
    .execute();
}

export function recentDownloads(db: Executor, credentialId: number, limit: number) {
  return db
    .selectFrom('logo_downloads')
    .select(['at', 'credential_number', 'file_name', 'guidelines_version'])
    .where('credential_id', '=', credentialId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Per credential: how many files, the latest guidelines version, how many downloads. */
export async function overview(db: Executor) {
  const [files, guidelines, downloads] = await Promise.all([
    db
      .selectFrom('logo_files')
      .select(['credential_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('credential_id')
      .execute(),
    db
      .selectFrom('logo_guidelines')
      .select(['credential_id', (eb) => eb.fn.max('version').as('v')])
      .groupBy('credential_id')
      .execute(),
    db
      .selectFrom('logo_downloads')
      .select(['credential_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('credential_id')
      .execute(),
  ]);
  return {
    files: new Map(files.map((r) => [r.credential_id, Number(r.n)])),
    guidelines: new Map(guidelines.map((r) => [r.credential_id, Number(r.v)])),
    downloads: new Map(downloads.map((r) => [r.credential_id, Number(r.n)])),
  };
}
