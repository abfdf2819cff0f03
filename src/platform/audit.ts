import type { Kysely, Transaction } from 'kysely';
import type { DB } from './db/schema.ts';

export interface AuditEvent {
  readonly actorUserId: number | null;
  /** `feature.verb`, e.g. `accounts.role_granted`. */
  readonly action: string;
  readonly subjectType: string;
  readonly subjectId: string | number;
  readonly details?: Record<string, unknown>;
  readonly reason?: string | null;
  readonly ip?: string | null;
}

/**
 * Appends to the audit log, in the caller's transaction so the record and the
 * change stand or fall together. The table refuses updates and deletes.
 */
export async function recordAudit(
  db: Kysely<DB> | Transaction<DB>,
  event: AuditEvent,
): Promise<void> {
  await db.insertInto('audit_events').values(auditRow(event)).execute();
}

/** Several audit events in one statement per thousand (a batch of changes). */
export async function recordAudits(
  db: Kysely<DB> | Transaction<DB>,
  events: readonly AuditEvent[],
): Promise<void> {
  for (let start = 0; start < events.length; start += 1000) {
    await db
      .insertInto('audit_events')
      .values(events.slice(start, start + 1000).map(auditRow))
      .execute();
  }
}

function auditRow(event: AuditEvent) {
  return {
    actor_user_id: event.actorUserId,
    action: event.action,
    subject_type: event.subjectType,
    subject_id: String(event.subjectId),
    details: JSON.stringify(event.details ?? {}),
    reason: event.reason ?? null,
    ip: event.ip ?? null,
  };
}
