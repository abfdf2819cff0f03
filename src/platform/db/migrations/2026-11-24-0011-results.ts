import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code and is never edited
// after it has shipped. Result ingestion: file imports (their staged rows and
// problems), signing secrets of API keys that sign their requests, exam
// authorizations and the record of exports to delivery providers.
// Columns holding personal data are marked `pii`.

const now = sql`now()`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('result_imports')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('provider', 'text', (c) =>
      c.notNull().check(sql`provider ~ '^[a-z0-9][a-z0-9-]{0,31}$'`),
    )
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.check(sql`format in ('provider', 'simple')`))
    .addColumn('header_line', 'text')
    .addColumn('mode', 'text', (c) =>
      c.notNull().check(sql`mode in ('all_or_nothing', 'good_rows')`),
    )
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('validating')
        .check(sql`status in ('validating', 'invalid', 'ready', 'importing', 'done', 'failed')`),
    )
    .addColumn('rows_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_valid', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_bad', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_no_show', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unchanged_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unclaimed_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('awarded_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('applied_through_line', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('job_id', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('result_imports_created_idx')
    .on('result_imports')
    .column('created_at')
    .execute();

  // Valid rows of a file, staged until the import is applied (then deleted).
  await db.schema
    .createTable('result_import_rows')
    .addColumn('import_id', 'bigint', (c) =>
      c.notNull().references('result_imports.id').onDelete('cascade'),
    )
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('registration_id', 'text', (c) => c.notNull())
    .addColumn('candidate_id', 'text', (c) => c.notNull()) // pii
    .addColumn('last_name', 'text') // pii
    .addColumn('exam_id', 'bigint', (c) => c.notNull())
    .addColumn('exam_version', 'text')
    .addColumn('score', 'integer')
    .addColumn('passed', 'boolean', (c) => c.notNull())
    .addColumn('taken_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('result_import_rows_pkey', ['import_id', 'line'])
    .addUniqueConstraint('result_import_rows_ref_key', ['import_id', 'registration_id'])
    .execute();

  await db.schema
    .createTable('result_import_problems')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('import_id', 'bigint', (c) =>
      c.notNull().references('result_imports.id').onDelete('cascade'),
    )
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('column_name', 'text', (c) => c.notNull())
    .addColumn('message_key', 'text', (c) => c.notNull())
    .addColumn('params', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('raw', 'text') // pii: the bad line as it was, for the download of bad rows
    .execute();
  await db.schema
    .createIndex('result_import_problems_import_idx')
    .on('result_import_problems')
    .columns(['import_id', 'line'])
    .execute();

  // HMAC-SHA256 secrets of API keys whose requests are signed (sealed with the installation secret).
  await db.schema
    .createTable('result_signing_secrets')
    .addColumn('api_key_id', 'bigint', (c) => c.primaryKey())
    .addColumn('sealed_secret', 'text', (c) => c.notNull())
    .addColumn('created_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  // Who is eligible to sit which exam at a delivery provider, and when.
  await db.schema
    .createTable('exam_authorizations')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('exam_id', 'bigint', (c) => c.notNull().references('exams.id'))
    .addColumn('eligible_from', 'date', (c) => c.notNull())
    .addColumn('eligible_until', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active', 'cancelled')`),
    )
    .addColumn('created_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addCheckConstraint('exam_authorizations_window', sql`eligible_from <= eligible_until`)
    .execute();
  await db.schema
    .createIndex('exam_authorizations_updated_idx')
    .on('exam_authorizations')
    .column('updated_at')
    .execute();

  // Each export to a delivery provider: what it covered ("new or changed since the last one").
  await db.schema
    .createTable('provider_exports')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('candidates', 'authorizations')`),
    )
    .addColumn('changed_after', 'timestamptz')
    .addColumn('changed_until', 'timestamptz', (c) => c.notNull())
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('provider_exports_kind_idx')
    .on('provider_exports')
    .columns(['kind', 'changed_until'])
    .execute();
  // Unclaimed results are looked up by the provider's candidate ID and listed for staff.
  await sql`create index results_unclaimed_idx on results (created_at) where user_id is null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists results_unclaimed_idx`.execute(db);
  for (const table of [
    'provider_exports',
    'exam_authorizations',
    'result_signing_secrets',
    'result_import_problems',
    'result_import_rows',
    'result_imports',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
