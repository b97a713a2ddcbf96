/**
 * The filters message templates may use besides Liquid's standard ones. Each takes the template's
 * language (en, de, fr) so that amounts and dates read the way the recipient writes them.
 */
import { isCalendarDate } from "../domain/calendar-date.js";
import { minorDigits } from "../domain/currency.js";
import { formatMinorUnits } from "../domain/money.js";

type Language = "en" | "de" | "fr";

/** The locale each template language formats with: British English, German, French (France). */
export const FORMAT_LOCALES: Readonly<Record<Language, string>> = { en: "en-GB", de: "de-DE", fr: "fr-FR" };

interface MoneyLike {
  amount: number;
  currency: string;
}

function isMoneyLike(value: unknown): value is MoneyLike {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(candidate.amount) &&
    typeof candidate.currency === "string" &&
    /^[A-Z]{3}$/.test(candidate.currency)
  );
}

/**
 * Formats integer minor units with the locale's grouping and the currency symbol. The decimal string
 * is built from the integer first and handed to Intl as a string, so no float ever rounds a cent,
 * even above 2^53 / 100.
 * @example formatMoneyFor({ amount: 123456, currency: "EUR" }, "de") // "1.234,56 €"
 */
export function formatMoneyFor(money: MoneyLike, language: Language): string {
  const digits = minorDigits(money.currency);
  const decimal = formatMinorUnits(money.amount, money.currency) as `${number}`;
  return new Intl.NumberFormat(FORMAT_LOCALES[language], {
    style: "currency",
    currency: money.currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(decimal);
}

/**
 * A business date written out: "15 April 2026", "15. April 2026", "15 avril 2026" ("1er avril" in
 * French). Computed in UTC from the date's own fields, so the server's time zone never shifts it.
 */
export function formatLongDate(date: string, language: Language): string {
  if (!isCalendarDate(date)) throw new RangeError(`"${date}" is not a date in the form YYYY-MM-DD`);
  const instant = new Date(0);
  instant.setUTCFullYear(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));
  const text = new Intl.DateTimeFormat(FORMAT_LOCALES[language], {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(instant);
  return language === "fr" && date.endsWith("-01") ? text.replace(/^1(?=\s)/, "1er") : text;
}

/** The open amounts of the invoices past due, summed per currency in first-seen order. */
export function overdueTotals(invoices: readonly unknown[]): MoneyLike[] {
  const totals = new Map<string, number>();
  for (const invoice of invoices) {
    if (typeof invoice !== "object" || invoice === null) continue;
    const { daysPastDue, open } = invoice as { daysPastDue?: unknown; open?: unknown };
    if (typeof daysPastDue !== "number" || daysPastDue <= 0 || !isMoneyLike(open)) continue;
    const sum = (totals.get(open.currency) ?? 0) + open.amount;
    if (!Number.isSafeInteger(sum))
      throw new RangeError(`the overdue total in ${open.currency} is too large`);
    totals.set(open.currency, sum);
  }
  return [...totals].map(([currency, amount]) => ({ amount, currency }));
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The filter functions, keyed by their Liquid name; each receives the piped value and the language
 * being rendered. An absent value (an optional variable the message does not have) renders as "";
 * a malformed one throws rather than printing something wrong in a letter to a customer.
 */
export const TEMPLATE_FILTERS: Readonly<Record<string, (value: unknown, language: Language) => unknown>> = {
  money(value, language): string {
    if (value === undefined || value === null) return "";
    if (!isMoneyLike(value)) {
      throw new RangeError(
        `money expects { amount: integer minor units, currency: ISO code }, got ${describe(value)}`,
      );
    }
    return formatMoneyFor(value, language);
  },
  longdate(value, language): string {
    if (value === undefined || value === null || value === "") return "";
    if (typeof value !== "string")
      throw new RangeError(`longdate expects "YYYY-MM-DD", got ${describe(value)}`);
    return formatLongDate(value, language);
  },
  overdue_totals(value): MoneyLike[] {
    return Array.isArray(value) ? overdueTotals(value) : [];
  },
};
