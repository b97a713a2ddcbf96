import { toMinorUnits } from "../db/minor-units.js";
import type { Queryable } from "../db/queryable.js";
import { parseCalendarDate } from "../domain/calendar-date.js";
import { customerFilterCondition, type CustomerFilter } from "./customer-filter.js";
import { OPEN_ITEMS_AS_OF } from "./open-items-sql.js";

export interface SegmentDistribution {
  asOf: string;
  /** Per currency and segment (of the latest profile; "unprofiled" before any refresh). */
  byCurrency: {
    currency: string;
    segments: { segment: string; customers: number; open: number; overdue: number }[];
  }[];
}

/**
 * How the open receivables split over the segments: customers with something open, their open and
 * overdue amounts as of a date, per currency. One grouped query over the open items.
 *
 * @example await segmentDistribution(db, { organisationId: 1, asOf: "2026-05-14" })
 */
export async function segmentDistribution(
  db: Queryable,
  options: { organisationId: number; asOf: string; customers?: CustomerFilter },
): Promise<SegmentDistribution> {
  const asOf = parseCalendarDate(options.asOf);
  const values: unknown[] = [options.organisationId, asOf];
  const filter = customerFilterCondition("o.customer_id", options.customers, values);
  const { rows } = await db.query<{
    currency: string;
    segment: string;
    customers: string;
    open: string;
    overdue: string;
  }>(
    `SELECT o.currency, coalesce(p.segment, 'unprofiled') AS segment, count(DISTINCT o.customer_id) AS customers,
       sum(o.open_amount) AS open, coalesce(sum(o.open_amount) FILTER (WHERE o.due_date < $2::date), 0) AS overdue
     FROM (${OPEN_ITEMS_AS_OF}) o LEFT JOIN customer_profiles p ON p.customer_id = o.customer_id
     WHERE true ${filter}
     GROUP BY 1, 2 ORDER BY 1, 4 DESC`,
    values,
  );
  const byCurrency = new Map<string, SegmentDistribution["byCurrency"][number]["segments"]>();
  for (const row of rows) {
    const list = byCurrency.get(row.currency) ?? [];
    list.push({
      segment: row.segment,
      customers: Number(row.customers),
      open: toMinorUnits(row.open),
      overdue: toMinorUnits(row.overdue),
    });
    byCurrency.set(row.currency, list);
  }
  return { asOf, byCurrency: [...byCurrency].map(([currency, segments]) => ({ currency, segments })) };
}
