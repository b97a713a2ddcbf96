/**
 * Wall-clock time in an IANA time zone, for the few things that happen at a local hour (the
 * scheduled cycle, quiet hours). Business dates stay calendar dates; this file only converts
 * between an instant and the local date and minute-of-day there, through Intl, so daylight saving
 * time comes from the platform's time-zone database rather than from our arithmetic.
 */
import { addDays, type CalendarDate } from "./calendar-date.js";

export const MINUTES_PER_DAY = 1440;

/** A local moment: the calendar date and the minute after local midnight (0–1439). */
export interface LocalMoment {
  date: CalendarDate;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** @example isTimeZone("Europe/Paris") // true; isTimeZone("Mars/Olympus") // false */
export function isTimeZone(name: string): boolean {
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

/** @example localMomentAt(new Date("2026-07-01T06:30:00Z"), "Europe/Paris") // { date: "2026-07-01", minute: 510 } */
export function localMomentAt(instant: Date, timeZone: string): LocalMoment {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}` as CalendarDate,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** Minutes the zone is ahead of UTC at an instant (whole minutes; seconds are dropped). */
function offsetMinutesAt(instant: number, timeZone: string): number {
  const local = localMomentAt(new Date(instant), timeZone);
  const localAsUtc = Date.parse(`${local.date}T00:00:00Z`) + local.minute * 60_000;
  const truncated = Math.floor(instant / 60_000) * 60_000;
  return Math.round((localAsUtc - truncated) / 60_000);
}

/**
 * The instant at which a zone's clocks show `date` at `minute`. When the clocks go back and the
 * local time happens twice, the earlier instant; when they go forward over it (a time that does
 * not exist locally), the instant the same distance after the jump — 02:30 on a spring-forward
 * night in Paris becomes 03:30 — so that a scheduled hour is moved, never dropped.
 *
 * @example instantAtLocal("2026-12-03", 360, "Europe/Paris") // 2026-12-03T05:00:00.000Z
 */
export function instantAtLocal(date: CalendarDate | string, minute: number, timeZone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
  // Transitions are months apart, so the offsets a day either side cover every case.
  const offsets = [
    offsetMinutesAt(wall - 86_400_000, timeZone),
    offsetMinutesAt(wall + 86_400_000, timeZone),
  ];
  const matching = offsets
    .map((offset) => wall - offset * 60_000)
    .filter((candidate) => {
      const local = localMomentAt(new Date(candidate), timeZone);
      return local.date === date && local.minute === minute;
    });
  if (matching.length > 0) return new Date(Math.min(...matching));
  return new Date(wall - offsets[0]! * 60_000);
}

/** "HH:MM" (24-hour) → minutes after midnight; null when it is not such a time. @example parseLocalTime("06:30") // 390 */
export function parseLocalTime(text: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** @example formatLocalTime(390) // "06:30" */
export function formatLocalTime(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}

/** The local moment `minutes` later on the wall clock (no time zone involved). */
export function addLocalMinutes(moment: LocalMoment, minutes: number): LocalMoment {
  const total = moment.minute + minutes;
  const days = Math.floor(total / MINUTES_PER_DAY);
  return { date: addDays(moment.date, days), minute: total - days * MINUTES_PER_DAY };
}
