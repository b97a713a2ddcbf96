/**
 * Business dates are calendar dates written `YYYY-MM-DD`, with no time and no zone. Arithmetic
 * goes through a day number (days since 1970-01-01) so that it never meets a time zone or DST.
 */
export type CalendarDate = string & { readonly __calendarDate: unique symbol };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** @example parseCalendarDate("2024-02-29") // "2024-02-29"; parseCalendarDate("2023-02-29") throws */
export function parseCalendarDate(text: string): CalendarDate {
  const match = ISO_DATE.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a date in the form YYYY-MM-DD`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12) throw new RangeError(`"${text}" has month ${match[2]}; months run 01 to 12`);
  if (day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(
      `"${text}" has day ${match[3]}; ${match[1]}-${match[2]} has ${daysInMonth(year, month)} days`,
    );
  }
  return text as CalendarDate;
}

export function isCalendarDate(text: string): text is CalendarDate {
  try {
    parseCalendarDate(text);
    return true;
  } catch {
    return false;
  }
}

/** Days since 1970-01-01 (negative before). */
export function toDayNumber(date: CalendarDate | string): number {
  const instant = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  instant.setUTCFullYear(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));
  return Math.round(instant.getTime() / MS_PER_DAY);
}

export function fromDayNumber(day: number): CalendarDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10) as CalendarDate;
}

/** @example addDays("2024-02-28", 1) // "2024-02-29" */
export function addDays(date: CalendarDate | string, days: number): CalendarDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** b − a in days. @example daysBetween("2024-01-31", "2024-03-01") // 30 */
export function daysBetween(a: CalendarDate | string, b: CalendarDate | string): number {
  return toDayNumber(b) - toDayNumber(a);
}

export function startOfMonth(date: CalendarDate | string): CalendarDate {
  return `${date.slice(0, 7)}-01` as CalendarDate;
}

export function endOfMonth(date: CalendarDate | string): CalendarDate {
  const year = +date.slice(0, 4);
  const month = +date.slice(5, 7);
  return `${date.slice(0, 7)}-${String(daysInMonth(year, month)).padStart(2, "0")}` as CalendarDate;
}

/** Adds calendar months, clamping the day to the target month's length (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: CalendarDate | string, months: number): CalendarDate {
  const year = +date.slice(0, 4);
  const month = +date.slice(5, 7) - 1 + months;
  const targetYear = year + Math.floor(month / 12);
  const targetMonth = (((month % 12) + 12) % 12) + 1;
  const day = Math.min(+date.slice(8, 10), daysInMonth(targetYear, targetMonth));
  return `${String(targetYear).padStart(4, "0")}-${String(targetMonth).padStart(2, "0")}-${String(day).padStart(2, "0")}` as CalendarDate;
}

export function compareDates(a: CalendarDate | string, b: CalendarDate | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function minDate<T extends CalendarDate | string>(a: T, b: T): T {
  return a <= b ? a : b;
}

export function maxDate<T extends CalendarDate | string>(a: T, b: T): T {
  return a >= b ? a : b;
}

/** Today in a time zone, from an injected instant. @example todayIn(clock.now(), "Europe/Paris") */
export function todayIn(instant: Date, timeZone: string): CalendarDate {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(instant);
  return parts as CalendarDate;
}
