import { minorDigits, type CurrencyCode } from "./currency.js";

/**
 * An amount of money: an integer count of the currency's minor unit (cents for USD, yen for JPY,
 * fils for KWD). Never a float of major units.
 */
export interface Money {
  readonly amount: number;
  readonly currency: CurrencyCode;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string in major units into minor units. Rejects what an ERP export could mean
 * in more than one way: more decimals than the currency has, thousands separators, exponents,
 * a leading "+", blanks. Never rounds.
 *
 * @example parseMinorUnits("1234.5", "USD") // 123450
 */
export function parseMinorUnits(text: string, currency: CurrencyCode | string): number {
  const match = DECIMAL.exec(text);
  if (!match) {
    throw new RangeError(`"${text}" is not a decimal amount (digits with an optional "." and decimals)`);
  }
  const [, sign, whole, fraction = ""] = match;
  const digits = minorDigits(currency);
  if (fraction.length > digits) {
    throw new RangeError(
      `"${text}" has ${fraction.length} decimals; ${currency} has ${digits === 0 ? "none" : `at most ${digits}`}`,
    );
  }
  const minor = Number(whole + fraction.padEnd(digits, "0"));
  if (!Number.isSafeInteger(minor)) throw new RangeError(`"${text}" is too large`);
  return sign && minor !== 0 ? -minor : minor;
}

/** @example formatMinorUnits(-123450, "USD") // "-1234.50" */
export function formatMinorUnits(amount: number, currency: CurrencyCode | string): string {
  assertMinorUnits(amount);
  const digits = minorDigits(currency);
  const abs = String(Math.abs(amount)).padStart(digits + 1, "0");
  const whole = digits === 0 ? abs : abs.slice(0, -digits);
  const text = digits === 0 ? whole : `${whole}.${abs.slice(-digits)}`;
  return amount < 0 ? `-${text}` : text;
}

/**
 * Formats for people, with the locale's grouping and symbol.
 * @example formatMoney({ amount: 123450, currency: "EUR" }, "de-DE") // "1.234,50 €"
 */
export function formatMoney(money: Money, locale = "en-US"): string {
  const digits = minorDigits(money.currency);
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: money.currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(Number(formatMinorUnits(money.amount, money.currency)));
}

export function money(amount: number, currency: CurrencyCode): Money {
  assertMinorUnits(amount);
  return { amount, currency };
}

export function assertMinorUnits(amount: number): void {
  if (!Number.isSafeInteger(amount))
    throw new RangeError(`${amount} is not an integer number of minor units`);
}

/**
 * Divides `numerator / denominator` and rounds half away from zero, exactly, using bigint.
 * Used where a rate is applied to money (interest), so rounding happens once, at the end.
 */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError("division by zero");
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (2n * n + d) / (2n * d);
  return negative ? -quotient : quotient;
}
