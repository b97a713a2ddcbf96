import { addDays, addMonths, endOfMonth, parseCalendarDate } from "../domain/calendar-date.js";
import { bucketKeys, DEFAULT_BUCKET_BOUNDS } from "../domain/aging.js";
import { rollRates } from "../domain/kpis.js";
import type { Queryable } from "../db/queryable.js";
import { RecoupError } from "../errors.js";
import { toMinorUnits } from "../db/minor-units.js";
import { customerFilterCondition, type CustomerFilter } from "./customer-filter.js";
import { bucketIndexSql, openItemsAsOfSql } from "./open-items-sql.js";

export interface MigrationReportOptions {
  organisationId: number;
  from: string;
  to: string;
  bounds?: readonly number[];
  /** Only these customers (the dashboard's filters). */
  customers?: CustomerFilter;
}

export interface MigrationReport {
  from: string;
  to: string;
  step: "month";
  basis: "due";
  bucketBounds: number[];
  byCurrency: {
    currency: string;
    snapshots: { asOf: string; buckets: { key: string; amount: number }[] }[];
    transitions: {
      from: string;
      to: string;
      rollRates: { from: string; to: string; rate: number | null }[];
    }[];
  }[];
}

const MAX_MONTHS = 120;

/**
 * Aging migration: balances by bucket at each month-end from the one before `from` to the last
 * one on or before `to`, and the roll rates between consecutive month-ends (DESIGN 5.3).
 *
 * @example await migrationReport(db, { organisationId: 1, from: "2026-01-01", to: "2026-06-30" })
 */
export async function migrationReport(
  db: Queryable,
  options: MigrationReportOptions,
): Promise<MigrationReport> {
  const from = parseCalendarDate(options.from);
  const to = parseCalendarDate(options.to);
  if (to < from) throw new RecoupError("VALIDATION_FAILED", `--to ${to} is before --from ${from}`);
  const bounds = [...(options.bounds ?? DEFAULT_BUCKET_BOUNDS)];
  const keys = bucketKeys(bounds, "due");

  const monthEnds: string[] = [endOfMonth(addDays(from, -1))];
  for (let end = endOfMonth(from); end <= to; end = endOfMonth(addMonths(`${end.slice(0, 7)}-01`, 1))) {
    monthEnds.push(end);
    if (monthEnds.length > MAX_MONTHS) {
      throw new RecoupError("VALIDATION_FAILED", `the period spans more than ${MAX_MONTHS} months`);
    }
  }

  const snapshots = new Map<string, Map<string, number[]>>(); // currency → asOf → amounts by bucket
  const transitions = new Map<string, MigrationReport["byCurrency"][number]["transitions"]>();
  const ensure = (currency: string) => {
    if (!snapshots.has(currency)) {
      snapshots.set(currency, new Map(monthEnds.map((e) => [e, keys.map(() => 0)])));
      transitions.set(currency, []);
    }
    return snapshots.get(currency)!;
  };

  for (const asOf of monthEnds) {
    const values: unknown[] = [options.organisationId, asOf];
    const filter = customerFilterCondition("o.customer_id", options.customers, values);
    const { rows } = await db.query<{ currency: string; bucket: number; amount: string }>(
      `SELECT currency, ${bucketIndexSql(bounds, "due")} AS bucket, sum(open_amount) AS amount
       FROM (${openItemsAsOfSql("$2")}) o WHERE true ${filter} GROUP BY 1, 2`,
      values,
    );
    for (const row of rows) ensure(row.currency).get(asOf)![row.bucket] = toMinorUnits(row.amount);
  }

  for (let i = 1; i < monthEnds.length; i++) {
    const previous = monthEnds[i - 1]!;
    const current = monthEnds[i]!;
    // Each invoice open at both month-ends, with its bucket at each and its balance at the later one.
    const values: unknown[] = [options.organisationId, previous, current];
    const filter = customerFilterCondition("o.customer_id", options.customers, values);
    const { rows } = await db.query<{
      currency: string;
      from_bucket: number;
      to_bucket: number;
      balance: string;
    }>(
      `SELECT p.currency, p.bucket AS from_bucket, c.bucket AS to_bucket, sum(c.open_amount) AS balance
       FROM (SELECT id, currency, ${bucketIndexSql(bounds, "due", "$2")} AS bucket
             FROM (${openItemsAsOfSql("$2")}) o WHERE true ${filter}) p
       JOIN (SELECT id, open_amount, ${bucketIndexSql(bounds, "due", "$3")} AS bucket FROM (${openItemsAsOfSql("$3")}) o) c
         ON c.id = p.id
       GROUP BY 1, 2, 3`,
      values,
    );
    for (const [currency, byDate] of snapshots) {
      const rates = rollRates({
        bucketCount: keys.length,
        previous: byDate.get(previous)!.map((balance, bucketIndex) => ({ bucketIndex, balance })),
        transitions: rows
          .filter((r) => r.currency === currency)
          .map((r) => ({
            fromBucket: r.from_bucket,
            toBucket: r.to_bucket,
            balance: toMinorUnits(r.balance),
          })),
      });
      transitions.get(currency)!.push({
        from: previous,
        to: current,
        rollRates: rates.map((r) => ({
          from: keys[r.from]!,
          to: keys[r.to]!,
          rate: r.rate === null ? null : Math.round(r.rate * 10_000) / 10_000,
        })),
      });
    }
  }

  return {
    from,
    to,
    step: "month",
    basis: "due",
    bucketBounds: bounds,
    byCurrency: [...snapshots.keys()].sort().map((currency) => ({
      currency,
      snapshots: monthEnds.map((asOf) => ({
        asOf,
        buckets: snapshots
          .get(currency)!
          .get(asOf)!
          .map((amount, i) => ({ key: keys[i]!, amount })),
      })),
      transitions: transitions.get(currency)!,
    })),
  };
}
