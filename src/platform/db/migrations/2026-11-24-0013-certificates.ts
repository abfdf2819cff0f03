import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code and is never
// edited after it has shipped. Certificates (templates per credential, the
// requests candidates make, cached PDFs) and name change requests.
// Columns holding personal data are marked `pii`.

const now = sql`now()`;
const imageType = (column: string) =>
  sql.raw(`${column}_type is null or ${column}_type in ('image/png', 'image/jpeg')`);
const imagePair = (column: string) => sql.raw(`(${column} is null) = (${column}_type is null)`);

export async function up(db: Kysely<any>): Promise<void> {
  // One template per credential; every change raises its version, which
  // makes certificates cached under an older version stale.
  await db.schema
    .createTable('certificate_templates')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('credential_id', 'bigint', (c) =>
      c.notNull().unique().references('credentials.id').onDelete('cascade'),
    )
    .addColumn('version', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(1)
        .check(sql`version > 0`),
    )
    .addColumn('signatory_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('signatory_title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('background', 'bytea')
    .addColumn('background_type', 'text', (c) => c.check(imageType('background')))
    .addColumn('logo', 'bytea')
    .addColumn('logo_type', 'text', (c) => c.check(imageType('logo')))
    .addColumn('signature', 'bytea')
    .addColumn('signature_type', 'text', (c) => c.check(imageType('signature')))
    .addColumn('updated_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addCheckConstraint('certificate_templates_background_pair', imagePair('background'))
    .addCheckConstraint('certificate_templates_logo_pair', imagePair('logo'))
    .addCheckConstraint('certificate_templates_signature_pair', imagePair('signature'))
    .execute();

  // Who asked for which award's certificate, when, and how it was delivered.
  await db.schema
    .createTable('certificate_requests')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('award_id', 'bigint', (c) => c.notNull().references('awards.id').onDelete('cascade'))
    .addColumn('paper', 'text', (c) => c.notNull().check(sql`paper in ('a4', 'letter')`))
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('delivery', 'text', (c) =>
      c.notNull().check(sql`delivery in ('download', 'email', 'both')`),
    )
    .addColumn('template_version', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('certificate_requests_award_idx')
    .on('certificate_requests')
    .columns(['award_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('certificate_requests_user_idx')
    .on('certificate_requests')
    .columns(['user_id', 'created_at'])
    .execute();

  // The last certificate made per award, paper and language; `fingerprint`
  // is a hash of everything printed and of the template version, so a
  // renewal, a new name or a new template makes a new one.
  await db.schema
    .createTable('certificate_files')
    .addColumn('award_id', 'bigint', (c) => c.notNull().references('awards.id').onDelete('cascade'))
    .addColumn('paper', 'text', (c) => c.notNull().check(sql`paper in ('a4', 'letter')`))
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('pdf', 'bytea', (c) => c.notNull()) // pii (the name printed)
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('certificate_files_pkey', ['award_id', 'paper', 'language'])
    .execute();

  // A candidate asks for the name on the account to change; support decides.
  // Requests are never deleted: their events are the history.
  await db.schema
    .createTable('name_change_requests')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('current_given_name', 'text', (c) => c.notNull()) // pii
    .addColumn('current_family_name', 'text', (c) => c.notNull()) // pii
    .addColumn('requested_given_name', 'text', (c) => c.notNull()) // pii
    .addColumn('requested_family_name', 'text', (c) => c.notNull()) // pii
    .addColumn('reason', 'text', (c) => c.notNull()) // pii
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'approved', 'rejected', 'withdrawn')`),
    )
    .addColumn('decided_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision_note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  // At most one pending request per candidate.
  await sql`create unique index name_change_one_pending_key on name_change_requests (user_id) where status = 'pending'`.execute(
    db,
  );
  await db.schema
    .createIndex('name_change_status_idx')
    .on('name_change_requests')
    .columns(['status', 'created_at'])
    .execute();

  await db.schema
    .createTable('name_change_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('request_id', 'bigint', (c) =>
      c.notNull().references('name_change_requests.id').onDelete('cascade'),
    )
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('actor_user_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('submitted', 'approved', 'rejected', 'withdrawn')`),
    )
    .addColumn('note', 'text') // pii
    .execute();
  await db.schema
    .createIndex('name_change_events_request_idx')
    .on('name_change_events')
    .column('request_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('name_change_events').ifExists().execute();
  await db.schema.dropTable('name_change_requests').ifExists().execute();
  await db.schema.dropTable('certificate_files').ifExists().execute();
  await db.schema.dropTable('certificate_requests').ifExists().execute();
  await db.schema.dropTable('certificate_templates').ifExists().execute();
}
