import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  averageDaysDelinquent,
  bestPossibleDso,
  collectionEffectivenessIndex,
  computeKpis,
  costToCollect,
  dsoCountback,
  dsoSimple,
  periodDays,
  periodMonths,
  recoveryRate,
  rollRates,
  roundKpisForOutput,
  roundRatio,
  type KpiInputs,
  type MonthlySales,
} from "../../src/domain/kpis.js";
import {
  addDays,
  addMonths,
  daysInMonth,
  endOfMonth,
  fromDayNumber,
} from "../../src/domain/calendar-date.js";

describe("periodDays", () => {
  it.each([
    ["2013-01-01", "2013-06-30", 181],
    ["2024-01-01", "2024-12-31", 366],
    ["2023-01-01", "2023-12-31", 365],
    ["2024-03-10", "2024-03-10", 1],
    ["2024-02-28", "2024-03-01", 3],
  ])("counts %s to %s, both days included, as %i days", (from, to, days) => {
    expect(periodDays(from, to)).toBe(days);
  });

  it("rejects a period that ends before it starts", () => {
    expect(() => periodDays("2024-03-02", "2024-03-01")).toThrow(
      "period 2024-03-02 to 2024-03-01 ends before it starts",
    );
  });

  it("rejects a malformed date", () => {
    expect(() => periodDays("2024-02-30", "2024-03-01")).toThrow(RangeError);
  });
});

describe("periodMonths", () => {
  it.each([
    ["2024-01-01", "2024-03-31", 3, "three whole months"],
    ["2013-01-01", "2013-06-30", 6, "six whole months"],
    ["2024-02-01", "2024-02-29", 1, "a leap February"],
    ["2024-01-01", "2024-01-15", 15 / 31, "15 of January's 31 days"],
    ["2024-02-10", "2024-02-10", 1 / 29, "one day of a leap February"],
    ["2023-01-15", "2023-03-14", 2, "17/31 of January + February + 14/31 of March"],
    ["2023-12-17", "2024-01-15", 30 / 31, "15/31 of December + 15/31 of January"],
  ])("counts %s to %s as %d months (%s)", (from, to, months, _why) => {
    expect(periodMonths(from, to)).toBe(months);
  });

  it("counts 2023-11-16 to 2024-02-14 as 15/30 of November + 2 whole months + 14/29 of a leap February", () => {
    expect(periodMonths("2023-11-16", "2024-02-14")).toBeCloseTo(15 / 30 + 2 + 14 / 29, 14);
  });

  it("property: a period of whole calendar months counts exactly that many months", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 * 400 }), fc.integer({ min: 1, max: 60 }), (offset, count) => {
        const from = addMonths("1900-01-01", offset);
        const to = endOfMonth(addMonths(from, count - 1));
        expect(periodMonths(from, to)).toBe(count);
      }),
    );
  });

  it("property: splitting a period in two splits its months in two", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40_000 }),
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 1, max: 2_000 }),
        (start, firstLength, secondLength) => {
          const from = fromDayNumber(start);
          const middle = addDays(from, firstLength);
          const to = addDays(middle, secondLength);
          expect(periodMonths(from, middle) + periodMonths(addDays(middle, 1), to)).toBeCloseTo(
            periodMonths(from, to),
            9,
          );
        },
      ),
    );
  });
});

describe("dsoSimple, bestPossibleDso and averageDaysDelinquent", () => {
  it("computes DSO simple 1,000 AR / 3,000 sales × 90 days = 30", () => {
    expect(dsoSimple(1_000, 3_000, 90)).toBe(30);
  });

  it("computes DSO simple 500 AR / 1,000 sales × 181 days = 90.5", () => {
    expect(dsoSimple(500, 1_000, 181)).toBe(90.5);
  });

  it("gives DSO 0 when nothing is owed", () => {
    expect(dsoSimple(0, 3_000, 90)).toBe(0);
  });

  it.each([0, -500])("gives null DSO when credit sales are %i", (creditSales) => {
    expect(dsoSimple(1_000, creditSales, 90)).toBeNull();
    expect(bestPossibleDso(1_000, creditSales, 90)).toBeNull();
    expect(averageDaysDelinquent(1_000, 400, creditSales, 90)).toBeNull();
  });

  it("does not round: 1,000 / 3,000 × 91 = 30.333…", () => {
    expect(dsoSimple(1_000, 3_000, 91)).toBe(91_000 / 3_000);
  });

  it("computes best-possible DSO 400 current AR / 3,000 sales × 90 days = 12", () => {
    expect(bestPossibleDso(400, 3_000, 90)).toBe(12);
  });

  it("computes ADD as DSO simple − best-possible DSO: 30 − 12 = 18", () => {
    expect(averageDaysDelinquent(1_000, 400, 3_000, 90)).toBe(18);
  });

  it("rejects a period of no days and amounts that are not minor units", () => {
    expect(() => dsoSimple(1_000, 3_000, 0)).toThrow(RangeError);
    expect(() => dsoSimple(10.5, 3_000, 90)).toThrow(RangeError);
    expect(() => bestPossibleDso(1, 3_000.5, 90)).toThrow(RangeError);
  });

  it("property: ADD = DSO simple − best-possible DSO", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e10 }),
        fc.integer({ min: 0, max: 1e10 }),
        fc.integer({ min: 1, max: 1e10 }),
        fc.integer({ min: 1, max: 3660 }),
        (a, b, creditSales, days) => {
          const [endCurrentAr, endAr] = a <= b ? [a, b] : [b, a];
          const add = averageDaysDelinquent(endAr, endCurrentAr, creditSales, days)!;
          const simple = dsoSimple(endAr, creditSales, days)!;
          const difference = simple - bestPossibleDso(endCurrentAr, creditSales, days)!;
          // Subtracting two large DSOs loses digits (ADD is computed directly to avoid that), so
          // the two agree to within a few units in the last place of the DSO, not of the ADD.
          expect(Math.abs(add - difference)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, simple));
        },
      ),
    );
  });
});

describe("collectionEffectivenessIndex", () => {
  it("computes (5,000 + 9,000/3 − 4,000) / (5,000 + 9,000/3 − 2,000) × 100 = 4,000 / 6,000 × 100 = 66.67", () => {
    const cei = collectionEffectivenessIndex({
      beginAr: 5_000,
      creditSales: 9_000,
      endAr: 4_000,
      endCurrentAr: 2_000,
      months: 3,
    });
    expect(cei).toBe((4_000 / 6_000) * 100);
    expect(roundRatio(cei)).toBe(66.67);
  });

  it("uses fractional months for a partial period: 15 days of January are 15/31 of a month", () => {
    // creditSales / N = 310 / (15/31) = 640.666…; multiplied through by 15:
    // (15,000 + 9,610 − 12,000) / (15,000 + 9,610 − 4,500) × 100 = 12,610 / 20,110 × 100 = 62.705…
    const cei = collectionEffectivenessIndex({
      beginAr: 1_000,
      creditSales: 310,
      endAr: 800,
      endCurrentAr: 300,
      months: periodMonths("2024-01-01", "2024-01-15"),
    });
    expect(cei).toBeCloseTo((12_610 / 20_110) * 100, 10);
    expect(roundRatio(cei)).toBe(62.71);
  });

  it("gives null when the denominator is 0 (nothing was collectible)", () => {
    expect(
      collectionEffectivenessIndex({ beginAr: 0, creditSales: 0, endAr: 0, endCurrentAr: 0, months: 1 }),
    ).toBeNull();
    // 1,000 + 3,000/3 − 2,000 = 0
    expect(
      collectionEffectivenessIndex({
        beginAr: 1_000,
        creditSales: 3_000,
        endAr: 500,
        endCurrentAr: 2_000,
        months: 3,
      }),
    ).toBeNull();
  });

  it.each([0, -1, Number.NaN])("rejects %s months", (months) => {
    expect(() =>
      collectionEffectivenessIndex({ beginAr: 1, creditSales: 1, endAr: 1, endCurrentAr: 0, months }),
    ).toThrow(RangeError);
  });

  it("property: CEI is exactly 100 when everything past due was collected (endAr = endCurrentAr)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 1, max: 1e12 }),
        fc.integer({ min: 0, max: 1e12 }),
        fc.constantFrom(1, 3, 6, 12, 15 / 31, periodMonths("2023-01-15", "2023-06-20")),
        (beginAr, creditSales, endAr, months) => {
          expect(
            collectionEffectivenessIndex({ beginAr, creditSales, endAr, endCurrentAr: endAr, months }),
          ).toBe(100);
        },
      ),
    );
  });

  it("property: collecting more (a lower endAr, same current AR) never lowers the CEI", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }),
        (beginAr, creditSales, endCurrentAr, pastDueLow, extra) => {
          const months = 3;
          const base = { beginAr, creditSales, endCurrentAr, months };
          // keep the denominator positive so that the index moves in the natural direction
          fc.pre(beginAr * months + creditSales - endCurrentAr * months > 0);
          const better = collectionEffectivenessIndex({ ...base, endAr: endCurrentAr + pastDueLow })!;
          const worse = collectionEffectivenessIndex({ ...base, endAr: endCurrentAr + pastDueLow + extra })!;
          expect(better).toBeGreaterThanOrEqual(worse);
        },
      ),
    );
  });
});

describe("dsoCountback", () => {
  const sales = (entries: Record<string, number>): MonthlySales[] =>
    Object.entries(entries).map(([month, value]) => ({ month, sales: value }));

  it("walks June (30 days), May (31 days) and 900/2,000 of April's 30 days: 74.5 days", () => {
    // 7,000 − 3,000 (June) = 4,000 > 3,100 (May) → 900 left ≤ 2,000 (April) → 30 + 31 + 900/2,000 × 30 = 74.5
    const result = dsoCountback({
      endAr: 7_000,
      to: "2013-06-30",
      firstMonth: "2013-01",
      monthlySales: sales({ "2013-06": 3_000, "2013-05": 3_100, "2013-04": 2_000, "2013-03": 9_999 }),
    });
    expect(result).toEqual({ value: 74.5 });
  });

  it("counts the month of `to` only from its 1st to `to`: 15 days + 500/3,100 × 31 = 20", () => {
    const result = dsoCountback({
      endAr: 2_000,
      to: "2013-06-15",
      firstMonth: "2013-01",
      monthlySales: sales({ "2013-06": 1_500, "2013-05": 3_100 }),
    });
    expect(result).toEqual({ value: 20 });
  });

  it("stops in the month whose sales equal the remainder, counting that month whole", () => {
    // 6,000 − 3,000 (June) = 3,000, not more than May's 3,000 → 30 + 3,000/3,000 × 31 = 61
    const result = dsoCountback({
      endAr: 6_000,
      to: "2013-06-30",
      firstMonth: "2013-05",
      monthlySales: sales({ "2013-06": 3_000, "2013-05": 3_000 }),
    });
    expect(result).toEqual({ value: 61 });
  });

  it("gives a fraction of the first month when its sales cover the AR: 1,000 / 3,000 × 30 = 10", () => {
    const result = dsoCountback({
      endAr: 1_000,
      to: "2013-06-30",
      firstMonth: "2013-06",
      monthlySales: sales({ "2013-06": 3_000 }),
    });
    expect(result).toEqual({ value: 10 });
  });

  it.each([
    ["no sales", 0],
    ["net credits", -200],
  ])(
    "adds the full days of a month with %s and walks on, leaving the remainder alone",
    (_label, juneSales) => {
      // June adds 30 days, then 500/1,000 × 31 days of May = 15.5 → 45.5
      const result = dsoCountback({
        endAr: 500,
        to: "2013-06-30",
        firstMonth: "2013-01",
        monthlySales: sales({ "2013-06": juneSales, "2013-05": 1_000 }),
      });
      expect(result).toEqual({ value: 45.5 });
    },
  );

  it("treats a month missing from the sales as a month with no sales", () => {
    const result = dsoCountback({
      endAr: 500,
      to: "2013-06-30",
      firstMonth: "2013-01",
      monthlySales: sales({ "2013-05": 1_000 }),
    });
    expect(result).toEqual({ value: 45.5 });
  });

  it("walks across a year end: 31 days of January + 500/1,000 × 31 days of December = 46.5", () => {
    const result = dsoCountback({
      endAr: 1_500,
      to: "2024-01-31",
      firstMonth: "2023-01",
      monthlySales: sales({ "2024-01": 1_000, "2023-12": 1_000 }),
    });
    expect(result).toEqual({ value: 46.5 });
  });

  it("uses the 29 days of a leap February: 31 + 1,450/2,900 × 29 = 45.5", () => {
    const result = dsoCountback({
      endAr: 4_550,
      to: "2024-03-31",
      firstMonth: "2024-01",
      monthlySales: sales({ "2024-03": 3_100, "2024-02": 2_900 }),
    });
    expect(result).toEqual({ value: 45.5 });
  });

  it("gives null and a warning when the walk would run past the ledger's first month", () => {
    // 3,000 − 1,000 (June) − 1,000 (May) leaves 1,000 with no month before 2013-05 to explain it
    const result = dsoCountback({
      endAr: 3_000,
      to: "2013-06-30",
      firstMonth: "2013-05",
      monthlySales: sales({ "2013-06": 1_000, "2013-05": 1_000 }),
    });
    expect(result.value).toBeNull();
    expect(result.warning).toBe(
      "DSO countback: credit sales back to the ledger's first month (2013-05) do not cover the AR of 3000 at " +
        "2013-06-30; 1000 remains unexplained",
    );
  });

  it("gives null when the ledger starts after the month of `to`", () => {
    const result = dsoCountback({ endAr: 1, to: "2013-06-30", firstMonth: "2013-07", monthlySales: [] });
    expect(result.value).toBeNull();
    expect(result.warning).toMatch(/2013-07/);
  });

  it.each([0, -250])("gives 0 when AR is %i, whatever the sales", (endAr) => {
    expect(dsoCountback({ endAr, to: "2013-06-30", firstMonth: "2013-06", monthlySales: [] })).toEqual({
      value: 0,
    });
  });

  it("accepts the monthly sales as a Map", () => {
    const result = dsoCountback({
      endAr: 7_000,
      to: "2013-06-30",
      firstMonth: "2013-01",
      monthlySales: new Map([
        ["2013-06", 3_000],
        ["2013-05", 3_100],
        ["2013-04", 2_000],
      ]),
    });
    expect(result).toEqual({ value: 74.5 });
  });

  it("rejects a month listed twice, a malformed month and fractional sales", () => {
    const base = { endAr: 1, to: "2013-06-30", firstMonth: "2013-01" };
    expect(() =>
      dsoCountback({ ...base, monthlySales: sales({ "2013-06": 1 }).concat(sales({ "2013-06": 2 })) }),
    ).toThrow("monthly sales list month 2013-06 twice");
    expect(() => dsoCountback({ ...base, monthlySales: sales({ "2013-6": 1 }) })).toThrow(
      '"2013-6" is not a month in the form YYYY-MM',
    );
    expect(() => dsoCountback({ ...base, monthlySales: sales({ "2013-13": 1 }) })).toThrow(RangeError);
    expect(() => dsoCountback({ ...base, monthlySales: sales({ "2013-06": 1.5 }) })).toThrow(RangeError);
    expect(() => dsoCountback({ ...base, firstMonth: "2013", monthlySales: [] })).toThrow(RangeError);
  });

  /** Constant sales in each of the 30 months up to and including the month of `to`. */
  function constantSales(to: string, perMonth: number): MonthlySales[] {
    return Array.from({ length: 30 }, (_, back) => ({
      month: addMonths(to, -back).slice(0, 7),
      sales: perMonth,
    }));
  }

  it("property: with constant monthly sales S and AR = k·S the walk covers exactly k months", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 * 300 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 24 }),
        fc.boolean(),
        (monthOffset, perMonth, k, atMonthEnd) => {
          const monthStart = addMonths("1900-01-01", monthOffset);
          const to = atMonthEnd ? endOfMonth(monthStart) : addDays(monthStart, 9);
          const monthSales = constantSales(to, perMonth);
          const result = dsoCountback({
            endAr: k * perMonth,
            to,
            firstMonth: monthSales[monthSales.length - 1]!.month,
            monthlySales: monthSales,
          });
          // the month of `to` counts its days 1…to; the k − 1 months before it count whole
          let expected = Number(to.slice(8, 10));
          for (let back = 1; back < k; back++) {
            const month = addMonths(monthStart, -back);
            expected += daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
          }
          expect(result).toEqual({ value: expected });
        },
      ),
    );
  });

  it("property: a larger AR never gives a shorter countback", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1_000, max: 100_000 }), { minLength: 30, maxLength: 30 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (perMonth, a, b) => {
          const to = "2024-06-30";
          const monthSales = perMonth.map((value, back) => ({
            month: addMonths(to, -back).slice(0, 7),
            sales: value,
          }));
          const firstMonth = monthSales[monthSales.length - 1]!.month;
          const [smaller, larger] = a <= b ? [a, b] : [b, a];
          const short = dsoCountback({ endAr: smaller, to, firstMonth, monthlySales: monthSales }).value;
          const long = dsoCountback({ endAr: larger, to, firstMonth, monthlySales: monthSales }).value;
          if (long !== null && short !== null) expect(long).toBeGreaterThanOrEqual(short - 1e-9);
          // once the ledger cannot explain an AR, it cannot explain a larger one either
          if (short === null) expect(long).toBeNull();
        },
      ),
    );
  });
});

describe("computeKpis and roundKpisForOutput", () => {
  const quarter: KpiInputs = {
    from: "2024-01-01",
    to: "2024-03-31",
    currency: "USD",
    creditSales: 9_000,
    beginAr: 5_000,
    endAr: 3_000,
    endCurrentAr: 1_000,
    firstMonth: "2024-01",
    monthlySales: [
      { month: "2024-01", sales: 3_000 },
      { month: "2024-02", sales: 3_000 },
      { month: "2024-03", sales: 3_000 },
    ],
  };

  it("computes every KPI of the quarter 2024-01-01…2024-03-31, unrounded (worked example)", () => {
    expect(computeKpis(quarter)).toEqual({
      from: "2024-01-01",
      to: "2024-03-31",
      days: 91, // 31 + 29 + 31
      currency: "USD",
      creditSales: 9_000,
      beginAr: 5_000,
      endAr: 3_000,
      endCurrentAr: 1_000,
      dso: {
        simple: (3_000 * 91) / 9_000, // 30.333…
        countback: 31, // March's 3,000 of sales cover the 3,000 of AR: all 31 days of March
      },
      bestPossibleDso: (1_000 * 91) / 9_000, // 10.111…
      add: (2_000 * 91) / 9_000, // 20.222…
      cei: (15_000 / 21_000) * 100, // (5,000 + 3,000 − 3,000) / (5,000 + 3,000 − 1,000) × 100 = 71.428…
      warnings: [],
    });
  });

  it("rounds ratios to 2 decimals for output and omits an empty warnings list, in the key order of the contract", () => {
    const output = roundKpisForOutput(computeKpis(quarter));
    expect(JSON.stringify(output)).toBe(
      '{"from":"2024-01-01","to":"2024-03-31","days":91,"currency":"USD","creditSales":9000,"beginAr":5000,' +
        '"endAr":3000,"endCurrentAr":1000,"dso":{"simple":30.33,"countback":31},"bestPossibleDso":10.11,' +
        '"add":20.22,"cei":71.43}',
    );
  });

  it("reports null DSO ratios with a warning when there were no credit sales, and keeps the warnings on output", () => {
    const kpis = computeKpis({ ...quarter, creditSales: 0, monthlySales: [] });
    expect(kpis.dso.simple).toBeNull();
    expect(kpis.bestPossibleDso).toBeNull();
    expect(kpis.add).toBeNull();
    expect(kpis.dso.countback).toBeNull();
    expect(kpis.warnings).toEqual([
      "credit sales in USD from 2024-01-01 to 2024-03-31 are 0; DSO, best-possible DSO and average days delinquent are undefined",
      "DSO countback: credit sales back to the ledger's first month (2024-01) do not cover the AR of 3000 at 2024-03-31; 3000 remains unexplained",
    ]);
    const output = roundKpisForOutput(kpis);
    expect(output.dso).toEqual({ simple: null, countback: null });
    expect(output.warnings).toEqual(kpis.warnings);
  });

  it("reports a null CEI with a warning when nothing was collectible", () => {
    const kpis = computeKpis({ ...quarter, beginAr: 0, creditSales: 0, endAr: 0, endCurrentAr: 0 });
    expect(kpis.cei).toBeNull();
    expect(kpis.dso.countback).toBe(0);
    expect(kpis.warnings).toContain(
      "CEI is undefined for USD from 2024-01-01 to 2024-03-31: nothing was collectible",
    );
  });

  it("lets the countback walk back before `from`", () => {
    // period is March only; the 5,000 of AR needs March (31 days) and 2,000/3,000 of February (29 days)
    const kpis = computeKpis({ ...quarter, from: "2024-03-01", creditSales: 3_000, endAr: 5_000 });
    expect(kpis.dso.countback).toBe(31 + (2_000 * 29) / 3_000);
  });

  it("does not change the unrounded KPI object when rounding for output", () => {
    const kpis = computeKpis(quarter);
    const copy = structuredClone(kpis);
    roundKpisForOutput(kpis);
    expect(kpis).toEqual(copy);
  });
});

describe("rollRates", () => {
  it("divides what rolled from bucket n to n + 1 by bucket n's balance a month earlier", () => {
    const rates = rollRates({
      bucketCount: 5,
      previous: [
        { bucketIndex: 0, balance: 10_000 },
        { bucketIndex: 1, balance: 4_000 },
        { bucketIndex: 1, balance: 1_000 }, // rows of one bucket are summed: 5,000
        { bucketIndex: 2, balance: 2_000 },
      ],
      transitions: [
        { fromBucket: 0, toBucket: 1, balance: 3_000 },
        { fromBucket: 0, toBucket: 1, balance: 500 }, // 3,500 / 10,000 = 0.35
        { fromBucket: 0, toBucket: 0, balance: 999 }, // stayed: not a roll
        { fromBucket: 1, toBucket: 2, balance: 1_000 }, // 1,000 / 5,000 = 0.2
        { fromBucket: 1, toBucket: 3, balance: 777 }, // skipped a bucket: not a roll to n + 1
        { fromBucket: 2, toBucket: 3, balance: 2_000 }, // 2,000 / 2,000 = 1
      ],
    });
    expect(rates).toEqual([
      { from: 0, to: 1, rate: 0.35 },
      { from: 1, to: 2, rate: 0.2 },
      { from: 2, to: 3, rate: 1 },
      { from: 3, to: 4, rate: null }, // bucket 3 was empty at t − 1
    ]);
  });

  it("gives no rates with a single bucket", () => {
    expect(rollRates({ bucketCount: 1, previous: [], transitions: [] })).toEqual([]);
  });

  it("rejects bucket indexes outside the buckets and a bucket count below 1", () => {
    expect(() => rollRates({ bucketCount: 0, previous: [], transitions: [] })).toThrow(RangeError);
    expect(() =>
      rollRates({ bucketCount: 5, previous: [{ bucketIndex: 5, balance: 1 }], transitions: [] }),
    ).toThrow("bucket index 5 is outside 0…4");
    expect(() =>
      rollRates({ bucketCount: 5, previous: [], transitions: [{ fromBucket: 0, toBucket: -1, balance: 1 }] }),
    ).toThrow(RangeError);
    expect(() =>
      rollRates({ bucketCount: 5, previous: [{ bucketIndex: 0, balance: 0.5 }], transitions: [] }),
    ).toThrow(RangeError);
  });
});

describe("recoveryRate and costToCollect", () => {
  it("computes recovery rate 2,500 collected / 10,000 past due at start = 0.25", () => {
    expect(recoveryRate(2_500, 10_000)).toBe(0.25);
  });

  it("gives a null recovery rate when nothing was past due at the start", () => {
    expect(recoveryRate(0, 0)).toBeNull();
  });

  it("computes cost-to-collect 500 of costs / 10,000 collected = 0.05", () => {
    expect(costToCollect(500, 10_000)).toBe(0.05);
  });

  it("gives a null cost-to-collect when nothing was collected", () => {
    expect(costToCollect(500, 0)).toBeNull();
  });
});

describe("roundRatio", () => {
  it.each([
    [45.125, 2, 45.13],
    [-45.125, 2, -45.13],
    [41.9, 2, 41.9],
    [30.333333333333332, 2, 30.33],
    [66.66666666666667, 2, 66.67],
    // stored as 1.00499999999999989…, printed as 1.005: rounds as printed, like a reader expects
    [1.005, 2, 1.01],
    [2.675, 2, 2.68],
    [-2.675, 2, -2.68],
    [0.5, 0, 1],
    [-0.5, 0, -1],
    [2.5, 0, 3],
    [1e-7, 2, 0],
    [1.5e21, 2, 1.5e21],
    [123.456789, 4, 123.4568],
    [100, 2, 100],
  ])("rounds %d to %i decimals as %d, half away from zero", (x, digits, expected) => {
    expect(roundRatio(x, digits)).toBe(expected);
  });

  it("rounds to 2 decimals by default", () => {
    expect(roundRatio(20.225)).toBe(20.23);
  });

  it("never gives -0", () => {
    expect(Object.is(roundRatio(-0.001), 0)).toBe(true);
    expect(Object.is(roundRatio(-0), 0)).toBe(true);
  });

  it("keeps null", () => {
    expect(roundRatio(null)).toBeNull();
  });

  it("rejects infinities and NaN, and impossible digit counts", () => {
    expect(() => roundRatio(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => roundRatio(Number.NaN)).toThrow(RangeError);
    expect(() => roundRatio(1, -1)).toThrow(RangeError);
    expect(() => roundRatio(1, 1.5)).toThrow(RangeError);
  });

  it("property: the result is within half a unit of the last digit and has at most that many decimals", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        fc.integer({ min: 0, max: 6 }),
        (x, digits) => {
          const rounded = roundRatio(x, digits)!;
          // the difference itself is computed in doubles, so allow a few units in the last place of x
          const representationSlack = 4 * Number.EPSILON * Math.max(1, Math.abs(x));
          expect(Math.abs(rounded - x)).toBeLessThanOrEqual(0.5 * 10 ** -digits + representationSlack);
          const decimals = String(rounded).split(".")[1] ?? "";
          if (!String(rounded).includes("e")) expect(decimals.length).toBeLessThanOrEqual(digits);
        },
      ),
    );
  });

  it("property: rounding is symmetric around zero", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), (x) => {
        expect(roundRatio(-x)).toBe(roundRatio(x) === 0 ? 0 : -roundRatio(x)!);
      }),
    );
  });
});
