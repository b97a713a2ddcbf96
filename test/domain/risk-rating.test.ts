import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PaymentBehaviour } from "../../src/domain/payment-behaviour.js";
import { assessRisk, factorsThatMoved, ratingForScore } from "../../src/domain/risk-rating.js";

/** A customer who pays on time and owes nothing. */
const punctual: PaymentBehaviour = {
  settledInvoices: 12,
  settledLate: 0,
  settledSeverelyLate: 0,
  avgDaysLate: -2,
  recentAvgDaysLate: -1,
  baselineAvgDaysLate: -2,
  openAmount: 0,
  overdueAmount: 0,
  overdueInvoices: 0,
  severelyOverdueInvoices: 0,
  overdueAvgDaysPastDue: null,
  oldestDaysPastDue: null,
  creditLimit: 1_000_000,
  annualBilling: 5_000_000,
  brokenPromises: 0,
  partiallyKeptPromises: 0,
  defaultedPlans: 0,
};

const points = (behaviour: PaymentBehaviour, key: string) =>
  assessRisk(behaviour).factors.find((factor) => factor.key === key)!.points;

describe("assessRisk", () => {
  it("rates a punctual customer with nothing open A with a score of 0", () => {
    expect(assessRisk(punctual)).toMatchObject({ score: 0, rating: "A" });
  });

  it.each([
    [0, "A"],
    [19, "A"],
    [20, "B"],
    [39, "B"],
    [40, "C"],
    [59, "C"],
    [60, "D"],
    [100, "D"],
  ])("puts a score of %i in rating %s", (score, rating) => {
    expect(ratingForScore(score)).toBe(rating);
  });

  it.each([
    [null, 0],
    [-5, 0],
    [0, 0],
    [30, 12.5],
    [60, 25],
    [200, 25],
  ])("gives %s average days late %f of 25 points", (avgDaysLate, expected) => {
    expect(points({ ...punctual, avgDaysLate }, "days_late")).toBe(expected);
  });

  it("counts the share of invoices settled late", () => {
    expect(points({ ...punctual, settledInvoices: 4, settledLate: 1 }, "late_share")).toBe(3.75);
    expect(points({ ...punctual, settledInvoices: 0, settledLate: 0 }, "late_share")).toBe(0);
  });

  it("scores a worsening trend, never an improving one", () => {
    expect(points({ ...punctual, recentAvgDaysLate: 16, baselineAvgDaysLate: 1 }, "trend")).toBe(5);
    expect(points({ ...punctual, recentAvgDaysLate: 1, baselineAvgDaysLate: 16 }, "trend")).toBe(0);
    expect(points({ ...punctual, recentAvgDaysLate: null }, "trend")).toBe(0);
  });

  it("measures drift of open overdue items beyond the customer's usual lateness", () => {
    // usually 10 days late; open overdue items 40 days past due: 30 days beyond → half of 20 points
    const drifting = {
      ...punctual,
      avgDaysLate: 10,
      openAmount: 100,
      overdueAmount: 100,
      overdueAvgDaysPastDue: 40,
    };
    expect(points(drifting, "drift")).toBe(10);
    expect(points({ ...drifting, overdueAvgDaysPastDue: 8 }, "drift")).toBe(0);
  });

  it("scores credit utilisation from 80% to 120% of the limit", () => {
    const at = (openAmount: number, creditLimit: number | null) =>
      points({ ...punctual, openAmount, creditLimit }, "credit_utilisation");
    expect(at(80, 100)).toBe(0);
    expect(at(100, 100)).toBe(7.5);
    expect(at(120, 100)).toBe(15);
    expect(at(500, 100)).toBe(15);
    expect(at(500, null)).toBe(0);
    expect(at(1, 0)).toBe(15);
  });

  it("marks an open balance without any payment history", () => {
    expect(points({ ...punctual, settledInvoices: 0, avgDaysLate: null, openAmount: 10 }, "no_history")).toBe(
      10,
    );
    expect(points({ ...punctual, settledInvoices: 0, avgDaysLate: null, openAmount: 0 }, "no_history")).toBe(
      0,
    );
  });

  it.each([
    [0, 0, 0, 0],
    [1, 0, 0, 10],
    [0, 0, 1, 10],
    [0, 1, 0, 5],
    [0, 3, 0, 15],
    [1, 1, 0, 15],
    [2, 0, 0, 20],
    [1, 0, 1, 20],
    [5, 4, 3, 20],
  ])(
    "gives %i broken, %i partly kept promises and %i defaulted plans %f of 20 points",
    (brokenPromises, partiallyKeptPromises, defaultedPlans, expected) => {
      expect(
        points({ ...punctual, brokenPromises, partiallyKeptPromises, defaultedPlans }, "broken_commitments"),
      ).toBe(expected);
    },
  );

  it("explains broken commitments in words and lowers the rating of a customer that breaks its word", () => {
    const slow = { ...punctual, avgDaysLate: 20, settledLate: 6, openAmount: 100, overdueAmount: 0 };
    expect(assessRisk(slow).rating).toBe("A");
    const broken = assessRisk({ ...slow, brokenPromises: 1, defaultedPlans: 1 });
    expect(broken.rating).toBe("B");
    expect(broken.factors.find((f) => f.key === "broken_commitments")).toEqual({
      key: "broken_commitments",
      value: 2,
      points: 20,
      maxPoints: 20,
      explanation: "1 broken promise to pay, 1 payment plan in default in the last 365 days",
    });
    expect(assessRisk(slow).factors.find((f) => f.key === "broken_commitments")!.explanation).toBe(
      "no broken promise or defaulted payment plan in the last 365 days",
    );
  });

  it("rates a customer that pays two months late, mostly overdue and over its limit D", () => {
    const bad: PaymentBehaviour = {
      ...punctual,
      settledLate: 12,
      avgDaysLate: 65,
      recentAvgDaysLate: 80,
      baselineAvgDaysLate: 40,
      openAmount: 1_300_000,
      overdueAmount: 1_000_000,
      overdueInvoices: 5,
      overdueAvgDaysPastDue: 95,
    };
    const risk = assessRisk(bad);
    expect(risk.rating).toBe("D");
    expect(risk.score).toBeLessThanOrEqual(100);
    expect(risk.factors.find((f) => f.key === "days_late")!.explanation).toBe(
      "pays 65 days late on average (weighted by amount, last 365 days)",
    );
  });

  const behaviour: fc.Arbitrary<PaymentBehaviour> = fc
    .record({
      settledInvoices: fc.integer({ min: 0, max: 500 }),
      lateFraction: fc.double({ min: 0, max: 1, noNaN: true }),
      avgDaysLate: fc.option(fc.integer({ min: -30, max: 400 }), { nil: null }),
      recentAvgDaysLate: fc.option(fc.integer({ min: -30, max: 400 }), { nil: null }),
      baselineAvgDaysLate: fc.option(fc.integer({ min: -30, max: 400 }), { nil: null }),
      openAmount: fc.integer({ min: 0, max: 10_000_000 }),
      overdueFraction: fc.double({ min: 0, max: 1, noNaN: true }),
      overdueAvgDaysPastDue: fc.option(fc.integer({ min: 1, max: 900 }), { nil: null }),
      creditLimit: fc.option(fc.integer({ min: 0, max: 20_000_000 }), { nil: null }),
      brokenPromises: fc.integer({ min: 0, max: 10 }),
      partiallyKeptPromises: fc.integer({ min: 0, max: 10 }),
      defaultedPlans: fc.integer({ min: 0, max: 5 }),
    })
    .map((r) => ({
      ...punctual,
      settledInvoices: r.settledInvoices,
      settledLate: Math.floor(r.settledInvoices * r.lateFraction),
      avgDaysLate: r.avgDaysLate,
      recentAvgDaysLate: r.recentAvgDaysLate,
      baselineAvgDaysLate: r.baselineAvgDaysLate,
      openAmount: r.openAmount,
      overdueAmount: Math.floor(r.openAmount * r.overdueFraction),
      overdueAvgDaysPastDue: r.overdueAvgDaysPastDue,
      creditLimit: r.creditLimit,
      brokenPromises: r.brokenPromises,
      partiallyKeptPromises: r.partiallyKeptPromises,
      defaultedPlans: r.defaultedPlans,
    }));

  it("keeps every score within 0–100, each factor within its cap, and the rating in step with the score", () => {
    fc.assert(
      fc.property(behaviour, (b) => {
        const risk = assessRisk(b);
        expect(risk.score).toBeGreaterThanOrEqual(0);
        expect(risk.score).toBeLessThanOrEqual(100);
        for (const factor of risk.factors) {
          expect(factor.points).toBeGreaterThanOrEqual(0);
          expect(factor.points).toBeLessThanOrEqual(factor.maxPoints);
        }
        expect(risk.rating).toBe(ratingForScore(risk.score));
      }),
    );
  });

  it("never lowers the score when a customer pays later or owes more past due", () => {
    fc.assert(
      fc.property(
        behaviour,
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (b, days, more) => {
          const base = assessRisk(b).score;
          expect(assessRisk({ ...b, avgDaysLate: (b.avgDaysLate ?? 0) + days }).score).toBeGreaterThanOrEqual(
            b.avgDaysLate === null ? 0 : base,
          );
          const moreOverdue = Math.min(b.openAmount, b.overdueAmount + more);
          expect(assessRisk({ ...b, overdueAmount: moreOverdue }).score).toBeGreaterThanOrEqual(base);
          const anotherBroken = { ...b, brokenPromises: b.brokenPromises + 1 };
          expect(assessRisk(anotherBroken).score).toBeGreaterThanOrEqual(base);
        },
      ),
    );
  });
});

describe("factorsThatMoved", () => {
  it("lists the factors that moved the score by a point or more, largest first", () => {
    const before = assessRisk(punctual).factors;
    const after = assessRisk({
      ...punctual,
      avgDaysLate: 30,
      settledLate: 6,
      openAmount: 100,
      overdueAmount: 1,
    }).factors;
    expect(factorsThatMoved(before, after).map((change) => [change.key, change.delta])).toEqual([
      ["days_late", 12.5],
      ["late_share", 7.5],
    ]);
  });

  it("treats every scoring factor as moved on a first rating", () => {
    const factors = assessRisk({ ...punctual, avgDaysLate: 60 }).factors;
    expect(factorsThatMoved(null, factors).map((change) => change.key)).toEqual(["days_late"]);
  });
});
