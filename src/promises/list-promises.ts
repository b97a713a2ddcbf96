import { resolutionMessageLink, type ResolutionMessageLink } from "../collections/resolution-messages.js";
import type { Queryable } from "../db/queryable.js";
import { promiseDeadline, type PromiseSource, type PromiseStatus } from "../domain/promise-to-pay.js";

interface Money {
  amount: number;
  currency: string;
}

/** A promise to pay as the CLI (`--json`) and the API show it. */
export interface PromiseRecord {
  id: string;
  customerRef: string;
  customerName: string;
  status: PromiseStatus;
  amount: Money;
  /** The day the customer promised to pay by. */
  promisedOn: string;
  graceDays: number;
  /** promisedOn + graceDays: the last day of the dunning pause; judged the day after. */
  deadline: string;
  /** The business day it was taken. */
  recordedOn: string;
  source: PromiseSource;
  contact: string | null;
  collectorEmail: string | null;
  note: string | null;
  invoices: { invoiceRef: string; openAtRecord: Money }[];
  /** What counted towards it when it was judged (null while open or when cancelled). */
  paid: Money | null;
  evaluatedOn: string | null;
  cancelledOn: string | null;
  cancelReason: string | null;
  /** The written confirmation: the outbox action and its message, or why none was sent. */
  confirmation: ResolutionMessageLink;
  /** The collector task a broken or partly kept promise created. */
  taskId: string | null;
  recordedBy: string;
}

export interface PromiseFilter {
  /** Only these statuses. */
  statuses?: readonly PromiseStatus[];
  customerRef?: string;
  collectorEmail?: string;
  /** Open promises whose promised date is this day (`--due-today`). */
  dueOn?: string;
  /** Judged on or after / on or before these days. */
  evaluatedFrom?: string;
  evaluatedTo?: string;
  ids?: readonly number[];
  /** Keyset pagination: ids greater than this. */
  afterId?: number;
  /** Newest first (the customer view); without pagination. */
  newestFirst?: boolean;
  limit: number;
}

interface Row {
  id: string;
  customer_ref: string;
  customer_name: string;
  status: PromiseStatus;
  amount: string | number;
  currency: string;
  promised_on: string;
  grace_days: number;
  recorded_on: string;
  source: PromiseSource;
  contact: string | null;
  collector_email: string | null;
  note: string | null;
  invoices: { invoiceRef: string; open: number }[] | null;
  paid_amount: string | number | null;
  evaluated_on: string | null;
  cancelled_on: string | null;
  cancel_reason: string | null;
  confirmation_skipped: "test_mode" | "do_not_contact" | null;
  action_id: string | null;
  action_channel: string | null;
  action_status: "planned" | "sent" | "failed" | null;
  message_id: string | null;
  task_id: string | null;
  recorded_by: string;
}

/**
 * Promises to pay, filtered, in id order (keyset pages): the list behind `recoup promises` and
 * `GET /promises`, and the reader of one promise.
 *
 * @example await listPromises(pool, 1, { statuses: ["broken"], limit: 50 })
 */
export async function listPromises(
  db: Queryable,
  organisationId: number,
  filter: PromiseFilter,
): Promise<PromiseRecord[]> {
  const { rows } = await db.query<Row>(
    `SELECT p.id::text AS id, c.customer_ref, c.name AS customer_name, p.status, p.amount, p.currency, p.promised_on,
       p.grace_days, p.recorded_on, p.source, p.contact, p.collector_email, p.note, p.paid_amount, p.evaluated_on,
       p.cancelled_on, p.cancel_reason, p.confirmation_skipped, p.recorded_by,
       (SELECT json_agg(json_build_object('invoiceRef', i.invoice_ref, 'open', x.open_at_record)
                        ORDER BY i.due_date, i.issue_date, i.invoice_ref)
        FROM promise_invoices x JOIN invoices i ON i.id = x.invoice_id WHERE x.promise_id = p.id) AS invoices,
       a.id::text AS action_id, a.channel AS action_channel, a.status AS action_status,
       (SELECT m.id::text FROM outbox_messages m WHERE m.action_id = a.id) AS message_id,
       (SELECT max(t.id)::text FROM collection_tasks t WHERE t.promise_id = p.id) AS task_id
     FROM promises_to_pay p
     JOIN customers c ON c.id = p.customer_id
     LEFT JOIN collection_actions a ON a.promise_id = p.id AND a.purpose = 'promise_confirmation'
     WHERE p.organisation_id = $1
       AND ($2::text[] IS NULL OR p.status = ANY ($2::text[]))
       AND ($3::text IS NULL OR c.customer_ref = $3)
       AND ($4::text IS NULL OR p.collector_email = $4)
       AND ($5::date IS NULL OR (p.status = 'open' AND p.promised_on = $5::date))
       AND ($6::date IS NULL OR p.evaluated_on >= $6::date)
       AND ($7::date IS NULL OR p.evaluated_on <= $7::date)
       AND ($8::bigint[] IS NULL OR p.id = ANY ($8::bigint[]))
       AND ($9::bigint IS NULL OR p.id > $9)
     ORDER BY CASE WHEN $11 THEN -p.id ELSE p.id END
     LIMIT $10`,
    [
      organisationId,
      filter.statuses === undefined ? null : [...filter.statuses],
      filter.customerRef ?? null,
      filter.collectorEmail ?? null,
      filter.dueOn ?? null,
      filter.evaluatedFrom ?? null,
      filter.evaluatedTo ?? null,
      filter.ids === undefined ? null : filter.ids.map(String),
      filter.afterId ?? null,
      filter.limit,
      filter.newestFirst ?? false,
    ],
  );
  return rows.map(toRecord);
}

function toRecord(row: Row): PromiseRecord {
  const currency = row.currency.trim();
  const money = (amount: string | number): Money => ({ amount: Number(amount), currency });
  return {
    id: row.id,
    customerRef: row.customer_ref,
    customerName: row.customer_name,
    status: row.status,
    amount: money(row.amount),
    promisedOn: row.promised_on,
    graceDays: row.grace_days,
    deadline: promiseDeadline(row.promised_on, row.grace_days),
    recordedOn: row.recorded_on,
    source: row.source,
    contact: row.contact,
    collectorEmail: row.collector_email,
    note: row.note,
    invoices: (row.invoices ?? []).map((invoice) => ({
      invoiceRef: invoice.invoiceRef,
      openAtRecord: money(invoice.open),
    })),
    paid: row.paid_amount === null ? null : money(row.paid_amount),
    evaluatedOn: row.evaluated_on,
    cancelledOn: row.cancelled_on,
    cancelReason: row.cancel_reason,
    confirmation: resolutionMessageLink(row, row.confirmation_skipped),
    taskId: row.task_id,
    recordedBy: row.recorded_by,
  };
}
