import { addDays, parseCalendarDate } from "../domain/calendar-date.js";
import { computeKpis, roundKpisForOutput, type KpisOutput } from "../domain/kpis.js";
import type { Queryable } from "../db/queryable.js";
import { RecoupError } from "../errors.js";
import { toMinorUnits } from "../db/minor-units.js";
import { OPEN_ITEMS_AS_OF } from "./open-items-sql.js";
import { promiseKeptRate, type PromiseTally } from "../domain/promise-to-pay.js";

export interface KpiReportOptions {
  organisationId: number;
  from: string;
  to: string;
}

/**
 * Promises to pay judged in the period (by the day the cycle judged them), in one currency: the
 * promise-kept rate by count and by amount, overall and per collector (the one who took them).
 */
export interface PromiseKpis extends PromiseTally {
  judged: number;
  /** kept ÷ judged × 100, 2 decimals; null when none was judged. */
  keptRate: number | null;
  /** Sum of the promised amounts, minor units. */
  promised: number;
  /** What came in towards them, each promise counted up to its amount. */
  collected: number;
  /** collected ÷ promised × 100, 2 decimals. */
  amountKeptRate: number | null;
  byCollector: ({ collector: string | null; judged: number; keptRate: number | null } & PromiseTally)[];
}

/** The KPIs of one currency, with the promise figures when promises were judged in the period. */
export type CurrencyKpis = KpisOutput & { promises?: PromiseKpis };

/** One currency gives its KPI object; several give `{ byCurrency: [...] }` (DESIGN 5.2). */
export type KpiReport = CurrencyKpis | { byCurrency: CurrencyKpis[] };

/**
 * DSO (simple and countback), best-possible DSO, ADD and CEI for [from, to], per currency, from
 * four set-based queries: AR at both ends, credit sales, and monthly sales for the countback; and
 * the promise-kept rate (overall and per collector) from a fifth, when promises were judged.
 *
 * @example await kpiReport(db, { organisationId: 1, from: "2026-01-01", to: "2026-06-30" })
 */
export async function kpiReport(db: Queryable, options: KpiReportOptions): Promise<KpiReport> {
  const from = parseCalendarDate(options.from);
  const to = parseCalendarDate(options.to);
  if (to < from) throw new RecoupError("VALIDATION_FAILED", `--to ${to} is before --from ${from}`);
  const org = options.organisationId;
  const dayBefore = addDays(from, -1);

  const [endAr, beginAr, monthly, periodSales, promises] = await Promise.all([
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
    db.query<{
      currency: string;
      collector: string | null;
      kept: string;
      partially_kept: string;
      broken: string;
      promised: string;
      collected: string;
    }>(
      `SELECT currency, collector_email AS collector,
         count(*) FILTER (WHERE status = 'kept') AS kept,
         count(*) FILTER (WHERE status = 'partially_kept') AS partially_kept,
         count(*) FILTER (WHERE status = 'broken') AS broken,
         sum(amount) AS promised, sum(least(paid_amount, amount)) AS collected
       FROM promises_to_pay
       WHERE organisation_id = $1 AND evaluated_on BETWEEN $2::date AND $3::date
       GROUP BY currency, collector_email ORDER BY currency, collector_email NULLS LAST`,
      [org, from, to],
    ),
  ]);

  const currencies = [...new Set(monthly.rows.map((r) => r.currency))].sort();
  const results = currencies.map((currency): CurrencyKpis => {
    const months = monthly.rows.filter((r) => r.currency === currency);
    const end = endAr.rows.find((r) => r.currency === currency);
    const kpis = roundKpisForOutput(
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
    const judged = promises.rows.filter((r) => r.currency.trim() === currency);
    return judged.length === 0 ? kpis : { ...kpis, promises: promiseKpis(judged) };
  });
  if (results.length === 0) {
    throw new RecoupError("VALIDATION_FAILED", `the ledger has no invoices issued on or before ${to}`);
  }
  return results.length === 1 ? results[0]! : { byCurrency: results };
}

function promiseKpis(
  rows: readonly {
    collector: string | null;
    kept: string;
    partially_kept: string;
    broken: string;
    promised: string;
    collected: string;
  }[],
): PromiseKpis {
  const byCollector = rows.map((row) => {
    const tally = {
      kept: Number(row.kept),
      partiallyKept: Number(row.partially_kept),
      broken: Number(row.broken),
    };
    return {
      collector: row.collector,
      judged: tally.kept + tally.partiallyKept + tally.broken,
      ...tally,
      keptRate: promiseKeptRate(tally),
    };
  });
  const tally = {
    kept: byCollector.reduce((sum, c) => sum + c.kept, 0),
    partiallyKept: byCollector.reduce((sum, c) => sum + c.partiallyKept, 0),
    broken: byCollector.reduce((sum, c) => sum + c.broken, 0),
  };
  const promised = rows.reduce((sum, row) => sum + toMinorUnits(row.promised), 0);
  const collected = rows.reduce((sum, row) => sum + toMinorUnits(row.collected), 0);
  return {
    judged: tally.kept + tally.partiallyKept + tally.broken,
    ...tally,
    keptRate: promiseKeptRate(tally),
    promised,
    collected,
    amountKeptRate: promised === 0 ? null : Math.round((collected / promised) * 10_000) / 100,
    byCollector,
  };
}
