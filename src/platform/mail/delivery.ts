import { escapeHtml } from '@kitajs/html';
import { sql } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../config.ts';
import type { Database } from '../db/database.ts';
import type { OutboxAttachment } from '../db/schema.ts';
import { UNSUBSCRIBE_URL_SLOT } from './outbox.ts';

export interface DeliveryReport {
  sent: number;
  failed: number;
}

/** What the mail policy is asked about a message that is not transactional. */
export interface PolicyQuestion {
  readonly id: number;
  readonly userId: number | null;
  readonly category: string;
}

/**
 * The answer: hold the message back (the person turned the category off), or
 * send it, with the one-click unsubscribe link for that person and category.
 */
export type PolicyDecision =
  | { readonly send: false; readonly reason: string }
  | { readonly send: true; readonly unsubscribeUrl?: string };

export type MailPolicy = (mail: PolicyQuestion) => Promise<PolicyDecision>;

const MAX_ATTEMPTS = 8;
/** How long a claimed message stays ours before another node may retry it. */
const LEASE = '5 minutes';

/**
 * Sends what is due in the outbox. Rows are claimed with `FOR UPDATE SKIP
 * LOCKED` and leased, so several app nodes running this at once never pick
 * the same message; failures come back later with exponential backoff.
 */
export class MailDelivery {
  private readonly transport: Transporter | undefined;

  constructor(
    private readonly db: Database,
    private readonly config: Config,
    fromName: () => Promise<string>,
  ) {
    this.fromName = fromName;
    if (config.smtpUrl) {
      this.transport = nodemailer.createTransport(config.smtpUrl, {
        ...(config.dkim
          ? {
              dkim: {
                ...config.dkim,
                // RFC 8058: the one-click unsubscribe headers must be covered by the signature.
                headerFieldNames:
                  'from:sender:reply-to:subject:date:message-id:to:cc:mime-version:content-type:content-transfer-encoding:list-unsubscribe:list-unsubscribe-post',
              },
            }
          : {}),
      });
    }
  }

  private readonly fromName: () => Promise<string>;
  private policy: MailPolicy | undefined;

  /**
   * Installs the check every non-transactional message passes at delivery
   * time (the profile feature's preferences and unsubscribe links). Deciding
   * at delivery rather than when queued means an unsubscribe also stops mail
   * already waiting in the outbox, such as a spread-out batch of reminders.
   */
  usePolicy(policy: MailPolicy): void {
    this.policy = policy;
  }

  /**
   * A stored message as it would be sent: the unsubscribe slot filled with the
   * person's link (for the development mailbox, where mail never leaves).
   */
  async preview(mail: {
    id: number;
    user_id: number | null;
    category: string;
    html: string;
    text: string;
  }): Promise<{ html: string; text: string }> {
    const decision =
      mail.category !== 'transactional' && this.policy
        ? await this.policy({ id: mail.id, userId: mail.user_id, category: mail.category })
        : undefined;
    const url =
      (decision?.send ? decision.unsubscribeUrl : undefined) ?? `${this.config.publicUrl}/privacy`;
    return {
      html: withUnsubscribeUrl(mail.html, escapeHtml(url)),
      text: withUnsubscribeUrl(mail.text, url),
    };
  }

  get enabled(): boolean {
    return this.transport !== undefined;
  }

  async deliverDue(batchSize = 50): Promise<DeliveryReport> {
    const report = { sent: 0, failed: 0 };
    if (!this.transport) return report;
    const claimed = await sql<{
      id: number;
      user_id: number | null;
      category: string;
      message_id: string;
      to_address: string;
      to_name: string | null;
      subject: string;
      html: string;
      text: string;
      headers: Record<string, string>;
      attachments: OutboxAttachment[];
      attempts: number;
    }>`
      update outbox set status = 'sending', locked_until = now() + ${LEASE}::interval, attempts = attempts + 1
      where id in (
        select id from outbox
        where (status = 'pending' and next_attempt_at <= now())
           or (status = 'sending' and locked_until < now())
        order by next_attempt_at, id
        limit ${batchSize}
        for update skip locked
      )
      returning id, user_id, category, message_id, to_address, to_name, subject, html, text, headers, attachments, attempts`.execute(
      this.db,
    );
    if (claimed.rows.length === 0) return report;
    const from = this.fromAddress(await this.fromName());
    for (const mail of claimed.rows) {
      try {
        const decision: PolicyDecision =
          mail.category !== 'transactional' && this.policy
            ? await this.policy({ id: mail.id, userId: mail.user_id, category: mail.category })
            : { send: true };
        if (!decision.send) {
          await this.db
            .updateTable('outbox')
            .set({ status: 'held', locked_until: null, last_error: decision.reason.slice(0, 500) })
            .where('id', '=', mail.id)
            .execute();
          continue;
        }
        const unsubscribe = decision.unsubscribeUrl ?? `${this.config.publicUrl}/privacy`;
        const headers = { ...mail.headers };
        if (decision.unsubscribeUrl) {
          // RFC 8058: exactly one HTTPS List-Unsubscribe URL, and the one-click POST marker.
          headers['List-Unsubscribe'] = `<${decision.unsubscribeUrl}>`;
          headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
        }
        await this.transport.sendMail({
          from,
          to: mail.to_name ? { name: mail.to_name, address: mail.to_address } : mail.to_address,
          subject: mail.subject,
          html: withUnsubscribeUrl(mail.html, escapeHtml(unsubscribe)),
          text: withUnsubscribeUrl(mail.text, unsubscribe),
          messageId: mail.message_id,
          headers,
          attachments: mail.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: Buffer.from(a.content, 'base64'),
            ...(a.method ? { method: a.method } : {}),
          })),
        });
        await this.db
          .updateTable('outbox')
          .set({ status: 'sent', sent_at: new Date(), locked_until: null, last_error: null })
          .where('id', '=', mail.id)
          .execute();
        report.sent++;
      } catch (error) {
        const giveUp = mail.attempts >= MAX_ATTEMPTS;
        const backoffSeconds = Math.min(3600, 30 * 2 ** (mail.attempts - 1));
        await this.db
          .updateTable('outbox')
          .set({
            status: giveUp ? 'failed' : 'pending',
            locked_until: null,
            next_attempt_at: new Date(Date.now() + backoffSeconds * 1000),
            last_error: String((error as Error).message ?? error).slice(0, 500),
          })
          .where('id', '=', mail.id)
          .execute();
        report.failed++;
      }
    }
    return report;
  }

  private fromAddress(programName: string): string | { name: string; address: string } {
    const configured = this.config.mailFrom;
    if (configured)
      return configured.includes('<') ? configured : { name: programName, address: configured };
    const host = new URL(this.config.publicUrl).hostname;
    return {
      name: programName,
      address: `no-reply@${host.includes('.') ? host : `${host}.localdomain`}`,
    };
  }

  close(): void {
    this.transport?.close();
  }
}

/** The footer of a non-transactional email holds a slot for its unsubscribe link, filled here. */
export function withUnsubscribeUrl(body: string, url: string): string {
  return body.split(UNSUBSCRIBE_URL_SLOT).join(url);
}
