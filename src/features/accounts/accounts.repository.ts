import { sql, type Kysely, type Transaction } from 'kysely';
import type { AccountTokenPurpose, DB, Role } from '../../platform/db/schema.ts';

/** Every query on the tables the accounts feature owns. No rules here. */
export type Executor = Kysely<DB> | Transaction<DB>;

const userColumns = [
  'id',
  'candidate_number',
  'username',
  'email',
  'email_verified_at',
  'given_name',
  'family_name',
  'country',
  'locale',
  'time_zone',
  'password_hash',
  'totp_secret',
  'totp_enabled_at',
  'totp_last_step',
  'marketing_opt_in',
  'status',
  'created_at',
] as const;

export function findUserById(db: Executor, id: number) {
  return db.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst();
}

export function findUserByIdForUpdate(db: Transaction<DB>, id: number) {
  return db
    .selectFrom('users')
    .select(userColumns)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function findUserByUsernameOrEmail(db: Executor, identifier: string) {
  const lower = identifier.trim().toLowerCase();
  return db
    .selectFrom('users')
    .select(userColumns)
    .where((eb) => eb.or([eb(sql`lower(username)`, '=', lower), eb(sql`lower(email)`, '=', lower)]))
    .orderBy(sql`lower(username) = ${lower}`, 'desc')
    .executeTakeFirst();
}

export function findUserByEmail(db: Executor, email: string) {
  return db
    .selectFrom('users')
    .select(userColumns)
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

export async function usernameExists(db: Executor, username: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where(sql`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();
  return row !== undefined;
}

export async function nextCandidateNumber(db: Executor, prefix: string): Promise<string> {
  const { rows } = await sql<{
    n: number;
  }>`select nextval('candidate_number_seq')::int as n`.execute(db);
  return `${prefix}-${String(rows[0]!.n).padStart(7, '0')}`;
}

export interface NewUser {
  candidateNumber: string;
  username: string;
  email: string;
  givenName: string;
  familyName: string;
  country: string;
  passwordHash: string | null;
  emailVerified: boolean;
  marketingOptIn: boolean;
  locale: string;
  timeZone: string;
}

export async function insertUser(db: Executor, user: NewUser): Promise<number> {
  const row = await db
    .insertInto('users')
    .values({
      candidate_number: user.candidateNumber,
      username: user.username,
      email: user.email,
      email_verified_at: user.emailVerified ? new Date() : null,
      given_name: user.givenName,
      family_name: user.familyName,
      country: user.country,
      password_hash: user.passwordHash,
      password_changed_at: user.passwordHash ? new Date() : null,
      marketing_opt_in: user.marketingOptIn,
      locale: user.locale,
      time_zone: user.timeZone,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertConsent(
  db: Executor,
  consent: {
    userId: number;
    kind: 'privacy_notice' | 'marketing';
    version: number | null;
    granted: boolean;
  },
): Promise<void> {
  await db
    .insertInto('consents')
    .values({
      user_id: consent.userId,
      kind: consent.kind,
      privacy_notice_version: consent.version,
      granted: consent.granted,
    })
    .execute();
}

export function currentPrivacyNotice(db: Executor) {
  return db
    .selectFrom('privacy_notices')
    .selectAll()
    .where('effective_at', '<=', new Date())
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function acceptedNoticeVersion(db: Executor, userId: number): Promise<number | null> {
  const row = await db
    .selectFrom('consents')
    .select(sql<number | null>`max(privacy_notice_version)`.as('version'))
    .where('user_id', '=', userId)
    .where('kind', '=', 'privacy_notice')
    .where('granted', '=', true)
    .executeTakeFirst();
  return row?.version ?? null;
}

export async function insertToken(
  db: Executor,
  token: {
    hash: Buffer;
    userId: number;
    purpose: AccountTokenPurpose;
    expiresAt: Date;
    newEmail?: string;
  },
): Promise<void> {
  await db
    .insertInto('account_tokens')
    .values({
      token_hash: token.hash,
      user_id: token.userId,
      purpose: token.purpose,
      expires_at: token.expiresAt,
      new_email: token.newEmail ?? null,
    })
    .execute();
}

/** A token that is unused and unexpired; locked when read inside a transaction. */
export function findLiveToken(
  db: Executor,
  hash: Buffer,
  purpose: AccountTokenPurpose,
  lock = false,
) {
  let query = db
    .selectFrom('account_tokens')
    .selectAll()
    .where('token_hash', '=', hash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date());
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function useToken(db: Executor, id: number): Promise<boolean> {
  const result = await db
    .updateTable('account_tokens')
    .set({ used_at: new Date() })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Older links of the same purpose stop working when a new one is sent. */
export async function retireTokens(
  db: Executor,
  userId: number,
  purpose: AccountTokenPurpose,
): Promise<void> {
  await db
    .updateTable('account_tokens')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

export async function updateUser(
  db: Executor,
  id: number,
  values: Partial<{
    email: string;
    email_verified_at: Date | null;
    password_hash: string;
    password_changed_at: Date;
    totp_secret: string | null;
    totp_enabled_at: Date | null;
    totp_last_step: number | null;
    given_name: string;
    family_name: string;
  }>,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ ...values, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** Records a used TOTP step only if it is newer than the last one (no replay). */
export async function advanceTotpStep(db: Executor, id: number, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteSessions(
  db: Executor,
  userId: number,
  exceptSessionId?: number,
): Promise<number> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptSessionId !== undefined) query = query.where('id', '<>', exceptSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function listSessions(db: Executor, userId: number) {
  return db
    .selectFrom('sessions')
    .select(['id', 'created_at', 'last_seen_at', 'ip', 'user_agent', 'state'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', new Date())
    .where('state', '=', 'active')
    .orderBy('last_seen_at', 'desc')
    .execute();
}

export async function replaceRecoveryCodes(
  db: Executor,
  userId: number,
  hashes: Buffer[],
): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (hashes.length > 0) {
    await db
      .insertInto('recovery_codes')
      .values(hashes.map((h) => ({ user_id: userId, code_hash: h })))
      .execute();
  }
}

export async function useRecoveryCode(
  db: Executor,
  userId: number,
  hash: Buffer,
): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function countRecoveryCodes(db: Executor, userId: number): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function rolesOf(db: Executor, userId: number): Promise<Role[]> {
  const rows = await db
    .selectFrom('user_roles')
    .select('role')
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => r.role).sort();
}

export async function setRoles(
  db: Executor,
  userId: number,
  roles: Role[],
  grantedBy: number | null,
): Promise<void> {
  await db
    .deleteFrom('user_roles')
    .where('user_id', '=', userId)
    .where('role', 'not in', roles.length ? roles : ['__none__' as Role])
    .execute();
  if (roles.length > 0) {
    await db
      .insertInto('user_roles')
      .values(roles.map((role) => ({ user_id: userId, role, granted_by: grantedBy })))
      .onConflict((oc) => oc.columns(['user_id', 'role']).doNothing())
      .execute();
  }
}

export async function searchUsers(db: Executor, query: string, limit: number, offset: number) {
  const q = query.trim().toLowerCase();
  let base = db.selectFrom('users');
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base = base.where((eb) =>
      eb.or([
        eb(sql`lower(username)`, 'like', like),
        eb(sql`lower(email)`, 'like', like),
        eb(sql`lower(given_name || ' ' || family_name)`, 'like', like),
        eb(sql`lower(candidate_number)`, '=', q),
      ]),
    );
  }
  const [rows, total] = await Promise.all([
    base
      .select([
        'id',
        'candidate_number',
        'username',
        'email',
        'given_name',
        'family_name',
        'created_at',
        sql<
          Role[]
        >`array(select role from user_roles r where r.user_id = users.id order by role)`.as(
          'roles',
        ),
      ])
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return { rows, total: Number(total?.n ?? 0) };
}
