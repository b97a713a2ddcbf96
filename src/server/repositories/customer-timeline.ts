import type { Queryable } from "../../db/queryable.js";

export interface TimelineEntry {
  seq: number;
  occurredAt: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  data: unknown;
  /** For a message sent (collection.message_sent): the message as it went out. */
  message: { id: string; channel: string; to: string[]; subject: string; body: string } | null;
}

/**
 * A customer's timeline, newest first: every audit event whose subject is the customer or whose
 * data names it (`customerRef`), each sent message with its rendered content. Keyset pages by seq.
 *
 * @example await listCustomerTimeline(pool, { organisationId: 1, customerRef: "C-0042", limit: 50 })
 */
export async function listCustomerTimeline(
  db: Queryable,
  options: { organisationId: number; customerRef: string; beforeSeq?: number; limit: number },
): Promise<TimelineEntry[]> {
  const { rows } = await db.query<{
    seq: string;
    occurred_at: Date;
    actor: string;
    action: string;
    subject_type: string;
    subject_id: string;
    data: unknown;
    message_id: string | null;
    channel: string | null;
    recipients: string[] | null;
    subject: string | null;
    body: string | null;
  }>(
    `SELECT e.seq, e.occurred_at, e.actor, e.action, e.subject_type, e.subject_id, e.data,
       m.id::text AS message_id, m.channel, m.recipients, m.subject, m.body
     FROM (
       SELECT * FROM audit_events
       WHERE organisation_id = $1 AND subject_type = 'customer' AND subject_id = $2 AND seq < $3
       UNION
       SELECT * FROM audit_events
       WHERE organisation_id = $1 AND data ? 'customerRef' AND data ->> 'customerRef' = $2 AND seq < $3
     ) e
     LEFT JOIN outbox_messages m ON e.action = 'collection.message_sent' AND m.organisation_id = $1
       AND m.action_id = (e.data ->> 'actionId')::bigint
     ORDER BY e.seq DESC LIMIT $4`,
    [
      options.organisationId,
      options.customerRef,
      options.beforeSeq ?? Number.MAX_SAFE_INTEGER,
      options.limit,
    ],
  );
  return rows.map((row) => ({
    seq: Number(row.seq),
    occurredAt: row.occurred_at.toISOString(),
    actor: row.actor,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    data: row.data,
    message:
      row.message_id === null
        ? null
        : {
            id: row.message_id,
            channel: row.channel!,
            to: row.recipients!,
            subject: row.subject!,
            body: row.body!,
          },
  }));
}
