import type { Queryable } from "../../db/queryable.js";
import { customerFilterCondition, type CustomerFilter } from "../../analytics/customer-filter.js";
import { SqlParams } from "./sql-params.js";

export interface InvoiceRecord {
  id: number;
  invoiceRef: string;
  customerRef: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  amount: number;
  openAmount: number;
  poNumber: string | null;
  description: string | null;
}

export type InvoiceStatus = "open" | "closed" | "all";

export interface InvoiceListFilter {
  organisationId: number;
  today: string;
  customerId?: number;
  status?: InvoiceStatus;
  /** Only open invoices due before today. */
  overdue?: boolean;
  currency?: string;
  /** due_date < dueBefore */
  dueBefore?: string;
  /** due_date > dueAfter */
  dueAfter?: string;
  /** Only these customers' invoices (the dashboard's filters, for its drill-downs). */
  customers?: CustomerFilter;
  afterId?: number;
  limit: number;
}

interface InvoiceRow {
  id: number;
  invoice_ref: string;
  customer_ref: string;
  issue_date: string;
  due_date: string;
  currency: string;
  amount: number;
  open_amount: number;
  po_number: string | null;
  description: string | null;
}

const INVOICE_COLUMNS = `i.id, i.invoice_ref, cu.customer_ref, i.issue_date, i.due_date, i.currency, i.amount,
  i.open_amount, i.po_number, i.description`;

function toInvoiceRecord(row: InvoiceRow): InvoiceRecord {
  return {
    id: row.id,
    invoiceRef: row.invoice_ref,
    customerRef: row.customer_ref,
    issueDate: row.issue_date,
    dueDate: row.due_date,
    currency: row.currency,
    amount: row.amount,
    openAmount: row.open_amount,
    poNumber: row.po_number,
    description: row.description,
  };
}

/**
 * Up to `limit` invoices matching the filter, ordered by id, after `afterId`.
 *
 * @example await listInvoices(pool, { organisationId: 1, today: "2026-04-15", status: "open", limit: 51 })
 */
export async function listInvoices(db: Queryable, filter: InvoiceListFilter): Promise<InvoiceRecord[]> {
  const params = new SqlParams();
  const where = [`i.organisation_id = ${params.add(filter.organisationId)}`];
  if (filter.afterId !== undefined) where.push(`i.id > ${params.add(filter.afterId)}`);
  if (filter.customerId !== undefined) where.push(`i.customer_id = ${params.add(filter.customerId)}`);
  if (filter.status === "open") where.push(`i.open_amount <> 0`);
  if (filter.status === "closed") where.push(`i.open_amount = 0`);
  if (filter.overdue) where.push(`i.open_amount > 0 AND i.due_date < ${params.add(filter.today)}::date`);
  if (filter.currency !== undefined) where.push(`i.currency = ${params.add(filter.currency)}`);
  if (filter.dueBefore !== undefined) where.push(`i.due_date < ${params.add(filter.dueBefore)}::date`);
  if (filter.dueAfter !== undefined) where.push(`i.due_date > ${params.add(filter.dueAfter)}::date`);
  // The organisation is $1, as customerFilterCondition expects.
  const customers = customerFilterCondition("i.customer_id", filter.customers, params.values);
  if (customers !== "") where.push(customers.replace(/^AND /, ""));
  const { rows } = await db.query<InvoiceRow>(
    `SELECT ${INVOICE_COLUMNS}
     FROM invoices i JOIN customers cu ON cu.id = i.customer_id
     WHERE ${where.join(" AND ")}
     ORDER BY i.id
     LIMIT ${params.add(filter.limit)}`,
    params.values,
  );
  return rows.map(toInvoiceRecord);
}

export interface AllocationRecord {
  kind: "payment" | "credit_note" | "write_off";
  /** The payment or credit note ref; null for a write-off, which has none. */
  ref: string | null;
  date: string;
  amount: number;
  /** Why it was written off (write-offs only). */
  reason: string | null;
}

export interface AdjustmentRecord {
  amountDelta: number;
  reason: string;
  at: Date;
}

/** One invoice by ref with what was applied to it and how its amount was adjusted, or undefined. */
export async function findInvoice(
  db: Queryable,
  options: { organisationId: number; invoiceRef: string },
): Promise<
  (InvoiceRecord & { allocations: AllocationRecord[]; adjustments: AdjustmentRecord[] }) | undefined
> {
  const { rows } = await db.query<InvoiceRow>(
    `SELECT ${INVOICE_COLUMNS}
     FROM invoices i JOIN customers cu ON cu.id = i.customer_id
     WHERE i.organisation_id = $1 AND i.invoice_ref = $2`,
    [options.organisationId, options.invoiceRef],
  );
  const row = rows[0];
  if (!row) return undefined;
  const [allocations, adjustments] = await Promise.all([
    db.query<{
      kind: AllocationRecord["kind"];
      ref: string | null;
      date: string;
      amount: number;
      reason: string | null;
    }>(
      `SELECT a.kind, coalesce(p.payment_ref, cn.credit_note_ref) AS ref, a.date, a.amount, wo.reason
       FROM allocations a
       LEFT JOIN payments p ON p.id = a.payment_id
       LEFT JOIN credit_notes cn ON cn.id = a.credit_note_id
       LEFT JOIN write_offs wo ON wo.id = a.write_off_id
       WHERE a.invoice_id = $1
       ORDER BY a.date, a.id`,
      [row.id],
    ),
    db.query<{ amount_delta: number; reason: string; created_at: Date }>(
      `SELECT amount_delta, reason, created_at FROM invoice_adjustments WHERE invoice_id = $1 ORDER BY id`,
      [row.id],
    ),
  ]);
  return {
    ...toInvoiceRecord(row),
    allocations: allocations.rows,
    adjustments: adjustments.rows.map((a) => ({
      amountDelta: a.amount_delta,
      reason: a.reason,
      at: a.created_at,
    })),
  };
}
