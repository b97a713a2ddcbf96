/**
 * When the scheduled collections cycle runs, and when its messages may go out, in the
 * organisation's own time zone and business-day calendar:
 *
 * - the cycle for a business day is due from `cycleMinute` local time that day; on weekends and
 *   holidays no cycle runs, and the next business day's cycle catches up (DESIGN 5.5: only the
 *   latest overdue step of an invoice fires, so a long weekend never produces a burst);
 * - email and SMS go out only on business days outside quiet hours; anything produced in between
 *   waits for the next sending window. Letters are printed, tasks are internal: neither waits.
 */
import { addDays, type CalendarDate } from "./calendar-date.js";
import { isBusinessDay, onOrAfterBusinessDay, type BusinessCalendar } from "./business-calendar.js";
import { instantAtLocal, localMomentAt, MINUTES_PER_DAY } from "./zoned-time.js";

/** Local quiet hours in minutes after midnight; start > end wraps midnight (20:00 → 08:00). */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

export interface CollectionsSchedule {
  timeZone: string;
  calendar: BusinessCalendar;
  /** Local minute from which a business day's cycle is due (default 06:00). */
  cycleMinute: number;
  quietHours: QuietHours | null;
}

export type CycleDue =
  | { due: true; businessDate: CalendarDate }
  | { due: false; reason: "not_business_day" | "before_cycle_time"; localDate: CalendarDate };

/** @example cycleDueAt(new Date("2026-12-03T07:00:00Z"), schedule) // { due: true, businessDate: "2026-12-03" } in Paris at 06:00 */
export function cycleDueAt(now: Date, schedule: CollectionsSchedule): CycleDue {
  const local = localMomentAt(now, schedule.timeZone);
  if (!isBusinessDay(local.date, schedule.calendar))
    return { due: false, reason: "not_business_day", localDate: local.date };
  if (local.minute < schedule.cycleMinute)
    return { due: false, reason: "before_cycle_time", localDate: local.date };
  return { due: true, businessDate: local.date };
}

export function isQuietMinute(minute: number, quiet: QuietHours | null): boolean {
  if (!quiet || quiet.startMinute === quiet.endMinute) return false;
  return quiet.startMinute < quiet.endMinute
    ? minute >= quiet.startMinute && minute < quiet.endMinute
    : minute >= quiet.startMinute || minute < quiet.endMinute;
}

export type SendingWindow =
  { open: true } | { open: false; opensAt: Date; reason: "quiet_hours" | "not_business_day" };

/**
 * Whether customer messages may go out at `now`, and if not, the instant they next may: the
 * first minute of a business day that is not quiet.
 *
 * @example sendingWindowAt(new Date("2026-12-05T10:00:00Z"), schedule) // { open: false, opensAt: Monday 08:00 local, reason: "not_business_day" }
 */
export function sendingWindowAt(now: Date, schedule: CollectionsSchedule): SendingWindow {
  const local = localMomentAt(now, schedule.timeZone);
  const businessDay = isBusinessDay(local.date, schedule.calendar);
  if (businessDay && !isQuietMinute(local.minute, schedule.quietHours)) return { open: true };
  const reason = businessDay ? "quiet_hours" : "not_business_day";
  // Later today, if the quiet period ends before midnight on a business day.
  if (businessDay) {
    const laterToday = firstOpenMinute(schedule.quietHours, local.minute);
    if (laterToday !== null) {
      return { open: false, reason, opensAt: instantAtLocal(local.date, laterToday, schedule.timeZone) };
    }
  }
  const nextDay = onOrAfterBusinessDay(addDays(local.date, 1), schedule.calendar);
  const minute = firstOpenMinute(schedule.quietHours, 0)!;
  return { open: false, reason, opensAt: instantAtLocal(nextDay, minute, schedule.timeZone) };
}

/** The first minute at or after `from` (same day) that is not quiet; null if the rest of the day is quiet. */
function firstOpenMinute(quiet: QuietHours | null, from: number): number | null {
  if (!isQuietMinute(from, quiet)) return from;
  // A quiet period ends at its end minute; if that is before `from`, it ends tomorrow.
  const end = quiet!.endMinute;
  return end > from && end < MINUTES_PER_DAY ? end : null;
}
