/**
 * `recoup interest` (DESIGN 5.2 / 5.4): validates the command-line strings, loads the rate tables and
 * returns the contract JSON. The CLI wiring maps RecoupError to exit code 1 and its message to stderr.
 */
import { parseCalendarDate, type CalendarDate } from "../domain/calendar-date.js";
import { parseCurrency, type CurrencyCode } from "../domain/currency.js";
import {
  computeLateInterest,
  INTEREST_REGIMES,
  isInterestRegime,
  isRatePercent,
  type LateInterestResult,
} from "../domain/interest.js";
import { parseMinorUnits } from "../domain/money.js";
import { RecoupError } from "../errors.js";
import { loadRateTables } from "./rate-tables.js";

export interface ComputeInterestCliOptions {
  /** Decimal major units, e.g. "1000.00" (at most the currency's minor digits). */
  readonly amount: string;
  readonly currency: string;
  /** YYYY-MM-DD */
  readonly due: string;
  /** YYYY-MM-DD */
  readonly paid: string;
  readonly regime: string;
  /** Contractual annual percentage, e.g. "8.5" (`--rate`). */
  readonly rate?: string;
  /** Extra rate-table folders, overriding the shipped tables (e.g. `<data dir>/rates`, RECOUP_RATES_DIR). */
  readonly ratesDirs?: readonly string[];
}

function parseDateOption(flag: string, text: string): CalendarDate {
  try {
    return parseCalendarDate(text);
  } catch (error) {
    throw new RecoupError("INVALID_DATE", `${flag}: ${(error as Error).message}`);
  }
}

/**
 * @example computeInterestForCli({ amount: "1000.00", currency: "GBP", due: "2024-01-15", paid: "2024-03-15", regime: "uk" })
 * // { regime: "uk", rate: 13.25, days: 60, interest: { amount: 2178, currency: "GBP" }, compensation: …, total: … }
 */
export function computeInterestForCli(options: ComputeInterestCliOptions): LateInterestResult {
  let currency: CurrencyCode;
  try {
    currency = parseCurrency(options.currency);
  } catch (error) {
    throw new RecoupError("UNKNOWN_CURRENCY", `--currency: ${(error as Error).message}`);
  }

  let amount: number;
  try {
    amount = parseMinorUnits(options.amount, currency);
  } catch (error) {
    throw new RecoupError("INVALID_MONEY", `--amount: ${(error as Error).message}`);
  }
  if (amount <= 0) {
    throw new RecoupError("INVALID_MONEY", `--amount: "${options.amount}" must be greater than 0`);
  }

  const due = parseDateOption("--due", options.due);
  const paid = parseDateOption("--paid", options.paid);

  const regime = options.regime.trim().toLowerCase();
  if (!isInterestRegime(regime)) {
    throw new RecoupError(
      "UNKNOWN_REGIME",
      `--regime: unknown regime "${options.regime}" (expected one of ${INTEREST_REGIMES.join(", ")})`,
    );
  }

  const rate = options.rate?.trim();
  if (rate !== undefined) {
    if (!isRatePercent(rate) || rate.startsWith("-")) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `--rate: "${options.rate}" is not an annual percentage (a decimal such as 8.5, not negative, at most 8 decimals)`,
      );
    }
    if (regime === "none") {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `--rate cannot be used with --regime none (no interest); use --regime contract --rate ${rate}`,
      );
    }
  } else if (regime === "contract") {
    throw new RecoupError("VALIDATION_FAILED", "--regime contract needs --rate <annual %>, e.g. --rate 8.5");
  }

  const tables = loadRateTables({ extraDirs: options.ratesDirs ?? [] });
  return computeLateInterest({
    amount,
    currency,
    dueDate: due,
    paidDate: paid,
    regime,
    ...(rate !== undefined ? { contractualRatePercent: rate } : {}),
    tables,
  });
}
