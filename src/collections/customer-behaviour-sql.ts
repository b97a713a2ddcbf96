import { openItemsAsOfSql } from "../analytics/open-items-sql.js";

/**
 * Every customer's payment behaviour as of a date, in one set-based statement (the figures of
 * domain/payment-behaviour.ts), with its stored profile beside it so the refresh can tell what
 * changed.
 *
 * - Lateness: payment allocations dated in the 455 days up to D, weighted by amount, split into
 *   the last 365 days, the last 90, and the 365 before those 90 (the customer's norm).
 * - Settled: invoices whose open amount reached zero within the last 365 days, by the date of
 *   their last allocation.
 * - Exposure: the open items as of D (analytics/open-items-sql.ts).
 * - Billing: invoices issued in the last 365 days.
 * - Commitments: promises to pay judged broken or partially kept, and payment plans that went
 *   into default, in the last 365 days (by the day they were judged).
 * Money sums and amount weights use the invoices in the customer's own currency only.
 *
 * Parameters: $1 organisation, $2 as-of date, $3 days past due that count as severely late.
 */
export const CUSTOMER_BEHAVIOUR_SQL = `
WITH lateness AS (
  SELECT i.customer_id,
    sum(a.amount::numeric * (a.date - i.due_date)) FILTER (WHERE a.date > $2::date - 365) AS year_weighted,
    sum(a.amount) FILTER (WHERE a.date > $2::date - 365) AS year_paid,
    sum(a.amount::numeric * (a.date - i.due_date)) FILTER (WHERE a.date > $2::date - 90) AS recent_weighted,
    sum(a.amount) FILTER (WHERE a.date > $2::date - 90) AS recent_paid,
    sum(a.amount::numeric * (a.date - i.due_date)) FILTER (WHERE a.date <= $2::date - 90) AS norm_weighted,
    sum(a.amount) FILTER (WHERE a.date <= $2::date - 90) AS norm_paid
  FROM allocations a
  JOIN invoices i ON i.id = a.invoice_id
  JOIN customers c ON c.id = i.customer_id AND c.currency = i.currency
  WHERE a.organisation_id = $1 AND a.kind = 'payment' AND a.date > $2::date - 455 AND a.date <= $2::date
  GROUP BY i.customer_id
),
settled AS (
  SELECT customer_id,
    count(*) AS settled,
    count(*) FILTER (WHERE last_allocation_date > due_date) AS late,
    count(*) FILTER (WHERE last_allocation_date - due_date > $3) AS severely_late
  FROM invoices
  WHERE organisation_id = $1 AND open_amount = 0
    AND last_allocation_date > $2::date - 365 AND last_allocation_date <= $2::date
  GROUP BY customer_id
),
exposure AS (
  SELECT o.customer_id,
    sum(o.open_amount) FILTER (WHERE o.currency = c.currency) AS open_amount,
    sum(o.open_amount) FILTER (WHERE o.currency = c.currency AND o.due_date < $2::date) AS overdue_amount,
    count(*) FILTER (WHERE o.due_date < $2::date AND o.open_amount > 0) AS overdue_invoices,
    count(*) FILTER (WHERE $2::date - o.due_date > $3 AND o.open_amount > 0) AS severely_overdue,
    sum(o.open_amount::numeric * ($2::date - o.due_date))
      FILTER (WHERE o.currency = c.currency AND o.due_date < $2::date AND o.open_amount > 0) AS overdue_weighted,
    sum(o.open_amount) FILTER (WHERE o.currency = c.currency AND o.due_date < $2::date AND o.open_amount > 0) AS overdue_positive,
    max($2::date - o.due_date) FILTER (WHERE o.due_date < $2::date AND o.open_amount > 0) AS oldest_days_past_due
  FROM (${openItemsAsOfSql("$2")}) o
  JOIN customers c ON c.id = o.customer_id
  GROUP BY o.customer_id
),
billing AS (
  SELECT i.customer_id, sum(i.amount) AS annual_billing
  FROM invoices i JOIN customers c ON c.id = i.customer_id AND c.currency = i.currency
  WHERE i.organisation_id = $1 AND i.issue_date > $2::date - 365 AND i.issue_date <= $2::date
  GROUP BY i.customer_id
),
commitments AS (
  SELECT customer_id,
    count(*) FILTER (WHERE status = 'broken') AS broken,
    count(*) FILTER (WHERE status = 'partially_kept') AS partially_kept
  FROM promises_to_pay
  WHERE organisation_id = $1 AND evaluated_on > $2::date - 365 AND evaluated_on <= $2::date
  GROUP BY customer_id
),
plan_defaults AS (
  SELECT customer_id, count(*) AS defaulted
  FROM payment_plans
  WHERE organisation_id = $1 AND defaulted_on > $2::date - 365 AND defaulted_on <= $2::date
  GROUP BY customer_id
)
SELECT c.id AS customer_id, c.customer_ref, c.currency, c.credit_limit,
  coalesce(s.settled, 0) AS settled_invoices,
  coalesce(s.late, 0) AS settled_late,
  coalesce(s.severely_late, 0) AS settled_severely_late,
  round(l.year_weighted / nullif(l.year_paid, 0), 2) AS avg_days_late,
  round(l.recent_weighted / nullif(l.recent_paid, 0), 2) AS recent_avg_days_late,
  round(l.norm_weighted / nullif(l.norm_paid, 0), 2) AS baseline_avg_days_late,
  coalesce(e.open_amount, 0) AS open_amount,
  coalesce(e.overdue_amount, 0) AS overdue_amount,
  coalesce(e.overdue_invoices, 0) AS overdue_invoices,
  coalesce(e.severely_overdue, 0) AS severely_overdue_invoices,
  round(e.overdue_weighted / nullif(e.overdue_positive, 0), 2) AS overdue_avg_days_past_due,
  e.oldest_days_past_due,
  coalesce(b.annual_billing, 0) AS annual_billing,
  coalesce(k.broken, 0) AS broken_promises,
  coalesce(k.partially_kept, 0) AS partially_kept_promises,
  coalesce(d.defaulted, 0) AS defaulted_plans,
  p.risk_rating AS previous_rating, p.risk_score AS previous_score, p.risk_factors AS previous_factors,
  p.segment AS previous_segment, p.segment_since AS previous_segment_since
FROM customers c
LEFT JOIN lateness l ON l.customer_id = c.id
LEFT JOIN settled s ON s.customer_id = c.id
LEFT JOIN exposure e ON e.customer_id = c.id
LEFT JOIN billing b ON b.customer_id = c.id
LEFT JOIN commitments k ON k.customer_id = c.id
LEFT JOIN plan_defaults d ON d.customer_id = c.id
LEFT JOIN customer_profiles p ON p.customer_id = c.id
WHERE c.organisation_id = $1
ORDER BY c.id`;

/** A row of CUSTOMER_BEHAVIOUR_SQL as the driver returns it (sums and counts may be strings). */
export interface CustomerBehaviourRow {
  customer_id: number;
  customer_ref: string;
  currency: string;
  credit_limit: number | null;
  settled_invoices: string | number;
  settled_late: string | number;
  settled_severely_late: string | number;
  avg_days_late: string | null;
  recent_avg_days_late: string | null;
  baseline_avg_days_late: string | null;
  open_amount: string | number;
  overdue_amount: string | number;
  overdue_invoices: string | number;
  severely_overdue_invoices: string | number;
  overdue_avg_days_past_due: string | null;
  oldest_days_past_due: number | null;
  annual_billing: string | number;
  broken_promises: string | number;
  partially_kept_promises: string | number;
  defaulted_plans: string | number;
  previous_rating: string | null;
  previous_score: number | null;
  previous_factors: unknown;
  previous_segment: string | null;
  previous_segment_since: string | null;
}
