import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import type { Database, DatabaseHandle } from '../db/database.ts';
import type { Role } from '../db/schema.ts';
import { AppError, forbidden, unauthorized } from '../http/errors.ts';
import { hashToken, randomToken } from './tokens.ts';

export type { Role };
export const STAFF_ROLES: readonly Role[] = ['support_agent', 'program_manager', 'admin'];
export const ALL_ROLES: readonly Role[] = [
  'partner_admin',
  'support_agent',
  'program_manager',
  'admin',
];

/** Who is making the request; null when nobody has signed in. */
export interface Principal {
  readonly userId: number;
  readonly sessionId: number;
  readonly username: string;
  readonly candidateNumber: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly email: string;
  readonly roles: readonly Role[];
  readonly twoFactorEnabled: boolean;
  readonly locale: string;
  readonly timeZone: string;
  readonly reauthenticatedAt: Date | null;
}

/** A session waiting for the second factor: the password was right, the code is not in yet. */
export interface PendingSecondFactor {
  readonly userId: number;
  readonly sessionId: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    pendingSecondFactor: PendingSecondFactor | null;
  }
}

export function sessionCookieName(config: Config): string {
  return config.secureCookies ? '__Host-laurel_session' : 'laurel_session';
}

/** Only update last_seen_at this often, so that reading pages does not mean writing rows. */
const TOUCH_INTERVAL_MS = 60_000;

const SESSION_SQL = `
  select s.id as session_id, s.state, s.last_seen_at, s.reauthenticated_at,
         u.id as user_id, u.username, u.candidate_number, u.given_name, u.family_name, u.email,
         u.totp_enabled_at, u.locale, u.time_zone,
         array(select r.role from user_roles r where r.user_id = u.id order by r.role) as roles
  from sessions s join users u on u.id = s.user_id
  where s.token_hash = $1 and s.expires_at > $2 and s.last_seen_at > $3 and u.status = 'active'`;

interface SessionRow {
  session_id: number;
  state: 'active' | 'second_factor';
  last_seen_at: Date;
  reauthenticated_at: Date | null;
  user_id: number;
  username: string;
  candidate_number: string;
  given_name: string;
  family_name: string;
  email: string;
  totp_enabled_at: Date | null;
  locale: string;
  time_zone: string;
  roles: Role[];
}

export class SessionStore {
  constructor(
    private readonly db: Database,
    private readonly config: Config,
    private readonly prepared: DatabaseHandle['prepared'],
  ) {}

  /** Resolves the cookie's token to a principal, enforcing idle timeout and absolute lifetime. */
  async load(request: FastifyRequest): Promise<void> {
    request.principal = null;
    request.pendingSecondFactor = null;
    const token = request.cookies[sessionCookieName(this.config)];
    if (!token || token.length > 100) return;
    const idleSince = new Date(Date.now() - this.config.sessionIdleMs);
    // Every signed-in request runs this: a prepared statement, not a built query.
    const [row] = await this.prepared<SessionRow>('laurel_session_load', SESSION_SQL, [
      hashToken(token),
      new Date(),
      idleSince,
    ]);
    if (!row) return;
    if (Date.now() - row.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
      await this.db
        .updateTable('sessions')
        .set({ last_seen_at: new Date() })
        .where('id', '=', row.session_id)
        .execute();
    }
    if (row.state === 'second_factor') {
      request.pendingSecondFactor = { userId: row.user_id, sessionId: row.session_id };
      return;
    }
    request.principal = {
      userId: row.user_id,
      sessionId: row.session_id,
      username: row.username,
      candidateNumber: row.candidate_number,
      givenName: row.given_name,
      familyName: row.family_name,
      email: row.email,
      roles: row.roles,
      twoFactorEnabled: row.totp_enabled_at !== null,
      locale: row.locale,
      timeZone: row.time_zone,
      reauthenticatedAt: row.reauthenticated_at,
    };
  }

  /**
   * Starts a new session for the user and sets its cookie. Any session the
   * browser had is ended first, so a token planted before sign-in never
   * becomes a signed-in one (session fixation).
   */
  async start(
    request: FastifyRequest,
    reply: FastifyReply,
    userId: number,
    state: 'active' | 'second_factor',
  ): Promise<void> {
    await this.end(request, reply);
    const token = randomToken();
    const now = new Date();
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: hashToken(token),
        user_id: userId,
        state,
        expires_at: new Date(now.getTime() + this.config.sessionMaxMs),
        reauthenticated_at: state === 'active' ? now : null,
        ip: request.ip,
        user_agent: (request.headers['user-agent'] ?? '').slice(0, 300),
      })
      .execute();
    reply.setCookie(sessionCookieName(this.config), token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.secureCookies,
    });
  }

  /** Ends the browser's session (sign out). */
  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = request.cookies[sessionCookieName(this.config)];
    if (token && token.length <= 100) {
      await this.db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
    }
    reply.clearCookie(sessionCookieName(this.config), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.secureCookies,
    });
    request.principal = null;
    request.pendingSecondFactor = null;
  }

  async markReauthenticated(sessionId: number): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ reauthenticated_at: new Date() })
      .where('id', '=', sessionId)
      .execute();
  }
}

/** Staff pages are out of reach until the account has two-factor turned on. */
export class TwoFactorRequiredError extends AppError {
  constructor() {
    super('TWO_FACTOR_REQUIRED', 403, 'error.twoFactorRequired');
  }
}

export class SignInRequiredError extends AppError {
  constructor() {
    super('SIGN_IN_REQUIRED', 401, 'error.unauthorized');
  }
}

/**
 * The one authorization helper. Every route states what it needs:
 * `authorize(request)` for any signed-in user, `authorize(request, 'admin')`
 * for a role (any of several when given more). Staff roles also need
 * two-factor. Admins may do what every staff role may do.
 */
export function authorize(request: FastifyRequest, ...roles: Role[]): Principal {
  const principal = request.principal;
  if (!principal) throw new SignInRequiredError();
  if (roles.length === 0) return principal;
  const allowed =
    roles.some((role) => principal.roles.includes(role)) || principal.roles.includes('admin');
  if (!allowed) throw forbidden();
  if (roles.some((r) => STAFF_ROLES.includes(r)) && !principal.twoFactorEnabled) {
    throw new TwoFactorRequiredError();
  }
  return principal;
}

export function hasRole(principal: Principal | null, role: Role): boolean {
  return !!principal && (principal.roles.includes(role) || principal.roles.includes('admin'));
}

export function isStaff(principal: Principal | null): boolean {
  return !!principal && principal.roles.some((r) => STAFF_ROLES.includes(r));
}

export { unauthorized };
