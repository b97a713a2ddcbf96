import { toMinorUnits } from "../db/minor-units.js";
import type { Queryable } from "../db/queryable.js";
import { parseCalendarDate } from "../domain/calendar-date.js";
import { customerFilterCondition, type CustomerFilter } from "./customer-filter.js";
import { OPEN_ITEMS_AS_OF } from "./open-items-sql.js";

export interface OverdueAccount {
  customerRef: string;
  name: string;
  currency: string;
  overdue: number;
  open: number;
  oldestDaysPastDue: number;
  overdueInvoices: number;
  riskRating: string | null;
  segment: string | null;
  collectorEmail: string | null;
  ownerEmail: string | null;
}

/**
 * The accounts with the most overdue as of a date, largest first, in one currency or all (each
 * amount in its own currency). One grouped query over the open items, then a join for the names.
 *
 * @example await topOverdueCustomers(db, { organisationId: 1, asOf: "2026-05-14", currency: "USD", limit: 10 })
 */
export async function topOverdueCustomers(
  db: Queryable,
  options: {
    organisationId: number;
    asOf: string;
    currency?: string;
    limit: number;
    customers?: CustomerFilter;
  },
): Promise<OverdueAccount[]> {
  const asOf = parseCalendarDate(options.asOf);
  const values: unknown[] = [options.organisationId, asOf, options.currency ?? null, options.limit];
  const filter = customerFilterCondition("o.customer_id", options.customers, values);
  const { rows } = await db.query<{
    customer_ref: string;
    name: string;
    currency: string;
    overdue: string;
    open: string;
    oldest: number;
    invoices: string;
    risk_rating: string | null;
    segment: string | null;
    collector_email: string | null;
    owner_email: string | null;
  }>(
    `SELECT c.customer_ref, c.name, t.currency, t.overdue, t.open, t.oldest, t.invoices, p.risk_rating, p.segment,
       c.collector_email, c.owner_email
     FROM (
       SELECT o.customer_id, o.currency, sum(o.open_amount) AS open,
         sum(o.open_amount) FILTER (WHERE o.due_date < $2::date) AS overdue,
         max($2::date - o.due_date) AS oldest, count(*) FILTER (WHERE o.due_date < $2::date) AS invoices
       FROM (${OPEN_ITEMS_AS_OF}) o
       WHERE ($3::text IS NULL OR o.currency = $3) ${filter}
       GROUP BY 1, 2
       HAVING sum(o.open_amount) FILTER (WHERE o.due_date < $2::date) > 0
       ORDER BY 4 DESC, 1 LIMIT $4
     ) t
     JOIN customers c ON c.id = t.customer_id
     LEFT JOIN customer_profiles p ON p.customer_id = t.customer_id
     ORDER BY t.overdue DESC, c.customer_ref`,
    values,
  );
  return rows.map((row) => ({
    customerRef: row.customer_ref,
    name: row.name,
    currency: row.currency,
    overdue: toMinorUnits(row.overdue),
    open: toMinorUnits(row.open),
    oldestDaysPastDue: Number(row.oldest),
    overdueInvoices: Number(row.invoices),
    riskRating: row.risk_rating,
    segment: row.segment,
    collectorEmail: row.collector_email,
    ownerEmail: row.owner_email,
  }));
}
