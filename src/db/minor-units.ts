/**
 * A money value read from SQL: sum() of bigint is numeric in PostgreSQL and arrives as a string;
 * it must stay an exact integer. NULL (a sum over nothing) is 0.
 */
export function toMinorUnits(value: string | number | null): number {
  if (value === null) return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount ${value} is not a safe integer`);
  return n;
}
