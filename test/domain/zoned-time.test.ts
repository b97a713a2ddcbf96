import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { fromDayNumber, toDayNumber } from "../../src/domain/calendar-date.js";
import {
  formatLocalTime,
  instantAtLocal,
  isTimeZone,
  localMomentAt,
  parseLocalTime,
} from "../../src/domain/zoned-time.js";

const ZONES = [
  "UTC",
  "Europe/Paris",
  "Europe/London",
  "America/New_York",
  "Australia/Sydney",
  "Asia/Kolkata",
];

describe("localMomentAt", () => {
  it("reads the local date and minute, across the date line and in summer time", () => {
    expect(localMomentAt(new Date("2026-07-01T06:30:00Z"), "Europe/Paris")).toEqual({
      date: "2026-07-01",
      minute: 8 * 60 + 30,
    });
    expect(localMomentAt(new Date("2026-12-03T23:30:00Z"), "Australia/Sydney")).toEqual({
      date: "2026-12-04",
      minute: 10 * 60 + 30,
    });
    expect(localMomentAt(new Date("2026-12-03T03:00:00Z"), "America/New_York")).toEqual({
      date: "2026-12-02",
      minute: 22 * 60,
    });
    expect(localMomentAt(new Date("2026-12-03T00:00:00Z"), "Asia/Kolkata").minute).toBe(5 * 60 + 30);
  });
});

describe("instantAtLocal", () => {
  it("finds the instant of a local time in winter and in summer", () => {
    expect(instantAtLocal("2026-12-03", 360, "Europe/Paris").toISOString()).toBe("2026-12-03T05:00:00.000Z");
    expect(instantAtLocal("2026-07-01", 360, "Europe/Paris").toISOString()).toBe("2026-07-01T04:00:00.000Z");
    expect(instantAtLocal("2026-12-03", 0, "UTC").toISOString()).toBe("2026-12-03T00:00:00.000Z");
  });

  it("moves a time the clocks skip (spring forward) by the size of the jump", () => {
    // Paris, 2026-03-29: 02:00 CET becomes 03:00 CEST, so 02:30 does not exist.
    expect(instantAtLocal("2026-03-29", 150, "Europe/Paris").toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(localMomentAt(new Date("2026-03-29T01:30:00Z"), "Europe/Paris")).toEqual({
      date: "2026-03-29",
      minute: 3 * 60 + 30,
    });
  });

  it("takes the earlier of a time that happens twice (fall back)", () => {
    // Paris, 2026-10-25: 03:00 CEST becomes 02:00 CET, so 02:30 happens at 00:30Z and at 01:30Z.
    expect(instantAtLocal("2026-10-25", 150, "Europe/Paris").toISOString()).toBe("2026-10-25T00:30:00.000Z");
  });

  it("round-trips every existing local moment (property)", () => {
    const day = fc.integer({ min: toDayNumber("2000-01-01"), max: toDayNumber("2040-12-31") });
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 1439 }), fc.constantFrom(...ZONES), (d, minute, zone) => {
        const date = fromDayNumber(d);
        const instant = instantAtLocal(date, minute, zone);
        const back = localMomentAt(instant, zone);
        // Either the very moment, or (in a spring-forward gap) a later one within the jump.
        if (back.date === date && back.minute === minute) return;
        expect(back.date).toBe(date);
        expect(back.minute - minute).toBeGreaterThan(0);
        expect(back.minute - minute).toBeLessThanOrEqual(60);
      }),
      { numRuns: 500 },
    );
  });

  it("is monotonic in the local minute of a day (property)", () => {
    const day = fc.integer({ min: toDayNumber("2020-01-01"), max: toDayNumber("2030-12-31") });
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 1438 }), fc.constantFrom(...ZONES), (d, minute, zone) => {
        const date = fromDayNumber(d);
        expect(instantAtLocal(date, minute + 1, zone).getTime()).toBeGreaterThanOrEqual(
          instantAtLocal(date, minute, zone).getTime(),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe("local times and zones", () => {
  it("parses and formats HH:MM", () => {
    expect(parseLocalTime("06:30")).toBe(390);
    expect(parseLocalTime("00:00")).toBe(0);
    expect(parseLocalTime("23:59")).toBe(1439);
    for (const bad of ["24:00", "6:30", "06:60", "0630", "", "noon"]) expect(parseLocalTime(bad)).toBeNull();
    expect(formatLocalTime(390)).toBe("06:30");
    expect(formatLocalTime(0)).toBe("00:00");
  });

  it("knows an IANA zone from a made-up one", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});
