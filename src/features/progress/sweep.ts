import type { Database } from '../../platform/db/database.ts';
import type { ProgramInfo } from '../../platform/program.ts';
import type { JobContext } from '../../platform/jobs/runner.ts';
import { queueEmail } from '../../platform/mail/outbox.ts';
import type { CatalogApi } from '../catalog/index.ts';
import { dependentCredentials } from './award-rules.ts';
import type { AwardingEngine } from './awarding.ts';
import { awardEmail } from './progress.emails.ts';
import * as repo from './progress.repository.ts';

/**
 * The background work of awarding: the daily sweep (expiry and reminders)
 * and the re-evaluation of every candidate after a requirements change.
 */

export interface SweepDependencies {
  readonly db: Database;
  readonly catalog: Pick<CatalogApi, 'definitions'>;
  readonly engine: AwardingEngine;
  program(): Promise<ProgramInfo>;
  readonly publicUrl: string;
}

export interface SweepOptions {
  /** Days before expiry at which a reminder goes out (each once per award and expiry date). */
  reminderDays?: readonly number[];
  /** At most this many sweep emails are due per minute; the rest wait their turn in the outbox. */
  emailsPerMinute?: number;
  /** Candidates per transaction. */
  batchSize?: number;
}

export const DEFAULT_REMINDER_DAYS: readonly number[] = [90, 30, 7];
const DAY_MS = 86_400_000;

export interface SweepReport {
  expired: number;
  reminders: number;
}

/**
 * Spreads emails out: the first `perMinute` are due now, the next ones a
 * minute later, and so on, so thousands of expiries on one day do not
 * become one burst.
 */
export function mailPacer(perMinute: number, start = Date.now()): () => Date | undefined {
  let count = 0;
  return () => {
    const slot = Math.floor(count / Math.max(1, perMinute));
    count++;
    return slot === 0 ? undefined : new Date(start + slot * 60_000);
  };
}

/**
 * Expires active awards whose expiry has come (and re-evaluates their
 * holders, in the same transaction), then sends the expiry reminders that
 * are due. Safe to run twice: expired awards are no longer active, and a
 * reminder row is claimed before its email is written.
 */
export async function runDailySweep(
  deps: SweepDependencies,
  now: Date = new Date(),
  options: SweepOptions = {},
): Promise<SweepReport> {
  const batchSize = options.batchSize ?? 500;
  const pacer = mailPacer(options.emailsPerMinute ?? 200);
  const report: SweepReport = { expired: 0, reminders: 0 };

  const seen = new Set<number>();
  for (;;) {
    const ids = (await repo.usersWithOverdueAwards(deps.db, now, batchSize)).filter(
      (id) => !seen.has(id),
    );
    if (ids.length === 0) break;
    for (const id of ids) seen.add(id);
    const changes = await deps.db
      .transaction()
      .execute((trx) => deps.engine.reevaluate(trx, ids, 'sweep', { at: now, mailPacer: pacer }));
    report.expired += changes.filter((c) => c.kind === 'expired').length;
  }

  const days = [...new Set(options.reminderDays ?? DEFAULT_REMINDER_DAYS)]
    .filter((d) => Number.isInteger(d) && d > 0)
    .sort((a, b) => a - b);
  if (days.length === 0) return report;
  const horizon = new Date(now.getTime() + days[days.length - 1]! * DAY_MS);
  const [program, defs] = await Promise.all([deps.program(), deps.catalog.definitions()]);
  let after = 0;
  for (;;) {
    const awards = await repo.awardsExpiringBetween(deps.db, now, horizon, after, batchSize);
    if (awards.length === 0) break;
    after = awards[awards.length - 1]!.id;
    report.reminders += await deps.db.transaction().execute(async (trx) => {
      const due = awards.flatMap((a) => {
        const left = a.expires_at!.getTime() - now.getTime();
        // Every threshold already reached; the nearest is the one the email speaks for.
        const reached = days.filter((d) => left <= d * DAY_MS);
        return reached.length === 0 ? [] : [{ award: a, reached, nearest: reached[0]! }];
      });
      const claimed = await repo.claimReminders(
        trx,
        due.flatMap(({ award, reached }) =>
          reached.map((d) => ({
            award_id: award.id,
            expires_at: award.expires_at!,
            days_before: d,
          })),
        ),
      );
      const fresh = new Set(claimed.map((c) => `${c.award_id}:${c.days_before}`));
      const toSend = due.filter(({ award, nearest }) => fresh.has(`${award.id}:${nearest}`));
      const contacts = new Map(
        (await repo.contactsOf(trx, [...new Set(toSend.map((d) => d.award.user_id))])).map((c) => [
          c.id,
          c,
        ]),
      );
      let sent = 0;
      for (const { award } of toSend) {
        const contact = contacts.get(award.user_id);
        const credential = defs.credentialsById.get(award.credential_id);
        if (!contact || !credential) continue;
        const notBefore = pacer();
        await queueEmail(
          trx,
          program,
          awardEmail(
            program,
            deps.publicUrl,
            {
              userId: contact.id,
              email: contact.email,
              name: `${contact.given_name} ${contact.family_name}`.trim(),
              locale: contact.locale,
              timeZone: contact.time_zone,
            },
            {
              credentialCode: credential.code,
              credentialName: credential.name,
              credentialNumber: award.credential_number,
            },
            { kind: 'expiring', expiresAt: award.expires_at! },
            notBefore ? { notBefore } : {},
          ),
        );
        sent++;
      }
      return sent;
    });
  }
  return report;
}

export const REEVALUATE_CREDENTIAL_JOB = 'progress.reevaluate-credential';

export interface ReevaluationTally {
  awarded: number;
  renewed: number;
  revoked: number;
  kept: number;
  expired: number;
}

/**
 * Re-evaluates every candidate for one credential (and the credentials
 * that depend on it), a batch of user ids per transaction, in id order
 * (keyset paging, so a batch never re-reads earlier ones). The definitions
 * are read afresh for each batch: a change saved meanwhile is not missed by
 * the rest of the walk.
 */
export async function runCredentialReevaluation(
  deps: SweepDependencies,
  payload: { credentialId?: unknown; batchSize?: unknown },
  ctx: Pick<JobContext, 'setProgress'>,
  options: { batchSize?: number; parallel?: number; emailsPerMinute?: number } = {},
): Promise<ReevaluationTally> {
  const credentialId = Number(payload.credentialId);
  const asked = Number(payload.batchSize);
  const batchSize =
    options.batchSize ?? (Number.isInteger(asked) && asked >= 10 && asked <= 5000 ? asked : 1000);
  const tally: ReevaluationTally = { awarded: 0, renewed: 0, revoked: 0, kept: 0, expired: 0 };
  const total = await repo.countUsers(deps.db);
  await ctx.setProgress(0, total, JSON.stringify(tally));
  // A change that awards thousands at once spreads their emails out.
  const pacer = mailPacer(options.emailsPerMinute ?? 200);

  // Batches are handed out in id order, one at a time; up to `parallel`
  // run at once (PostgreSQL: each on its own connection; their candidates
  // never overlap, so they never wait on each other's locks).
  let after = 0;
  let exhausted = false;
  let handing: Promise<unknown> = Promise.resolve();
  const nextBatch = (): Promise<number[] | undefined> => {
    const next = handing.then(async () => {
      if (exhausted) return undefined;
      const ids = await repo.userIdsAfter(deps.db, after, batchSize);
      if (ids.length === 0) {
        exhausted = true;
        return undefined;
      }
      after = ids[ids.length - 1]!;
      return ids;
    });
    handing = next.catch(() => undefined);
    return next;
  };

  let done = 0;
  const worker = async () => {
    for (let ids = await nextBatch(); ids; ids = await nextBatch()) {
      const batch = ids;
      const changes = await deps.db.transaction().execute(async (trx) => {
        const defs = await deps.catalog.definitions(trx);
        const only = defs.credentialsById.has(credentialId)
          ? dependentCredentials(defs.credentials, [credentialId])
          : undefined;
        return deps.engine.reevaluate(trx, batch, `requirements_changed:${credentialId}`, {
          definitions: defs,
          mailPacer: pacer,
          ...(only ? { credentialIds: only } : {}),
        });
      });
      for (const change of changes) tally[change.kind]++;
      done += batch.length;
      await ctx.setProgress(done, Math.max(total, done), JSON.stringify(tally));
    }
  };
  const parallel = Math.max(1, Math.min(8, options.parallel ?? 1));
  await Promise.all(Array.from({ length: parallel }, worker));
  await ctx.setProgress(done, Math.max(total, done), JSON.stringify(tally));
  return tally;
}
