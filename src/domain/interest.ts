/**
 * Statutory late-payment interest (DESIGN 5.4): simple interest `amount × rate × days / 365`, computed
 * exactly as a rational number with bigint and rounded half-up to the minor unit once, at the end.
 * Pure: the reference-rate tables come in as data (see src/interest/rate-tables.ts for loading them).
 */
import { RecoupError } from "../errors.js";
import { addDays, daysBetween, parseCalendarDate, type CalendarDate } from "./calendar-date.js";
import { isCurrencyCode, type CurrencyCode } from "./currency.js";
import { divideRoundHalfUp, type Money } from "./money.js";

export const INTEREST_REGIMES = ["uk", "eu", "de", "fr", "contract", "none"] as const;
export type InterestRegime = (typeof INTEREST_REGIMES)[number];

export function isInterestRegime(name: string): name is InterestRegime {
  return (INTEREST_REGIMES as readonly string[]).includes(name);
}

/** One row of a reference-rate table: `ratePercent` (a decimal string such as "5.25") applies from `effectiveDate`. */
export interface RateRow {
  readonly effectiveDate: CalendarDate;
  readonly ratePercent: string;
}

/** A reference-rate history: rows sorted by date, no two on the same date. A rate persists until the next row. */
export interface RateSeries {
  readonly name: string;
  readonly rows: readonly RateRow[];
}

/** The reference rates the statutory regimes need. */
export interface RateTables {
  /** Bank of England Bank Rate (regime `uk`). */
  readonly boeBankRate: RateSeries;
  /** ECB main refinancing operations rate (regimes `eu`, `fr`). */
  readonly ecbMainRefinancingRate: RateSeries;
  /** Deutsche Bundesbank Basiszinssatz, BGB §247 (regime `de`). */
  readonly deBasiszinssatz: RateSeries;
}

/** A stretch of days charged at one rate (regime `de`, whose base rate moves each half-year). */
export interface LateInterestSegment {
  readonly from: CalendarDate;
  readonly to: CalendarDate;
  readonly days: number;
  readonly rate: number;
}

/** The `recoup interest` contract output (DESIGN 5.4), plus `segments` for regime `de`. */
export interface LateInterestResult {
  readonly regime: InterestRegime;
  /** Annual percentage applied (for `de`, the rate at the start of the interest period). */
  readonly rate: number;
  /** Days of interest: paid − due, never negative. */
  readonly days: number;
  readonly interest: Money;
  readonly compensation: Money;
  readonly total: Money;
  readonly segments?: readonly LateInterestSegment[];
}

export interface LateInterestInput {
  /** The debt, in minor units of `currency` (> 0). */
  readonly amount: number;
  readonly currency: CurrencyCode | string;
  readonly dueDate: CalendarDate | string;
  readonly paidDate: CalendarDate | string;
  readonly regime: InterestRegime;
  /** An annual percentage such as "8.5" that replaces the regime's statutory rate (fixed for the debt's life). */
  readonly contractualRatePercent?: string;
  readonly tables: RateTables;
}

/** Rates are handled as integers of 10^-8 percent, so "13.25" is 1_325_000_000n. */
const RATE_DECIMALS = 8;
const RATE_SCALE = 10n ** BigInt(RATE_DECIMALS);
const RATE_PATTERN = /^(-)?(\d+)(?:\.(\d{1,8}))?$/;
const DAYS_PER_YEAR = 365n;

/** True for a decimal percentage the rate tables accept: optional "-", digits, at most 8 decimals. */
export function isRatePercent(text: string): boolean {
  return RATE_PATTERN.test(text);
}

function toScaledRate(text: string): bigint {
  const match = RATE_PATTERN.exec(text);
  if (!match)
    throw new RecoupError("VALIDATION_FAILED", `"${text}" is not a decimal percentage such as 5.25`);
  const [, sign, whole = "0", fraction = ""] = match;
  const scaled = BigInt(whole) * RATE_SCALE + BigInt(fraction.padEnd(RATE_DECIMALS, "0"));
  return sign ? -scaled : scaled;
}

function scaledRateToNumber(scaled: bigint): number {
  const negative = scaled < 0n;
  const abs = negative ? -scaled : scaled;
  const whole = abs / RATE_SCALE;
  const fraction = String(abs % RATE_SCALE)
    .padStart(RATE_DECIMALS, "0")
    .replace(/0+$/, "");
  return Number(`${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`);
}

/**
 * Builds a series from rows in any order. Throws VALIDATION_FAILED on a bad date, a bad rate or two rows
 * on the same date.
 * @example createRateSeries("BoE Bank Rate", [{ effectiveDate: "2023-08-03", ratePercent: "5.25" }])
 */
export function createRateSeries(
  name: string,
  rows: readonly { readonly effectiveDate: string; readonly ratePercent: string }[],
): RateSeries {
  const seen = new Set<string>();
  const checked = rows.map((row): RateRow => {
    let effectiveDate: CalendarDate;
    try {
      effectiveDate = parseCalendarDate(row.effectiveDate);
    } catch (error) {
      throw new RecoupError("VALIDATION_FAILED", `${name}: ${(error as Error).message}`);
    }
    if (!isRatePercent(row.ratePercent)) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `${name}: rate "${row.ratePercent}" on ${effectiveDate} is not a decimal percentage such as 5.25`,
      );
    }
    if (seen.has(effectiveDate)) {
      throw new RecoupError("VALIDATION_FAILED", `${name}: two rates on ${effectiveDate}`);
    }
    seen.add(effectiveDate);
    return { effectiveDate, ratePercent: row.ratePercent };
  });
  checked.sort((a, b) => (a.effectiveDate < b.effectiveDate ? -1 : 1));
  return { name, rows: checked };
}

/**
 * The rate in force on `date`: the last row on or before it (a rate persists until changed, so a date
 * after the last row gets the last known rate). A date before the first row is RATE_NOT_AVAILABLE.
 * @example referenceRateOn(tables.boeBankRate, "2023-12-31") // "5.25"
 */
export function referenceRateOn(series: RateSeries, date: CalendarDate | string): string {
  const rows = series.rows;
  let low = 0;
  let high = rows.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (rows[mid]!.effectiveDate <= date) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  if (found < 0) {
    const first = rows[0]?.effectiveDate;
    throw new RecoupError(
      "RATE_NOT_AVAILABLE",
      first === undefined
        ? `the ${series.name} table is empty; no rate for ${date}`
        : `the ${series.name} table starts on ${first}; no rate is known for ${date}`,
      { series: series.name, date, firstDate: first ?? null },
    );
  }
  return rows[found]!.ratePercent;
}

/** Statutory points added to each regime's reference rate. */
const POINTS_OVER_REFERENCE: Readonly<Record<"uk" | "eu" | "de" | "fr", bigint>> = {
  uk: 8n * RATE_SCALE,
  eu: 8n * RATE_SCALE,
  de: 9n * RATE_SCALE,
  fr: 10n * RATE_SCALE,
};

function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

function inFirstHalf(date: string): boolean {
  return Number(date.slice(5, 7)) <= 6;
}

/** 1 January or 1 July of the half-year containing `date`. */
function halfYearStart(date: string): CalendarDate {
  return `${date.slice(0, 4)}-${inFirstHalf(date) ? "01" : "07"}-01` as CalendarDate;
}

/** 30 June or 31 December: the last day of the half-year containing `date`. */
function halfYearEnd(date: string): CalendarDate {
  return `${date.slice(0, 4)}-${inFirstHalf(date) ? "06-30" : "12-31"}` as CalendarDate;
}

/**
 * UK Act s.6: the reference rate is Bank Rate in force on 31 December (for interest starting 1 January –
 * 30 June) or 30 June (for interest starting 1 July – 31 December) immediately before.
 */
function ukReferenceDate(interestStart: string): CalendarDate {
  const year = yearOf(interestStart);
  return (inFirstHalf(interestStart) ? `${year - 1}-12-31` : `${year}-06-30`) as CalendarDate;
}

/** The fixed compensation in minor units of the debt's currency (GBP for uk, EUR for eu/de/fr). */
function compensationFor(regime: InterestRegime, amount: number): number {
  switch (regime) {
    case "uk":
      // £40 below £1,000; £70 below £10,000; £100 from £10,000 (amounts in pence).
      return amount < 100_000 ? 4_000 : amount < 1_000_000 ? 7_000 : 10_000;
    case "eu":
    case "de":
    case "fr":
      return 4_000; // €40
    case "contract":
    case "none":
      return 0;
  }
}

function requireCurrency(regime: InterestRegime, currency: CurrencyCode): void {
  const required =
    regime === "uk" ? "GBP" : regime === "eu" || regime === "de" || regime === "fr" ? "EUR" : null;
  if (required !== null && currency !== required) {
    const law =
      regime === "uk"
        ? "the Late Payment of Commercial Debts (Interest) Act 1998 sets its compensation in pounds"
        : "Directive 2011/7/EU sets its compensation in euros";
    throw new RecoupError(
      "VALIDATION_FAILED",
      `regime "${regime}" applies to ${required} debts (${law}); this debt is in ${currency}. ` +
        `Use regime "contract" with a rate for other currencies.`,
      { regime, currency, requiredCurrency: required },
    );
  }
}

interface ScaledSegment {
  readonly from: CalendarDate;
  readonly to: CalendarDate;
  readonly days: number;
  readonly rate: bigint;
}

/** Splits [start, end] (inclusive) at each 1 January and 1 July. */
function halfYearSegments(start: CalendarDate, end: CalendarDate, rateOn: (day: CalendarDate) => bigint) {
  const segments: ScaledSegment[] = [];
  let from = start;
  while (from <= end) {
    const boundary = halfYearEnd(from);
    const to = boundary < end ? boundary : end;
    segments.push({ from, to, days: daysBetween(from, to) + 1, rate: rateOn(halfYearStart(from)) });
    from = addDays(to, 1);
  }
  return segments;
}

function validateInput(input: LateInterestInput): {
  currency: CurrencyCode;
  dueDate: CalendarDate;
  paidDate: CalendarDate;
  contractRate: bigint | null;
} {
  const { amount, regime } = input;
  if (!isInterestRegime(regime)) {
    throw new RecoupError(
      "UNKNOWN_REGIME",
      `unknown interest regime "${String(regime)}" (expected one of ${INTEREST_REGIMES.join(", ")})`,
    );
  }
  if (!isCurrencyCode(input.currency)) {
    throw new RecoupError(
      "UNKNOWN_CURRENCY",
      `unknown currency "${input.currency}" (expected an ISO 4217 code)`,
    );
  }
  const currency = input.currency;
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new RecoupError(
      "INVALID_MONEY",
      `amount ${amount} is not a positive whole number of ${currency} minor units`,
    );
  }
  const dates = [input.dueDate, input.paidDate].map((text, index) => {
    try {
      return parseCalendarDate(text);
    } catch (error) {
      throw new RecoupError(
        "INVALID_DATE",
        `${index === 0 ? "due" : "paid"} date: ${(error as Error).message}`,
      );
    }
  });

  let contractRate: bigint | null = null;
  const contractual = input.contractualRatePercent;
  if (contractual !== undefined) {
    if (regime === "none") {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `regime "none" charges no interest and takes no rate; use regime "contract" for a contractual rate`,
      );
    }
    const match = RATE_PATTERN.exec(contractual);
    if (!match || match[1] === "-") {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `contractual rate "${contractual}" is not an annual percentage (a decimal such as 8.5, ` +
          `not negative, at most ${RATE_DECIMALS} decimals)`,
      );
    }
    contractRate = toScaledRate(contractual);
  } else if (regime === "contract") {
    throw new RecoupError(
      "VALIDATION_FAILED",
      `regime "contract" needs a contractual annual rate (e.g. 8.5)`,
    );
  }
  return { currency, dueDate: dates[0]!, paidDate: dates[1]!, contractRate };
}

/**
 * Computes statutory (or contractual) late-payment interest and fixed compensation for one debt.
 *
 * Interest runs from the day after `dueDate` through `paidDate`; paid on or before the due date means no
 * interest and no compensation (the fixed sum is owed only once interest becomes payable). The rate is
 * fixed for the life of the debt except under `de`, where BGB §288 charges 9 points over the Basiszinssatz
 * as it changes each half-year: the period is split into half-year segments whose exact interests are
 * summed before the single rounding.
 *
 * @example
 * computeLateInterest({ amount: 100_000, currency: "GBP", dueDate: "2024-01-15", paidDate: "2024-03-15",
 *   regime: "uk", tables })
 * // { regime: "uk", rate: 13.25, days: 60, interest: { amount: 2178, currency: "GBP" },
 * //   compensation: { amount: 7000, currency: "GBP" }, total: { amount: 9178, currency: "GBP" } }
 */
export function computeLateInterest(input: LateInterestInput): LateInterestResult {
  const { regime, tables } = input;
  const { currency, dueDate, paidDate, contractRate } = validateInput(input);
  requireCurrency(regime, currency);

  const interestStart = addDays(dueDate, 1);
  const days = Math.max(0, daysBetween(dueDate, paidDate));

  let rate: bigint;
  let segments: ScaledSegment[] | undefined;
  if (contractRate !== null) {
    rate = contractRate;
  } else {
    switch (regime) {
      case "none":
        rate = 0n;
        break;
      case "uk":
        rate =
          toScaledRate(referenceRateOn(tables.boeBankRate, ukReferenceDate(interestStart))) +
          POINTS_OVER_REFERENCE.uk;
        break;
      case "eu":
      case "fr":
        rate =
          toScaledRate(referenceRateOn(tables.ecbMainRefinancingRate, halfYearStart(interestStart))) +
          POINTS_OVER_REFERENCE[regime];
        break;
      case "de": {
        const rateOn = (day: CalendarDate) =>
          toScaledRate(referenceRateOn(tables.deBasiszinssatz, day)) + POINTS_OVER_REFERENCE.de;
        rate = rateOn(halfYearStart(interestStart));
        segments = days > 0 ? halfYearSegments(interestStart, paidDate, rateOn) : [];
        break;
      }
      case "contract":
        throw new Error("unreachable: validateInput requires a rate for regime contract");
    }
  }

  // interest = amount × Σ(rate% × days) / (100 × 365), with rate% scaled by RATE_SCALE.
  const rateDays =
    segments === undefined
      ? rate * BigInt(days)
      : segments.reduce((sum, segment) => sum + segment.rate * BigInt(segment.days), 0n);
  const interestBig = divideRoundHalfUp(BigInt(input.amount) * rateDays, 100n * RATE_SCALE * DAYS_PER_YEAR);
  if (interestBig > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RecoupError("VALIDATION_FAILED", "the interest is too large to represent exactly");
  }
  const interest = Number(interestBig);
  const compensation = days > 0 ? compensationFor(regime, input.amount) : 0;

  const result: LateInterestResult = {
    regime,
    rate: scaledRateToNumber(rate),
    days,
    interest: { amount: interest, currency },
    compensation: { amount: compensation, currency },
    total: { amount: interest + compensation, currency },
  };
  if (segments === undefined) return result;
  return {
    ...result,
    segments: segments.map(({ from, to, days: segmentDays, rate: segmentRate }) => ({
      from,
      to,
      days: segmentDays,
      rate: scaledRateToNumber(segmentRate),
    })),
  };
}
