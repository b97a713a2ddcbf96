import { parseCalendarDate } from "../domain/calendar-date.js";
import {
  assertBucketBounds,
  buildAgingReport,
  DEFAULT_BUCKET_BOUNDS,
  type AgingBasis,
  type AgingReport,
} from "../domain/aging.js";
import type { Queryable } from "../db/queryable.js";
import { RecoupError } from "../errors.js";
import { toMinorUnits } from "../db/minor-units.js";
import { customerFilterCondition, type CustomerFilter } from "./customer-filter.js";
import { bucketIndexSql, OPEN_ITEMS_AS_OF, UNAPPLIED_AS_OF } from "./open-items-sql.js";

export interface AgingReportOptions {
  organisationId: number;
  asOf: string;
  bounds?: readonly number[];
  basis?: AgingBasis;
  customerRef?: string;
  /** Only these customers (the dashboard's filters); with `customerRef`, both apply. */
  customers?: CustomerFilter;
  /** Leave out the per-customer lines: the totals only (the dashboard's chart). */
  totalsOnly?: boolean;
}

/**
 * The aging of open receivables as of a date, per customer and in total per currency, computed in
 * one set-based query per part (DESIGN 5.2 `recoup aging`).
 *
 * @example await agingReport(db, { organisationId: 1, asOf: "2026-11-30" })
 */
export async function agingReport(db: Queryable, options: AgingReportOptions): Promise<AgingReport> {
  const asOf = parseCalendarDate(options.asOf);
  const bounds = options.bounds ?? DEFAULT_BUCKET_BOUNDS;
  const basis = options.basis ?? "due";
  assertBucketBounds(bounds);
  const values: unknown[] = [options.organisationId, asOf];
  let customerFilter = "";
  let unappliedFilter = "";
  if (options.customerRef !== undefined) {
    const { rows } = await db.query<{ id: number }>(
      `SELECT id FROM customers WHERE organisation_id = $1 AND customer_ref = $2`,
      [options.organisationId, options.customerRef],
    );
    if (rows.length === 0) {
      throw new RecoupError("CUSTOMER_NOT_FOUND", `no customer with ref "${options.customerRef}"`);
    }
    values.push(rows[0]!.id);
    customerFilter = "AND customer_id = $3";
    unappliedFilter = "AND u.customer_id = $3";
  }
  const chosen = values.length;
  customerFilter += ` ${customerFilterCondition("customer_id", options.customers, values)}`;
  // The same parameters again, for the unapplied query's own alias.
  unappliedFilter += ` ${customerFilterCondition("u.customer_id", options.customers, values.slice(0, chosen))}`;

  const [buckets, unapplied] = await Promise.all([
    db.query<{ customer_ref: string; name: string; currency: string; bucket_index: number; amount: string }>(
      `SELECT cu.customer_ref, cu.name, b.currency, b.bucket_index, b.amount
       FROM (SELECT customer_id, currency, ${bucketIndexSql(bounds, basis)} AS bucket_index, sum(open_amount) AS amount
             FROM (${OPEN_ITEMS_AS_OF}) o WHERE true ${customerFilter}
             GROUP BY 1, 2, 3) b
       JOIN customers cu ON cu.id = b.customer_id`,
      values,
    ),
    db.query<{ customer_ref: string; name: string; currency: string; amount: string }>(
      `SELECT cu.customer_ref, cu.name, u.currency, u.amount
       FROM (${UNAPPLIED_AS_OF}) u JOIN customers cu ON cu.id = u.customer_id
       WHERE true ${unappliedFilter}`,
      values,
    ),
  ]);

  const report = buildAgingReport({
    asOf,
    basis,
    bounds,
    bucketRows: buckets.rows.map((r) => ({
      customerRef: r.customer_ref,
      name: r.name,
      currency: r.currency,
      bucketIndex: r.bucket_index,
      amount: toMinorUnits(r.amount),
    })),
    unappliedRows: unapplied.rows.map((r) => ({
      customerRef: r.customer_ref,
      name: r.name,
      currency: r.currency,
      amount: toMinorUnits(r.amount),
    })),
  });
  return options.totalsOnly ? { ...report, customers: [] } : report;
}
