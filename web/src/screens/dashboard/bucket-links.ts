import { addDays } from "../../format";

/**
 * The invoices list's due-date range for an aging bucket as of a day (due basis, DESIGN 5.3):
 * "current" is due on or after the day, "31-60" is 31 to 60 days past due, "90+" more than 90.
 * This only turns a bucket into list filters; the amounts themselves come from the server.
 */
export function invoiceFiltersForBucket(
  bucket: string,
  asOf: string,
): { dueAfter?: string; dueBefore?: string } {
  if (bucket === "current") return { dueAfter: addDays(asOf, -1) };
  const range = /^(\d+)-(\d+)$/.exec(bucket);
  if (range) {
    const [from, to] = [Number(range[1]), Number(range[2])];
    return { dueAfter: addDays(asOf, -to - 1), dueBefore: addDays(asOf, -from + 1) };
  }
  const over = /^(\d+)\+$/.exec(bucket);
  if (over) return { dueBefore: addDays(asOf, -Number(over[1])) };
  return {};
}

export function bucketLabel(key: string): string {
  if (key === "current") return "Not yet due";
  return key.endsWith("+") ? `${key.slice(0, -1)}+ days` : `${key} days`;
}
