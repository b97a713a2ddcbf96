import { addDays, endOfMonth, parseCalendarDate, startOfMonth } from "../domain/calendar-date.js";
import { computeKpis, roundKpisForOutput, type KpisOutput } from "../domain/kpis.js";
import type { Queryable } from "../db/queryable.js";
import { RecoupError } from "../errors.js";
import { toMinorUnits } from "../db/minor-units.js";
import { customerFilterCondition, type CustomerFilter } from "./customer-filter.js";
import { arAtDatesSql } from "./open-items-sql.js";
import { promiseKeptRate, type PromiseTally } from "../domain/promise-to-pay.js";

export interface KpiReportOptions {
  organisationId: number;
  from: string;
  to: string;
  /** Only these customers' invoices, credit notes and AR (default: every customer). */
  customers?: CustomerFilter;
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
 * set-based queries: AR at both ends, credit sales, and monthly sales for the countback; and the
 * promise-kept rate (overall and per collector) from one more, when promises were judged.
 *
 * @example await kpiReport(db, { organisationId: 1, from: "2026-01-01", to: "2026-06-30" })
 */
export async function kpiReport(db: Queryable, options: KpiReportOptions): Promise<KpiReport> {
  const from = parseCalendarDate(options.from);
  const to = parseCalendarDate(options.to);
  if (to < from) throw new RecoupError("VALIDATION_FAILED", `--to ${to} is before --from ${from}`);
  const promiseValues: unknown[] = [options.organisationId, from, to];
  const promiseFilter = customerFilterCondition("customer_id", options.customers, promiseValues);
  const [[kpis], promises] = await Promise.all([
    kpisForPeriods(db, {
      organisationId: options.organisationId,
      periods: [{ from, to }],
      ...(options.customers ? { customers: options.customers } : {}),
    }),
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
       WHERE organisation_id = $1 AND evaluated_on BETWEEN $2::date AND $3::date ${promiseFilter}
       GROUP BY currency, collector_email ORDER BY currency, collector_email NULLS LAST`,
      promiseValues,
    ),
  ]);
  const results = kpis!.map((currencyKpis): CurrencyKpis => {
    const judged = promises.rows.filter((r) => r.currency.trim() === currencyKpis.currency);
    return judged.length === 0 ? currencyKpis : { ...currencyKpis, promises: promiseKpis(judged) };
  });
  if (results.length === 0) {
    throw new RecoupError("VALIDATION_FAILED", `the ledger has no invoices issued on or before ${to}`);
  }
  return results.length === 1 ? results[0]! : { byCurrency: results };
}

export interface KpiTrendOptions {
  organisationId: number;
  /** The last day of the trend: its month counts from the 1st to this day. */
  to: string;
  /** How many calendar months, ending with the month of `to` (1…60). */
  months: number;
  customers?: CustomerFilter;
}

export interface KpiTrend {
  to: string;
  months: number;
  /** Per currency, one KPI object per calendar month, oldest first (a month is its own period). */
  byCurrency: { currency: string; months: (KpisOutput & { month: string })[] }[];
}

/**
 * The KPIs month by month (each calendar month its own period; the month of `to` up to `to`), for
 * a DSO and best-possible DSO trend: the same definitions and code as `kpiReport`, every month in
 * the same few queries. Months before the ledger's first invoice in a currency are left out.
 *
 * @example await kpiTrend(db, { organisationId: 1, to: "2026-06-15", months: 12 })
 */
export async function kpiTrend(db: Queryable, options: KpiTrendOptions): Promise<KpiTrend> {
  const to = parseCalendarDate(options.to);
  if (!Number.isInteger(options.months) || options.months < 1 || options.months > 60) {
    throw new RecoupError("VALIDATION_FAILED", `months must be a whole number from 1 to 60`);
  }
  const periods: { from: string; to: string }[] = [];
  let monthStart = startOfMonth(to);
  for (let i = 0; i < options.months; i++) {
    periods.unshift({ from: monthStart, to: i === 0 ? to : endOfMonth(monthStart) });
    monthStart = startOfMonth(addDays(monthStart, -1));
  }
  const perPeriod = await kpisForPeriods(db, {
    organisationId: options.organisationId,
    periods,
    ...(options.customers ? { customers: options.customers } : {}),
  });
  const byCurrency = new Map<string, (KpisOutput & { month: string })[]>();
  perPeriod.forEach((results, index) => {
    for (const kpis of results) {
      const list = byCurrency.get(kpis.currency) ?? [];
      list.push({ month: periods[index]!.from.slice(0, 7), ...kpis });
      byCurrency.set(kpis.currency, list);
    }
  });
  return {
    to,
    months: options.months,
    byCurrency: [...byCurrency.keys()]
      .sort()
      .map((currency) => ({ currency, months: byCurrency.get(currency)! })),
  };
}

/**
 * The KPIs of several periods, per currency, in three queries whatever the number of periods: AR
 * and current AR at every date that ends a period or precedes one (`arAtDatesSql`), credit sales
 * in each period, and monthly sales up to the last `to` for the countback.
 * A currency with no invoice issued by a period's end has no result for that period. Every period
 * but the one that ends last must end on a month-end (the monthly sales of a period's last month
 * must stop at its end).
 */
async function kpisForPeriods(
  db: Queryable,
  options: { organisationId: number; periods: { from: string; to: string }[]; customers?: CustomerFilter },
): Promise<KpisOutput[][]> {
  const { organisationId, periods } = options;
  const lastTo = periods.reduce((last, p) => (p.to > last ? p.to : last), periods[0]!.to);
  for (const period of periods) {
    if (period.to !== lastTo && period.to !== endOfMonth(period.to)) {
      throw new RangeError(`period ending ${period.to}: only the last period may end mid-month`);
    }
  }
  const dates = [...new Set(periods.flatMap((p) => [p.to, addDays(p.from, -1)]))].sort();

  const arValues: unknown[] = [organisationId, dates];
  const arFilter = customerFilterCondition("i.customer_id", options.customers, arValues);
  const salesValues: unknown[] = [organisationId, lastTo];
  const salesFilter = customerFilterCondition("customer_id", options.customers, salesValues);
  const periodValues: unknown[] = [organisationId, periods.map((p) => p.from), periods.map((p) => p.to)];
  const periodFilter = customerFilterCondition("customer_id", options.customers, periodValues);

  const [arAtDates, monthly, periodSales] = await Promise.all([
    // AR and its not-yet-due part at each date: the open items as of that date, summed.
    db.query<{ as_of: string; currency: string; ar: string; current_ar: string }>(
      arAtDatesSql(arFilter),
      arValues,
    ),
    // Credit sales per calendar month up to the last `to`. Grouped by the month's first day,
    // formatted once per group rather than once per row.
    db.query<{ currency: string; month: string; sales: string }>(
      `SELECT currency, to_char(month, 'YYYY-MM') AS month, sales FROM (
         SELECT currency, date_trunc('month', day) AS month, sum(amount) AS sales FROM (
           SELECT currency, issue_date AS day, amount FROM invoices
           WHERE organisation_id = $1 AND issue_date <= $2::date ${salesFilter}
           UNION ALL
           SELECT currency, date, -amount FROM credit_notes
           WHERE organisation_id = $1 AND date <= $2::date ${salesFilter}
         ) s GROUP BY 1, 2
       ) m ORDER BY 1, 2`,
      salesValues,
    ),
    // Credit sales in each period [from, to].
    db.query<{ period: string; currency: string; sales: string }>(
      `SELECT p.period, s.currency, sum(s.amount) AS sales
       FROM unnest($2::date[], $3::date[]) WITH ORDINALITY AS p(from_day, to_day, period)
       JOIN (
         SELECT currency, issue_date AS day, amount FROM invoices
         WHERE organisation_id = $1 ${periodFilter}
         UNION ALL
         SELECT currency, date, -amount FROM credit_notes
         WHERE organisation_id = $1 ${periodFilter}
       ) s ON s.day BETWEEN p.from_day AND p.to_day
       GROUP BY 1, 2`,
      periodValues,
    ),
  ]);

  const arAt = new Map(arAtDates.rows.map((r) => [`${r.as_of}/${r.currency}`, r]));
  const salesIn = new Map(periodSales.rows.map((r) => [`${Number(r.period) - 1}/${r.currency}`, r.sales]));
  const currencies = [...new Set(monthly.rows.map((r) => r.currency))].sort();
  return periods.map((period, index) =>
    currencies.flatMap((currency) => {
      const months = monthly.rows.filter((r) => r.currency === currency && r.month <= period.to.slice(0, 7));
      if (months.length === 0) return [];
      const end = arAt.get(`${period.to}/${currency}`);
      return [
        roundKpisForOutput(
          computeKpis({
            from: period.from,
            to: period.to,
            currency,
            creditSales: toMinorUnits(salesIn.get(`${index}/${currency}`) ?? null),
            beginAr: toMinorUnits(arAt.get(`${addDays(period.from, -1)}/${currency}`)?.ar ?? null),
            endAr: toMinorUnits(end?.ar ?? null),
            endCurrentAr: toMinorUnits(end?.current_ar ?? null),
            // The month of `to` counts up to `to` only: later months' sales are not in the walk.
            monthlySales: months.map((r) => ({ month: r.month, sales: toMinorUnits(r.sales) })),
            firstMonth: months[0]!.month,
          }),
        ),
      ];
    }),
  );
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
