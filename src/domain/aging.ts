/**
 * Aging: which bucket an open amount falls in, and the aging report of DESIGN 5.2 / 5.3.
 *
 * Portfolio-wide aging runs as SQL; the functions here define the buckets, shape the report from
 * the rows that SQL returns (`buildAgingReport`), and give a small reference implementation
 * (`ageOpenItems`) that the SQL is tested against.
 */
import { daysBetween, parseCalendarDate, type CalendarDate } from "./calendar-date.js";
import { assertMinorUnits } from "./money.js";

/** `due`: age counted from the due date (days past due). `issue`: age counted from the issue date. */
export type AgingBasis = "due" | "issue";

/** A bucket's label: "current", "1-30", "31-60", "61-90", "90+" (due basis) or "0-30", … (issue basis). */
export type BucketKey = string;

/** The bounds used when none are given: buckets end at 30, 60 and 90 days. */
export const DEFAULT_BUCKET_BOUNDS: readonly number[] = Object.freeze([30, 60, 90]);

/**
 * Parses the `--buckets` option: comma-separated whole numbers of days, each positive and greater
 * than the one before. Blanks around an entry are allowed; anything else is an error, never
 * guessed at.
 *
 * @example parseBucketBounds("30,60,90") // [30, 60, 90]
 */
export function parseBucketBounds(text: string): number[] {
  if (text.trim() === "") {
    throw new RangeError('bucket bounds are empty; expected whole numbers of days such as "30,60,90"');
  }
  const bounds = text.split(",").map((entry) => {
    const trimmed = entry.trim();
    if (!/^\d+$/.test(trimmed)) {
      throw new RangeError(
        `bucket bounds "${text}": "${trimmed}" is not a whole number of days (expected e.g. "30,60,90")`,
      );
    }
    const days = Number(trimmed);
    if (!Number.isSafeInteger(days)) throw new RangeError(`bucket bounds "${text}": ${trimmed} is too large`);
    return days;
  });
  try {
    assertBucketBounds(bounds);
  } catch (error) {
    throw new RangeError(`bucket bounds "${text}": ${(error as Error).message}`);
  }
  return bounds;
}

/**
 * Checks that bounds are positive integers in strictly increasing order, at least one of them.
 *
 * @example assertBucketBounds([30, 60, 90]) // passes; assertBucketBounds([60, 30]) throws
 */
export function assertBucketBounds(bounds: readonly number[]): void {
  if (bounds.length === 0) throw new RangeError("at least one bucket bound is needed");
  bounds.forEach((bound, index) => {
    if (!Number.isSafeInteger(bound) || bound < 1) {
      throw new RangeError(`bound ${bound} is not a positive whole number of days`);
    }
    const previous = bounds[index - 1];
    if (previous !== undefined && bound <= previous) {
      throw new RangeError(
        `bound ${bound} does not exceed the bound before it (${previous}); bounds must increase`,
      );
    }
  });
}

/**
 * The bucket keys in order, oldest last. For bounds b1…bn: due basis `current`, `1-b1`,
 * `(b1+1)-b2`, …, `bn+`; issue basis `0-b1`, `(b1+1)-b2`, …, `bn+`.
 *
 * @example bucketKeys([30, 60, 90], "due") // ["current", "1-30", "31-60", "61-90", "90+"]
 */
export function bucketKeys(bounds: readonly number[], basis: AgingBasis = "due"): BucketKey[] {
  assertBucketBounds(bounds);
  const keys: BucketKey[] = basis === "due" ? ["current"] : [];
  let start = basis === "due" ? 1 : 0;
  for (const bound of bounds) {
    keys.push(`${start}-${bound}`);
    start = bound + 1;
  }
  keys.push(`${bounds[bounds.length - 1]!}+`);
  return keys;
}

/**
 * The index (into `bucketKeys(bounds, basis)`) of the bucket for an age in days. On the due basis
 * `days` is as-of − due date, and zero or less is `current`. On the issue basis `days` is as-of −
 * issue date and must not be negative (an invoice issued after the as-of date is not in the aging).
 *
 * @example bucketIndexFor(31, [30, 60, 90], "due") // 2, the bucket "31-60"
 */
export function bucketIndexFor(days: number, bounds: readonly number[], basis: AgingBasis = "due"): number {
  assertBucketBounds(bounds);
  assertAge(days, basis);
  return bucketIndexUnchecked(days, bounds, basis);
}

/**
 * The key of the bucket for an age in days; see `bucketIndexFor`.
 *
 * @example bucketFor(0, [30, 60, 90], "due") // "current"; bucketFor(0, [30, 60, 90], "issue") // "0-30"
 */
export function bucketFor(days: number, bounds: readonly number[], basis: AgingBasis = "due"): BucketKey {
  return bucketKeys(bounds, basis)[bucketIndexFor(days, bounds, basis)]!;
}

function assertAge(days: number, basis: AgingBasis): void {
  if (!Number.isSafeInteger(days)) throw new RangeError(`age ${days} is not a whole number of days`);
  if (basis === "issue" && days < 0) {
    throw new RangeError(`age ${days} is negative: an invoice issued after the as-of date has no bucket`);
  }
}

/** Assumes validated bounds and age, so that a loop over many items checks them once. */
function bucketIndexUnchecked(days: number, bounds: readonly number[], basis: AgingBasis): number {
  const firstAgedIndex = basis === "due" ? 1 : 0;
  if (basis === "due" && days <= 0) return 0;
  const boundIndex = bounds.findIndex((bound) => days <= bound);
  return firstAgedIndex + (boundIndex === -1 ? bounds.length : boundIndex);
}

/** An open item as of the as-of date: `openAmount` is already net of what was applied to it by then. */
export interface OpenItem {
  readonly customerRef: string;
  readonly name: string;
  readonly currency: string;
  readonly issueDate: CalendarDate | string;
  readonly dueDate: CalendarDate | string;
  /** Minor units; may be negative (an overpaid invoice stays in the aging until it nets to zero). */
  readonly openAmount: number;
}

/** Open amounts of one customer in one currency and one bucket (several rows may share a bucket). */
export interface AgingBucketRow {
  readonly customerRef: string;
  readonly name: string;
  readonly currency: string;
  readonly bucketIndex: number;
  /** Minor units. */
  readonly amount: number;
}

/** Unapplied cash and unapplied credits of one customer, shown negative (it is owed back or to apply). */
export interface UnappliedRow {
  readonly customerRef: string;
  readonly name: string;
  readonly currency: string;
  /** Minor units, normally ≤ 0. */
  readonly amount: number;
}

export interface AgingOptions {
  readonly asOf: CalendarDate | string;
  readonly bounds?: readonly number[];
  readonly basis?: AgingBasis;
}

/**
 * Reference aging: buckets each open item by its age on `asOf` and sums per customer, currency
 * and bucket. Items issued after `asOf` and items with nothing open are left out. Rows come out
 * sorted by currency, customer ref and bucket index.
 *
 * @example
 * ageOpenItems(
 *   [{ customerRef: "C1", name: "Acme", currency: "USD", issueDate: "2024-01-01", dueDate: "2024-01-31", openAmount: 5000 }],
 *   { asOf: "2024-03-01" },
 * ) // [{ customerRef: "C1", name: "Acme", currency: "USD", bucketIndex: 1, amount: 5000 }]: 30 days past due, "1-30"
 */
export function ageOpenItems(items: readonly OpenItem[], options: AgingOptions): AgingBucketRow[] {
  const { asOf, bounds = DEFAULT_BUCKET_BOUNDS, basis = "due" } = options;
  assertBucketBounds(bounds);
  parseCalendarDate(asOf);
  const rowsByKey = new Map<string, { -readonly [K in keyof AgingBucketRow]: AgingBucketRow[K] }>();
  for (const item of items) {
    assertMinorUnits(item.openAmount);
    parseCalendarDate(item.issueDate);
    parseCalendarDate(item.dueDate);
    if (item.openAmount === 0 || daysBetween(item.issueDate, asOf) < 0) continue;
    const days = daysBetween(basis === "due" ? item.dueDate : item.issueDate, asOf);
    const bucketIndex = bucketIndexUnchecked(days, bounds, basis);
    const key = JSON.stringify([item.currency, item.customerRef, bucketIndex]);
    const row = rowsByKey.get(key);
    if (row) {
      row.amount = checkedSum(row.amount, item.openAmount);
    } else {
      const { customerRef, name, currency, openAmount: amount } = item;
      rowsByKey.set(key, { customerRef, name, currency, bucketIndex, amount });
    }
  }
  return [...rowsByKey.values()].sort(
    (a, b) =>
      compareCodeUnits(a.currency, b.currency) ||
      compareCodeUnits(a.customerRef, b.customerRef) ||
      a.bucketIndex - b.bucketIndex,
  );
}

export interface AgingBucketAmount {
  key: BucketKey;
  /** Minor units. */
  amount: number;
}

export interface AgingCustomerLine {
  customerRef: string;
  name: string;
  currency: string;
  /** Sum of the buckets, minor units; unapplied amounts are not netted in. */
  total: number;
  /** Unapplied cash and credits, minor units, normally ≤ 0. */
  unapplied: number;
  buckets: AgingBucketAmount[];
}

export interface AgingCurrencyTotal {
  currency: string;
  total: number;
  unapplied: number;
  buckets: AgingBucketAmount[];
}

/** The JSON of `recoup aging --json` (DESIGN 5.2). */
export interface AgingReport {
  asOf: string;
  basis: AgingBasis;
  bucketBounds: number[];
  totals: AgingCurrencyTotal[];
  customers: AgingCustomerLine[];
}

export interface AgingReportInput {
  readonly asOf: CalendarDate | string;
  readonly basis: AgingBasis;
  readonly bounds: readonly number[];
  readonly bucketRows: readonly AgingBucketRow[];
  readonly unappliedRows: readonly UnappliedRow[];
}

/**
 * Assembles the aging report from bucket rows and unapplied rows (each possibly several per
 * customer, summed here). Every bucket key appears, zeros included. A customer appears when any
 * of its amounts is non-zero, including a customer with only unapplied cash. Customers are sorted
 * by currency then customer ref, totals by currency, both in code-unit order (as SQL's
 * `COLLATE "C"`), so the output does not depend on the machine's locale. `total` is the sum of the
 * buckets; unapplied amounts are reported beside it, not netted (DESIGN 5.3).
 *
 * @example
 * buildAgingReport({
 *   asOf: "2024-03-31", basis: "due", bounds: [30, 60, 90],
 *   bucketRows: [{ customerRef: "C1", name: "Acme", currency: "USD", bucketIndex: 1, amount: 5000 }],
 *   unappliedRows: [{ customerRef: "C1", name: "Acme", currency: "USD", amount: -200 }],
 * }).customers[0] // { customerRef: "C1", …, total: 5000, unapplied: -200, buckets: [{ key: "current", amount: 0 }, { key: "1-30", amount: 5000 }, …] }
 */
export function buildAgingReport(input: AgingReportInput): AgingReport {
  const { asOf, basis, bounds, bucketRows, unappliedRows } = input;
  parseCalendarDate(asOf);
  const keys = bucketKeys(bounds, basis);

  interface Accumulator {
    customerRef: string;
    name: string;
    currency: string;
    bucketAmounts: number[];
    unapplied: number;
  }
  const byCustomer = new Map<string, Accumulator>();
  const accumulatorFor = (row: { customerRef: string; name: string; currency: string }): Accumulator => {
    const key = JSON.stringify([row.currency, row.customerRef]);
    let accumulator = byCustomer.get(key);
    if (!accumulator) {
      accumulator = {
        customerRef: row.customerRef,
        name: row.name,
        currency: row.currency,
        bucketAmounts: keys.map(() => 0),
        unapplied: 0,
      };
      byCustomer.set(key, accumulator);
    }
    return accumulator;
  };

  for (const row of bucketRows) {
    assertMinorUnits(row.amount);
    if (!Number.isInteger(row.bucketIndex) || row.bucketIndex < 0 || row.bucketIndex >= keys.length) {
      throw new RangeError(
        `bucket index ${row.bucketIndex} of customer ${row.customerRef} is outside 0…${keys.length - 1}`,
      );
    }
    const accumulator = accumulatorFor(row);
    accumulator.bucketAmounts[row.bucketIndex] = checkedSum(
      accumulator.bucketAmounts[row.bucketIndex]!,
      row.amount,
    );
  }
  for (const row of unappliedRows) {
    assertMinorUnits(row.amount);
    const accumulator = accumulatorFor(row);
    accumulator.unapplied = checkedSum(accumulator.unapplied, row.amount);
  }

  const customers: AgingCustomerLine[] = [...byCustomer.values()]
    .filter((c) => c.unapplied !== 0 || c.bucketAmounts.some((amount) => amount !== 0))
    .sort(
      (a, b) => compareCodeUnits(a.currency, b.currency) || compareCodeUnits(a.customerRef, b.customerRef),
    )
    .map((c) => ({
      customerRef: c.customerRef,
      name: c.name,
      currency: c.currency,
      total: c.bucketAmounts.reduce(checkedSum, 0),
      unapplied: c.unapplied,
      buckets: keys.map((key, index) => ({ key, amount: c.bucketAmounts[index]! })),
    }));

  // Customers are sorted by currency, so each currency's customers are consecutive.
  const totals: AgingCurrencyTotal[] = [];
  for (const customer of customers) {
    const previous = totals[totals.length - 1];
    const total: AgingCurrencyTotal =
      previous?.currency === customer.currency
        ? previous
        : {
            currency: customer.currency,
            total: 0,
            unapplied: 0,
            buckets: keys.map((key) => ({ key, amount: 0 })),
          };
    if (total !== previous) totals.push(total);
    total.total = checkedSum(total.total, customer.total);
    total.unapplied = checkedSum(total.unapplied, customer.unapplied);
    customer.buckets.forEach((bucket, index) => {
      total.buckets[index]!.amount = checkedSum(total.buckets[index]!.amount, bucket.amount);
    });
  }

  return { asOf, basis, bucketBounds: [...bounds], totals, customers };
}

/** Sums minor units, refusing to go past what a double holds exactly. */
function checkedSum(a: number, b: number): number {
  const sum = a + b;
  assertMinorUnits(sum);
  return sum;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
