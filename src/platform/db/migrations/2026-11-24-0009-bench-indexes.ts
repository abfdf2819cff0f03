import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code and is never edited
// after it has shipped. Indexes the benchmarks showed to be needed
// (BENCHMARKS.md, section "progress"; EXPLAIN ANALYZE on the generated program).

export async function up(db: Kysely<any>): Promise<void> {
  // The awarding engine reads the program managers' "keep" decisions of every
  // candidate it loads (award_events of kind 'kept' joined to the candidates'
  // awards). Without this index each batch of 1,000 candidates probes
  // award_events once per award (about 2,000 probes, 6 ms at 200,000
  // candidates) to find, nearly always, nothing; with it, 0.1 ms.
  await sql`create index award_events_kept_idx on award_events (award_id) where kind = 'kept'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists award_events_kept_idx`.execute(db);
}
