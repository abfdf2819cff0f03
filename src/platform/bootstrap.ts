import type { Database } from './db/database.ts';

/**
 * Makes sure the single program row exists, so a new production install has
 * somewhere to keep its settings. Admins change it later.
 */
export async function ensureProgram(
  db: Database,
  defaults: { name: string; supportEmail: string },
): Promise<void> {
  await db
    .insertInto('program')
    .values({
      id: 1,
      name: defaults.name,
      short_name: defaults.name,
      support_email: defaults.supportEmail,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Publishes a privacy notice as the next version, in force from `effectiveAt`. */
export async function publishPrivacyNotice(
  db: Database,
  body: string,
  effectiveAt = new Date(),
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // The primary key refuses a duplicate version if two admins publish at once.
    const last = await trx
      .selectFrom('privacy_notices')
      .select('version')
      .orderBy('version', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    const version = (last?.version ?? 0) + 1;
    await trx
      .insertInto('privacy_notices')
      .values({ version, body, effective_at: effectiveAt })
      .execute();
    return version;
  });
}
