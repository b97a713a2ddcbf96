import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { workPriority, type WorkItemSignals } from "../../src/domain/work-priority.js";

const quiet: WorkItemSignals = {
  overdueMajor: 0,
  rating: "A",
  oldestDaysPastDue: null,
  brokenPromises: 0,
  segment: "low-value-low-risk",
  daysSinceContact: 0,
  automationBlocked: false,
};

describe("workPriority", () => {
  it("scores a quiet account 0 and explains nothing", () => {
    expect(workPriority(quiet)).toEqual({ score: 0, parts: [] });
  });

  it("adds every signal up to its cap and lists the reasons largest first", () => {
    const loud: WorkItemSignals = {
      overdueMajor: 1_000_000,
      rating: "D",
      oldestDaysPastDue: 120,
      brokenPromises: 3,
      segment: "high-value-high-risk",
      daysSinceContact: null,
      automationBlocked: true,
    };
    const priority = workPriority(loud);
    expect(priority.score).toBe(100);
    expect(priority.parts.map((p) => [p.key, p.points])).toEqual([
      ["overdue", 30],
      ["risk", 20],
      ["age", 15],
      ["broken_promises", 10],
      ["segment", 10],
      ["no_contact", 10],
      ["blocked", 5],
    ]);
    expect(priority.parts[0]!.why).toBe("1,000,000 overdue");
  });

  it("puts a ten times larger overdue balance a fixed five points higher", () => {
    const at = (overdueMajor: number) =>
      workPriority({ ...quiet, overdueMajor }).parts.find((p) => p.key === "overdue")!.points;
    expect(at(10_000) - at(1_000)).toBeCloseTo(5, 0);
    expect(at(100_000) - at(10_000)).toBeCloseTo(5, 0);
  });

  it("never lowers the priority when an account owes more, is older or was left alone longer", () => {
    const signals = fc.record({
      overdueMajor: fc.double({ min: 0, max: 1e9, noNaN: true }),
      rating: fc.constantFrom("A" as const, "B" as const, "C" as const, "D" as const, null),
      oldestDaysPastDue: fc.option(fc.integer({ min: -30, max: 2000 }), { nil: null }),
      brokenPromises: fc.integer({ min: 0, max: 5 }),
      segment: fc.constantFrom("high-value-high-risk" as const, "chronic-delinquent" as const, null),
      daysSinceContact: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
      automationBlocked: fc.boolean(),
    });
    fc.assert(
      fc.property(
        signals,
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.integer({ min: 0, max: 100 }),
        (s, more, days) => {
          const base = workPriority(s).score;
          expect(base).toBeGreaterThanOrEqual(0);
          expect(base).toBeLessThanOrEqual(100);
          expect(workPriority({ ...s, overdueMajor: s.overdueMajor + more }).score).toBeGreaterThanOrEqual(
            base,
          );
          if (s.oldestDaysPastDue !== null) {
            expect(
              workPriority({ ...s, oldestDaysPastDue: s.oldestDaysPastDue + days }).score,
            ).toBeGreaterThanOrEqual(base);
          }
          if (s.daysSinceContact !== null) {
            expect(
              workPriority({ ...s, daysSinceContact: s.daysSinceContact + days }).score,
            ).toBeGreaterThanOrEqual(base);
          }
        },
      ),
    );
  });
});
