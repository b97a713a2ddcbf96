import type { Queryable } from "../db/queryable.js";
import { formatMinorUnits } from "../domain/money.js";
import { RecoupError } from "../errors.js";

/** What a timeline entry is: a recorded event, or a ledger document the ERP sent. */
export type TimelineKind = "event" | "invoice" | "payment" | "credit_note";

export interface TimelineEntry {
  /** Stable within the timeline: `event:<seq>`, `invoice:<id>`, `payment:<id>`, `credit_note:<id>`. */
  id: string;
  kind: TimelineKind;
  /** When it happened: the audit event's instant, or the document's date at midnight in the organisation's time zone. */
  at: string;
  /** The business date in the organisation's time zone. */
  date: string;
  /** The audit action (`collection.message_sent`, `dispute.opened`, …) or `invoice.issued`, `payment.received`, `credit_note.issued`. */
  action: string;
  /** Who did it: a person, `cycle`, `scheduler`, or `ledger` for documents from the ERP. */
  actor: string;
  /** One line for people. */
  summary: string;
  data: Record<string, unknown>;
}

export interface CustomerTimelinePage {
  customerRef: string;
  entries: TimelineEntry[];
  /** Pass back as `before` for the next (older) page; null at the start of the history. */
  nextCursor: string | null;
}

export interface ListCustomerTimelineOptions {
  organisationId: number;
  customerRef: string;
  /** The organisation's time zone, for documents' dates. */
  timeZone: string;
  limit: number;
  /** A cursor from a previous page: entries older than it. */
  before?: string;
}

const KIND_ORDER: Record<TimelineKind, number> = { event: 4, payment: 3, credit_note: 2, invoice: 1 };

/**
 * Everything that happened with one customer, newest first: every audit event about the customer,
 * its invoices or anything that names it (`data.customerRef`: messages, tasks, disputes,
 * promises, plans, escalations…), and the ledger's documents — invoices issued, payments received,
 * credit notes. Keyset-paginated by (instant, kind, id), so pages never skip or repeat an entry
 * while new ones arrive.
 *
 * @example await listCustomerTimeline(pool, { organisationId: 1, customerRef: "C-0042", timeZone: "Europe/London", limit: 50 })
 */
export async function listCustomerTimeline(
  db: Queryable,
  options: ListCustomerTimelineOptions,
): Promise<CustomerTimelinePage> {
  const { rows: customers } = await db.query<{ id: number; customer_ref: string }>(
    `SELECT id, customer_ref FROM customers WHERE organisation_id = $1 AND customer_ref = $2`,
    [options.organisationId, options.customerRef],
  );
  const customer = customers[0];
  if (!customer) throw new RecoupError("CUSTOMER_NOT_FOUND", `no customer with ref "${options.customerRef}"`);
  const cursor = options.before === undefined ? null : decodeTimelineCursor(options.before);
  const { rows } = await db.query<{
    kind: TimelineKind;
    key: string;
    at: Date;
    date: string;
    action: string;
    actor: string;
    data: Record<string, unknown>;
  }>(
    `WITH entries AS (
       SELECT 'event'::text AS kind, e.seq AS key, e.occurred_at AS at,
         (e.occurred_at AT TIME ZONE $4)::date AS date, e.action, e.actor, e.data
       FROM audit_events e
       WHERE e.organisation_id = $1 AND e.subject_type = 'customer' AND e.subject_id = $3
       UNION
       SELECT 'event', e.seq, e.occurred_at, (e.occurred_at AT TIME ZONE $4)::date, e.action, e.actor, e.data
       FROM audit_events e
       WHERE e.organisation_id = $1 AND e.data ? 'customerRef' AND e.data ->> 'customerRef' = $3
       UNION
       SELECT 'event', e.seq, e.occurred_at, (e.occurred_at AT TIME ZONE $4)::date, e.action, e.actor, e.data
       FROM invoices i
       JOIN audit_events e ON e.organisation_id = $1 AND e.subject_type = 'invoice' AND e.subject_id = i.invoice_ref
       WHERE i.customer_id = $2
       UNION ALL
       SELECT 'invoice', i.id, i.issue_date::timestamp AT TIME ZONE $4, i.issue_date, 'invoice.issued', 'ledger',
         jsonb_build_object('invoiceRef', i.invoice_ref, 'amount', i.amount, 'currency', i.currency,
           'dueDate', to_char(i.due_date, 'YYYY-MM-DD'), 'open', i.open_amount, 'poNumber', i.po_number)
       FROM invoices i WHERE i.customer_id = $2
       UNION ALL
       SELECT 'payment', p.id, p.date::timestamp AT TIME ZONE $4, p.date, 'payment.received', 'ledger',
         jsonb_build_object('paymentRef', p.payment_ref, 'amount', p.amount, 'currency', p.currency,
           'unapplied', p.unapplied_amount,
           'invoiceRefs', (SELECT coalesce(jsonb_agg(DISTINCT i.invoice_ref), '[]'::jsonb)
                           FROM allocations a JOIN invoices i ON i.id = a.invoice_id WHERE a.payment_id = p.id))
       FROM payments p WHERE p.customer_id = $2
       UNION ALL
       SELECT 'credit_note', n.id, n.date::timestamp AT TIME ZONE $4, n.date, 'credit_note.issued', 'ledger',
         jsonb_build_object('creditNoteRef', n.credit_note_ref, 'amount', n.amount, 'currency', n.currency,
           'invoiceRef', (SELECT i.invoice_ref FROM invoices i WHERE i.id = n.invoice_id))
       FROM credit_notes n WHERE n.customer_id = $2
     )
     SELECT kind, key::text AS key, at, to_char(date, 'YYYY-MM-DD') AS date, action, actor, data FROM entries
     WHERE $5::timestamptz IS NULL
        OR (at, CASE kind WHEN 'event' THEN 4 WHEN 'payment' THEN 3 WHEN 'credit_note' THEN 2 ELSE 1 END, key)
           < ($5::timestamptz, $6::int, $7::bigint)
     ORDER BY at DESC, CASE kind WHEN 'event' THEN 4 WHEN 'payment' THEN 3 WHEN 'credit_note' THEN 2 ELSE 1 END DESC,
       key DESC
     LIMIT $8`,
    [
      options.organisationId,
      customer.id,
      customer.customer_ref,
      options.timeZone,
      cursor?.at ?? null,
      cursor?.kindOrder ?? null,
      cursor?.key ?? null,
      options.limit + 1,
    ],
  );
  const entries = rows.slice(0, options.limit).map((row) => ({
    id: `${row.kind}:${row.key}`,
    kind: row.kind,
    at: new Date(row.at).toISOString(),
    date: row.date,
    action: row.action,
    actor: row.actor,
    summary: summarise(row.action, row.data),
    data: row.data,
  }));
  const last = rows.length > options.limit ? rows[options.limit - 1]! : null;
  return {
    customerRef: customer.customer_ref,
    entries,
    nextCursor: last
      ? encodeTimelineCursor({ at: new Date(last.at), kindOrder: KIND_ORDER[last.kind], key: last.key })
      : null,
  };
}

interface TimelineCursor {
  at: Date;
  kindOrder: number;
  key: string;
}

function encodeTimelineCursor(cursor: TimelineCursor): string {
  return Buffer.from(`${cursor.at.getTime()}.${cursor.kindOrder}.${cursor.key}`, "utf8").toString(
    "base64url",
  );
}

function decodeTimelineCursor(text: string): TimelineCursor {
  const match = /^(\d{1,15})\.([1-4])\.(\d{1,18})$/.exec(Buffer.from(text, "base64url").toString("utf8"));
  if (
    !match ||
    encodeTimelineCursor({ at: new Date(Number(match[1])), kindOrder: Number(match[2]), key: match[3]! }) !==
      text
  ) {
    throw new RecoupError("VALIDATION_FAILED", `"${text}" is not a timeline cursor this API gave out`);
  }
  return { at: new Date(Number(match[1])), kindOrder: Number(match[2]), key: match[3]! };
}

/** An amount of the data (minor units) as people read it, e.g. "1,234.56 EUR"; "" when absent. */
function money(data: Record<string, unknown>, field = "amount"): string {
  const amount = data[field];
  const currency = data.currency;
  return typeof amount === "number" && typeof currency === "string"
    ? `${formatMinorUnits(amount, currency)} ${currency}`
    : "";
}

/**
 * One line for people. Known actions get their own wording; any other (a new area's events) reads
 * as its action ("dispute.opened" → "Dispute opened"), so the timeline never hides an event.
 */
function summarise(action: string, data: Record<string, unknown>): string {
  const text = (key: string) => (typeof data[key] === "string" ? (data[key] as string) : "");
  const list = (key: string) => (Array.isArray(data[key]) ? (data[key] as unknown[]).join(", ") : "");
  switch (action) {
    case "invoice.issued":
      return `Invoice ${text("invoiceRef")} issued for ${money(data)}, due ${text("dueDate")}`;
    case "payment.received":
      return `Payment ${text("paymentRef")} of ${money(data)} received${list("invoiceRefs") ? ` for ${list("invoiceRefs")}` : " (unapplied)"}`;
    case "credit_note.issued":
      return `Credit note ${text("creditNoteRef")} for ${money(data)}${text("invoiceRef") ? ` on ${text("invoiceRef")}` : " (unapplied)"}`;
    case "collection.message_sent":
      return `${capitalise(text("channel") || "message")} sent: ${text("subject") || text("step")}${list("invoiceRefs") ? ` (${list("invoiceRefs")})` : ""}`;
    case "collection.message_delivered":
      return `Message delivered${text("response") ? `: ${text("response")}` : ""}`;
    case "collection.message_delivery_failed":
      return `Message not delivered: ${text("error")}`;
    case "collection.task_created":
      return `${capitalise(text("kind") || "task")} task created${text("assignee") ? ` for ${text("assignee")}` : ""}`;
    case "collection.action_failed":
      return `${capitalise(text("channel") || "action")} failed: ${text("error")}`;
    case "customer.reclassified":
      return "Risk rating or segment changed";
    case "invoice.written_off":
      return `Written off: ${text("reason")}`;
    case "invoice.adjusted":
      return "Invoice amount adjusted by the ERP";
    case "promise.recorded":
      return `Promise ${data.promiseId} to pay ${money(data)} by ${text("promisedOn")} recorded (${list("invoiceRefs")})`;
    case "promise.kept":
    case "promise.partially_kept":
    case "promise.broken":
      return `Promise ${data.promiseId} ${action.slice("promise.".length).replace("_", " ")}: ${money(data, "paid")} of ${money(data)} paid by ${text("deadline")}`;
    case "promise.cancelled":
      return `Promise ${data.promiseId} cancelled${text("reason") ? `: ${text("reason")}` : ""}`;
    case "plan.created":
      return `Payment plan ${data.planId} of ${money(data, "total")} in ${Array.isArray(data.instalments) ? data.instalments.length : "?"} instalments (${text("status")})`;
    case "plan.signed":
      return `Payment plan ${data.planId} signed${text("signedBy") ? ` by ${text("signedBy")}` : ""}`;
    case "plan.instalment_paid":
    case "plan.instalment_missed":
      return `Instalment ${data.instalment} of payment plan ${data.planId} (${money(data)}, due ${text("dueOn")}) ${action.endsWith("paid") ? "paid" : "missed"}`;
    case "plan.completed":
    case "plan.defaulted":
    case "plan.cancelled":
      return `Payment plan ${data.planId} ${action.slice("plan.".length)}${text("reason") ? `: ${text("reason")}` : ""}`;
    default: {
      const words = action.replace(/[._]/g, " ").trim();
      return capitalise(words);
    }
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
