import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/calendar-date.js";
import {
  computeLateInterest,
  createRateSeries,
  referenceRateOn,
  type InterestRegime,
  type LateInterestInput,
  type RateTables,
} from "../../src/domain/interest.js";
import { RecoupError } from "../../src/errors.js";

// Extracts of data/rates/*.csv (the real values on these dates; rows in between are left out because no
// test here falls between them). The domain is pure, so the tests build the tables from literals.
const tables: RateTables = {
  boeBankRate: createRateSeries("BoE Bank Rate", [
    { effectiveDate: "2007-12-06", ratePercent: "5.50" },
    { effectiveDate: "2009-03-05", ratePercent: "0.50" },
    { effectiveDate: "2023-06-22", ratePercent: "5.00" },
    { effectiveDate: "2023-08-03", ratePercent: "5.25" },
    { effectiveDate: "2024-08-01", ratePercent: "5.00" },
    { effectiveDate: "2024-11-07", ratePercent: "4.75" },
    { effectiveDate: "2025-02-06", ratePercent: "4.50" },
    { effectiveDate: "2025-05-08", ratePercent: "4.25" },
  ]),
  ecbMainRefinancingRate: createRateSeries("ECB MRO rate", [
    { effectiveDate: "2007-06-13", ratePercent: "4.00" },
    { effectiveDate: "2016-03-16", ratePercent: "0.00" },
    { effectiveDate: "2022-12-21", ratePercent: "2.50" },
    { effectiveDate: "2023-02-08", ratePercent: "3.00" },
    { effectiveDate: "2023-03-22", ratePercent: "3.50" },
    { effectiveDate: "2023-05-10", ratePercent: "3.75" },
    { effectiveDate: "2023-06-21", ratePercent: "4.00" },
    { effectiveDate: "2023-08-02", ratePercent: "4.25" },
    { effectiveDate: "2023-09-20", ratePercent: "4.50" },
    { effectiveDate: "2024-06-12", ratePercent: "4.25" },
  ]),
  deBasiszinssatz: createRateSeries("Basiszinssatz", [
    { effectiveDate: "2008-01-01", ratePercent: "3.32" },
    { effectiveDate: "2016-07-01", ratePercent: "-0.88" },
    { effectiveDate: "2023-01-01", ratePercent: "1.62" },
    { effectiveDate: "2023-07-01", ratePercent: "3.12" },
    { effectiveDate: "2024-01-01", ratePercent: "3.62" },
    { effectiveDate: "2024-07-01", ratePercent: "3.37" },
    { effectiveDate: "2025-01-01", ratePercent: "2.27" },
    { effectiveDate: "2025-07-01", ratePercent: "1.27" },
  ]),
};

function compute(input: Omit<LateInterestInput, "tables">) {
  return computeLateInterest({ ...input, tables });
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof RecoupError) return error.code;
    throw error;
  }
  return undefined;
}

describe("referenceRateOn", () => {
  it("returns the rate of the last change on or before the date", () => {
    expect(referenceRateOn(tables.boeBankRate, "2023-08-02")).toBe("5.00");
    expect(referenceRateOn(tables.boeBankRate, "2023-08-03")).toBe("5.25");
    expect(referenceRateOn(tables.boeBankRate, "2023-12-31")).toBe("5.25");
  });

  it("keeps the last known rate for dates after the table's last row", () => {
    expect(referenceRateOn(tables.boeBankRate, "2031-01-01")).toBe("4.25");
  });

  it("refuses a date before the table's first row with RATE_NOT_AVAILABLE", () => {
    expect(codeOf(() => referenceRateOn(tables.boeBankRate, "2007-12-05"))).toBe("RATE_NOT_AVAILABLE");
    expect(() => referenceRateOn(tables.boeBankRate, "2007-12-05")).toThrow(/starts on 2007-12-06/);
  });

  it("sorts rows given out of order and rejects two rows on one date", () => {
    const series = createRateSeries("x", [
      { effectiveDate: "2024-01-01", ratePercent: "2" },
      { effectiveDate: "2023-01-01", ratePercent: "1" },
    ]);
    expect(series.rows.map((row) => row.effectiveDate)).toEqual(["2023-01-01", "2024-01-01"]);
    expect(
      codeOf(() =>
        createRateSeries("x", [
          { effectiveDate: "2024-01-01", ratePercent: "2" },
          { effectiveDate: "2024-01-01", ratePercent: "3" },
        ]),
      ),
    ).toBe("VALIDATION_FAILED");
  });
});

describe("computeLateInterest: uk (Late Payment of Commercial Debts (Interest) Act 1998)", () => {
  it("charges BoE rate on 31 December + 8 points for interest starting in January", () => {
    // Due 2024-01-15, paid 2024-03-15: interest starts 2024-01-16 (first half-year), so the reference is
    // Bank Rate on 31 Dec 2023 = 5.25; rate = 5.25 + 8 = 13.25%.
    // days = 16 (rest of Jan) + 29 (Feb, leap year) + 15 (Mar) = 60.
    // £1,000.00 = 100000 p × 13.25% × 60/365 = 100000 × 0.1325 × 60 / 365 = 795000/365 = 2178.08… → 2178 p.
    // Compensation: £1,000.00 is not below £1,000 → £70.
    expect(
      compute({
        amount: 100_000,
        currency: "GBP",
        dueDate: "2024-01-15",
        paidDate: "2024-03-15",
        regime: "uk",
      }),
    ).toEqual({
      regime: "uk",
      rate: 13.25,
      days: 60,
      interest: { amount: 2178, currency: "GBP" },
      compensation: { amount: 7000, currency: "GBP" },
      total: { amount: 9178, currency: "GBP" },
    });
  });

  it("fixes the rate for the life of the debt even when Bank Rate changes while it is unpaid", () => {
    // Due 2024-07-15: interest starts 2024-07-16 (second half-year) → Bank Rate on 30 June 2024 = 5.25.
    // Bank Rate fell to 5.00 on 1 Aug and 4.75 on 7 Nov 2024; the debt keeps 5.25 + 8 = 13.25%.
    // days = 16 + 31 + 30 + 31 + 30 + 15 = 153 (to 2024-12-15).
    // £5,000.00 = 500000 × 0.1325 × 153 / 365 = 10136250/365 = 27770.54… → 27771 p.
    const result = compute({
      amount: 500_000,
      currency: "GBP",
      dueDate: "2024-07-15",
      paidDate: "2024-12-15",
      regime: "uk",
    });
    expect(result.rate).toBe(13.25);
    expect(result.days).toBe(153);
    expect(result.interest).toEqual({ amount: 27771, currency: "GBP" });
    expect(result.total).toEqual({ amount: 27771 + 7000, currency: "GBP" });
  });

  it("switches reference date on the day interest starts, not the due date", () => {
    // Due 2025-06-29 → starts 2025-06-30 → Bank Rate on 31 Dec 2024 = 4.75 → 12.75%.
    // Due 2025-06-30 → starts 2025-07-01 → Bank Rate on 30 Jun 2025 = 4.25 (cut on 8 May) → 12.25%.
    const before = compute({
      amount: 1,
      currency: "GBP",
      dueDate: "2025-06-29",
      paidDate: "2025-07-09",
      regime: "uk",
    });
    const after = compute({
      amount: 1,
      currency: "GBP",
      dueDate: "2025-06-30",
      paidDate: "2025-07-10",
      regime: "uk",
    });
    expect(before.rate).toBe(12.75);
    expect(after.rate).toBe(12.25);
  });

  it.each([
    [99_999, 4_000], // £999.99  → £40
    [100_000, 7_000], // £1,000.00 → £70
    [999_999, 7_000], // £9,999.99 → £70
    [1_000_000, 10_000], // £10,000.00 → £100
  ])("gives compensation by threshold: %i p → %i p", (amount, compensation) => {
    const result = compute({
      amount,
      currency: "GBP",
      dueDate: "2024-01-15",
      paidDate: "2024-01-16",
      regime: "uk",
    });
    expect(result.compensation).toEqual({ amount: compensation, currency: "GBP" });
  });

  it("requires a GBP debt", () => {
    const run = () =>
      compute({
        amount: 100_000,
        currency: "EUR",
        dueDate: "2024-01-15",
        paidDate: "2024-03-15",
        regime: "uk",
      });
    expect(codeOf(run)).toBe("VALIDATION_FAILED");
    expect(run).toThrow(/regime "uk" applies to GBP debts.*this debt is in EUR/);
  });

  it("reports RATE_NOT_AVAILABLE when the reference date precedes the table", () => {
    // Due 2007-06-01 → starts 2007-06-02 → reference 31 Dec 2006, before the first row (2007-12-06).
    expect(
      codeOf(() =>
        compute({
          amount: 100_000,
          currency: "GBP",
          dueDate: "2007-06-01",
          paidDate: "2007-08-01",
          regime: "uk",
        }),
      ),
    ).toBe("RATE_NOT_AVAILABLE");
  });

  it("uses the last known rate beyond the end of the table", () => {
    // Reference 31 Dec 2029: the fixture's last row (4.25 from 2025-05-08) still applies → 12.25%.
    const result = compute({
      amount: 100_000,
      currency: "GBP",
      dueDate: "2030-01-15",
      paidDate: "2030-02-14",
      regime: "uk",
    });
    expect(result.rate).toBe(12.25);
  });
});

describe("computeLateInterest: eu (Directive 2011/7/EU)", () => {
  it("takes the ECB rate on 1 January / 1 July of the half-year in which interest starts, fixed", () => {
    // Due 2023-06-30 → interest starts 2023-07-01 → ECB MRO on 1 Jul 2023 = 4.00 (since 21 Jun) → 12.00%.
    // The ECB raised to 4.25 (2 Aug) and 4.50 (20 Sep) while unpaid: no effect.
    // days = 31 + 31 + 30 = 92 (to 2023-09-30). €2,000.00 = 200000 × 0.12 × 92 / 365 = 2208000/365
    // = 6049.31… → 6049 c; compensation €40.
    expect(
      compute({
        amount: 200_000,
        currency: "EUR",
        dueDate: "2023-06-30",
        paidDate: "2023-09-30",
        regime: "eu",
      }),
    ).toEqual({
      regime: "eu",
      rate: 12,
      days: 92,
      interest: { amount: 6049, currency: "EUR" },
      compensation: { amount: 4000, currency: "EUR" },
      total: { amount: 10049, currency: "EUR" },
    });
  });

  it("uses the first half-year's rate when interest starts on 30 June", () => {
    // Due 2023-06-29 → starts 2023-06-30 → ECB MRO on 1 Jan 2023 = 2.50 → 10.50%.
    // days = 93: 200000 × 0.105 × 93 / 365 = 1953000/365 = 5350.68… → 5351 c.
    const result = compute({
      amount: 200_000,
      currency: "EUR",
      dueDate: "2023-06-29",
      paidDate: "2023-09-30",
      regime: "eu",
    });
    expect(result.rate).toBe(10.5);
    expect(result.days).toBe(93);
    expect(result.interest.amount).toBe(5351);
  });

  it("requires a EUR debt", () => {
    expect(
      codeOf(() =>
        compute({
          amount: 200_000,
          currency: "GBP",
          dueDate: "2023-06-30",
          paidDate: "2023-09-30",
          regime: "eu",
        }),
      ),
    ).toBe("VALIDATION_FAILED");
  });
});

describe("computeLateInterest: de (BGB §288 Abs. 2, §247)", () => {
  it("splits the period at 1 July and charges each half-year its own Basiszinssatz + 9 points", () => {
    // Due 2024-06-15 → interest 2024-06-16 … 2024-07-15.
    //   2024-06-16 … 2024-06-30: 15 days at 3.62 + 9 = 12.62%
    //   2024-07-01 … 2024-07-15: 15 days at 3.37 + 9 = 12.37%
    // €10,000.00 = 1000000 c × (0.1262 × 15 + 0.1237 × 15) / 365 = 1000000 × 3.7485 / 365
    // = 10269.86… → 10270 c. `rate` is the rate at the start.
    expect(
      compute({
        amount: 1_000_000,
        currency: "EUR",
        dueDate: "2024-06-15",
        paidDate: "2024-07-15",
        regime: "de",
      }),
    ).toEqual({
      regime: "de",
      rate: 12.62,
      days: 30,
      interest: { amount: 10270, currency: "EUR" },
      compensation: { amount: 4000, currency: "EUR" },
      total: { amount: 14270, currency: "EUR" },
      segments: [
        { from: "2024-06-16", to: "2024-06-30", days: 15, rate: 12.62 },
        { from: "2024-07-01", to: "2024-07-15", days: 15, rate: 12.37 },
      ],
    });
  });

  it("sums the segments exactly and rounds once", () => {
    // €1.00 over the same dates: segment 1 = 100 × 0.1262 × 15/365 = 0.5186 c, segment 2 = 100 × 0.1237
    // × 15/365 = 0.5084 c. Rounding each would give 1 + 1 = 2 c; the exact sum 1.0270 c rounds to 1 c.
    const result = compute({
      amount: 100,
      currency: "EUR",
      dueDate: "2024-06-15",
      paidDate: "2024-07-15",
      regime: "de",
    });
    expect(result.interest.amount).toBe(1);
  });

  it("covers several half-years with contiguous segments whose days add up", () => {
    const result = compute({
      amount: 1_000_000,
      currency: "EUR",
      dueDate: "2023-03-31",
      paidDate: "2025-02-10",
      regime: "de",
    });
    expect(result.segments?.map((s) => [s.from, s.to, s.rate])).toEqual([
      ["2023-04-01", "2023-06-30", 10.62],
      ["2023-07-01", "2023-12-31", 12.12],
      ["2024-01-01", "2024-06-30", 12.62],
      ["2024-07-01", "2024-12-31", 12.37],
      ["2025-01-01", "2025-02-10", 11.27],
    ]);
    expect(result.segments?.reduce((sum, s) => sum + s.days, 0)).toBe(result.days);
  });
});

describe("computeLateInterest: fr (Code de commerce L441-10)", () => {
  it("charges the ECB rate + 10 points, fixed, with €40 compensation", () => {
    // Due 2024-01-31 → starts 2024-02-01 → ECB MRO on 1 Jan 2024 = 4.50 → 14.50%; days = 29 + 1 = 30.
    // €2,000.00 = 200000 × 0.145 × 30 / 365 = 870000/365 = 2383.56… → 2384 c.
    expect(
      compute({
        amount: 200_000,
        currency: "EUR",
        dueDate: "2024-01-31",
        paidDate: "2024-03-01",
        regime: "fr",
      }),
    ).toEqual({
      regime: "fr",
      rate: 14.5,
      days: 30,
      interest: { amount: 2384, currency: "EUR" },
      compensation: { amount: 4000, currency: "EUR" },
      total: { amount: 6384, currency: "EUR" },
    });
  });
});

describe("computeLateInterest: contractual rates", () => {
  it("computes JPY (no minor digits) in whole yen", () => {
    // ¥1,000,000 × 8.5% × 45/365 (2024-01-01 → 2024-02-15) = 382500000/36500 = 10479.45… → ¥10,479.
    expect(
      compute({
        amount: 1_000_000,
        currency: "JPY",
        dueDate: "2024-01-01",
        paidDate: "2024-02-15",
        regime: "contract",
        contractualRatePercent: "8.5",
      }),
    ).toEqual({
      regime: "contract",
      rate: 8.5,
      days: 45,
      interest: { amount: 10479, currency: "JPY" },
      compensation: { amount: 0, currency: "JPY" },
      total: { amount: 10479, currency: "JPY" },
    });
  });

  it("computes KWD (three minor digits) in fils", () => {
    // KWD 1,234.567 = 1234567 fils × 7.25% × 100/365 (2024-01-01 → 2024-04-10)
    // = 1234567 × 725 / 36500 = 895061075/36500 = 24522.22… → 24522 fils (KWD 24.522).
    const result = compute({
      amount: 1_234_567,
      currency: "KWD",
      dueDate: "2024-01-01",
      paidDate: "2024-04-10",
      regime: "contract",
      contractualRatePercent: "7.25",
    });
    expect(result.days).toBe(100);
    expect(result.interest).toEqual({ amount: 24522, currency: "KWD" });
    expect(result.compensation).toEqual({ amount: 0, currency: "KWD" });
  });

  it("rounds an exact half up", () => {
    // 10% × 73/365 = 1/50 of the amount: $1.25 → 2.5 c exactly → 3 c (half-up, not half-even's 2 c);
    // $0.25 → 0.5 c → 1 c.
    const base = {
      currency: "USD",
      dueDate: "2024-01-01",
      paidDate: "2024-03-14",
      regime: "contract",
    } as const;
    expect(compute({ ...base, amount: 125, contractualRatePercent: "10" }).interest.amount).toBe(3);
    expect(compute({ ...base, amount: 25, contractualRatePercent: "10" }).interest.amount).toBe(1);
    expect(compute({ ...base, amount: 24, contractualRatePercent: "10" }).interest.amount).toBe(0);
  });

  it("overrides a statutory regime's rate but keeps its compensation", () => {
    // £500.00 × 5% × 60/365 = 1500000/36500 = 410.95… → 411 p; under £1,000 → £40.
    const result = compute({
      amount: 50_000,
      currency: "GBP",
      dueDate: "2024-01-15",
      paidDate: "2024-03-15",
      regime: "uk",
      contractualRatePercent: "5",
    });
    expect(result.rate).toBe(5);
    expect(result.interest.amount).toBe(411);
    expect(result.compensation.amount).toBe(4000);
  });

  it("applies a contractual rate to de as a fixed rate, without segments", () => {
    const result = compute({
      amount: 1_000_000,
      currency: "EUR",
      dueDate: "2024-06-15",
      paidDate: "2024-07-15",
      regime: "de",
      contractualRatePercent: "12",
    });
    // 1000000 × 0.12 × 30 / 365 = 9863.01… → 9863 c.
    expect(result.interest.amount).toBe(9863);
    expect(result.segments).toBeUndefined();
  });

  it("does not consult the tables under a contractual rate (no RATE_NOT_AVAILABLE)", () => {
    const result = compute({
      amount: 100_000,
      currency: "GBP",
      dueDate: "1999-01-01",
      paidDate: "1999-02-01",
      regime: "uk",
      contractualRatePercent: "8",
    });
    expect(result.rate).toBe(8);
  });

  it("rejects regime contract without a rate, none with a rate, and malformed or negative rates", () => {
    const base = { amount: 100, currency: "USD", dueDate: "2024-01-01", paidDate: "2024-02-01" } as const;
    expect(codeOf(() => compute({ ...base, regime: "contract" }))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => compute({ ...base, regime: "none", contractualRatePercent: "5" }))).toBe(
      "VALIDATION_FAILED",
    );
    expect(codeOf(() => compute({ ...base, regime: "contract", contractualRatePercent: "5%" }))).toBe(
      "VALIDATION_FAILED",
    );
    expect(codeOf(() => compute({ ...base, regime: "contract", contractualRatePercent: "-1" }))).toBe(
      "VALIDATION_FAILED",
    );
  });
});

describe("computeLateInterest: none and invalid input", () => {
  it("gives zero interest and zero compensation under none", () => {
    expect(
      compute({
        amount: 100_000,
        currency: "USD",
        dueDate: "2024-01-15",
        paidDate: "2024-03-15",
        regime: "none",
      }),
    ).toEqual({
      regime: "none",
      rate: 0,
      days: 60,
      interest: { amount: 0, currency: "USD" },
      compensation: { amount: 0, currency: "USD" },
      total: { amount: 0, currency: "USD" },
    });
  });

  it("charges nothing, not even compensation, when paid on or before the due date", () => {
    for (const paidDate of ["2024-01-15", "2024-01-01"]) {
      const result = compute({
        amount: 100_000,
        currency: "GBP",
        dueDate: "2024-01-15",
        paidDate,
        regime: "uk",
      });
      expect(result.days).toBe(0);
      expect(result.total).toEqual({ amount: 0, currency: "GBP" });
    }
  });

  it("names the problem in bad amounts, currencies, dates and regimes", () => {
    const base = { currency: "GBP", dueDate: "2024-01-15", paidDate: "2024-03-15", regime: "uk" } as const;
    expect(codeOf(() => compute({ ...base, amount: 0 }))).toBe("INVALID_MONEY");
    expect(codeOf(() => compute({ ...base, amount: 1.5 }))).toBe("INVALID_MONEY");
    expect(codeOf(() => compute({ ...base, amount: 1, currency: "XXX" }))).toBe("UNKNOWN_CURRENCY");
    expect(codeOf(() => compute({ ...base, amount: 1, paidDate: "2024-02-30" }))).toBe("INVALID_DATE");
    expect(codeOf(() => compute({ ...base, amount: 1, regime: "us" as InterestRegime }))).toBe(
      "UNKNOWN_REGIME",
    );
  });
});

describe("computeLateInterest: properties", () => {
  // Due dates from 2009 on, so every regime's reference date is covered by the fixture tables.
  const dueDate = fc.integer({ min: 0, max: 6_000 }).map((offset) => addDays("2009-01-01", offset));
  const amount = fc.integer({ min: 1, max: 100_000_000_000 });
  const regime = fc.constantFrom<InterestRegime>("uk", "eu", "de", "fr", "contract");
  const currencyFor = (r: InterestRegime) => (r === "uk" ? "GBP" : "EUR");
  const rateFor = (r: InterestRegime) => (r === "contract" ? { contractualRatePercent: "9.75" } : {});

  it("is monotonic non-decreasing in days", () => {
    fc.assert(
      fc.property(regime, amount, dueDate, fc.nat(2_000), fc.nat(2_000), (r, a, due, d1, extra) => {
        const at = (days: number) =>
          compute({
            amount: a,
            currency: currencyFor(r),
            dueDate: due,
            paidDate: addDays(due, days),
            regime: r,
            ...rateFor(r),
          }).interest.amount;
        expect(at(d1)).toBeLessThanOrEqual(at(d1 + extra));
      }),
    );
  });

  it("is monotonic non-decreasing in amount", () => {
    fc.assert(
      fc.property(regime, amount, amount, dueDate, fc.nat(2_000), (r, a1, a2, due, days) => {
        const [low, high] = a1 <= a2 ? [a1, a2] : [a2, a1];
        const at = (a: number) =>
          compute({
            amount: a,
            currency: currencyFor(r),
            dueDate: due,
            paidDate: addDays(due, days),
            regime: r,
            ...rateFor(r),
          }).interest.amount;
        expect(at(low)).toBeLessThanOrEqual(at(high));
      }),
    );
  });

  it("gives zero interest and zero total for zero or negative days", () => {
    fc.assert(
      fc.property(regime, amount, dueDate, fc.nat(400), (r, a, due, early) => {
        const result = compute({
          amount: a,
          currency: currencyFor(r),
          dueDate: due,
          paidDate: addDays(due, -early),
          regime: r,
          ...rateFor(r),
        });
        expect(result.days).toBe(0);
        expect(result.interest.amount).toBe(0);
        expect(result.total.amount).toBe(0);
      }),
    );
  });

  it("de segments are contiguous half-year pieces covering exactly the interest days", () => {
    fc.assert(
      fc.property(dueDate, fc.integer({ min: 1, max: 2_000 }), (due, days) => {
        const result = compute({
          amount: 1,
          currency: "EUR",
          dueDate: due,
          paidDate: addDays(due, days),
          regime: "de",
        });
        const segments = result.segments ?? [];
        expect(segments.reduce((sum, s) => sum + s.days, 0)).toBe(days);
        expect(segments[0]?.from).toBe(addDays(due, 1));
        expect(segments.at(-1)?.to).toBe(addDays(due, days));
        segments.slice(1).forEach((s, i) => expect(s.from).toBe(addDays(segments[i]!.to, 1)));
        for (const s of segments.slice(1)) expect(s.from.slice(5)).toMatch(/^(01|07)-01$/);
      }),
    );
  });
});
