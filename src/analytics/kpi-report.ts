import { addDays, parseCalendarDate } from "../domain/calendar-date.js";
import { computeKpis, roundKpisForOutput, type KpisOutput } from "../domain/kpis.js";
import type { Queryable } from "../db/queryable.js";
import { RecoupError } from "../errors.js";
import { toMinorUnits } from "../db/minor-units.js";
import { OPEN_ITEMS_AS_OF } from "./open-items-sql.js";

export interface KpiReportOptions {
  organisationId: number;
  from: string;
  to: string;
}

/** One currency gives its KPI object; several give `{ byCurrency: [...] }` (DESIGN 5.2). */
export type KpiReport = KpisOutput | { byCurrency: KpisOutput[] };

/**
 * DSO (simple and countback), best-possible DSO, ADD and CEI for [from, to], per currency, from
 * four set-based queries: AR at both ends, credit sales, and monthly sales for the countback.
 *
 * @example await kpiReport(db, { organisationId: 1, from: "2026-01-01", to: "2026-06-30" })
 */
export async function kpiReport(db: Queryable, options: KpiReportOptions): Promise<KpiReport> {
  const from = parseCalendarDate(options.from);
  const to = parseCalendarDate(options.to);
  if (to < from) throw new RecoupError("VALIDATION_FAILED", `--to ${to} is before --from ${from}`);
  const org = options.organisationId;
  const dayBefore = addDays(from, -1);

  const [endAr, beginAr, monthly, periodSales] = await Promise.all([
    db.query<{ currency: string; ar: string; current_ar: string }>(
      `SELECT currency, sum(open_amount) AS ar, coalesce(sum(open_amount) FILTER (WHERE due_date >= $2::date), 0) AS current_ar
       FROM (${OPEN_ITEMS_AS_OF}) o GROUP BY currency`,
      [org, to],
    ),
    db.query<{ currency: string; ar: string }>(
      `SELECT currency, sum(open_amount) AS ar FROM (${OPEN_ITEMS_AS_OF}) o GROUP BY currency`,
      [org, dayBefore],
    ),
    // Credit sales per calendar month up to `to` (the last month is partial, up to `to`). Grouped by
    // the month's first day, formatted once per group rather than once per row.
    db.query<{ currency: string; month: string; sales: string }>(
      `SELECT currency, to_char(month, 'YYYY-MM') AS month, sales FROM (
         SELECT currency, date_trunc('month', day) AS month, sum(amount) AS sales FROM (
           SELECT currency, issue_date AS day, amount FROM invoices WHERE organisation_id = $1 AND issue_date <= $2::date
           UNION ALL
           SELECT currency, date, -amount FROM credit_notes WHERE organisation_id = $1 AND date <= $2::date
         ) s GROUP BY 1, 2
       ) m ORDER BY 1, 2`,
      [org, to],
    ),
    // Credit sales in the period itself: [from, to].
    db.query<{ currency: string; sales: string }>(
      `SELECT currency, sum(amount) AS sales FROM (
         SELECT currency, amount FROM invoices WHERE organisation_id = $1 AND issue_date BETWEEN $2::date AND $3::date
         UNION ALL
         SELECT currency, -amount FROM credit_notes WHERE organisation_id = $1 AND date BETWEEN $2::date AND $3::date
       ) s GROUP BY currency`,
      [org, from, to],
    ),
  ]);

  const currencies = [...new Set(monthly.rows.map((r) => r.currency))].sort();
  const results = currencies.map((currency) => {
    const months = monthly.rows.filter((r) => r.currency === currency);
    const end = endAr.rows.find((r) => r.currency === currency);
    return roundKpisForOutput(
      computeKpis({
        from,
        to,
        currency,
        creditSales: toMinorUnits(periodSales.rows.find((r) => r.currency === currency)?.sales ?? null),
        beginAr: toMinorUnits(beginAr.rows.find((r) => r.currency === currency)?.ar ?? null),
        endAr: toMinorUnits(end?.ar ?? null),
        endCurrentAr: toMinorUnits(end?.current_ar ?? null),
        monthlySales: months.map((r) => ({ month: r.month, sales: toMinorUnits(r.sales) })),
        firstMonth: months[0]!.month,
      }),
    );
  });
  if (results.length === 0) {
    throw new RecoupError("VALIDATION_FAILED", `the ledger has no invoices issued on or before ${to}`);
  }
  return results.length === 1 ? results[0]! : { byCurrency: results };
}
