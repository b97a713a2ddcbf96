import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  DEFAULT_BUSINESS_CALENDAR,
  isBusinessDay,
  isoWeekday,
  onOrAfterBusinessDay,
  parseWeekendDays,
  type BusinessCalendar,
} from "../../src/domain/business-calendar.js";
import {
  cycleDueAt,
  isQuietMinute,
  sendingWindowAt,
  type CollectionsSchedule,
} from "../../src/domain/collections-schedule.js";
import { localMomentAt } from "../../src/domain/zoned-time.js";

const paris: CollectionsSchedule = {
  timeZone: "Europe/Paris",
  calendar: { weekendDays: new Set([6, 7]), holidays: new Set(["2026-12-25"]) },
  cycleMinute: 6 * 60,
  quietHours: { startMinute: 20 * 60, endMinute: 8 * 60 },
};

describe("business calendar", () => {
  it("knows the weekday of a date", () => {
    expect(isoWeekday("2026-12-03")).toBe(4);
    expect(isoWeekday("2026-12-06")).toBe(7);
    expect(isoWeekday("1970-01-01")).toBe(4);
    expect(isoWeekday("1969-12-29")).toBe(1);
  });

  it("skips weekends and holidays", () => {
    expect(isBusinessDay("2026-12-04", paris.calendar)).toBe(true);
    expect(isBusinessDay("2026-12-05", paris.calendar)).toBe(false);
    expect(isBusinessDay("2026-12-25", paris.calendar)).toBe(false);
    expect(onOrAfterBusinessDay("2026-12-05", paris.calendar)).toBe("2026-12-07");
    expect(onOrAfterBusinessDay("2026-12-25", paris.calendar)).toBe("2026-12-28");
    expect(onOrAfterBusinessDay("2026-12-03", paris.calendar)).toBe("2026-12-03");
  });

  it("accepts a Friday–Saturday weekend and refuses a week without work", () => {
    expect(parseWeekendDays("fri,sat")).toEqual({ days: [5, 6] });
    expect(parseWeekendDays("Saturday, Sunday")).toEqual({ days: [6, 7] });
    expect(parseWeekendDays("")).toEqual({ days: [] });
    expect(parseWeekendDays("sat,funday")).toEqual({ error: expect.stringContaining('"funday"') });
    expect(parseWeekendDays("mon,tue,wed,thu,fri,sat,sun")).toEqual({
      error: "the weekend cannot be the whole week",
    });
    const gulf: BusinessCalendar = { weekendDays: new Set([5, 6]), holidays: new Set() };
    expect(onOrAfterBusinessDay("2026-12-04", gulf)).toBe("2026-12-06");
  });
});

describe("cycleDueAt", () => {
  it("is due from the cycle time on a business day, in local time", () => {
    // 06:00 in Paris in December is 05:00Z.
    expect(cycleDueAt(new Date("2026-12-03T04:59:00Z"), paris)).toEqual({
      due: false,
      reason: "before_cycle_time",
      localDate: "2026-12-03",
    });
    expect(cycleDueAt(new Date("2026-12-03T05:00:00Z"), paris)).toEqual({
      due: true,
      businessDate: "2026-12-03",
    });
    // 23:30Z on Thursday is already Friday 00:30 in Paris, before the cycle time.
    expect(cycleDueAt(new Date("2026-12-03T23:30:00Z"), paris)).toMatchObject({
      due: false,
      localDate: "2026-12-04",
    });
  });

  it("is not due on weekends or holidays", () => {
    expect(cycleDueAt(new Date("2026-12-05T10:00:00Z"), paris)).toMatchObject({
      due: false,
      reason: "not_business_day",
    });
    expect(cycleDueAt(new Date("2026-12-25T10:00:00Z"), paris)).toMatchObject({
      due: false,
      reason: "not_business_day",
    });
  });
});

describe("sendingWindowAt", () => {
  it("is open on a business day outside quiet hours", () => {
    expect(sendingWindowAt(new Date("2026-12-03T09:00:00Z"), paris)).toEqual({ open: true });
  });

  it("opens at the end of the quiet hours the same morning", () => {
    // 06:00 Paris: quiet until 08:00 (07:00Z).
    expect(sendingWindowAt(new Date("2026-12-03T05:00:00Z"), paris)).toEqual({
      open: false,
      reason: "quiet_hours",
      opensAt: new Date("2026-12-03T07:00:00Z"),
    });
  });

  it("waits from the evening to the next business morning, over the weekend and holidays", () => {
    // Thursday 21:00 Paris → Friday 08:00.
    expect(sendingWindowAt(new Date("2026-12-03T20:00:00Z"), paris)).toMatchObject({
      open: false,
      opensAt: new Date("2026-12-04T07:00:00Z"),
    });
    // Friday 21:00 → Monday 08:00.
    expect(sendingWindowAt(new Date("2026-12-04T20:00:00Z"), paris)).toMatchObject({
      opensAt: new Date("2026-12-07T07:00:00Z"),
    });
    // Saturday noon → Monday 08:00, because of the weekend.
    expect(sendingWindowAt(new Date("2026-12-05T11:00:00Z"), paris)).toEqual({
      open: false,
      reason: "not_business_day",
      opensAt: new Date("2026-12-07T07:00:00Z"),
    });
    // Christmas Day (a Friday) → Monday the 28th.
    expect(sendingWindowAt(new Date("2026-12-25T11:00:00Z"), paris)).toMatchObject({
      opensAt: new Date("2026-12-28T07:00:00Z"),
    });
  });

  it("with quiet hours inside one day, and with none", () => {
    const lunch: CollectionsSchedule = { ...paris, quietHours: { startMinute: 12 * 60, endMinute: 14 * 60 } };
    expect(sendingWindowAt(new Date("2026-12-03T11:30:00Z"), lunch)).toMatchObject({
      opensAt: new Date("2026-12-03T13:00:00Z"),
    });
    expect(sendingWindowAt(new Date("2026-12-03T23:30:00Z"), lunch)).toEqual({ open: true });
    const always: CollectionsSchedule = { ...paris, quietHours: null };
    expect(sendingWindowAt(new Date("2026-12-05T11:00:00Z"), always)).toMatchObject({
      opensAt: new Date("2026-12-06T23:00:00Z"), // Monday 00:00 Paris
    });
  });

  it("always opens later, on a business day, outside quiet hours (property)", () => {
    const instant = fc.date({
      min: new Date("2020-01-01T00:00:00Z"),
      max: new Date("2035-12-31T00:00:00Z"),
      noInvalidDate: true,
    });
    const minute = fc.integer({ min: 0, max: 1439 });
    const zone = fc.constantFrom("Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC");
    fc.assert(
      fc.property(instant, minute, minute, zone, fc.boolean(), (now, start, end, timeZone, noQuiet) => {
        const schedule: CollectionsSchedule = {
          timeZone,
          calendar: DEFAULT_BUSINESS_CALENDAR,
          cycleMinute: 360,
          quietHours: noQuiet ? null : { startMinute: start, endMinute: end },
        };
        const window = sendingWindowAt(now, schedule);
        if (window.open) return;
        expect(window.opensAt.getTime()).toBeGreaterThan(now.getTime());
        const local = localMomentAt(window.opensAt, timeZone);
        expect(isBusinessDay(local.date, schedule.calendar)).toBe(true);
        expect(isQuietMinute(local.minute, schedule.quietHours)).toBe(false);
        expect(sendingWindowAt(window.opensAt, schedule)).toEqual({ open: true });
        // And nothing earlier was open: the minute before the opening is still closed.
        expect(sendingWindowAt(new Date(window.opensAt.getTime() - 60_000), schedule).open).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});
