/**
 * Receivables KPIs exactly as defined in DESIGN 5.3: DSO (simple and countback), best-possible DSO,
 * average days delinquent, the collection effectiveness index, roll rates, recovery rate and
 * cost-to-collect.
 *
 * Amounts come in as integer minor units (already summed by SQL). Ratios are computed in full
 * precision and never rounded here: rounding happens once, at output (`roundKpisForOutput`,
 * `roundRatio`), so that a ratio built from other ratios does not compound rounding errors.
 */
import { daysBetween, daysInMonth, parseCalendarDate, type CalendarDate } from "./calendar-date.js";
import { assertMinorUnits } from "./money.js";

/**
 * Days in the closed period [from, to], both days included.
 *
 * @example periodDays("2013-01-01", "2013-06-30") // 181
 */
export function periodDays(from: CalendarDate | string, to: CalendarDate | string): number {
  assertPeriod(from, to);
  return daysBetween(from, to) + 1;
}

/**
 * The least common multiple of every month length (28, 29, 30, 31). Counting each day of a month
 * as LCM / daysInMonth units keeps the month count an exact integer until the one final division,
 * so whole-month periods give whole numbers (1 Jan – 31 Mar is exactly 3, not 2.9999…).
 */
const MONTH_LENGTHS_LCM = 377_580;

/**
 * The number of months in [from, to], each calendar month touched counting the fraction of its
 * days that fall in the period. This is the N of the CEI (DESIGN 5.3).
 *
 * @example periodMonths("2024-01-01", "2024-03-31") // 3; periodMonths("2024-01-01", "2024-01-15") // 15/31
 */
export function periodMonths(from: CalendarDate | string, to: CalendarDate | string): number {
  assertPeriod(from, to);
  let month = monthOf(from);
  const lastMonth = monthOf(to);
  let units = 0;
  for (;;) {
    const monthLength = daysInMonth(month.year, month.month);
    const firstDay = sameMonth(month, monthOf(from)) ? dayOfMonth(from) : 1;
    const lastDay = sameMonth(month, lastMonth) ? dayOfMonth(to) : monthLength;
    units += (lastDay - firstDay + 1) * (MONTH_LENGTHS_LCM / monthLength);
    if (sameMonth(month, lastMonth)) break;
    month = nextMonth(month);
  }
  return units / MONTH_LENGTHS_LCM;
}

/**
 * DSO, simple form: endAr / creditSales × days. `null` when there were no credit sales (or net
 * credits exceeded them), because the ratio then means nothing.
 *
 * @example dsoSimple(1_000, 3_000, 90) // 30
 */
export function dsoSimple(endAr: number, creditSales: number, days: number): number | null {
  return daysOfSales(endAr, creditSales, days);
}

/**
 * Best-possible DSO: the DSO if every customer paid exactly on time, endCurrentAr / creditSales ×
 * days. `null` when creditSales ≤ 0.
 *
 * @example bestPossibleDso(400, 3_000, 90) // 12
 */
export function bestPossibleDso(endCurrentAr: number, creditSales: number, days: number): number | null {
  return daysOfSales(endCurrentAr, creditSales, days);
}

/**
 * Average days delinquent: DSO simple − best-possible DSO, computed as the past-due part of AR,
 * (endAr − endCurrentAr) / creditSales × days, which is the same quantity with a single rounding
 * of the floating-point result instead of two. `null` when creditSales ≤ 0.
 *
 * @example averageDaysDelinquent(1_000, 400, 3_000, 90) // 18 (= 30 − 12)
 */
export function averageDaysDelinquent(
  endAr: number,
  endCurrentAr: number,
  creditSales: number,
  days: number,
): number | null {
  assertMinorUnits(endAr);
  assertMinorUnits(endCurrentAr);
  return daysOfSales(endAr - endCurrentAr, creditSales, days);
}

function daysOfSales(ar: number, creditSales: number, days: number): number | null {
  assertMinorUnits(ar);
  assertMinorUnits(creditSales);
  assertPositiveWholeDays(days);
  if (creditSales <= 0) return null;
  // Multiplying first keeps the result exact whenever ar × days is below 2^53 (1,000 × 90 / 3,000
  // is exactly 30, where 1,000 / 3,000 × 90 would go through 0.333…).
  return (ar * days) / creditSales;
}

export interface CeiInputs {
  /** AR at from − 1 day, minor units. */
  readonly beginAr: number;
  readonly creditSales: number;
  readonly endAr: number;
  readonly endCurrentAr: number;
  /** Months in the period, fractional for partial months: see `periodMonths`. */
  readonly months: number;
}

/**
 * Collection effectiveness index, Credit Research Foundation form:
 * (beginAr + creditSales / N − endAr) / (beginAr + creditSales / N − endCurrentAr) × 100.
 * 100 means everything collectible was collected. `null` when the denominator is 0.
 *
 * @example collectionEffectivenessIndex({ beginAr: 5_000, creditSales: 9_000, endAr: 4_000, endCurrentAr: 2_000, months: 3 }) // 66.66… = 4,000 / 6,000 × 100
 */
export function collectionEffectivenessIndex(inputs: CeiInputs): number | null {
  const { beginAr, creditSales, endAr, endCurrentAr, months } = inputs;
  [beginAr, creditSales, endAr, endCurrentAr].forEach(assertMinorUnits);
  if (!Number.isFinite(months) || months <= 0) {
    throw new RangeError(`${months} months: a period has a positive number of months`);
  }
  // Multiplied through by N, so that with a whole number of months both sides are exact integers.
  const collectible = beginAr * months + creditSales;
  const denominator = collectible - endCurrentAr * months;
  if (denominator === 0) return null;
  return ((collectible - endAr * months) / denominator) * 100;
}

/** Credit sales (invoices issued minus credit notes dated) in one calendar month, minor units. */
export interface MonthlySales {
  /** "YYYY-MM". */
  readonly month: string;
  readonly sales: number;
}

export interface CountbackInputs {
  readonly endAr: number;
  readonly to: CalendarDate | string;
  /**
   * Credit sales per calendar month. For the month of `to`, the sales from its 1st to `to` only
   * (the caller computes that partial figure). A month that is absent had no sales.
   */
  readonly monthlySales: ReadonlyMap<string, number> | readonly MonthlySales[];
  /** The ledger's first month, "YYYY-MM": the walk may not go back past it. */
  readonly firstMonth: string;
}

export interface CountbackResult {
  value: number | null;
  warning?: string;
}

/**
 * DSO by the countback method (DESIGN 5.3). Walks calendar months back from the month of `to`
 * (which counts days 1 … to; earlier months count all their days). While the remaining AR exceeds
 * a month's sales, that month's sales are subtracted and its days added; the month whose sales
 * cover the remainder adds remainder / sales × its days and ends the walk. A month with sales ≤ 0
 * adds its full days and leaves the remainder alone (it explains none of the AR). A walk that
 * would go before `firstMonth` gives `null` with a warning, since the ledger cannot explain the AR.
 * AR ≤ 0 gives 0.
 *
 * @example
 * // to = 2013-06-30, AR 7,000; sales June 3,000, May 3,100, April 2,000:
 * // June 30 days (4,000 left) + May 31 days (900 left) + 900 / 2,000 × 30 = 74.5
 * dsoCountback({ endAr: 7_000, to: "2013-06-30", firstMonth: "2013-01",
 *   monthlySales: [{ month: "2013-06", sales: 3_000 }, { month: "2013-05", sales: 3_100 }, { month: "2013-04", sales: 2_000 }] })
 * // { value: 74.5 }
 */
export function dsoCountback(inputs: CountbackInputs): CountbackResult {
  const { endAr, to, firstMonth } = inputs;
  assertMinorUnits(endAr);
  parseCalendarDate(to);
  const earliest = parseMonth(firstMonth);
  const salesByMonth = monthlySalesMap(inputs.monthlySales);
  if (endAr <= 0) return { value: 0 };

  const toMonth = monthOf(to);
  let month = toMonth;
  let remaining = endAr;
  let wholeDays = 0;
  while (compareMonths(month, earliest) >= 0) {
    const daysCounted = sameMonth(month, toMonth) ? dayOfMonth(to) : daysInMonth(month.year, month.month);
    const sales = salesByMonth.get(formatMonth(month)) ?? 0;
    if (sales > 0 && remaining <= sales) {
      return { value: wholeDays + (remaining * daysCounted) / sales };
    }
    wholeDays += daysCounted;
    if (sales > 0) remaining -= sales;
    month = previousMonth(month);
  }
  return {
    value: null,
    warning:
      `DSO countback: credit sales back to the ledger's first month (${firstMonth}) do not cover ` +
      `the AR of ${endAr} at ${to}; ${remaining} remains unexplained`,
  };
}

export interface KpiInputs {
  readonly from: CalendarDate | string;
  readonly to: CalendarDate | string;
  readonly currency: string;
  /** Invoices issued in [from, to] minus credit notes dated in [from, to], minor units. */
  readonly creditSales: number;
  /** AR at from − 1 day. */
  readonly beginAr: number;
  /** AR at `to`. */
  readonly endAr: number;
  /** The part of endAr not yet past due at `to`. */
  readonly endCurrentAr: number;
  /** Credit sales per month for the countback; see `CountbackInputs.monthlySales`. */
  readonly monthlySales: CountbackInputs["monthlySales"];
  /** The ledger's first month, "YYYY-MM". */
  readonly firstMonth: string;
}

/** The KPI object of `recoup kpis --json` (DESIGN 5.2) with ratios unrounded. */
export interface Kpis {
  from: string;
  to: string;
  days: number;
  currency: string;
  creditSales: number;
  beginAr: number;
  endAr: number;
  endCurrentAr: number;
  dso: { simple: number | null; countback: number | null };
  bestPossibleDso: number | null;
  add: number | null;
  cei: number | null;
  warnings: string[];
}

/** `Kpis` as printed: ratios rounded to 2 decimals, `warnings` present only when there are some. */
export type KpisOutput = Omit<Kpis, "warnings"> & { warnings?: string[] };

/**
 * Computes every KPI of one currency for the period [from, to].
 *
 * @example
 * computeKpis({ from: "2024-01-01", to: "2024-03-31", currency: "USD", creditSales: 9_000, beginAr: 5_000,
 *   endAr: 3_000, endCurrentAr: 1_000, firstMonth: "2024-01",
 *   monthlySales: [{ month: "2024-01", sales: 3_000 }, { month: "2024-02", sales: 3_000 }, { month: "2024-03", sales: 3_000 }] })
 * // days 91; dso.simple 3,000 / 9,000 × 91 = 30.33…; dso.countback 31 (all of March);
 * // bestPossibleDso 10.11…; add 20.22…; cei (5,000 + 3,000 − 3,000) / (5,000 + 3,000 − 1,000) × 100 = 71.43…
 */
export function computeKpis(inputs: KpiInputs): Kpis {
  const { from, to, currency, creditSales, beginAr, endAr, endCurrentAr } = inputs;
  const days = periodDays(from, to);
  const warnings: string[] = [];

  const simple = dsoSimple(endAr, creditSales, days);
  const best = bestPossibleDso(endCurrentAr, creditSales, days);
  const add = averageDaysDelinquent(endAr, endCurrentAr, creditSales, days);
  if (creditSales <= 0) {
    warnings.push(
      `credit sales in ${currency} from ${from} to ${to} are ${creditSales}; ` +
        "DSO, best-possible DSO and average days delinquent are undefined",
    );
  }

  const countback = dsoCountback({
    endAr,
    to,
    monthlySales: inputs.monthlySales,
    firstMonth: inputs.firstMonth,
  });
  if (countback.warning !== undefined) warnings.push(countback.warning);

  const cei = collectionEffectivenessIndex({
    beginAr,
    creditSales,
    endAr,
    endCurrentAr,
    months: periodMonths(from, to),
  });
  if (cei === null) {
    warnings.push(`CEI is undefined for ${currency} from ${from} to ${to}: nothing was collectible`);
  }

  return {
    from,
    to,
    days,
    currency,
    creditSales,
    beginAr,
    endAr,
    endCurrentAr,
    dso: { simple, countback: countback.value },
    bestPossibleDso: best,
    add,
    cei,
    warnings,
  };
}

/**
 * Rounds every ratio of `kpis` to 2 decimals (half away from zero) for printing and drops an empty
 * `warnings`. Amounts are integers and pass through unchanged.
 *
 * @example roundKpisForOutput(kpis).dso.simple // 30.33 where kpis.dso.simple is 30.333…
 */
export function roundKpisForOutput(kpis: Kpis): KpisOutput {
  const { warnings, ...rest } = kpis;
  const output: KpisOutput = {
    ...rest,
    dso: { simple: roundRatio(kpis.dso.simple), countback: roundRatio(kpis.dso.countback) },
    bestPossibleDso: roundRatio(kpis.bestPossibleDso),
    add: roundRatio(kpis.add),
    cei: roundRatio(kpis.cei),
  };
  if (warnings.length > 0) output.warnings = [...warnings];
  return output;
}

export interface RollRateInputs {
  /** Number of aging buckets (5 for the default due-basis buckets). */
  readonly bucketCount: number;
  /** Balances by bucket at month-end t − 1 (rows for the same bucket are summed). */
  readonly previous: readonly { readonly bucketIndex: number; readonly balance: number }[];
  /** Balances at month-end t of invoices, by their bucket at t − 1 and at t (rows summed). */
  readonly transitions: readonly {
    readonly fromBucket: number;
    readonly toBucket: number;
    readonly balance: number;
  }[];
}

export interface RollRate {
  from: number;
  to: number;
  /** A fraction (0.25 = a quarter rolled), `null` when bucket `from` was empty at t − 1. */
  rate: number | null;
}

/**
 * Roll rates between consecutive buckets from month-end t − 1 to t (DESIGN 5.3): for each n, the
 * balance of invoices in bucket n + 1 at t that were in bucket n at t − 1, divided by the balance
 * in bucket n at t − 1. Transitions other than n → n + 1 (paid, stayed, skipped) do not count.
 *
 * @example
 * rollRates({ bucketCount: 3, previous: [{ bucketIndex: 0, balance: 1_000 }],
 *   transitions: [{ fromBucket: 0, toBucket: 1, balance: 250 }] })
 * // [{ from: 0, to: 1, rate: 0.25 }, { from: 1, to: 2, rate: null }]
 */
export function rollRates(inputs: RollRateInputs): RollRate[] {
  const { bucketCount, previous, transitions } = inputs;
  if (!Number.isSafeInteger(bucketCount) || bucketCount < 1) {
    throw new RangeError(`bucket count ${bucketCount} is not a positive integer`);
  }
  const assertBucket = (index: number): void => {
    if (!Number.isInteger(index) || index < 0 || index >= bucketCount) {
      throw new RangeError(`bucket index ${index} is outside 0…${bucketCount - 1}`);
    }
  };
  const balanceAtStart = new Array<number>(bucketCount).fill(0);
  for (const row of previous) {
    assertBucket(row.bucketIndex);
    assertMinorUnits(row.balance);
    balanceAtStart[row.bucketIndex]! += row.balance;
  }
  const rolledForward = new Array<number>(bucketCount).fill(0);
  for (const row of transitions) {
    assertBucket(row.fromBucket);
    assertBucket(row.toBucket);
    assertMinorUnits(row.balance);
    if (row.toBucket === row.fromBucket + 1) rolledForward[row.fromBucket]! += row.balance;
  }
  return Array.from({ length: bucketCount - 1 }, (_, n) => {
    const denominator = balanceAtStart[n]!;
    return { from: n, to: n + 1, rate: denominator === 0 ? null : rolledForward[n]! / denominator };
  });
}

/**
 * Recovery rate for a period: collected on invoices that were past due at period start ÷ their
 * open amount at period start. A fraction; `null` when nothing was past due.
 *
 * @example recoveryRate(2_500, 10_000) // 0.25
 */
export function recoveryRate(collected: number, openAtStart: number): number | null {
  assertMinorUnits(collected);
  assertMinorUnits(openAtStart);
  return openAtStart === 0 ? null : collected / openAtStart;
}

/**
 * Cost-to-collect: recorded collection costs ÷ amount collected, both in minor units of the same
 * currency. A fraction (0.05 = 5 cents per unit collected); `null` when nothing was collected.
 *
 * @example costToCollect(500, 10_000) // 0.05
 */
export function costToCollect(costs: number, collected: number): number | null {
  assertMinorUnits(costs);
  assertMinorUnits(collected);
  return collected === 0 ? null : costs / collected;
}

/**
 * Rounds a ratio for output to `digits` decimals, half away from zero, treating the number as the
 * decimal that JavaScript prints for it: 1.005 (stored as 1.00499999999999989…) rounds to 1.01, as
 * a reader of the unrounded value expects. Never gives -0. `null` stays `null`.
 *
 * @example roundRatio(45.125) // 45.13; roundRatio(-45.125) // -45.13; roundRatio(null) // null
 */
export function roundRatio(x: number | null, digits = 2): number | null {
  if (x === null) return null;
  if (!Number.isFinite(x)) throw new RangeError(`cannot round ${x}`);
  if (!Number.isInteger(digits) || digits < 0 || digits > 15) {
    throw new RangeError(`cannot round to ${digits} decimals; use 0 to 15`);
  }
  // Shifting the decimal point in the printed form is exact, where x × 10^digits is not.
  const rounded = shiftDecimalPoint(Math.round(shiftDecimalPoint(Math.abs(x), digits)), -digits);
  return rounded === 0 ? 0 : Math.sign(x) * rounded;
}

function shiftDecimalPoint(value: number, places: number): number {
  const [mantissa, exponent = "0"] = String(value).split("e");
  return Number(`${mantissa}e${Number(exponent) + places}`);
}

// Calendar months, internal to the countback and the month count.

interface Month {
  readonly year: number;
  readonly month: number;
}

const MONTH_PATTERN = /^(\d{4})-(\d{2})$/;

function parseMonth(text: string): Month {
  const match = MONTH_PATTERN.exec(text);
  const month = match ? Number(match[2]) : 0;
  if (!match || month < 1 || month > 12) throw new RangeError(`"${text}" is not a month in the form YYYY-MM`);
  return { year: Number(match[1]), month };
}

function formatMonth({ year, month }: Month): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

function monthOf(date: CalendarDate | string): Month {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)) };
}

function dayOfMonth(date: CalendarDate | string): number {
  return Number(date.slice(8, 10));
}

function sameMonth(a: Month, b: Month): boolean {
  return a.year === b.year && a.month === b.month;
}

function compareMonths(a: Month, b: Month): number {
  return a.year - b.year || a.month - b.month;
}

function nextMonth({ year, month }: Month): Month {
  return month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
}

function previousMonth({ year, month }: Month): Month {
  return month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
}

function monthlySalesMap(input: CountbackInputs["monthlySales"]): Map<string, number> {
  const entries: [string, number][] = isMonthlySalesList(input)
    ? input.map((m) => [m.month, m.sales])
    : [...input.entries()];
  const byMonth = new Map<string, number>();
  for (const [month, sales] of entries) {
    const key = formatMonth(parseMonth(month));
    assertMinorUnits(sales);
    if (byMonth.has(key)) throw new RangeError(`monthly sales list month ${key} twice`);
    byMonth.set(key, sales);
  }
  return byMonth;
}

function isMonthlySalesList(input: CountbackInputs["monthlySales"]): input is readonly MonthlySales[] {
  return Array.isArray(input);
}

function assertPeriod(from: CalendarDate | string, to: CalendarDate | string): void {
  parseCalendarDate(from);
  parseCalendarDate(to);
  if (daysBetween(from, to) < 0) throw new RangeError(`period ${from} to ${to} ends before it starts`);
}

function assertPositiveWholeDays(days: number): void {
  if (!Number.isSafeInteger(days) || days < 1) {
    throw new RangeError(`${days} days: a period has a positive whole number of days`);
  }
}
