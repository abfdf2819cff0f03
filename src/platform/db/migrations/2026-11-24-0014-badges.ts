import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code and is never edited
// after it has shipped. Open Badges: the installation's issuer keys and each
// badge's place in the Bitstring Status Lists.

const now = sql`now()`;

export async function up(db: Kysely<any>): Promise<void> {
  // Ed25519 key pairs of the issuer (did:web of the installation). Exactly one
  // is current; retired ones stay published in the DID document so badges
  // they signed keep verifying. A retired key's secret is erased.
  await db.schema
    .createTable('issuer_keys')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    // The verification method's fragment, e.g. `key-20261124-3f9a1c`.
    .addColumn('key_id', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`key_id ~ '^[A-Za-z0-9_-]{1,64}$'`),
    )
    .addColumn('public_key_multibase', 'text', (c) => c.notNull())
    // AES-256-GCM sealed with the configured secret; null once retired.
    .addColumn('secret_key_sealed', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('current')
        .check(sql`status in ('current', 'retired')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('retired_at', 'timestamptz')
    .addCheckConstraint(
      'issuer_keys_current_has_secret',
      sql`status = 'retired' or secret_key_sealed is not null`,
    )
    .execute();
  await sql`create unique index issuer_keys_one_current on issuer_keys ((true)) where status = 'current'`.execute(
    db,
  );

  // An award's position in the status lists (the same index in the revocation
  // and the suspension list), given when its first badge is issued.
  await sql`create sequence badge_status_position_seq minvalue 0 start 0`.execute(db);
  await db.schema
    .createTable('badge_status_entries')
    .addColumn('award_id', 'bigint', (c) =>
      c.primaryKey().references('awards.id').onDelete('cascade'),
    )
    .addColumn('list_number', 'integer', (c) => c.notNull().check(sql`list_number >= 1`))
    .addColumn('list_index', 'integer', (c) => c.notNull().check(sql`list_index >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('badge_status_entries_position_key', ['list_number', 'list_index'])
    .execute();

  // The status lists read the few suspended and revoked awards on each request.
  await sql`create index awards_flagged_idx on awards (id) where status in ('suspended', 'revoked')`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists awards_flagged_idx`.execute(db);
  await db.schema.dropTable('badge_status_entries').ifExists().execute();
  await sql`drop sequence if exists badge_status_position_seq`.execute(db);
  await db.schema.dropTable('issuer_keys').ifExists().execute();
}
