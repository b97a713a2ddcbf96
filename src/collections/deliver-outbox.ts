import { appendAuditEvents } from "../audit/append-audit-events.js";
import { EmailSendError, type EmailTransport } from "../channels/email-transport.js";
import { SmsSendError, type SmsTransport } from "../channels/sms-transport.js";
import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { fromKysely } from "../db/queryable.js";
import { RecoupError } from "../errors.js";
import { faultPoint } from "../fault-points.js";
import { sendingWindowAt } from "../domain/collections-schedule.js";
import { loadCollectionSettings } from "./collection-settings.js";
import { loadCollectionsSchedule } from "./load-collections-schedule.js";

export interface DeliverOutboxOptions {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  /** Delivers email: customer messages and notes to the sales owner. */
  transport?: EmailTransport | null;
  /** Delivers text messages. */
  smsTransport?: SmsTransport | null;
  /** The From address; default the organisation's sender (collection settings). */
  from?: { name: string; address: string } | null;
  /** Attempts before a message ends as failed (default 6). */
  maxAttempts?: number;
  /** A message claimed this long ago and never marked is taken again (default 10 minutes). */
  staleAfterMs?: number;
}

export interface DeliveryReport {
  delivered: number;
  retrying: number;
  failed: number;
  /**
   * Set when nothing was sent because it is a weekend, a holiday or within quiet hours in the
   * organisation's time zone: the instant (ISO) sending may resume.
   */
  heldUntil?: string;
}

/** Wait before the next attempt, by attempt number: 1 min, 5 min, 30 min, 2 h, 12 h. */
const RETRY_DELAYS_MS = [60_000, 300_000, 1_800_000, 7_200_000, 43_200_000];

interface QueuedMessage {
  id: string;
  action_id: string;
  customer_ref: string;
  recipients: string[];
  subject: string;
  body: string;
  message_id: string;
  channel: string;
  delivery_attempts: number;
  collector_email: string | null;
}

/**
 * Sends the queued messages of the outbox over their transport (email over SMTP, text messages
 * through the SMS webhook; a channel without a transport stays queued), one at a time — only on business
 * days outside quiet hours (domain/collections-schedule.ts); otherwise it sends nothing and says
 * until when it holds them back:
 *
 * 1. claim it (`queued` → `sending`, attempts + 1) and commit;
 * 2. send it with its stable Message-ID (the SMS webhook's idempotency key);
 * 3. mark it `delivered` with an audit event — or, on failure, `queued` again with a retry time,
 *    or `failed` (a permanent refusal, or the last attempt) with its action failed and a review
 *    task for the collector.
 *
 * A crash after step 1 leaves the message `sending`; after `staleAfterMs` it is taken again. If the
 * crash fell between the peer's acceptance and step 3, the resend carries the same Message-ID, so
 * the receiving side sees one message id twice rather than two messages: delivery to SMTP is at
 * least once, never lost, and deduplicable (SMTP and the SMS webhook alike). Two deliverers never send the same message at the
 * same time (the claim is a conditional update).
 *
 * @example await deliverOutbox({ store, clock, actor: "cycle", transport })
 */
export async function deliverOutbox(options: DeliverOutboxOptions): Promise<DeliveryReport> {
  const organisationId = options.store.organisationId;
  const pool = options.store.handle.pool;
  const settings = await loadCollectionSettings(pool, organisationId);
  const from =
    options.from ??
    (settings.sender.email ? { name: settings.sender.name, address: settings.sender.email } : null);
  if (options.transport && !from) {
    throw new RecoupError(
      "VALIDATION_FAILED",
      "no sender address: set RECOUP_SMTP_FROM or the organisation's sender email before sending email",
    );
  }
  // Customers hear from us on business days, outside quiet hours; the rest waits in the queue.
  const { schedule } = await loadCollectionsSchedule(pool, organisationId, options.store.entityId);
  const window = sendingWindowAt(options.clock.now(), schedule);
  if (!window.open) return { delivered: 0, retrying: 0, failed: 0, heldUntil: window.opensAt.toISOString() };
  const maxAttempts = options.maxAttempts ?? 6;
  const staleAfterMs = options.staleAfterMs ?? 600_000;
  const report: DeliveryReport = { delivered: 0, retrying: 0, failed: 0 };
  const now = options.clock.now();
  // Only the channels this run can deliver: a message queued for SMS waits for an SMS transport.
  const channels = [
    ...(options.transport ? ["email", "notify_owner"] : []),
    ...(options.smsTransport ? ["sms"] : []),
  ];
  const { rows: due } = await pool.query<{ id: string }>(
    `SELECT id::text AS id FROM outbox_messages
     WHERE organisation_id = $1 AND channel = ANY ($4::text[])
       AND ((delivery_status = 'queued' AND (next_delivery_at IS NULL OR next_delivery_at <= $2))
         OR (delivery_status = 'sending' AND claimed_at <= $3))
     ORDER BY id`,
    [organisationId, now, new Date(now.getTime() - staleAfterMs), channels],
  );
  for (const { id } of due) {
    const claimedAt = options.clock.now();
    const { rows } = await pool.query<QueuedMessage>(
      `UPDATE outbox_messages m SET delivery_status = 'sending', claimed_at = $2, delivery_attempts = m.delivery_attempts + 1
       FROM customers c
       WHERE m.id = $1 AND c.id = m.customer_id
         AND (m.delivery_status = 'queued' OR (m.delivery_status = 'sending' AND m.claimed_at <= $3))
       RETURNING m.id::text AS id, m.action_id::text AS action_id, c.customer_ref, m.recipients, m.subject, m.body,
         m.message_id, m.channel, m.delivery_attempts, c.collector_email`,
      [id, claimedAt, new Date(claimedAt.getTime() - staleAfterMs)],
    );
    const message = rows[0];
    if (!message) continue; // another deliverer has it
    faultPoint("deliver.after-claim");
    let outcome: { kind: "delivered"; response: string } | { kind: "retry" | "failed"; error: string };
    try {
      const receipt =
        message.channel === "sms"
          ? await options.smsTransport!.send({
              id: message.message_id,
              to: message.recipients,
              text: message.body,
            })
          : await options.transport!.send({
              messageId: message.message_id,
              from: from!,
              ...(settings.sender.email ? { replyTo: settings.sender.email } : {}),
              to: message.recipients,
              subject: message.subject,
              text: message.body,
              attachments: await attachmentsOf(pool, message.id),
              headers: { "X-Recoup-Action": message.action_id, "Auto-Submitted": "auto-generated" },
            });
      faultPoint("deliver.after-send");
      outcome = { kind: "delivered", response: receipt.response };
    } catch (error) {
      const permanent =
        error instanceof EmailSendError || error instanceof SmsSendError ? error.permanent : false;
      const text = (error as Error).message;
      outcome =
        permanent || message.delivery_attempts >= maxAttempts
          ? { kind: "failed", error: text }
          : { kind: "retry", error: text };
    }
    const at = options.clock.now();
    await options.store.handle.db.transaction().execute(async (trx) => {
      const db = fromKysely(trx);
      if (outcome.kind === "delivered") {
        await db.query(
          `UPDATE outbox_messages SET delivery_status = 'delivered', delivered_at = $2, delivery_error = NULL WHERE id = $1`,
          [message.id, at],
        );
      } else if (outcome.kind === "retry") {
        const delay = RETRY_DELAYS_MS[Math.min(message.delivery_attempts, RETRY_DELAYS_MS.length) - 1]!;
        await db.query(
          `UPDATE outbox_messages SET delivery_status = 'queued', delivery_error = $2, next_delivery_at = $3 WHERE id = $1`,
          [message.id, outcome.error, new Date(at.getTime() + delay)],
        );
      } else {
        await db.query(
          `UPDATE outbox_messages SET delivery_status = 'failed', delivery_error = $2 WHERE id = $1`,
          [message.id, outcome.error],
        );
        await db.query(
          `UPDATE collection_actions SET status = 'failed', last_error = $2, completed_at = $3 WHERE id = $1`,
          [message.action_id, outcome.error, at],
        );
        await db.query(
          `INSERT INTO collection_tasks (organisation_id, customer_id, action_id, kind, status, assignee, due_on,
             invoice_ids, note, created_at)
           SELECT a.organisation_id, a.customer_id, a.id, 'review', 'open', $2, a.as_of, a.invoice_ids, $3, $4
           FROM collection_actions a WHERE a.id = $1
           ON CONFLICT (action_id) DO NOTHING`,
          [
            message.action_id,
            message.collector_email,
            message.channel === "sms"
              ? `The text message "${message.body.slice(0, 60)}" could not be delivered: ${outcome.error}.`
              : `The email "${message.subject}" could not be delivered: ${outcome.error}.`,
            at,
          ],
        );
      }
      await appendAuditEvents(db, { organisationId, actor: options.actor, occurredAt: at }, [
        {
          action:
            outcome.kind === "delivered"
              ? "collection.message_delivered"
              : "collection.message_delivery_failed",
          subjectType: "customer",
          subjectId: message.customer_ref,
          data: {
            messageId: message.message_id,
            actionId: Number(message.action_id),
            attempt: message.delivery_attempts,
            ...(outcome.kind === "delivered"
              ? { response: outcome.response }
              : { error: outcome.error, final: outcome.kind === "failed" }),
          },
        },
      ]);
    });
    report[outcome.kind === "delivered" ? "delivered" : outcome.kind === "retry" ? "retrying" : "failed"] +=
      1;
  }
  return report;
}

async function attachmentsOf(
  pool: RecoupStore["handle"]["pool"],
  messageId: string,
): Promise<{ filename: string; content: Buffer; contentType: string }[]> {
  const { rows } = await pool.query<{ filename: string; content_type: string; content: Buffer }>(
    `SELECT filename, content_type, content FROM outbox_attachments WHERE message_id = $1 ORDER BY filename`,
    [messageId],
  );
  return rows.map((f) => ({ filename: f.filename, content: f.content, contentType: f.content_type }));
}
