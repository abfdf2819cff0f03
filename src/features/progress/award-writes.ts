import { sql } from 'kysely';
import { recordAudits, type AuditEvent } from '../../platform/audit.ts';
import { queueEmails } from '../../platform/mail/outbox.ts';
import type { ProgramInfo } from '../../platform/program.ts';
import { newCredentialNumber } from './credential-number.ts';
import {
  awardEmail,
  type AwardMail,
  type AwardMailFacts,
  type Recipient,
} from './progress.emails.ts';
import * as repo from './progress.repository.ts';
import type { Trx } from './progress.types.ts';

/**
 * What one run of the awarding engine writes, held until the run has decided
 * every candidate and then sent in a few multi-row statements: new awards
 * (their ids drawn from the awards' sequence beforehand, so that later rounds
 * and events can name them), changes to existing awards, award events, audit
 * events and emails. All in the caller's transaction, so the effect is the
 * same as writing each change at once; a batch of a thousand candidates costs
 * a handful of round trips instead of several per award.
 */

type AwardPatch = Parameters<typeof repo.updateAward>[2];
type AwardEvent = Parameters<typeof repo.insertAwardEvent>[1];

interface PendingEmail {
  readonly to: Recipient;
  readonly award: AwardMailFacts;
  /** The award it is about: its number is read at flush time (a clash may change it). */
  readonly awardId: number;
  readonly mail: AwardMail;
  readonly options: { notBefore?: Date };
}

/** Ids drawn at a time: one round trip for up to this many new awards. */
const ID_BLOCK = 256;
const CHUNK = 1000;

export class AwardWrites {
  private readonly inserts = new Map<number, repo.NewAward & { id: number }>();
  private readonly updates = new Map<number, AwardPatch>();
  private readonly events: AwardEvent[] = [];
  private readonly audits: AuditEvent[] = [];
  private readonly emails: PendingEmail[] = [];
  private ids: number[] = [];

  /**
   * @param expected how many candidates the run holds: the first block of ids
   *   is no larger than that needs (one candidate: a few ids).
   */
  constructor(
    private readonly trx: Trx,
    private expected: number,
  ) {}

  /** A new award; returns its id (drawn from the sequence now, written at flush). */
  async award(award: repo.NewAward): Promise<number> {
    if (this.ids.length === 0) {
      const count = Math.min(ID_BLOCK, Math.max(4, this.expected * 2));
      this.expected = ID_BLOCK;
      const rows = await sql<{ id: string | number }>`
        select nextval(pg_get_serial_sequence('awards', 'id')) as id
        from generate_series(1, ${count}::int)`.execute(this.trx);
      this.ids = rows.rows.map((r) => Number(r.id));
    }
    const id = this.ids.shift()!;
    this.inserts.set(id, { ...award, id });
    return id;
  }

  update(id: number, patch: AwardPatch): void {
    const pending = this.inserts.get(id);
    if (pending) {
      Object.assign(pending, patch);
      return;
    }
    this.updates.set(id, { ...this.updates.get(id), ...patch });
  }

  event(event: AwardEvent): void {
    this.events.push(event);
  }

  audit(event: AuditEvent): void {
    this.audits.push(event);
  }

  email(email: PendingEmail): void {
    this.emails.push(email);
  }

  /** Writes everything held, in the order the foreign keys need. */
  async flush(program: () => Promise<ProgramInfo>, publicUrl: string): Promise<void> {
    const { trx } = this;
    const numbers = await this.writeAwards();
    for (const [id, patch] of this.updates) await repo.updateAward(trx, id, patch);
    for (let start = 0; start < this.events.length; start += CHUNK) {
      await trx
        .insertInto('award_events')
        .values(
          this.events
            .slice(start, start + CHUNK)
            .map((e) => ({ ...e, details: JSON.stringify(e.details) })),
        )
        .execute();
    }
    await recordAudits(trx, this.audits);
    if (this.emails.length > 0) {
      const info = await program();
      await queueEmails(
        trx,
        info,
        this.emails.map((e) =>
          awardEmail(
            info,
            publicUrl,
            e.to,
            { ...e.award, credentialNumber: numbers.get(e.awardId) ?? e.award.credentialNumber },
            e.mail,
            e.options,
          ),
        ),
      );
    }
    this.inserts.clear();
    this.updates.clear();
    this.events.length = 0;
    this.audits.length = 0;
    this.emails.length = 0;
  }

  /**
   * Inserts the new awards; an award whose credential number is already taken
   * (a clash of random numbers, very rare) draws another. Returns the numbers
   * that changed.
   */
  private async writeAwards(): Promise<Map<number, string>> {
    const changed = new Map<number, string>();
    let pending = [...this.inserts.values()];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= 5) throw new Error('Could not draw an unused credential number.');
      const written = new Set<number>();
      for (let start = 0; start < pending.length; start += CHUNK) {
        const rows = await this.trx
          .insertInto('awards')
          .values(pending.slice(start, start + CHUNK))
          .onConflict((oc) => oc.column('credential_number').doNothing())
          .returning('id')
          .execute();
        for (const row of rows) written.add(Number(row.id));
      }
      pending = pending.filter((a) => !written.has(a.id));
      for (const award of pending) {
        award.credential_number = newCredentialNumber();
        changed.set(award.id, award.credential_number);
      }
    }
    return changed;
  }
}
