import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit.ts';
import type { Database } from '../../platform/db/database.ts';
import type { AwardStatus } from '../../platform/db/schema.ts';
import { ValidationError, type FieldProblem } from '../../platform/http/errors.ts';
import { formatDate, translator } from '../../platform/i18n/i18n.ts';
import { queueEmail } from '../../platform/mail/outbox.ts';
import type { ProgramInfo } from '../../platform/program.ts';
import type { ProgramDefinitions } from '../catalog/index.ts';
import type { AwardingEngine } from './awarding.ts';
import { normalizeCredentialNumber } from './credential-number.ts';
import * as repo from './progress.repository.ts';
import type { Actor } from './progress.types.ts';

/**
 * A program manager suspends, restores or revokes awards by hand, one or
 * many at once, with a reason. The only writer of award status besides the
 * awarding engine (CONTEXT.md). Each change writes the award, an award
 * event, an audit event and the candidate's email in one transaction, then
 * re-evaluates the candidates (a revoked award may undermine others that
 * rest on it). Awards that cannot take the change are skipped with the
 * reason, the others are changed.
 */

export type AwardStatusAction = 'suspend' | 'restore' | 'revoke';
export const AWARD_STATUS_ACTIONS: readonly AwardStatusAction[] = ['suspend', 'restore', 'revoke'];

export type SkipReason =
  'unknown' | 'notActive' | 'notSuspendedOrRevoked' | 'alreadyRevoked' | 'anotherLive';

export interface AwardStatusOutcome {
  changed: { credentialNumber: string; userId: number; from: AwardStatus; to: AwardStatus }[];
  skipped: { credentialNumber: string; reason: SkipReason }[];
}

/** At most this many numbers in one change. */
export const MAX_AWARDS_PER_CHANGE = 1000;
const MAX_REASON = 2000;

/** Numbers typed, pasted or uploaded: separated by spaces, commas, semicolons or lines. */
export function parseCredentialNumbers(text: string): { numbers: string[]; invalid: string[] } {
  const numbers: string[] = [];
  const invalid: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/[\s,;]+/)) {
    const token = raw.trim().replace(/^"|"$/g, '');
    if (!token) continue;
    const number = normalizeCredentialNumber(token);
    if (!number) {
      if (!invalid.includes(token)) invalid.push(token);
    } else if (!seen.has(number)) {
      seen.add(number);
      numbers.push(number);
    }
  }
  return { numbers, invalid };
}

/** The status after the action, or why the award cannot take it. */
export function transition(
  action: AwardStatusAction,
  award: { status: AwardStatus; expiresAt: Date | null },
  now: Date,
): { to: AwardStatus } | { skip: SkipReason } {
  switch (action) {
    case 'suspend':
      return award.status === 'active' ? { to: 'suspended' } : { skip: 'notActive' };
    case 'revoke':
      return award.status === 'revoked' ? { skip: 'alreadyRevoked' } : { to: 'revoked' };
    case 'restore':
      if (award.status !== 'suspended' && award.status !== 'revoked') {
        return { skip: 'notSuspendedOrRevoked' };
      }
      // Suspension does not stop the clock: an award past its expiry comes back expired.
      return {
        to:
          award.expiresAt !== null && award.expiresAt.getTime() <= now.getTime()
            ? 'expired'
            : 'active',
      };
  }
}

const EVENT_KIND = { suspend: 'suspended', restore: 'restored', revoke: 'revoked' } as const;

export async function changeAwardStatus(
  deps: {
    db: Database;
    engine: AwardingEngine;
    definitions: () => Promise<ProgramDefinitions>;
    publicUrl: string;
  },
  actor: Actor,
  credentialNumbers: readonly string[],
  action: AwardStatusAction,
  reason: string,
): Promise<AwardStatusOutcome> {
  const problems: FieldProblem[] = [];
  if (!AWARD_STATUS_ACTIONS.includes(action)) {
    problems.push({ field: 'action', messageKey: 'credentials.awardStatus.v.action' });
  }
  const why = (reason ?? '').trim().slice(0, MAX_REASON);
  if (!why) problems.push({ field: 'reason', messageKey: 'credentials.awardStatus.v.reason' });
  const skipped: AwardStatusOutcome['skipped'] = [];
  const numbers: string[] = [];
  for (const raw of credentialNumbers) {
    const number = normalizeCredentialNumber(raw);
    if (!number) skipped.push({ credentialNumber: raw, reason: 'unknown' });
    else if (!numbers.includes(number)) numbers.push(number);
  }
  if (numbers.length === 0 && skipped.length === 0) {
    problems.push({ field: 'numbers', messageKey: 'credentials.awardStatus.v.numbers' });
  }
  if (numbers.length > MAX_AWARDS_PER_CHANGE) {
    problems.push({
      field: 'numbers',
      messageKey: 'credentials.awardStatus.v.tooMany',
      params: { max: MAX_AWARDS_PER_CHANGE },
    });
  }
  if (problems.length > 0) throw new ValidationError(problems);

  const defs = await deps.definitions();
  return deps.db.transaction().execute(async (trx) => {
    const found = numbers.length
      ? await trx
          .selectFrom('awards')
          .select(['id', 'user_id'])
          .where('credential_number', 'in', numbers)
          .execute()
      : [];
    // The candidates first, in id order (the lock order of every change), then their awards.
    const contacts = await repo.lockCandidates(trx, [...new Set(found.map((a) => a.user_id))]);
    const contactById = new Map(contacts.map((c) => [c.id, c]));
    const awards = found.length
      ? await trx
          .selectFrom('awards')
          .select(['id', 'user_id', 'credential_id', 'credential_number', 'status', 'expires_at'])
          .where(
            'id',
            'in',
            found.map((a) => a.id),
          )
          .forUpdate()
          .execute()
      : [];
    const byNumber = new Map(awards.map((a) => [a.credential_number, a]));
    const program = await programInfo(trx);
    const now = new Date();
    const changed: AwardStatusOutcome['changed'] = [];
    for (const number of numbers) {
      const award = byNumber.get(number);
      const contact = award && contactById.get(award.user_id);
      if (!award || !contact) {
        skipped.push({ credentialNumber: number, reason: 'unknown' });
        continue;
      }
      const next = transition(action, { status: award.status, expiresAt: award.expires_at }, now);
      if ('skip' in next) {
        skipped.push({ credentialNumber: number, reason: next.skip });
        continue;
      }
      if (action === 'restore') {
        const live = await repo.hasLiveAward(trx, award.user_id, award.credential_id);
        if (live && live.id !== award.id) {
          skipped.push({ credentialNumber: number, reason: 'anotherLive' });
          continue;
        }
      }
      await repo.updateAward(trx, award.id, {
        status: next.to,
        status_reason: next.to === 'active' || next.to === 'expired' ? null : why,
        status_changed_at: next.to === 'expired' ? award.expires_at : now,
      });
      await repo.insertAwardEvent(trx, {
        award_id: award.id,
        kind: EVENT_KIND[action],
        actor_user_id: actor?.userId ?? null,
        reason: why,
        details: { trigger: 'manual', from: award.status, to: next.to },
      });
      await recordAudit(trx, {
        actorUserId: actor?.userId ?? null,
        action: `progress.award_${EVENT_KIND[action]}`,
        subjectType: 'award',
        subjectId: award.id,
        reason: why,
        details: {
          userId: award.user_id,
          credentialNumber: number,
          from: award.status,
          to: next.to,
        },
      });
      const credential = defs.credentialsById.get(award.credential_id);
      await sendStatusEmail(trx, program, deps.publicUrl, contact, {
        action,
        to: next.to,
        credentialCode: credential?.code ?? '',
        credentialName: credential?.name ?? '',
        credentialNumber: number,
        reason: why,
        at: now,
      });
      changed.push({
        credentialNumber: number,
        userId: award.user_id,
        from: award.status,
        to: next.to,
      });
    }
    if (changed.length > 0) {
      await deps.engine.reevaluate(
        trx,
        changed.map((c) => c.userId),
        `award_${EVENT_KIND[action]}`,
        { definitions: defs, actorUserId: actor?.userId ?? null, reason: why },
      );
    }
    return { changed, skipped };
  });
}

async function programInfo(trx: Parameters<typeof repo.programRow>[0]): Promise<ProgramInfo> {
  const row = await repo.programRow(trx);
  return {
    name: row?.name ?? 'Laurel',
    shortName: row?.short_name ?? 'Laurel',
    supportEmail: row?.support_email ?? 'support@example.invalid',
    accentColor: row?.accent_color ?? '#1d4ed8',
    candidateIdPrefix: row?.candidate_id_prefix ?? 'CT',
  };
}

async function sendStatusEmail(
  trx: Parameters<typeof queueEmail>[0],
  program: ProgramInfo,
  publicUrl: string,
  to: {
    id: number;
    email: string;
    given_name: string;
    family_name: string;
    locale: string;
    time_zone: string;
  },
  change: {
    action: AwardStatusAction;
    to: AwardStatus;
    credentialCode: string;
    credentialName: string;
    credentialNumber: string;
    reason: string;
    at: Date;
  },
): Promise<void> {
  const t = translator(to.locale);
  const name = `${to.given_name} ${to.family_name}`.trim();
  const params = {
    program: program.name,
    credential: change.credentialName,
    number: change.credentialNumber,
    date: formatDate(change.at, { locale: to.locale, timeZone: to.time_zone }),
    reason: change.reason,
  };
  const kind =
    change.action === 'restore'
      ? change.to === 'expired'
        ? 'restoredExpired'
        : 'restored'
      : EVENT_KIND[change.action];
  await queueEmail(trx, program, {
    to: to.email,
    toName: name,
    userId: to.id,
    template: `progress.credential-${EVENT_KIND[change.action]}`,
    category: 'transactional',
    content: {
      subject: t(`credentials.awardStatus.mail.${kind}.subject`, params),
      greeting: t('mail.greeting', { name }),
      paragraphs: [
        t(`credentials.awardStatus.mail.${kind}.body`, params),
        t('credentials.awardStatus.mail.reason', params),
      ],
      action: {
        label: t('credentials.awardStatus.mail.action'),
        url: `${publicUrl}/credentials/${encodeURIComponent(change.credentialCode)}`,
      },
    },
    footer: {
      sentBy: t('mail.sentBy', { program: program.name }),
      help: t('mail.help', { email: program.supportEmail }),
    },
  });
}

// ---------------------------------------------------------------- check before changing

export interface AwardStatusPreview {
  /** What would change, in the order given. */
  changes: {
    credentialNumber: string;
    userId: number;
    candidateNumber: string;
    candidateName: string;
    credentialCode: string;
    credentialName: string;
    from: AwardStatus;
    to: AwardStatus;
  }[];
  skipped: AwardStatusOutcome['skipped'];
}

/**
 * What `changeAwardStatus` would do now, without doing it: for the page that
 * asks a program manager to check before the change is made.
 */
export async function previewAwardStatus(
  db: Database,
  defs: ProgramDefinitions,
  credentialNumbers: readonly string[],
  action: AwardStatusAction,
): Promise<AwardStatusPreview> {
  const skipped: AwardStatusOutcome['skipped'] = [];
  const numbers: string[] = [];
  for (const raw of credentialNumbers) {
    const number = normalizeCredentialNumber(raw);
    if (!number) skipped.push({ credentialNumber: raw, reason: 'unknown' });
    else if (!numbers.includes(number)) numbers.push(number);
  }
  const rows = numbers.length
    ? await db
        .selectFrom('awards')
        .innerJoin('users', 'users.id', 'awards.user_id')
        .select([
          'awards.id',
          'awards.user_id',
          'awards.credential_id',
          'awards.credential_number',
          'awards.status',
          'awards.expires_at',
          'users.candidate_number',
          'users.given_name',
          'users.family_name',
        ])
        .where('awards.credential_number', 'in', numbers)
        .execute()
    : [];
  const byNumber = new Map(rows.map((r) => [r.credential_number, r]));
  const now = new Date();
  const changes: AwardStatusPreview['changes'] = [];
  const restoring = new Set<string>();
  for (const number of numbers) {
    const award = byNumber.get(number);
    if (!award) {
      skipped.push({ credentialNumber: number, reason: 'unknown' });
      continue;
    }
    const next = transition(action, { status: award.status, expiresAt: award.expires_at }, now);
    if ('skip' in next) {
      skipped.push({ credentialNumber: number, reason: next.skip });
      continue;
    }
    if (action === 'restore') {
      const key = `${award.user_id}:${award.credential_id}`;
      const live = await repo.hasLiveAward(db, award.user_id, award.credential_id);
      if ((live && live.id !== award.id) || restoring.has(key)) {
        skipped.push({ credentialNumber: number, reason: 'anotherLive' });
        continue;
      }
      if (next.to === 'active') restoring.add(key);
    }
    const credential = defs.credentialsById.get(award.credential_id);
    changes.push({
      credentialNumber: number,
      userId: award.user_id,
      candidateNumber: award.candidate_number,
      candidateName: `${award.given_name} ${award.family_name}`.trim(),
      credentialCode: credential?.code ?? '',
      credentialName: credential?.name ?? '',
      from: award.status,
      to: next.to,
    });
  }
  return { changes, skipped };
}

// ---------------------------------------------------------------- the console's list

export interface AwardListFilter {
  q?: string;
  status?: AwardStatus;
  page: number;
  pageSize: number;
}

export interface AwardListRow {
  id: number;
  credentialNumber: string;
  status: AwardStatus;
  statusReason: string | null;
  statusChangedAt: Date | null;
  awardedAt: Date;
  expiresAt: Date | null;
  userId: number;
  candidateNumber: string;
  candidateName: string;
  credentialCode: string;
  credentialName: string;
}

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Awards by number, candidate (name, email, candidate ID) or credential (code, name); newest first. */
export async function searchAwards(
  db: Database,
  defs: ProgramDefinitions,
  filter: AwardListFilter,
): Promise<{ rows: AwardListRow[]; total: number }> {
  const q = (filter.q ?? '').trim().toLowerCase();
  let base = db.selectFrom('awards').innerJoin('users', 'users.id', 'awards.user_id');
  if (filter.status) base = base.where('awards.status', '=', filter.status);
  if (q) {
    const like = likePattern(q);
    const number = normalizeCredentialNumber(q);
    const credentialIds = defs.credentials
      .filter((c) => c.code.toLowerCase().includes(q) || c.name.toLowerCase().includes(q))
      .map((c) => c.id);
    base = base.where((eb) =>
      eb.or([
        eb(sql`lower(awards.credential_number)`, 'like', like),
        ...(number ? [eb('awards.credential_number', '=', number)] : []),
        eb(sql`lower(users.email)`, 'like', like),
        eb(sql`lower(users.candidate_number)`, 'like', like),
        eb(sql`lower(users.given_name || ' ' || users.family_name)`, 'like', like),
        ...(credentialIds.length > 0 ? [eb('awards.credential_id', 'in', credentialIds)] : []),
      ]),
    );
  }
  const [rows, count] = await Promise.all([
    base
      .select([
        'awards.id',
        'awards.credential_number',
        'awards.credential_id',
        'awards.status',
        'awards.status_reason',
        'awards.status_changed_at',
        'awards.awarded_at',
        'awards.expires_at',
        'users.id as user_id',
        'users.candidate_number',
        'users.given_name',
        'users.family_name',
      ])
      .orderBy('awards.id', 'desc')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    rows: rows.map((r) => {
      const credential = defs.credentialsById.get(r.credential_id);
      return {
        id: r.id,
        credentialNumber: r.credential_number,
        status: r.status,
        statusReason: r.status_reason,
        statusChangedAt: r.status_changed_at,
        awardedAt: r.awarded_at,
        expiresAt: r.expires_at,
        userId: r.user_id,
        candidateNumber: r.candidate_number,
        candidateName: `${r.given_name} ${r.family_name}`.trim(),
        credentialCode: credential?.code ?? '',
        credentialName: credential?.name ?? '',
      };
    }),
  };
}
