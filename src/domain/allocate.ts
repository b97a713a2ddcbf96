/**
 * Splitting an amount of minor units into parts without creating or losing a single unit.
 *
 * Both functions work on integers only and place the remainder by an explicit rule, so the parts
 * always sum exactly to the total and the same input always gives the same split.
 */
import { assertMinorUnits } from "./money.js";

/**
 * Splits `total` minor units into `parts` parts that differ by at most one unit, the larger parts
 * first. A negative total is split like its absolute value and negated, so a refund mirrors the
 * charge it reverses (the parts with the larger magnitude come first).
 *
 * @example allocate(100, 3) // [34, 33, 33]
 */
export function allocate(total: number, parts: number): number[] {
  assertMinorUnits(total);
  if (!Number.isSafeInteger(parts) || parts < 1) {
    throw new RangeError(`cannot split into ${parts} parts; the number of parts must be a positive integer`);
  }
  const magnitude = Math.abs(total);
  const base = Math.floor(magnitude / parts);
  const unitsLeftOver = magnitude % parts;
  const sign = total < 0 ? -1 : 1;
  return Array.from({ length: parts }, (_, index) => {
    const share = base + (index < unitsLeftOver ? 1 : 0);
    // `0 * -1` is -0, which would print as "0" but fail Object.is equality with 0.
    return share === 0 ? 0 : sign * share;
  });
}

/**
 * Splits `total` minor units in proportion to `weights` by the largest-remainder method: each
 * part first gets the floor of its exact proportional share, then the units still left over go
 * one each to the parts with the largest remainders, the lower index winning a tie.
 *
 * The arithmetic is exact (bigint over the exact binary value of each weight), so weights may be
 * amounts in minor units or fractions such as 0.25. A zero weight always gets 0. A negative total
 * is split like its absolute value and negated. Weights must be finite, non-negative and not all
 * zero.
 *
 * @example allocateByWeights(100, [1, 2]) // [33, 67]: exact shares 33.33… and 66.66…, the larger remainder gets the spare unit
 */
export function allocateByWeights(total: number, weights: readonly number[]): number[] {
  assertMinorUnits(total);
  if (weights.length === 0) throw new RangeError("cannot allocate over an empty list of weights");
  weights.forEach((weight, index) => {
    if (!Number.isFinite(weight) || weight < 0) {
      throw new RangeError(`weight ${weight} at index ${index} is not a finite non-negative number`);
    }
  });
  if (weights.every((weight) => weight === 0)) {
    throw new RangeError("cannot allocate when every weight is zero");
  }

  const scaledWeights = toCommonScaleIntegers(weights);
  const weightSum = scaledWeights.reduce((sum, weight) => sum + weight, 0n);
  const magnitude = BigInt(Math.abs(total));

  const shares = scaledWeights.map((weight) => (magnitude * weight) / weightSum);
  const remainders = scaledWeights.map((weight) => (magnitude * weight) % weightSum);
  const unitsLeftOver = Number(magnitude - shares.reduce((sum, share) => sum + share, 0n));

  // Fewer units are left over than there are non-zero remainders (the remainders sum to
  // unitsLeftOver × weightSum and each is below weightSum), so a zero weight never gets one.
  const byLargestRemainder = remainders
    .map((remainder, index) => ({ remainder, index }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of byLargestRemainder.slice(0, unitsLeftOver)) shares[index]! += 1n;

  const sign = total < 0 ? -1 : 1;
  return shares.map((share) => (share === 0n ? 0 : sign * Number(share)));
}

/**
 * Every finite double is an integer times a power of two, so multiplying each weight by the same
 * power of two turns all of them into exact integers with unchanged proportions.
 */
function toCommonScaleIntegers(weights: readonly number[]): bigint[] {
  const dyadic = weights.map((weight) => {
    let mantissa = weight;
    let binaryPlaces = 0;
    // Doubling a double is exact (no overflow here: a fractional double is below 2^53).
    while (!Number.isInteger(mantissa)) {
      mantissa *= 2;
      binaryPlaces += 1;
    }
    return { mantissa: BigInt(mantissa), binaryPlaces };
  });
  const commonPlaces = Math.max(...dyadic.map((d) => d.binaryPlaces));
  return dyadic.map((d) => d.mantissa << BigInt(commonPlaces - d.binaryPlaces));
}
