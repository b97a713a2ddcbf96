/**
 * Every number, amount and date the app shows goes through here: Intl in the browser's locale.
 * Amounts arrive as integer minor units with their currency (never floats); they are divided by
 * the currency's own number of minor digits only to be displayed.
 */
const locale = typeof navigator !== "undefined" ? navigator.language : "en-GB";

const minorDigitsCache = new Map<string, number>();
/** The currency's minor digits as Intl knows them (USD 2, JPY 0, KWD 3). */
export function minorDigits(currency: string): number {
  let digits = minorDigitsCache.get(currency);
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ??
      2;
    minorDigitsCache.set(currency, digits);
  }
  return digits;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();
function moneyFormat(currency: string, compact: boolean): Intl.NumberFormat {
  const key = `${currency}/${compact}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(
      locale,
      compact
        ? { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 }
        : { style: "currency", currency },
    );
    moneyFormats.set(key, format);
  }
  return format;
}

/** 1234567 USD → "$12,345.67" (in the browser's locale). */
export function formatMoney(amount: number, currency: string): string {
  return moneyFormat(currency, false).format(amount / 10 ** minorDigits(currency));
}

/** 1234567 USD → "$12.3K": for tiles and chart axes. */
export function formatMoneyCompact(amount: number, currency: string): string {
  return moneyFormat(currency, true).format(amount / 10 ** minorDigits(currency));
}

/** Major units of a minor-unit amount, as a chart needs a plain number. */
export function toMajor(amount: number, currency: string): number {
  return amount / 10 ** minorDigits(currency);
}

const numberFormats = new Map<number, Intl.NumberFormat>();
export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined) return "—";
  let format = numberFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    numberFormats.set(digits, format);
  }
  return format.format(value);
}

/** 0.4321 → "43.2 %" (locale-aware). */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined) return "—";
  return new Intl.NumberFormat(locale, {
    style: "percent",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(ratio);
}

const dateFormat = new Intl.DateTimeFormat(locale, {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});
const shortDateFormat = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" });
const monthFormat = new Intl.DateTimeFormat(locale, { month: "short", year: "2-digit", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });

/** A business date "2026-05-14" → "14 May 2026" (it is a calendar day: no time zone shift). */
export function formatDate(day: string | null | undefined): string {
  if (!day) return "—";
  return dateFormat.format(new Date(`${day}T00:00:00Z`));
}
export function formatShortDate(day: string): string {
  return shortDateFormat.format(new Date(`${day}T00:00:00Z`));
}
/** "2026-05" → "May 26". */
export function formatMonth(month: string): string {
  return monthFormat.format(new Date(`${month}-01T00:00:00Z`));
}
/** An instant (ISO) in the browser's time zone. */
export function formatInstant(instant: string): string {
  return dateTimeFormat.format(new Date(instant));
}

/** Business-date arithmetic in UTC days, for query parameters ("today − 89"). */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** "high-value-low-risk" → "High value, low risk". */
export function segmentLabel(segment: string | null | undefined): string {
  switch (segment) {
    case "high-value-low-risk":
      return "High value, low risk";
    case "high-value-high-risk":
      return "High value, high risk";
    case "low-value-low-risk":
      return "Low value, low risk";
    case "low-value-high-risk":
      return "Low value, high risk";
    case "chronic-delinquent":
      return "Chronic delinquent";
    case "unprofiled":
      return "Not yet profiled";
    default:
      return segment ?? "—";
  }
}

/** "left_message" → "Left message". */
export function humanize(code: string): string {
  const text = code.replace(/[_-]+/g, " ").replace(/\./g, " · ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A chart's value (major units, see toMajor) formatted as money again: for tooltips and axes. */
export function formatMajor(value: number, currency: string, compact = false): string {
  return moneyFormat(currency, compact).format(value);
}

/** Integer minor units as the decimal string the API takes ("1234.50"): no float arithmetic. */
export function toDecimalString(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = amount < 0 ? "-" : "";
  const units = String(Math.abs(amount)).padStart(digits + 1, "0");
  return digits === 0 ? `${sign}${units}` : `${sign}${units.slice(0, -digits)}.${units.slice(-digits)}`;
}
