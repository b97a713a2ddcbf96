import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  addDays,
  addMonths,
  compareDates,
  daysBetween,
  daysInMonth,
  endOfMonth,
  fromDayNumber,
  isCalendarDate,
  isLeapYear,
  maxDate,
  minDate,
  parseCalendarDate,
  startOfMonth,
  toDayNumber,
  todayIn,
} from "../../src/domain/calendar-date.js";

/** Day numbers of 1000-01-01 and 9999-12-31: the years a four-digit YYYY can write. */
const FIRST_DAY = toDayNumber("1000-01-01");
const LAST_DAY = toDayNumber("9999-12-31");
const dayNumber = fc.integer({ min: FIRST_DAY, max: LAST_DAY });

describe("leap years", () => {
  it.each([
    [2024, true],
    [2023, false],
    [2000, true], // divisible by 400
    [1900, false], // divisible by 100 but not 400
    [2100, false],
    [1600, true],
  ])("says %i is a leap year: %s", (year, leap) => {
    expect(isLeapYear(year)).toBe(leap);
    expect(daysInMonth(year, 2)).toBe(leap ? 29 : 28);
  });

  it("knows the length of every month", () => {
    expect(Array.from({ length: 12 }, (_, i) => daysInMonth(2023, i + 1))).toEqual([
      31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]);
  });
});

describe("parseCalendarDate", () => {
  it.each(["2024-02-29", "2000-02-29", "2023-12-31", "1970-01-01", "2023-04-30"])("accepts %s", (text) => {
    expect(parseCalendarDate(text)).toBe(text);
    expect(isCalendarDate(text)).toBe(true);
  });

  it.each([
    ["2023-02-29", '"2023-02-29" has day 29; 2023-02 has 28 days'],
    ["1900-02-29", '"1900-02-29" has day 29; 1900-02 has 28 days'],
    ["2024-04-31", '"2024-04-31" has day 31; 2024-04 has 30 days'],
    ["2024-01-00", '"2024-01-00" has day 00; 2024-01 has 31 days'],
    ["2024-13-01", '"2024-13-01" has month 13; months run 01 to 12'],
    ["2024-00-10", '"2024-00-10" has month 00; months run 01 to 12'],
    ["2024-2-1", '"2024-2-1" is not a date in the form YYYY-MM-DD'],
    ["24-02-01", '"24-02-01" is not a date in the form YYYY-MM-DD'],
    ["2024/02/01", '"2024/02/01" is not a date in the form YYYY-MM-DD'],
    ["2024-02-01T00:00:00Z", '"2024-02-01T00:00:00Z" is not a date in the form YYYY-MM-DD'],
    [" 2024-02-01", '" 2024-02-01" is not a date in the form YYYY-MM-DD'],
    ["", '"" is not a date in the form YYYY-MM-DD'],
  ])("rejects %j with a precise message", (text, message) => {
    expect(() => parseCalendarDate(text)).toThrow(new RangeError(message));
    expect(isCalendarDate(text)).toBe(false);
  });

  it("property: every printed date parses back to itself and to the same day number", () => {
    fc.assert(
      fc.property(dayNumber, (day) => {
        const date = fromDayNumber(day);
        expect(parseCalendarDate(date)).toBe(date);
        expect(toDayNumber(date)).toBe(day);
      }),
    );
  });
});

describe("day numbers", () => {
  it.each([
    ["1970-01-01", 0],
    ["1970-01-02", 1],
    ["1969-12-31", -1],
    ["2000-03-01", 11_017],
  ])("counts %s as day %i since 1970-01-01", (date, day) => {
    expect(toDayNumber(date)).toBe(day);
    expect(fromDayNumber(day)).toBe(date);
  });
});

describe("date arithmetic", () => {
  it.each([
    ["2024-02-28", 1, "2024-02-29"],
    ["2023-02-28", 1, "2023-03-01"],
    ["2024-12-31", 1, "2025-01-01"],
    ["2024-03-01", -1, "2024-02-29"],
    ["2024-01-31", 30, "2024-03-01"],
    ["2024-05-15", 0, "2024-05-15"],
  ])("adds to %s %i days: %s", (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it.each([
    ["2024-01-31", "2024-03-01", 30],
    ["2023-01-31", "2023-03-01", 29],
    ["2024-03-01", "2024-01-31", -30],
    ["2024-01-01", "2025-01-01", 366],
    // the last Sunday of March, when Europe moves its clocks: still one day, never 23 hours
    ["2024-03-30", "2024-03-31", 1],
  ])("counts from %s to %s as %i days", (a, b, days) => {
    expect(daysBetween(a, b)).toBe(days);
  });

  it("property: adding the days between two dates goes from one to the other", () => {
    fc.assert(
      fc.property(dayNumber, dayNumber, (a, b) => {
        const from = fromDayNumber(a);
        const to = fromDayNumber(b);
        expect(addDays(from, daysBetween(from, to))).toBe(to);
      }),
    );
  });

  it.each([
    ["2024-01-31", 1, "2024-02-29"], // clamped to a leap February
    ["2023-01-31", 1, "2023-02-28"],
    ["2024-03-31", -1, "2024-02-29"],
    ["2024-01-15", 12, "2025-01-15"],
    ["2024-01-15", -13, "2022-12-15"],
    ["2024-12-31", 2, "2025-02-28"],
    ["2024-05-20", 0, "2024-05-20"],
  ])("adds to %s %i months: %s", (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it("property: adding months keeps the day unless the target month is shorter", () => {
    fc.assert(
      fc.property(
        // ten years of margin so that ±120 months stays within four-digit years
        fc.integer({ min: FIRST_DAY + 3_700, max: LAST_DAY - 3_700 }),
        fc.integer({ min: -120, max: 120 }),
        (day, months) => {
          const date = fromDayNumber(day);
          const moved = addMonths(date, months);
          expect(isCalendarDate(moved)).toBe(true);
          const expectedDay = Math.min(
            Number(date.slice(8, 10)),
            daysInMonth(Number(moved.slice(0, 4)), Number(moved.slice(5, 7))),
          );
          expect(Number(moved.slice(8, 10))).toBe(expectedDay);
          const monthIndex = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7));
          expect(monthIndex(moved) - monthIndex(date)).toBe(months);
        },
      ),
    );
  });

  it("finds the first and last day of a month", () => {
    expect(startOfMonth("2024-02-17")).toBe("2024-02-01");
    expect(endOfMonth("2024-02-17")).toBe("2024-02-29");
    expect(endOfMonth("2023-02-17")).toBe("2023-02-28");
    expect(endOfMonth("2024-12-01")).toBe("2024-12-31");
  });
});

describe("comparing dates", () => {
  it("orders dates as the calendar does", () => {
    expect(compareDates("2024-01-31", "2024-02-01")).toBe(-1);
    expect(compareDates("2024-02-01", "2024-01-31")).toBe(1);
    expect(compareDates("2024-02-01", "2024-02-01")).toBe(0);
    expect(minDate("2024-01-31", "2023-12-31")).toBe("2023-12-31");
    expect(maxDate("2024-01-31", "2023-12-31")).toBe("2024-01-31");
  });

  it("property: comparing dates agrees with comparing day numbers", () => {
    fc.assert(
      fc.property(dayNumber, dayNumber, (a, b) => {
        expect(compareDates(fromDayNumber(a), fromDayNumber(b))).toBe(Math.sign(a - b));
      }),
    );
  });
});

describe("todayIn", () => {
  it("gives the calendar date in the organisation's time zone, from an injected instant", () => {
    const instant = new Date("2024-03-10T23:30:00Z");
    expect(todayIn(instant, "UTC")).toBe("2024-03-10");
    expect(todayIn(instant, "Europe/Paris")).toBe("2024-03-11");
    expect(todayIn(instant, "America/New_York")).toBe("2024-03-10");
    expect(todayIn(new Date("2024-03-10T09:00:00Z"), "Pacific/Auckland")).toBe("2024-03-10");
    expect(todayIn(new Date("2024-03-10T12:00:00Z"), "Pacific/Auckland")).toBe("2024-03-11");
  });
});
