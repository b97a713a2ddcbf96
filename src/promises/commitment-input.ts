/**
 * What promises and plans take from their callers, checked the same way: the business date, a
 * date, an amount, free text, and the customer row locked for the transaction.
 */
import type { Clock } from "../clock.js";
import type { Queryable } from "../db/queryable.js";
import { parseCalendarDate, todayIn } from "../domain/calendar-date.js";
import { parseMinorUnits } from "../domain/money.js";
import { RecoupError } from "../errors.js";

/**
 * The business date a resolution command is recorded on (DESIGN 5.6 `--as-of`): the given date,
 * checked, or today in the organisation's time zone.
 *
 * @example businessDate({ asOf: undefined, clock, timeZone: "Europe/Paris" }) // "2026-04-15"
 */
export function businessDate(options: { asOf?: string | undefined; clock: Clock; timeZone: string }): string {
  if (options.asOf === undefined) return todayIn(options.clock.now(), options.timeZone);
  return calendarDate(options.asOf, "--as-of");
}

/** A YYYY-MM-DD date from a user, or INVALID_DATE naming the field. @example calendarDate("2026-02-30", "--date") // throws */
export function calendarDate(text: string, field: string): string {
  try {
    return parseCalendarDate(text);
  } catch (error) {
    throw new RecoupError("INVALID_DATE", `${field}: ${(error as Error).message}`);
  }
}

interface LockedCustomer {
  id: number;
  customer_ref: string;
  currency: string;
  collector_email: string | null;
  primary_contact: string | null;
}

/**
 * The customer row, locked for the transaction: promises and plans of one customer are recorded
 * one at a time, so two of them never cover the same invoice.
 */
export async function lockCustomer(
  db: Queryable,
  organisationId: number,
  customerRef: string,
): Promise<LockedCustomer> {
  const { rows } = await db.query<LockedCustomer>(
    `SELECT c.id, c.customer_ref, c.currency, c.collector_email,
       (SELECT coalesce(k.name, k.email) FROM contacts k WHERE k.customer_id = c.id AND k.is_primary) AS primary_contact
     FROM customers c WHERE c.organisation_id = $1 AND c.customer_ref = $2 FOR UPDATE OF c`,
    [organisationId, customerRef],
  );
  if (!rows[0]) throw new RecoupError("CUSTOMER_NOT_FOUND", `no customer with ref "${customerRef}"`);
  return { ...rows[0], id: Number(rows[0].id) };
}

/** Minor units of a decimal amount the user gave; INVALID_MONEY unless it is more than zero. */
export function parseAmount(text: string, currency: string): number {
  let amount: number;
  try {
    amount = parseMinorUnits(text.trim(), currency);
  } catch (error) {
    throw new RecoupError("INVALID_MONEY", (error as Error).message);
  }
  if (amount <= 0) throw new RecoupError("INVALID_MONEY", `the amount must be more than zero, not "${text}"`);
  return amount;
}

/** Trimmed text, null when empty; VALIDATION_FAILED above `max` characters. */
export function optionalText(value: string | undefined, what: string, max: number): string | null {
  const text = value?.trim() ?? "";
  if (text === "") return null;
  if (text.length > max)
    throw new RecoupError("VALIDATION_FAILED", `${what} is longer than ${max} characters`);
  return text;
}

/** An optional collector's email address: trimmed, null when empty, VALIDATION_FAILED unless it looks like one. */
export function collectorEmail(value: string | undefined): string | null {
  const collector = optionalText(value, "the collector", 320);
  if (collector !== null && !/^[^\s@]+@[^\s@]+$/.test(collector)) {
    throw new RecoupError("VALIDATION_FAILED", `the collector "${collector}" is not an email address`);
  }
  return collector;
}
