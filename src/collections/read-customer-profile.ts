import type { Queryable } from "../db/queryable.js";
import type { PaymentBehaviour } from "../domain/payment-behaviour.js";
import type { RiskFactor, RiskRating } from "../domain/risk-rating.js";
import type { FactorChange } from "../domain/risk-rating.js";
import type { Segment } from "../domain/segmentation.js";
import { RecoupError } from "../errors.js";
import { addDays } from "../domain/calendar-date.js";
import { promiseKeptRate } from "../domain/promise-to-pay.js";
import { listPaymentPlans, type PaymentPlanRecord } from "../plans/list-payment-plans.js";
import { listPromises, type PromiseRecord } from "../promises/list-promises.js";

interface Money {
  amount: number;
  currency: string;
}

export interface CustomerProfile {
  customerRef: string;
  name: string;
  /** The as-of date of the refresh these figures come from. */
  asOf: string;
  risk: { score: number; rating: RiskRating; factors: RiskFactor[] };
  segment: { key: Segment; reason: string; since: string };
  behaviour: Pick<
    PaymentBehaviour,
    | "settledInvoices"
    | "settledLate"
    | "settledSeverelyLate"
    | "avgDaysLate"
    | "recentAvgDaysLate"
    | "baselineAvgDaysLate"
    | "overdueInvoices"
    | "severelyOverdueInvoices"
    | "overdueAvgDaysPastDue"
    | "oldestDaysPastDue"
  >;
  open: Money;
  overdue: Money;
  annualBilling: Money;
  creditLimit: Money | null;
  /** Open ÷ credit limit, 4 decimals; null without a limit. */
  creditUtilisation: number | null;
  /** Rating and segment changes, newest first (at most `historyLimit`). */
  history: {
    asOf: string;
    rating: { from: RiskRating | null; to: RiskRating };
    score: { from: number | null; to: number };
    segment: { from: Segment | null; to: Segment };
    reason: string;
    factorsMoved: FactorChange[];
  }[];
  /** Promises to pay judged in the 365 days up to `asOf`, and the share kept (per cent). */
  promiseKeptRate: {
    from: string;
    to: string;
    kept: number;
    partiallyKept: number;
    broken: number;
    keptRate: number | null;
  };
  /** The customer's promises to pay, newest first (at most `historyLimit`). */
  promises: PromiseRecord[];
  /** The customer's payment plans, newest first (at most `historyLimit`). */
  plans: PaymentPlanRecord[];
}

/**
 * A customer's payment behaviour, risk rating with its factors, segment with its reason, and the
 * history of changes, as the last profile refresh left them; with its promises to pay (and the
 * share kept over the year up to the refresh) and its payment plans. Null when the customer exists but no
 * refresh has run since it was imported.
 *
 * @example await readCustomerProfile(pool, store.organisationId, "C1")
 */
export async function readCustomerProfile(
  db: Queryable,
  organisationId: number,
  customerRef: string,
  historyLimit = 20,
): Promise<CustomerProfile | null> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT c.id, c.customer_ref, c.name, p.*
     FROM customers c LEFT JOIN customer_profiles p ON p.customer_id = c.id
     WHERE c.organisation_id = $1 AND c.customer_ref = $2`,
    [organisationId, customerRef],
  );
  const row = rows[0];
  if (!row) throw new RecoupError("CUSTOMER_NOT_FOUND", `no customer with ref "${customerRef}"`);
  if (row.as_of === null) return null;
  const history = await db.query<Record<string, unknown>>(
    `SELECT as_of, rating_from, rating_to, score_from, score_to, segment_from, segment_to, segment_reason, factors_moved
     FROM customer_classification_changes WHERE customer_id = $1 ORDER BY id DESC LIMIT $2`,
    [row.id, historyLimit],
  );
  const currency = row.currency as string;
  const money = (amount: unknown): Money => ({ amount: Number(amount), currency });
  const asOf = row.as_of as string;
  const from = addDays(asOf, -364);
  const { rows: tally } = await db.query<{ kept: string; partially_kept: string; broken: string }>(
    `SELECT count(*) FILTER (WHERE status = 'kept') AS kept,
       count(*) FILTER (WHERE status = 'partially_kept') AS partially_kept,
       count(*) FILTER (WHERE status = 'broken') AS broken
     FROM promises_to_pay WHERE customer_id = $1 AND evaluated_on BETWEEN $2::date AND $3::date`,
    [row.id, from, asOf],
  );
  const judged = {
    kept: Number(tally[0]!.kept),
    partiallyKept: Number(tally[0]!.partially_kept),
    broken: Number(tally[0]!.broken),
  };
  const commitments = { customerRef, limit: historyLimit, newestFirst: true };
  const days = (value: unknown) => (value === null ? null : Number(value));
  const open = Number(row.open_amount);
  const limit = row.credit_limit === null ? null : Number(row.credit_limit);
  return {
    customerRef: row.customer_ref as string,
    name: row.name as string,
    asOf: row.as_of as string,
    risk: {
      score: row.risk_score as number,
      rating: row.risk_rating as RiskRating,
      factors: row.risk_factors as RiskFactor[],
    },
    segment: {
      key: row.segment as Segment,
      reason: row.segment_reason as string,
      since: row.segment_since as string,
    },
    behaviour: {
      settledInvoices: row.settled_invoices as number,
      settledLate: row.settled_late as number,
      settledSeverelyLate: row.settled_severely_late as number,
      avgDaysLate: days(row.avg_days_late),
      recentAvgDaysLate: days(row.recent_avg_days_late),
      baselineAvgDaysLate: days(row.baseline_avg_days_late),
      overdueInvoices: row.overdue_invoices as number,
      severelyOverdueInvoices: row.severely_overdue_invoices as number,
      overdueAvgDaysPastDue: days(row.overdue_avg_days_past_due),
      oldestDaysPastDue: row.oldest_days_past_due as number | null,
    },
    open: money(open),
    overdue: money(row.overdue_amount),
    annualBilling: money(row.annual_billing),
    creditLimit: limit === null ? null : money(limit),
    creditUtilisation: limit === null || limit === 0 ? null : Math.round((open / limit) * 10_000) / 10_000,
    history: history.rows.map((h) => ({
      asOf: h.as_of as string,
      rating: { from: h.rating_from as RiskRating | null, to: h.rating_to as RiskRating },
      score: { from: h.score_from as number | null, to: h.score_to as number },
      segment: { from: h.segment_from as Segment | null, to: h.segment_to as Segment },
      reason: h.segment_reason as string,
      factorsMoved: h.factors_moved as FactorChange[],
    })),
    promiseKeptRate: { from, to: asOf, ...judged, keptRate: promiseKeptRate(judged) },
    promises: await listPromises(db, organisationId, commitments),
    plans: await listPaymentPlans(db, organisationId, commitments),
  };
}
