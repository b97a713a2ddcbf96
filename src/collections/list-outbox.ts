import type { Queryable } from "../db/queryable.js";

/** One message of the outbox, as `recoup outbox --json` prints it (DESIGN 5.5), plus its content. */
export interface OutboxEntry {
  id: string;
  to: string[];
  subject: string;
  customerRef: string;
  invoiceRefs: string[];
  step: string;
  channel: string;
  language: string;
  deliveredBy: string;
  createdAt: string;
  body?: string;
}

/**
 * The newest messages first, paged by id.
 *
 * @example await listOutbox(pool, 1, { limit: 50 })
 */
export async function listOutbox(
  db: Queryable,
  organisationId: number,
  options: { limit: number; beforeId?: number; customerRef?: string; withBody?: boolean },
): Promise<OutboxEntry[]> {
  const { rows } = await db.query<{
    id: string;
    recipients: string[];
    subject: string;
    customer_ref: string;
    invoice_refs: string[];
    step: string;
    channel: string;
    language: string;
    delivered_by: string;
    created_at: Date;
    body: string;
  }>(
    `SELECT m.id::text AS id, m.recipients, m.subject, c.customer_ref, m.invoice_refs, m.step, m.channel, m.language,
       m.delivered_by, m.created_at, m.body
     FROM outbox_messages m JOIN customers c ON c.id = m.customer_id
     WHERE m.organisation_id = $1 AND ($2::bigint IS NULL OR m.id < $2) AND ($3::text IS NULL OR c.customer_ref = $3)
     ORDER BY m.id DESC LIMIT $4`,
    [organisationId, options.beforeId ?? null, options.customerRef ?? null, options.limit],
  );
  return rows.map((row) => ({
    id: row.id,
    to: row.recipients,
    subject: row.subject,
    customerRef: row.customer_ref,
    invoiceRefs: row.invoice_refs,
    step: row.step,
    channel: row.channel,
    language: row.language,
    deliveredBy: row.delivered_by,
    createdAt: row.created_at.toISOString(),
    ...(options.withBody ? { body: row.body } : {}),
  }));
}
