import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { allocate, allocateByWeights } from "../../src/domain/allocate.js";

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const safeTotal = fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 });

describe("allocate", () => {
  it.each([
    // total, parts, expected: 100 = 34 + 33 + 33, the spare unit on the first part
    [100, 3, [34, 33, 33]],
    [101, 3, [34, 34, 33]],
    [99, 3, [33, 33, 33]],
    [2, 5, [1, 1, 0, 0, 0]],
    [0, 4, [0, 0, 0, 0]],
    [7, 1, [7]],
    [-100, 3, [-34, -33, -33]],
    [-2, 5, [-1, -1, 0, 0, 0]],
  ])("splits %i into %i parts as %j", (total, parts, expected) => {
    expect(allocate(total, parts)).toEqual(expected);
  });

  it("never returns -0 for an empty part of a negative total", () => {
    for (const part of allocate(-1, 3).slice(1)) expect(Object.is(part, 0)).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects %s parts", (parts) => {
    expect(() => allocate(100, parts)).toThrow(/positive integer/);
  });

  it("rejects a total that is not an integer number of minor units", () => {
    expect(() => allocate(10.5, 2)).toThrow(RangeError);
    expect(() => allocate(2 ** 53, 2)).toThrow(RangeError);
  });

  it("property: parts sum exactly to the total, differ by at most 1 and come larger first", () => {
    fc.assert(
      fc.property(safeTotal, fc.integer({ min: 1, max: 200 }), (total, parts) => {
        const split = allocate(total, parts);
        expect(split).toHaveLength(parts);
        expect(sum(split)).toBe(total);
        const magnitudes = split.map(Math.abs);
        expect(Math.max(...magnitudes) - Math.min(...magnitudes)).toBeLessThanOrEqual(1);
        for (let i = 1; i < magnitudes.length; i++)
          expect(magnitudes[i]).toBeLessThanOrEqual(magnitudes[i - 1]!);
      }),
    );
  });

  it("property: a negative total is the mirror of the positive one", () => {
    fc.assert(
      fc.property(safeTotal, fc.integer({ min: 1, max: 50 }), (total, parts) => {
        expect(allocate(-total, parts)).toEqual(
          allocate(total, parts).map((part) => (part === 0 ? 0 : -part)),
        );
      }),
    );
  });
});

describe("allocateByWeights", () => {
  it.each([
    // 100 × 1/3 = 33.33…, 100 × 2/3 = 66.66…: floors 33 + 66, the larger remainder (.66) gets the spare unit
    [100, [1, 2], [33, 67]],
    // equal weights: equal remainders, the lower index wins the tie
    [100, [1, 1, 1], [34, 33, 33]],
    [1, [1, 1], [1, 0]],
    // a payment of 10.00 over invoices open 3.00 and 7.00 splits exactly
    [1_000, [300, 700], [300, 700]],
    // zero weights get nothing, even when units are left over
    [10, [0, 1, 1], [0, 5, 5]],
    [1, [0, 1, 1], [0, 1, 0]],
    [5, [0, 0, 3], [0, 0, 5]],
    // fractional weights are taken at their exact binary value: 0.1 + 0.2 + 0.7 still splits 10/20/70
    [100, [0.1, 0.2, 0.7], [10, 20, 70]],
    [100, [0.25, 0.75], [25, 75]],
    // negative totals mirror positive ones
    [-100, [1, 2], [-33, -67]],
    [0, [1, 2, 3], [0, 0, 0]],
    // extreme weight ratios stay exact
    [7, [Number.MIN_VALUE, 1e300], [0, 7]],
  ])("splits %i by weights %j as %j", (total, weights, expected) => {
    expect(allocateByWeights(total, weights)).toEqual(expected);
  });

  it("rejects an empty list of weights", () => {
    expect(() => allocateByWeights(100, [])).toThrow("cannot allocate over an empty list of weights");
  });

  it("rejects weights that are all zero", () => {
    expect(() => allocateByWeights(100, [0, 0])).toThrow("cannot allocate when every weight is zero");
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])("rejects the weight %s", (weight) => {
    expect(() => allocateByWeights(100, [1, weight])).toThrow(
      /at index 1 is not a finite non-negative number/,
    );
  });

  it("rejects a total that is not an integer number of minor units", () => {
    expect(() => allocateByWeights(0.5, [1])).toThrow(RangeError);
  });

  const weightLists = fc.array(fc.oneof(fc.nat({ max: 1_000_000 }), fc.constant(0)), {
    minLength: 1,
    maxLength: 30,
  });

  it("property: shares sum exactly, stay within one unit of the exact proportion, and zero weights get 0", () => {
    fc.assert(
      fc.property(
        safeTotal,
        weightLists.filter((weights) => weights.some((w) => w > 0)),
        (total, weights) => {
          const shares = allocateByWeights(total, weights);
          expect(shares).toHaveLength(weights.length);
          expect(sum(shares)).toBe(total);
          const weightSum = BigInt(sum(weights));
          shares.forEach((share, index) => {
            const weight = weights[index]!;
            if (weight === 0) expect(share).toBe(0);
            // |share × W − total × w| < W, i.e. the share is the floor or the ceiling of the exact share
            const error = BigInt(share) * weightSum - BigInt(total) * BigInt(weight);
            expect(error < 0n ? -error : error).toBeLessThan(weightSum);
          });
        },
      ),
    );
  });

  it("property: with equal weights it splits like allocate", () => {
    fc.assert(
      fc.property(
        safeTotal,
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 1000 }),
        (total, n, w) => {
          expect(allocateByWeights(total, Array<number>(n).fill(w))).toEqual(allocate(total, n));
        },
      ),
    );
  });

  it("property: scaling every weight by the same power of two changes nothing", () => {
    fc.assert(
      fc.property(
        safeTotal,
        weightLists.filter((weights) => weights.some((w) => w > 0)),
        fc.integer({ min: -20, max: 20 }),
        (total, weights, exponent) => {
          const scaled = weights.map((w) => w * 2 ** exponent);
          expect(allocateByWeights(total, scaled)).toEqual(allocateByWeights(total, weights));
        },
      ),
    );
  });
});
