/**
 * How a customer pays, measured as of a date. The figures are computed set-based in SQL over the
 * whole portfolio (src/collections/customer-behaviour-sql.ts); the risk rating and the segment are
 * derived from them by the pure functions in risk-rating.ts and segmentation.ts.
 *
 * Money figures are in the customer's currency (invoices in another currency count in the
 * day-based figures, never in the sums). Days late are signed: a payment before its due date is
 * negative days late.
 */
export interface PaymentBehaviour {
  /** Invoices settled in the last 365 days. */
  settledInvoices: number;
  /** Of those, settled after their due date. */
  settledLate: number;
  /** Of those, settled more than the chronic threshold (`severeDays`) after their due date. */
  settledSeverelyLate: number;
  /** Amount-weighted days late of payments received in the last 365 days; null without payments. */
  avgDaysLate: number | null;
  /** The same over the last 90 days. */
  recentAvgDaysLate: number | null;
  /** The same over the 365 days before those 90: the customer's own norm. */
  baselineAvgDaysLate: number | null;
  /** Open amount as of the date (minor units). */
  openAmount: number;
  /** Open amount past due as of the date. */
  overdueAmount: number;
  overdueInvoices: number;
  /** Open invoices more than `severeDays` past due. */
  severelyOverdueInvoices: number;
  /** Amount-weighted days past due of the open overdue invoices; null when nothing is overdue. */
  overdueAvgDaysPastDue: number | null;
  oldestDaysPastDue: number | null;
  /** Credit limit in minor units; null when none is set. */
  creditLimit: number | null;
  /** Invoiced in the last 365 days. */
  annualBilling: number;
  /** Promises to pay judged broken in the last 365 days (by the day they were judged). */
  brokenPromises: number;
  /** Promises to pay judged partially kept in the last 365 days. */
  partiallyKeptPromises: number;
  /** Payment plans that went into default in the last 365 days. */
  defaultedPlans: number;
}

/** The windows the behaviour figures cover, in days before (and including) the as-of date. */
export const BEHAVIOUR_WINDOW_DAYS = 365;
export const RECENT_WINDOW_DAYS = 90;

/** Days late of a customer relative to its own norm: positive = paying later than it used to. */
export function lateTrend(behaviour: PaymentBehaviour): number | null {
  if (behaviour.recentAvgDaysLate === null || behaviour.baselineAvgDaysLate === null) return null;
  return behaviour.recentAvgDaysLate - behaviour.baselineAvgDaysLate;
}
