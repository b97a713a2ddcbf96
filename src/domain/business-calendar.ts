/**
 * A legal entity's business days: every day but its weekend days and public holidays. The
 * scheduled cycle runs and messages go out only on business days (a reminder that lands on a
 * Saturday is read on Monday, behind everything that came in since).
 */
import { addDays, toDayNumber, type CalendarDate } from "./calendar-date.js";

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface BusinessCalendar {
  weekendDays: ReadonlySet<IsoWeekday>;
  /** Public holidays (`YYYY-MM-DD`). */
  holidays: ReadonlySet<string>;
}

export const WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const FULL_WEEKDAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/** Saturday and Sunday off, no holidays. */
export const DEFAULT_BUSINESS_CALENDAR: BusinessCalendar = {
  weekendDays: new Set<IsoWeekday>([6, 7]),
  holidays: new Set(),
};

/** @example isoWeekday("2026-12-03") // 4 (a Thursday) */
export function isoWeekday(date: CalendarDate | string): IsoWeekday {
  // Day 0, 1970-01-01, was a Thursday.
  return (((((toDayNumber(date) + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

export function isBusinessDay(date: CalendarDate | string, calendar: BusinessCalendar): boolean {
  return !calendar.weekendDays.has(isoWeekday(date)) && !calendar.holidays.has(date);
}

/** The first business day on or after `date`. @example onOrAfterBusinessDay("2026-12-05", DEFAULT_BUSINESS_CALENDAR) // "2026-12-07" */
export function onOrAfterBusinessDay(date: CalendarDate | string, calendar: BusinessCalendar): CalendarDate {
  assertHasBusinessDays(calendar);
  let day = addDays(date, 0);
  // Bounded: at least one weekday is open, and no one declares years of consecutive holidays.
  for (let i = 0; i < 3660; i += 1, day = addDays(day, 1)) {
    if (isBusinessDay(day, calendar)) return day;
  }
  throw new RangeError(`no business day within ten years after ${date}`);
}

/** Refuses a calendar whose weekend is the whole week: nothing would ever run or be sent. */
export function assertHasBusinessDays(calendar: BusinessCalendar): void {
  if (calendar.weekendDays.size >= 7) throw new RangeError("a calendar needs at least one working weekday");
}

/** "sat,sun" (or "saturday,sunday") → [6, 7]; or the reason when a name is unknown or the whole week is named. */
export function parseWeekendDays(text: string): { days: IsoWeekday[] } | { error: string } {
  const names = text
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");
  const days = new Set<IsoWeekday>();
  for (const name of names) {
    const short = WEEKDAY_NAMES.indexOf(name as (typeof WEEKDAY_NAMES)[number]);
    const index = short >= 0 ? short : FULL_WEEKDAY_NAMES.indexOf(name);
    if (index < 0) {
      return { error: `"${name}" is not a weekday (mon, tue, wed, thu, fri, sat, sun)` };
    }
    days.add((index + 1) as IsoWeekday);
  }
  if (days.size >= 7) return { error: "the weekend cannot be the whole week" };
  return { days: [...days].sort() };
}
