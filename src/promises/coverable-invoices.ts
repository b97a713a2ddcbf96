import { formatMinorUnits } from "../domain/money.js";
import type { Queryable } from "../db/queryable.js";
import { toMinorUnits } from "../db/minor-units.js";
import { RecoupError } from "../errors.js";

/** A customer's invoice as a promise or a plan sees it on a business day. */
export interface CoverableInvoice {
  invoiceId: number;
  invoiceRef: string;
  customerId: number;
  issueDate: string;
  dueDate: string;
  currency: string;
  /** amount − allocations dated on or before the day (DESIGN 5.3), minor units. */
  open: number;
  /** The open promise or the proposed or active plan that covers it already, if one does. */
  coveredBy:
    { kind: "promise"; id: number; status: string } | { kind: "plan"; id: number; status: string } | null;
}

interface Row {
  id: number;
  invoice_ref: string;
  customer_id: number;
  issue_date: string;
  due_date: string;
  currency: string;
  open_as_of: string | number;
  promise_id: number | null;
  plan_id: number | null;
  plan_status: string | null;
}

const COLUMNS = `i.id, i.invoice_ref, i.customer_id, i.issue_date, i.due_date, i.currency,
  i.amount - coalesce((SELECT sum(a.amount) FROM allocations a WHERE a.invoice_id = i.id AND a.date <= $2::date), 0)
    AS open_as_of,
  (SELECT p.id FROM promise_invoices x JOIN promises_to_pay p ON p.id = x.promise_id
   WHERE x.invoice_id = i.id AND p.status = 'open' LIMIT 1) AS promise_id,
  (SELECT pl.id FROM payment_plan_invoices y JOIN payment_plans pl ON pl.id = y.plan_id
   WHERE y.invoice_id = i.id AND pl.status IN ('proposed', 'active') LIMIT 1) AS plan_id,
  (SELECT pl.status FROM payment_plan_invoices y JOIN payment_plans pl ON pl.id = y.plan_id
   WHERE y.invoice_id = i.id AND pl.status IN ('proposed', 'active') LIMIT 1) AS plan_status`;

function toInvoice(row: Row): CoverableInvoice {
  return {
    invoiceId: Number(row.id),
    invoiceRef: row.invoice_ref,
    customerId: Number(row.customer_id),
    issueDate: row.issue_date,
    dueDate: row.due_date,
    currency: row.currency.trim(),
    open: toMinorUnits(row.open_as_of),
    coveredBy:
      row.promise_id !== null
        ? { kind: "promise", id: Number(row.promise_id), status: "open" }
        : row.plan_id !== null
          ? { kind: "plan", id: Number(row.plan_id), status: row.plan_status! }
          : null,
  };
}

/**
 * The invoices a promise or a plan may cover for a customer on a day: issued by then, with
 * something open as of that day, oldest first, each with the promise or plan that covers it
 * already (an invoice is covered by at most one open promise or live plan at a time). Read inside
 * the transaction that then records the commitment, after the customer row is locked.
 *
 * @example await coverableInvoices(trx, { organisationId, customerId: 7, asOf: "2026-04-15" })
 */
export async function coverableInvoices(
  db: Queryable,
  options: { organisationId: number; customerId: number; asOf: string },
): Promise<CoverableInvoice[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM invoices i
     WHERE i.organisation_id = $1 AND i.customer_id = $3 AND i.issue_date <= $2::date
       AND (i.open_amount <> 0 OR i.last_allocation_date > $2::date)
     ORDER BY i.due_date, i.issue_date, i.invoice_ref`,
    [options.organisationId, options.asOf, options.customerId],
  );
  return rows.map(toInvoice).filter((invoice) => invoice.open > 0);
}

/**
 * The invoices a collector named, checked one by one: each exists, belongs to the customer, was
 * issued by the day, has something open, is in one currency with the others and is not covered
 * already. Throws the precise RecoupError for the first problem.
 *
 * @example await namedInvoices(trx, { organisationId, customer, asOf, invoiceRefs: ["I1", "I2"] })
 */
export async function namedInvoices(
  db: Queryable,
  options: {
    organisationId: number;
    customer: { id: number; ref: string };
    asOf: string;
    invoiceRefs: readonly string[];
  },
): Promise<CoverableInvoice[]> {
  const refs = [...new Set(options.invoiceRefs.map((ref) => ref.trim()).filter((ref) => ref !== ""))];
  if (refs.length === 0) throw new RecoupError("VALIDATION_FAILED", "name at least one invoice");
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM invoices i WHERE i.organisation_id = $1 AND i.invoice_ref = ANY ($3::text[])`,
    [options.organisationId, options.asOf, refs],
  );
  const byRef = new Map(rows.map((row) => [row.invoice_ref, toInvoice(row)]));
  const invoices: CoverableInvoice[] = [];
  for (const ref of refs) {
    const invoice = byRef.get(ref);
    if (!invoice) throw new RecoupError("INVOICE_NOT_FOUND", `no invoice with ref "${ref}"`);
    if (invoice.customerId !== options.customer.id) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `invoice "${ref}" does not belong to customer "${options.customer.ref}"`,
      );
    }
    if (invoice.issueDate > options.asOf) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `invoice "${ref}" is issued on ${invoice.issueDate}, after ${options.asOf}`,
      );
    }
    if (invoice.open <= 0) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `invoice "${ref}" has nothing open as of ${options.asOf} (open: ${formatMinorUnits(invoice.open, invoice.currency)} ${invoice.currency})`,
      );
    }
    if (invoices.length > 0 && invoice.currency !== invoices[0]!.currency) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `invoice "${ref}" is in ${invoice.currency} and "${invoices[0]!.invoiceRef}" in ${invoices[0]!.currency}: one commitment covers invoices in one currency`,
      );
    }
    assertNotCovered(invoice);
    invoices.push(invoice);
  }
  return invoices.sort(
    (a, b) => a.dueDate.localeCompare(b.dueDate) || a.issueDate.localeCompare(b.issueDate),
  );
}

/** Refuses an invoice that an open promise or a live plan covers already. */
export function assertNotCovered(invoice: CoverableInvoice): void {
  const cover = invoice.coveredBy;
  if (cover === null) return;
  throw new RecoupError(
    "INVOICE_ALREADY_COVERED",
    cover.kind === "promise"
      ? `invoice "${invoice.invoiceRef}" is already covered by open promise ${cover.id}; cancel it first (recoup promise cancel ${cover.id})`
      : `invoice "${invoice.invoiceRef}" is already covered by payment plan ${cover.id} (${cover.status}); cancel it first (recoup plan cancel ${cover.id})`,
    { invoiceRef: invoice.invoiceRef, coveredBy: cover },
  );
}
