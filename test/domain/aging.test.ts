import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  DEFAULT_BUCKET_BOUNDS,
  ageOpenItems,
  assertBucketBounds,
  bucketFor,
  bucketIndexFor,
  bucketKeys,
  buildAgingReport,
  parseBucketBounds,
  type AgingBasis,
  type AgingBucketRow,
  type OpenItem,
  type UnappliedRow,
} from "../../src/domain/aging.js";
import { addDays, daysBetween } from "../../src/domain/calendar-date.js";

const bounds = DEFAULT_BUCKET_BOUNDS;

describe("parseBucketBounds", () => {
  it.each([
    ["30,60,90", [30, 60, 90]],
    ["15", [15]],
    ["7,14,30,60,90,180", [7, 14, 30, 60, 90, 180]],
    [" 30 , 60 ,90 ", [30, 60, 90]],
    ["1,2", [1, 2]],
  ])("parses %j as %j", (text, expected) => {
    expect(parseBucketBounds(text)).toEqual(expected);
  });

  it.each([
    ["", 'bucket bounds are empty; expected whole numbers of days such as "30,60,90"'],
    ["  ", 'bucket bounds are empty; expected whole numbers of days such as "30,60,90"'],
    ["30,x", 'bucket bounds "30,x": "x" is not a whole number of days (expected e.g. "30,60,90")'],
    ["30.5", 'bucket bounds "30.5": "30.5" is not a whole number of days (expected e.g. "30,60,90")'],
    ["-30", 'bucket bounds "-30": "-30" is not a whole number of days (expected e.g. "30,60,90")'],
    ["1e2", 'bucket bounds "1e2": "1e2" is not a whole number of days (expected e.g. "30,60,90")'],
    ["30,,60", 'bucket bounds "30,,60": "" is not a whole number of days (expected e.g. "30,60,90")'],
    ["30,60,", 'bucket bounds "30,60,": "" is not a whole number of days (expected e.g. "30,60,90")'],
    ["0,30", 'bucket bounds "0,30": bound 0 is not a positive whole number of days'],
    [
      "30,30",
      'bucket bounds "30,30": bound 30 does not exceed the bound before it (30); bounds must increase',
    ],
    [
      "60,30",
      'bucket bounds "60,30": bound 30 does not exceed the bound before it (60); bounds must increase',
    ],
    ["99999999999999999999", 'bucket bounds "99999999999999999999": 99999999999999999999 is too large'],
  ])("rejects %j with a precise RangeError", (text, message) => {
    expect(() => parseBucketBounds(text)).toThrow(new RangeError(message));
  });

  it("property: printing valid bounds with commas parses back to the same bounds", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 10 }),
        (raw) => {
          const sorted = [...raw].sort((a, b) => a - b);
          expect(parseBucketBounds(sorted.join(","))).toEqual(sorted);
        },
      ),
    );
  });
});

describe("assertBucketBounds", () => {
  it("rejects an empty list of bounds", () => {
    expect(() => assertBucketBounds([])).toThrow("at least one bucket bound is needed");
  });

  it("rejects a fractional bound", () => {
    expect(() => assertBucketBounds([30.5])).toThrow("bound 30.5 is not a positive whole number of days");
  });
});

describe("bucketKeys", () => {
  it("names the default due-basis buckets current, 1-30, 31-60, 61-90, 90+", () => {
    expect(bucketKeys(bounds, "due")).toEqual(["current", "1-30", "31-60", "61-90", "90+"]);
  });

  it("names the default issue-basis buckets 0-30, 31-60, 61-90, 90+ with no current bucket", () => {
    expect(bucketKeys(bounds, "issue")).toEqual(["0-30", "31-60", "61-90", "90+"]);
  });

  it("derives custom buckets from the bounds", () => {
    expect(bucketKeys([15, 45], "due")).toEqual(["current", "1-15", "16-45", "45+"]);
    expect(bucketKeys([15, 45], "issue")).toEqual(["0-15", "16-45", "45+"]);
    expect(bucketKeys([1], "due")).toEqual(["current", "1-1", "1+"]);
  });

  it("uses the due basis by default", () => {
    expect(bucketKeys(bounds)).toEqual(bucketKeys(bounds, "due"));
  });
});

describe("bucketFor and bucketIndexFor", () => {
  it.each([
    // days = as-of − due date
    [-400, "current", 0],
    [-1, "current", 0],
    [0, "current", 0],
    [1, "1-30", 1],
    [30, "1-30", 1],
    [31, "31-60", 2],
    [60, "31-60", 2],
    [61, "61-90", 3],
    [90, "61-90", 3],
    [91, "90+", 4],
    [10_000, "90+", 4],
  ])("on the due basis puts %i days past due in %s (index %i)", (days, key, index) => {
    expect(bucketFor(days, bounds, "due")).toBe(key);
    expect(bucketIndexFor(days, bounds, "due")).toBe(index);
  });

  it.each([
    // days = as-of − issue date
    [0, "0-30", 0],
    [1, "0-30", 0],
    [30, "0-30", 0],
    [31, "31-60", 1],
    [60, "31-60", 1],
    [61, "61-90", 2],
    [90, "61-90", 2],
    [91, "90+", 3],
  ])("on the issue basis puts an invoice aged %i days in %s (index %i)", (days, key, index) => {
    expect(bucketFor(days, bounds, "issue")).toBe(key);
    expect(bucketIndexFor(days, bounds, "issue")).toBe(index);
  });

  it("refuses a negative age on the issue basis: an invoice issued after the as-of date has no bucket", () => {
    expect(() => bucketIndexFor(-1, bounds, "issue")).toThrow(/issued after the as-of date/);
  });

  it("refuses a fractional age", () => {
    expect(() => bucketIndexFor(1.5, bounds, "due")).toThrow("age 1.5 is not a whole number of days");
  });

  it("refuses invalid bounds", () => {
    expect(() => bucketIndexFor(1, [60, 30], "due")).toThrow(RangeError);
  });

  const boundsArbitrary = fc
    .uniqueArray(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 8 })
    .map((raw) => [...raw].sort((a, b) => a - b));
  const basisArbitrary = fc.constantFrom<AgingBasis>("due", "issue");

  it("property: every age lands in exactly one bucket whose range contains it", () => {
    fc.assert(
      fc.property(
        boundsArbitrary,
        basisArbitrary,
        fc.integer({ min: -500, max: 1000 }),
        (b, basis, rawDays) => {
          const days = basis === "issue" ? Math.abs(rawDays) : rawDays;
          const keys = bucketKeys(b, basis);
          const index = bucketIndexFor(days, b, basis);
          expect(index).toBeGreaterThanOrEqual(0);
          expect(index).toBeLessThan(keys.length);
          const containing = keys.filter((key) => keyContains(key, days));
          expect(containing).toEqual([keys[index]]);
        },
      ),
    );
  });

  it("property: an older item never lands in a younger bucket", () => {
    fc.assert(
      fc.property(
        boundsArbitrary,
        basisArbitrary,
        fc.nat({ max: 1000 }),
        fc.nat({ max: 1000 }),
        (b, basis, x, y) => {
          const [younger, older] = x <= y ? [x, y] : [y, x];
          expect(bucketIndexFor(younger, b, basis)).toBeLessThanOrEqual(bucketIndexFor(older, b, basis));
        },
      ),
    );
  });
});

/** Reads the range a bucket key stands for: "current" ≤ 0, "a-b" a…b, "n+" > n. */
function keyContains(key: string, days: number): boolean {
  if (key === "current") return days <= 0;
  if (key.endsWith("+")) return days > Number(key.slice(0, -1));
  const [low, high] = key.split("-").map(Number);
  return days >= low! && days <= high!;
}

function item(overrides: Partial<OpenItem>): OpenItem {
  return {
    customerRef: "C1",
    name: "Acme",
    currency: "USD",
    issueDate: "2024-01-01",
    dueDate: "2024-01-31",
    openAmount: 1_000,
    ...overrides,
  };
}

describe("ageOpenItems", () => {
  it("buckets by days past due and sums per customer and bucket (worked example as of 2024-03-31)", () => {
    const rows = ageOpenItems(
      [
        // due 2024-03-31: 0 days past due → current
        item({ dueDate: "2024-03-31", openAmount: 500 }),
        // due 2024-03-01: 30 days past due → 1-30
        item({ dueDate: "2024-03-01", openAmount: 1_000 }),
        // due 2024-02-29: 31 days past due → 31-60
        item({ dueDate: "2024-02-29", openAmount: 2_000 }),
        // due 2024-03-15: 16 days past due → 1-30, summed with the 1,000 above
        item({ dueDate: "2024-03-15", openAmount: 250 }),
        // due 2023-12-31: 91 days past due → 90+
        item({ issueDate: "2023-12-01", dueDate: "2023-12-31", openAmount: 4_000 }),
        item({ customerRef: "C0", name: "Zeta", dueDate: "2024-04-30", openAmount: 70 }),
      ],
      { asOf: "2024-03-31" },
    );
    expect(rows).toEqual([
      { customerRef: "C0", name: "Zeta", currency: "USD", bucketIndex: 0, amount: 70 },
      { customerRef: "C1", name: "Acme", currency: "USD", bucketIndex: 0, amount: 500 },
      { customerRef: "C1", name: "Acme", currency: "USD", bucketIndex: 1, amount: 1_250 },
      { customerRef: "C1", name: "Acme", currency: "USD", bucketIndex: 2, amount: 2_000 },
      { customerRef: "C1", name: "Acme", currency: "USD", bucketIndex: 4, amount: 4_000 },
    ]);
  });

  it("on the issue basis ages from the issue date (2024-01-01 is 90 days old on 2024-03-31 → 61-90)", () => {
    const rows = ageOpenItems([item({ issueDate: "2024-01-01", dueDate: "2024-12-31" })], {
      asOf: "2024-03-31",
      basis: "issue",
    });
    expect(rows).toEqual([
      { customerRef: "C1", name: "Acme", currency: "USD", bucketIndex: 2, amount: 1_000 },
    ]);
  });

  it("leaves out items issued after the as-of date and items with nothing open", () => {
    const rows = ageOpenItems(
      [
        item({ issueDate: "2024-04-01", dueDate: "2024-05-01" }),
        item({ openAmount: 0 }),
        item({ issueDate: "2024-03-31", dueDate: "2024-04-30", openAmount: 9 }),
      ],
      { asOf: "2024-03-31" },
    );
    expect(rows).toEqual([{ customerRef: "C1", name: "Acme", currency: "USD", bucketIndex: 0, amount: 9 }]);
  });

  it("keeps a negative open amount (an overpaid invoice) in its bucket", () => {
    const rows = ageOpenItems([item({ openAmount: -300 })], { asOf: "2024-02-15" });
    expect(rows).toEqual([
      { customerRef: "C1", name: "Acme", currency: "USD", bucketIndex: 1, amount: -300 },
    ]);
  });

  it("keeps one customer's currencies apart", () => {
    const rows = ageOpenItems([item({ currency: "USD" }), item({ currency: "EUR", openAmount: 2 })], {
      asOf: "2024-01-31",
    });
    expect(rows.map((r) => [r.currency, r.amount])).toEqual([
      ["EUR", 2],
      ["USD", 1_000],
    ]);
  });

  it("honours custom bounds", () => {
    // 20 days past due with bounds 15,45 → "16-45", index 2
    const rows = ageOpenItems([item({ dueDate: "2024-01-11" })], { asOf: "2024-01-31", bounds: [15, 45] });
    expect(rows[0]!.bucketIndex).toBe(2);
  });

  it("rejects malformed dates and amounts instead of misfiling them", () => {
    expect(() => ageOpenItems([item({ dueDate: "2024-02-30" })], { asOf: "2024-03-31" })).toThrow(RangeError);
    expect(() => ageOpenItems([item({})], { asOf: "31/03/2024" })).toThrow(RangeError);
    expect(() => ageOpenItems([item({ openAmount: 1.5 })], { asOf: "2024-03-31" })).toThrow(RangeError);
  });

  const itemsArbitrary = fc.array(
    fc.record({
      customerRef: fc.constantFrom("C1", "C2", "C3"),
      currency: fc.constantFrom("USD", "EUR", "JPY"),
      issueOffset: fc.integer({ min: -400, max: 30 }),
      termsDays: fc.integer({ min: 0, max: 120 }),
      openAmount: fc.integer({ min: -1_000_000, max: 1_000_000 }),
    }),
    { maxLength: 60 },
  );

  it("property: every open item lands in exactly one bucket and bucket totals equal the open total", () => {
    const asOf = "2024-06-30";
    fc.assert(
      fc.property(itemsArbitrary, fc.constantFrom<AgingBasis>("due", "issue"), (generated, basis) => {
        const items = generated.map((g) =>
          item({
            customerRef: g.customerRef,
            currency: g.currency,
            issueDate: addDays(asOf, g.issueOffset),
            dueDate: addDays(asOf, g.issueOffset + g.termsDays),
            openAmount: g.openAmount,
          }),
        );
        const rows = ageOpenItems(items, { asOf, basis });
        const keyCount = bucketKeys(bounds, basis).length;
        for (const row of rows) {
          expect(row.bucketIndex).toBeGreaterThanOrEqual(0);
          expect(row.bucketIndex).toBeLessThan(keyCount);
        }
        const inAging = generated.filter((g) => g.issueOffset <= 0 && g.openAmount !== 0);
        for (const currency of ["USD", "EUR", "JPY"]) {
          const expected = inAging
            .filter((g) => g.currency === currency)
            .reduce((s, g) => s + g.openAmount, 0);
          const actual = rows.filter((r) => r.currency === currency).reduce((s, r) => s + r.amount, 0);
          expect(actual).toBe(expected);
        }
        // one row per (currency, customer, bucket): nothing is double-counted
        const keys = rows.map((r) => `${r.currency}/${r.customerRef}/${r.bucketIndex}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
    );
  });
});

describe("buildAgingReport", () => {
  const row = (overrides: Partial<AgingBucketRow>): AgingBucketRow => ({
    customerRef: "C1",
    name: "Acme",
    currency: "USD",
    bucketIndex: 0,
    amount: 0,
    ...overrides,
  });
  const unapplied = (overrides: Partial<UnappliedRow>): UnappliedRow => ({
    customerRef: "C1",
    name: "Acme",
    currency: "USD",
    amount: 0,
    ...overrides,
  });

  it("produces exactly the JSON of `recoup aging --json`, every bucket present and unapplied shown apart", () => {
    const report = buildAgingReport({
      asOf: "2013-06-30",
      basis: "due",
      bounds: [30, 60, 90],
      bucketRows: [
        row({ customerRef: "0379-NEVHP", name: "Nevada", bucketIndex: 0, amount: 5_000 }),
        row({ customerRef: "0379-NEVHP", name: "Nevada", bucketIndex: 0, amount: 594 }),
        row({ customerRef: "0001-ALPHA", name: "Alpha", bucketIndex: 4, amount: 10_000 }),
      ],
      unappliedRows: [unapplied({ customerRef: "0001-ALPHA", name: "Alpha", amount: -1_000 })],
    });
    const zeroBuckets = { current: 0, "1-30": 0, "31-60": 0, "61-90": 0, "90+": 0 };
    const buckets = (amounts: Partial<typeof zeroBuckets>) =>
      Object.entries({ ...zeroBuckets, ...amounts }).map(([key, amount]) => ({ key, amount }));
    const expected = {
      asOf: "2013-06-30",
      basis: "due",
      bucketBounds: [30, 60, 90],
      totals: [
        // 5,594 + 10,000 = 15,594; unapplied −1,000 is not netted into the total
        {
          currency: "USD",
          total: 15_594,
          unapplied: -1_000,
          buckets: buckets({ current: 5_594, "90+": 10_000 }),
        },
      ],
      customers: [
        {
          customerRef: "0001-ALPHA",
          name: "Alpha",
          currency: "USD",
          total: 10_000,
          unapplied: -1_000,
          buckets: buckets({ "90+": 10_000 }),
        },
        {
          customerRef: "0379-NEVHP",
          name: "Nevada",
          currency: "USD",
          total: 5_594,
          unapplied: 0,
          buckets: buckets({ current: 5_594 }),
        },
      ],
    };
    // Comparing the serialised text also pins the key order of the contract.
    expect(JSON.stringify(report)).toBe(JSON.stringify(expected));
  });

  it("uses the issue-basis bucket keys when the basis is issue", () => {
    const report = buildAgingReport({
      asOf: "2024-03-31",
      basis: "issue",
      bounds: [30, 60, 90],
      bucketRows: [row({ bucketIndex: 3, amount: 7 })],
      unappliedRows: [],
    });
    expect(report.customers[0]!.buckets).toEqual([
      { key: "0-30", amount: 0 },
      { key: "31-60", amount: 0 },
      { key: "61-90", amount: 0 },
      { key: "90+", amount: 7 },
    ]);
  });

  it("lists a customer that has only unapplied cash, with zero buckets and a zero total", () => {
    const report = buildAgingReport({
      asOf: "2024-03-31",
      basis: "due",
      bounds,
      bucketRows: [],
      unappliedRows: [unapplied({ amount: -400 }), unapplied({ amount: -100 })],
    });
    expect(report.customers).toEqual([
      {
        customerRef: "C1",
        name: "Acme",
        currency: "USD",
        total: 0,
        unapplied: -500,
        buckets: bucketKeys(bounds, "due").map((key) => ({ key, amount: 0 })),
      },
    ]);
    expect(report.totals).toEqual([
      { currency: "USD", total: 0, unapplied: -500, buckets: report.customers[0]!.buckets },
    ]);
  });

  it("lists a customer whose buckets net to zero but leaves out a customer whose amounts are all zero", () => {
    const report = buildAgingReport({
      asOf: "2024-03-31",
      basis: "due",
      bounds,
      bucketRows: [
        row({ customerRef: "NETS", bucketIndex: 0, amount: -100 }),
        row({ customerRef: "NETS", bucketIndex: 2, amount: 100 }),
        row({ customerRef: "ZERO", bucketIndex: 1, amount: 0 }),
      ],
      unappliedRows: [unapplied({ customerRef: "ZERO", amount: 0 })],
    });
    expect(report.customers.map((c) => [c.customerRef, c.total])).toEqual([["NETS", 0]]);
  });

  it("sorts customers by currency then customer ref and totals by currency, in code-unit order", () => {
    const report = buildAgingReport({
      asOf: "2024-03-31",
      basis: "due",
      bounds,
      bucketRows: [
        row({ customerRef: "b", currency: "USD", amount: 1 }),
        row({ customerRef: "B", currency: "USD", amount: 2 }),
        row({ customerRef: "a", currency: "EUR", amount: 3 }),
        row({ customerRef: "A", currency: "JPY", amount: 4 }),
      ],
      unappliedRows: [unapplied({ customerRef: "C", currency: "EUR", amount: -5 })],
    });
    expect(report.customers.map((c) => `${c.currency}/${c.customerRef}`)).toEqual([
      "EUR/C",
      "EUR/a",
      "JPY/A",
      "USD/B",
      "USD/b",
    ]);
    expect(report.totals.map((t) => [t.currency, t.total, t.unapplied])).toEqual([
      ["EUR", 3, -5],
      ["JPY", 4, 0],
      ["USD", 3, 0],
    ]);
  });

  it("gives empty totals and customers when nothing is open", () => {
    const report = buildAgingReport({
      asOf: "2024-03-31",
      basis: "due",
      bounds,
      bucketRows: [],
      unappliedRows: [],
    });
    expect(report).toEqual({
      asOf: "2024-03-31",
      basis: "due",
      bucketBounds: [30, 60, 90],
      totals: [],
      customers: [],
    });
  });

  it("rejects a bucket index outside the buckets", () => {
    const build = (bucketIndex: number) => () =>
      buildAgingReport({
        asOf: "2024-03-31",
        basis: "issue",
        bounds,
        bucketRows: [row({ bucketIndex })],
        unappliedRows: [],
      });
    expect(build(4)).toThrow("bucket index 4 of customer C1 is outside 0…3");
    expect(build(-1)).toThrow(RangeError);
    expect(build(0.5)).toThrow(RangeError);
  });

  it("rejects amounts that are not integer minor units", () => {
    expect(() =>
      buildAgingReport({
        asOf: "2024-03-31",
        basis: "due",
        bounds,
        bucketRows: [row({ amount: 0.1 })],
        unappliedRows: [],
      }),
    ).toThrow(RangeError);
  });

  it("does not share the bounds array it was given", () => {
    const given = [30, 60, 90];
    const report = buildAgingReport({
      asOf: "2024-03-31",
      basis: "due",
      bounds: given,
      bucketRows: [],
      unappliedRows: [],
    });
    given.push(120);
    expect(report.bucketBounds).toEqual([30, 60, 90]);
  });

  const customerRef = fc.constantFrom("C1", "C2", "C3", "C4");
  const currency = fc.constantFrom("USD", "EUR", "KWD");
  const amount = fc.integer({ min: -10_000_000, max: 10_000_000 });

  it("property: totals equal the sum of customers, and each customer's total is the sum of its buckets", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ customerRef, currency, bucketIndex: fc.integer({ min: 0, max: 4 }), amount })),
        fc.array(fc.record({ customerRef, currency, amount })),
        (bucketRows, unappliedRows) => {
          const report = buildAgingReport({
            asOf: "2024-03-31",
            basis: "due",
            bounds,
            bucketRows: bucketRows.map((r) => ({ ...r, name: r.customerRef })),
            unappliedRows: unappliedRows.map((r) => ({ ...r, name: r.customerRef })),
          });
          for (const customer of report.customers) {
            expect(customer.buckets.map((b) => b.key)).toEqual(bucketKeys(bounds, "due"));
            expect(customer.total).toBe(customer.buckets.reduce((s, b) => s + b.amount, 0));
          }
          for (const total of report.totals) {
            const ofCurrency = report.customers.filter((c) => c.currency === total.currency);
            expect(total.total).toBe(ofCurrency.reduce((s, c) => s + c.total, 0));
            expect(total.unapplied).toBe(ofCurrency.reduce((s, c) => s + c.unapplied, 0));
            total.buckets.forEach((bucket, index) => {
              expect(bucket.amount).toBe(ofCurrency.reduce((s, c) => s + c.buckets[index]!.amount, 0));
            });
            // and the totals equal the input rows of that currency, nothing lost on the way
            expect(total.total).toBe(
              bucketRows.filter((r) => r.currency === total.currency).reduce((s, r) => s + r.amount, 0),
            );
          }
          expect(report.totals.map((t) => t.currency)).toEqual(
            [...new Set(report.customers.map((c) => c.currency))].sort(),
          );
        },
      ),
    );
  });

  it("property: the report agrees with the reference aging on the same open items", () => {
    const asOf = "2024-06-30";
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            customerRef,
            currency,
            dueOffset: fc.integer({ min: -200, max: 60 }),
            openAmount: amount,
          }),
        ),
        (generated) => {
          const items = generated.map((g) =>
            item({
              customerRef: g.customerRef,
              name: g.customerRef,
              currency: g.currency,
              issueDate: addDays(asOf, Math.min(0, g.dueOffset) - 30),
              dueDate: addDays(asOf, g.dueOffset),
              openAmount: g.openAmount,
            }),
          );
          const report = buildAgingReport({
            asOf,
            basis: "due",
            bounds,
            bucketRows: ageOpenItems(items, { asOf }),
            unappliedRows: [],
          });
          for (const customer of report.customers) {
            for (const [index, bucket] of customer.buckets.entries()) {
              const expected = items
                .filter((i) => i.customerRef === customer.customerRef && i.currency === customer.currency)
                .filter((i) => bucketIndexFor(daysBetween(i.dueDate, asOf), bounds, "due") === index)
                .reduce((s, i) => s + i.openAmount, 0);
              expect(bucket.amount).toBe(expected);
            }
          }
        },
      ),
    );
  });
});
