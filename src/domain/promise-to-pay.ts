/**
 * Promises to pay (issue 4, DESIGN 4 and 5.6): a customer's written commitment to pay an amount by
 * a date towards some of its invoices. The rules here are pure; `src/promises/` stores, confirms
 * and lists promises, and the daily cycle evaluates them (docs/decisions/0005).
 *
 * - Dunning pauses for the covered invoices from the day the promise is recorded through its
 *   **deadline**, the promised date plus the grace days, and resumes the day after.
 * - What counts towards a promise: payment allocations to its covered invoices dated on or before
 *   the deadline that the ledger did not already hold when the promise was recorded (dated after
 *   the recording day, or entered into the ledger after it).
 * - Kept as soon as those payments reach the amount (or every covered invoice is settled with some
 *   of them); after the deadline, partially kept when something but not enough came, broken when
 *   nothing came. Covered invoices settled by credit notes or write-offs alone make the promise moot:
 *   it is cancelled with that reason and counts neither way.
 */
import { addDays } from "./calendar-date.js";

export const PROMISE_STATUSES = ["open", "kept", "partially_kept", "broken", "cancelled"] as const;
export type PromiseStatus = (typeof PROMISE_STATUSES)[number];

/** Which status a promise may move to from each status: only an open promise changes. */
export const PROMISE_TRANSITIONS = {
  open: ["kept", "partially_kept", "broken", "cancelled"],
  kept: [],
  partially_kept: [],
  broken: [],
  cancelled: [],
} as const satisfies Record<PromiseStatus, readonly PromiseStatus[]>;

/** @example canMovePromise("kept", "cancelled") // false */
export function canMovePromise(from: PromiseStatus, to: PromiseStatus): boolean {
  return (PROMISE_TRANSITIONS[from] as readonly PromiseStatus[]).includes(to);
}

/** How the commitment reached us. */
export const PROMISE_SOURCES = ["call", "email", "letter", "portal"] as const;
export type PromiseSource = (typeof PROMISE_SOURCES)[number];

/** Promise rules an organisation sets in its collections policy (`promises:`). */
export interface PromisePolicy {
  /** Days after the promised date before the promise is judged and dunning resumes. */
  graceDays: number;
  /** The furthest a promised date may lie after the day it is recorded; beyond it, agree a payment plan. */
  maxDaysAhead: number;
}

export const DEFAULT_PROMISE_POLICY: Readonly<PromisePolicy> = Object.freeze({
  graceDays: 3,
  maxDaysAhead: 90,
});

/** The last day of the pause: the promised date plus the grace days. @example promiseDeadline("2026-02-27", 3) // "2026-03-02" */
export function promiseDeadline(promisedOn: string, graceDays: number): string {
  return addDays(promisedOn, graceDays);
}

/**
 * Whether an open promise holds back dunning of its invoices on a day: from the day it was
 * recorded through its deadline.
 *
 * @example promiseHoldsDunning({ status: "open", recordedOn: "2026-03-01", promisedOn: "2026-03-10", graceDays: 3 }, "2026-03-13") // true
 */
export function promiseHoldsDunning(
  promise: { status: PromiseStatus; recordedOn: string; promisedOn: string; graceDays: number },
  asOf: string,
): boolean {
  return (
    promise.status === "open" &&
    promise.recordedOn <= asOf &&
    asOf <= promiseDeadline(promise.promisedOn, promise.graceDays)
  );
}

export interface PromiseEvaluationInput {
  /** Promised amount, minor units. */
  amount: number;
  /** What counts towards it (see the file comment) up to min(as-of, deadline), minor units. */
  paid: number;
  /** Every covered invoice has nothing open as of min(as-of, deadline). */
  invoicesSettled: boolean;
  deadline: string;
  /** The cycle day evaluating. */
  asOf: string;
}

export type PromiseVerdict =
  | { status: "kept" | "partially_kept" | "broken"; reason: string }
  | { status: "cancelled"; reason: "settled_otherwise" };

/**
 * Judges an open promise on a cycle day; null while it is still open (not enough paid and the
 * deadline not passed).
 *
 * @example evaluatePromise({ amount: 10000, paid: 4000, invoicesSettled: false, deadline: "2026-03-02", asOf: "2026-03-03" })
 * // { status: "partially_kept", reason: "…" }
 */
export function evaluatePromise(input: PromiseEvaluationInput): PromiseVerdict | null {
  if (input.paid >= input.amount) return { status: "kept", reason: "the promised amount was paid" };
  if (input.invoicesSettled) {
    return input.paid > 0
      ? { status: "kept", reason: "the covered invoices are settled" }
      : { status: "cancelled", reason: "settled_otherwise" };
  }
  if (input.asOf <= input.deadline) return null;
  return input.paid > 0
    ? { status: "partially_kept", reason: "less than the promised amount was paid by the deadline" }
    : { status: "broken", reason: "nothing was paid by the deadline" };
}

export interface InvoiceForPromise {
  invoiceId: number;
  invoiceRef: string;
  issueDate: string;
  dueDate: string;
  /** Open amount as of the recording day, minor units (> 0). */
  open: number;
}

/**
 * The invoices a promise covers when the collector names none: the customer's eligible open
 * invoices oldest first (due date, then issue date, then invoice ref), taken until their open
 * amounts reach the promised amount — the invoice that crosses it is included. Null when all of
 * them together do not reach the amount.
 *
 * @example coverOldestFirst([{ invoiceId: 1, invoiceRef: "A", issueDate: "2026-01-01", dueDate: "2026-01-31", open: 6000 }, …], 8000) // [A, B]
 */
export function coverOldestFirst(
  invoices: readonly InvoiceForPromise[],
  amount: number,
): InvoiceForPromise[] | null {
  const ordered = [...invoices].sort(
    (a, b) =>
      a.dueDate.localeCompare(b.dueDate) ||
      a.issueDate.localeCompare(b.issueDate) ||
      (a.invoiceRef < b.invoiceRef ? -1 : a.invoiceRef > b.invoiceRef ? 1 : 0),
  );
  const covered: InvoiceForPromise[] = [];
  let total = 0;
  for (const invoice of ordered) {
    if (total >= amount) break;
    covered.push(invoice);
    total += invoice.open;
  }
  return total >= amount && covered.length > 0 ? covered : null;
}

export interface PromiseTally {
  kept: number;
  partiallyKept: number;
  broken: number;
}

/**
 * The promise-kept rate: kept ÷ (kept + partially kept + broken) × 100, 2 decimals; null when no
 * promise was judged. Cancelled promises are not judged and do not count.
 *
 * @example promiseKeptRate({ kept: 2, partiallyKept: 0, broken: 1 }) // 66.67
 */
export function promiseKeptRate(tally: PromiseTally): number | null {
  const judged = tally.kept + tally.partiallyKept + tally.broken;
  return judged === 0 ? null : Math.round((tally.kept / judged) * 10_000) / 100;
}
