import { sql, type Kysely } from 'kysely';

// Frozen in time. Sharing credentials with others: the public directory
// opt-in, shares (forwarded credentials) and their view log, and program
// logos per credential with versioned usage guidelines, acceptances and a
// download log. Columns holding personal data are marked `pii`.

const now = sql`now()`;

export async function up(db: Kysely<any>): Promise<void> {
  // ------------------------------------------------------------------ directory

  // A row means the candidate chose to appear in the public directory.
  await db.schema
    .createTable('directory_listings')
    .addColumn('user_id', 'bigint', (c) =>
      c.primaryKey().references('users.id').onDelete('cascade'),
    )
    .addColumn('listed_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  // ------------------------------------------------------------------ shares

  await db.schema
    .createTable('shares')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // SHA-256 of the link's token: the token itself is only in the recipient's email.
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('awards', 'transcript')`))
    .addColumn('include_history', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('recipient_name', 'text', (c) => c.notNull()) // pii
    .addColumn('recipient_email', 'text', (c) => c.notNull()) // pii
    .addColumn('message', 'text', (c) => c.notNull().defaultTo('')) // pii
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('first_opened_at', 'timestamptz')
    .addColumn('last_opened_at', 'timestamptz')
    .addColumn('open_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addCheckConstraint('shares_expiry_after_creation', sql`expires_at > created_at`)
    .addCheckConstraint(
      'shares_history_with_transcript',
      sql`scope = 'transcript' or not include_history`,
    )
    .execute();
  await db.schema
    .createIndex('shares_user_idx')
    .on('shares')
    .columns(['user_id', 'created_at'])
    .execute();

  // The awards a share of scope 'awards' shows, by their public number.
  await db.schema
    .createTable('share_awards')
    .addColumn('share_id', 'bigint', (c) => c.notNull().references('shares.id').onDelete('cascade'))
    .addColumn('credential_number', 'text', (c) =>
      c.notNull().references('awards.credential_number').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('share_awards_pkey', ['share_id', 'credential_number'])
    .execute();

  await db.schema
    .createTable('share_views')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('share_id', 'bigint', (c) => c.notNull().references('shares.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('user_agent', 'text') // pii (the recipient's browser)
    .execute();
  await db.schema
    .createIndex('share_views_share_idx')
    .on('share_views')
    .columns(['share_id', 'at'])
    .execute();

  // ------------------------------------------------------------------ logos

  await db.schema
    .createTable('logo_files')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('credential_id', 'bigint', (c) =>
      c.notNull().references('credentials.id').onDelete('cascade'),
    )
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('svg', 'png', 'eps', 'zip')`))
    .addColumn('file_size', 'integer', (c) =>
      c.notNull().check(sql`file_size between 1 and 10485760`),
    )
    .addColumn('file', 'bytea', (c) => c.notNull())
    .addColumn('uploaded_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('logo_files_credential_idx')
    .on('logo_files')
    .column('credential_id')
    .execute();

  await db.schema
    .createTable('logo_guidelines')
    .addColumn('credential_id', 'bigint', (c) =>
      c.notNull().references('credentials.id').onDelete('cascade'),
    )
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version > 0`))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('logo_guidelines_pkey', ['credential_id', 'version'])
    .execute();

  await db.schema
    .createTable('logo_acceptances')
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('credential_id', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('logo_acceptances_pkey', ['user_id', 'credential_id', 'version'])
    .addForeignKeyConstraint(
      'logo_acceptances_guidelines_fkey',
      ['credential_id', 'version'],
      'logo_guidelines',
      ['credential_id', 'version'],
      (c) => c.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('logo_downloads')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('credential_id', 'bigint', (c) =>
      c.notNull().references('credentials.id').onDelete('cascade'),
    )
    .addColumn('logo_file_id', 'bigint', (c) => c.references('logo_files.id').onDelete('set null'))
    .addColumn('credential_number', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('guidelines_version', 'integer')
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('logo_downloads_credential_idx')
    .on('logo_downloads')
    .columns(['credential_id', 'at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'logo_downloads',
    'logo_acceptances',
    'logo_guidelines',
    'logo_files',
    'share_views',
    'share_awards',
    'shares',
    'directory_listings',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
