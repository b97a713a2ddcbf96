import { toMinorUnits } from "../db/minor-units.js";
import type { Queryable } from "../db/queryable.js";
import { addDays, parseCalendarDate } from "../domain/calendar-date.js";
import { customerFilterCondition, type CustomerFilter } from "./customer-filter.js";
import { OPEN_ITEMS_AS_OF } from "./open-items-sql.js";

export interface CashForecast {
  asOf: string;
  weeks: number;
  /**
   * Per currency: what is already overdue, then what falls due in each of the next weeks (week 1
   * starts on `asOf`), then what falls due later. By contractual due date, not a prediction.
   */
  byCurrency: {
    currency: string;
    overdue: number;
    weeks: { from: string; to: string; amount: number; invoices: number }[];
    later: number;
  }[];
}

/**
 * Cash expected from the open items over the next weeks, by their due dates: one grouped query.
 *
 * @example await cashForecast(db, { organisationId: 1, asOf: "2026-05-14", weeks: 8 })
 */
export async function cashForecast(
  db: Queryable,
  options: { organisationId: number; asOf: string; weeks: number; customers?: CustomerFilter },
): Promise<CashForecast> {
  const asOf = parseCalendarDate(options.asOf);
  const values: unknown[] = [options.organisationId, asOf, options.weeks];
  const filter = customerFilterCondition("o.customer_id", options.customers, values);
  // week -1: overdue; 0 … weeks-1: the weeks ahead; weeks: later.
  const { rows } = await db.query<{ currency: string; week: number; amount: string; invoices: string }>(
    `SELECT currency, week, sum(open_amount) AS amount, count(*) AS invoices FROM (
       SELECT o.currency, o.open_amount,
         CASE WHEN o.due_date < $2::date THEN -1
              ELSE least((o.due_date - $2::date) / 7, $3::int) END AS week
       FROM (${OPEN_ITEMS_AS_OF}) o WHERE true ${filter}
     ) w GROUP BY 1, 2`,
    values,
  );
  const currencies = [...new Set(rows.map((r) => r.currency))].sort();
  return {
    asOf,
    weeks: options.weeks,
    byCurrency: currencies.map((currency) => {
      const of = (week: number) => rows.find((r) => r.currency === currency && Number(r.week) === week);
      return {
        currency,
        overdue: toMinorUnits(of(-1)?.amount ?? null),
        weeks: Array.from({ length: options.weeks }, (_, week) => ({
          from: addDays(asOf, week * 7),
          to: addDays(asOf, week * 7 + 6),
          amount: toMinorUnits(of(week)?.amount ?? null),
          invoices: Number(of(week)?.invoices ?? 0),
        })),
        later: toMinorUnits(of(options.weeks)?.amount ?? null),
      };
    }),
  };
}
