import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code and is never edited
// after it has shipped. API keys for machines (exam delivery providers, CRMs).

export async function up(db: Kysely<any>): Promise<void> {
  const now = sql`now()`;
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (c) => c.notNull())
    // The first characters of the key, shown in lists so people can tell keys apart.
    .addColumn('prefix', 'text', (c) => c.notNull())
    // SHA-256 of the whole key: the key itself is shown once and never stored.
    .addColumn('key_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('scopes', sql`text[]`, (c) =>
      c
        .notNull()
        .check(
          sql`scopes <@ array['results', 'appointments', 'candidates']::text[] and cardinality(scopes) > 0`,
        ),
    )
    // The delivery provider the key speaks for (its results carry this provider code).
    .addColumn('provider', 'text')
    .addColumn('created_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_keys').ifExists().execute();
}
