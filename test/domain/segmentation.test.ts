import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PaymentBehaviour } from "../../src/domain/payment-behaviour.js";
import { assignSegment, DEFAULT_SEGMENTATION, highValueCustomers } from "../../src/domain/segmentation.js";

const behaviour: PaymentBehaviour = {
  settledInvoices: 10,
  settledLate: 2,
  settledSeverelyLate: 0,
  avgDaysLate: 3,
  recentAvgDaysLate: 3,
  baselineAvgDaysLate: 3,
  openAmount: 1000,
  overdueAmount: 0,
  overdueInvoices: 0,
  severelyOverdueInvoices: 0,
  overdueAvgDaysPastDue: null,
  oldestDaysPastDue: null,
  creditLimit: null,
  annualBilling: 10_000,
  brokenPromises: 0,
  partiallyKeptPromises: 0,
  defaultedPlans: 0,
};

describe("highValueCustomers", () => {
  it("takes the largest customers until they make up the top share, the one crossing the line included", () => {
    const candidates = [
      { customerId: 1, currency: "EUR", value: 500 },
      { customerId: 2, currency: "EUR", value: 250 },
      { customerId: 3, currency: "EUR", value: 150 },
      { customerId: 4, currency: "EUR", value: 100 },
    ];
    // 500 (50%) → 750 (75%) → 900 crosses 80%: customers 1, 2 and 3
    expect([...highValueCustomers(candidates, 0.8)].sort()).toEqual([1, 2, 3]);
    expect([...highValueCustomers(candidates, 0.5)]).toEqual([1]);
    expect([...highValueCustomers(candidates, 1)].sort()).toEqual([1, 2, 3, 4]);
  });

  it("ranks within each currency, and never picks a customer with nothing", () => {
    const chosen = highValueCustomers(
      [
        { customerId: 1, currency: "EUR", value: 900 },
        { customerId: 2, currency: "EUR", value: 100 },
        { customerId: 3, currency: "JPY", value: 5 },
        { customerId: 4, currency: "JPY", value: 0 },
      ],
      0.8,
    );
    expect([...chosen].sort()).toEqual([1, 3]);
  });

  it.each([0, -0.1, 1.01, Number.NaN])("refuses a top share of %s", (share) => {
    expect(() => highValueCustomers([], share)).toThrow(RangeError);
  });

  it("picks the smallest set of largest customers reaching the share, whatever the input order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 60 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (values, share) => {
          const candidates = values.map((value, index) => ({
            customerId: index + 1,
            currency: "USD",
            value,
          }));
          const chosen = highValueCustomers(candidates, share);
          const reversed = highValueCustomers([...candidates].reverse(), share);
          expect([...reversed].sort()).toEqual([...chosen].sort());
          const total = values.reduce((a, b) => a + b, 0);
          const chosenValues = candidates.filter((c) => chosen.has(c.customerId)).map((c) => c.value);
          const sum = chosenValues.reduce((a, b) => a + b, 0);
          if (total > 0) expect(sum).toBeGreaterThanOrEqual(share * total);
          // without its smallest member the set would fall short of the share
          if (chosenValues.length > 0) expect(sum - Math.min(...chosenValues)).toBeLessThan(share * total);
          // nobody outside the set is larger than someone inside it
          const outside = candidates
            .filter((c) => !chosen.has(c.customerId) && c.value > 0)
            .map((c) => c.value);
          if (outside.length > 0 && chosenValues.length > 0) {
            expect(Math.max(...outside)).toBeLessThanOrEqual(Math.min(...chosenValues));
          }
        },
      ),
    );
  });
});

describe("assignSegment", () => {
  const policy = DEFAULT_SEGMENTATION;

  it.each([
    [true, "A", "high-value-low-risk"],
    [true, "B", "high-value-low-risk"],
    [true, "C", "high-value-high-risk"],
    [false, "D", "low-value-high-risk"],
    [false, "A", "low-value-low-risk"],
  ] as const)("puts high-value=%s with rating %s in %s", (highValue, rating, segment) => {
    expect(assignSegment({ highValue, rating, behaviour, policy }).segment).toBe(segment);
  });

  it("makes a chronic delinquent of 3 invoices more than 45 days late within a year, settled or open, if they are 25% of its invoices", () => {
    const chronic = {
      ...behaviour,
      settledInvoices: 10,
      settledSeverelyLate: 2,
      overdueInvoices: 2,
      severelyOverdueInvoices: 1,
    };
    expect(assignSegment({ highValue: true, rating: "A", behaviour: chronic, policy })).toEqual({
      segment: "chronic-delinquent",
      reason:
        "3 of 12 invoices settled or overdue within a year were more than 45 days late (25%; thresholds: 3 and 25%)",
    });
    const fewer = { ...chronic, severelyOverdueInvoices: 0 };
    expect(assignSegment({ highValue: true, rating: "A", behaviour: fewer, policy }).segment).toBe(
      "high-value-low-risk",
    );
    // a frequent buyer late now and then is a slow payer, not a chronic delinquent
    const frequent = { ...chronic, settledInvoices: 40 };
    expect(assignSegment({ highValue: true, rating: "A", behaviour: frequent, policy }).segment).toBe(
      "high-value-low-risk",
    );
  });

  it("explains the segment in words", () => {
    expect(assignSegment({ highValue: false, rating: "C", behaviour, policy }).reason).toBe(
      "outside the top 80% of annual billing; risk rating C (high risk)",
    );
  });

  it("follows the configured high-risk ratings", () => {
    const strict = { ...policy, highRiskRatings: ["B", "C", "D"] as ("B" | "C" | "D")[] };
    expect(assignSegment({ highValue: true, rating: "B", behaviour, policy: strict }).segment).toBe(
      "high-value-high-risk",
    );
  });
});
