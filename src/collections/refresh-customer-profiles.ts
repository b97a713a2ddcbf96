import { appendAuditEvents, type AuditEventInput } from "../audit/append-audit-events.js";
import type { Clock } from "../clock.js";
import { toMinorUnits } from "../db/minor-units.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { fromKysely, type Queryable } from "../db/queryable.js";
import { parseCalendarDate } from "../domain/calendar-date.js";
import type { PaymentBehaviour } from "../domain/payment-behaviour.js";
import {
  assessRisk,
  factorsThatMoved,
  type RiskAssessment,
  type RiskFactor,
  type RiskRating,
} from "../domain/risk-rating.js";
import {
  assignSegment,
  highValueCustomers,
  type Segment,
  type SegmentationPolicy,
} from "../domain/segmentation.js";
import { RecoupError } from "../errors.js";
import { CUSTOMER_BEHAVIOUR_SQL, type CustomerBehaviourRow } from "./customer-behaviour-sql.js";
import { loadCollectionPolicy } from "./load-collection-policy.js";

export interface RefreshCustomerProfilesOptions {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  /** The business date the behaviour is measured at. */
  asOf: string;
}

export interface ProfileRefreshSummary {
  asOf: string;
  customers: number;
  byRating: Record<RiskRating, number>;
  bySegment: Record<Segment, number>;
  /** Customers whose rating or segment changed in this refresh (each recorded with its reason). */
  changed: number;
}

/**
 * Recomputes every customer's payment behaviour, risk rating and segment as of a date: one
 * set-based query, the pure rating and segmentation rules over its rows, one set-based write.
 * A customer whose rating or segment changed gets a `customer_classification_changes` row (the
 * reason and the factors that moved) and a `customer.reclassified` audit event, in the same
 * transaction. Refreshing again for the same date records nothing new.
 *
 * @example await refreshCustomerProfiles({ store, clock, actor: "cycle", asOf: "2026-12-03" })
 */
export async function refreshCustomerProfiles(
  options: RefreshCustomerProfilesOptions,
): Promise<ProfileRefreshSummary> {
  let asOf: string;
  try {
    asOf = parseCalendarDate(options.asOf);
  } catch (error) {
    throw new RecoupError("INVALID_DATE", (error as Error).message);
  }
  return options.store.handle.db.transaction().execute((trx) =>
    refreshCustomerProfilesIn(fromKysely(trx), {
      organisationId: options.store.organisationId,
      asOf,
      at: options.clock.now(),
      actor: options.actor,
    }),
  );
}

/**
 * The refresh inside the caller's transaction (the daily cycle refreshes and plans in one).
 * `asOf` must be a valid calendar date.
 */
export async function refreshCustomerProfilesIn(
  db: Queryable,
  options: { organisationId: number; asOf: string; at: Date; actor: string },
): Promise<ProfileRefreshSummary> {
  const { organisationId, asOf, at } = options;
  // One refresh at a time per organisation: the second waits and then sees the first's result.
  await db.query(`SELECT pg_advisory_xact_lock(4732002, $1::int)`, [organisationId]);
  const { policy } = await loadCollectionPolicy(db, organisationId);
  const { rows } = await db.query<CustomerBehaviourRow>(CUSTOMER_BEHAVIOUR_SQL, [
    organisationId,
    asOf,
    policy.segmentation.chronic.daysLate,
  ]);
  const profiles = classify(rows, policy.segmentation);
  await writeProfiles(db, organisationId, asOf, at, profiles);
  const changes = profiles.filter(
    (p) => p.previousRating !== p.risk.rating || p.previousSegment !== p.segment,
  );
  await recordChanges(db, organisationId, asOf, at, options.actor, changes);

  const summary: ProfileRefreshSummary = {
    asOf,
    customers: profiles.length,
    byRating: { A: 0, B: 0, C: 0, D: 0 },
    bySegment: {
      "high-value-low-risk": 0,
      "high-value-high-risk": 0,
      "low-value-low-risk": 0,
      "low-value-high-risk": 0,
      "chronic-delinquent": 0,
    },
    changed: changes.length,
  };
  for (const profile of profiles) {
    summary.byRating[profile.risk.rating] += 1;
    summary.bySegment[profile.segment] += 1;
  }
  return summary;
}

interface ClassifiedCustomer {
  customerId: number;
  customerRef: string;
  currency: string;
  behaviour: PaymentBehaviour;
  risk: RiskAssessment;
  segment: Segment;
  segmentReason: string;
  segmentSince: string | null;
  previousRating: RiskRating | null;
  previousScore: number | null;
  previousFactors: RiskFactor[] | null;
  previousSegment: Segment | null;
}

function classify(rows: readonly CustomerBehaviourRow[], policy: SegmentationPolicy): ClassifiedCustomer[] {
  const assessed = rows.map((row) => {
    const behaviour = toBehaviour(row);
    return { row, behaviour, risk: assessRisk(behaviour) };
  });
  const highValue = highValueCustomers(
    assessed.map(({ row, behaviour }) => ({
      customerId: row.customer_id,
      currency: row.currency,
      value: policy.highValue.basis === "annual_billing" ? behaviour.annualBilling : behaviour.openAmount,
    })),
    policy.highValue.topShare,
  );
  return assessed.map(({ row, behaviour, risk }) => {
    const decision = assignSegment({
      highValue: highValue.has(row.customer_id),
      rating: risk.rating,
      behaviour,
      policy,
    });
    const previousSegment = row.previous_segment as Segment | null;
    return {
      customerId: row.customer_id,
      customerRef: row.customer_ref,
      currency: row.currency,
      behaviour,
      risk,
      segment: decision.segment,
      segmentReason: decision.reason,
      segmentSince: previousSegment === decision.segment ? row.previous_segment_since : null,
      previousRating: row.previous_rating as RiskRating | null,
      previousScore: row.previous_score,
      previousFactors: (row.previous_factors as RiskFactor[] | null) ?? null,
      previousSegment,
    };
  });
}

function toBehaviour(row: CustomerBehaviourRow): PaymentBehaviour {
  const count = (value: string | number) => Number(value);
  const days = (value: string | null) => (value === null ? null : Number(value));
  return {
    settledInvoices: count(row.settled_invoices),
    settledLate: count(row.settled_late),
    settledSeverelyLate: count(row.settled_severely_late),
    avgDaysLate: days(row.avg_days_late),
    recentAvgDaysLate: days(row.recent_avg_days_late),
    baselineAvgDaysLate: days(row.baseline_avg_days_late),
    openAmount: toMinorUnits(row.open_amount),
    overdueAmount: toMinorUnits(row.overdue_amount),
    overdueInvoices: count(row.overdue_invoices),
    severelyOverdueInvoices: count(row.severely_overdue_invoices),
    overdueAvgDaysPastDue: days(row.overdue_avg_days_past_due),
    oldestDaysPastDue: row.oldest_days_past_due,
    creditLimit: row.credit_limit,
    annualBilling: toMinorUnits(row.annual_billing),
    brokenPromises: count(row.broken_promises),
    partiallyKeptPromises: count(row.partially_kept_promises),
    defaultedPlans: count(row.defaulted_plans),
  };
}

/** Upserts every profile with one statement over parallel arrays (set-based, any portfolio size). */
async function writeProfiles(
  db: Queryable,
  organisationId: number,
  asOf: string,
  at: Date,
  profiles: readonly ClassifiedCustomer[],
): Promise<void> {
  const columns = {
    customer_id: [] as number[],
    currency: [] as string[],
    settled_invoices: [] as number[],
    settled_late: [] as number[],
    settled_severely_late: [] as number[],
    avg_days_late: [] as (number | null)[],
    recent_avg_days_late: [] as (number | null)[],
    baseline_avg_days_late: [] as (number | null)[],
    open_amount: [] as number[],
    overdue_amount: [] as number[],
    overdue_invoices: [] as number[],
    severely_overdue_invoices: [] as number[],
    overdue_avg_days_past_due: [] as (number | null)[],
    oldest_days_past_due: [] as (number | null)[],
    credit_limit: [] as (number | null)[],
    annual_billing: [] as number[],
    risk_score: [] as number[],
    risk_rating: [] as string[],
    risk_factors: [] as string[],
    segment: [] as string[],
    segment_reason: [] as string[],
    segment_since: [] as string[],
  };
  for (const p of profiles) {
    const b = p.behaviour;
    columns.customer_id.push(p.customerId);
    columns.currency.push(p.currency);
    columns.settled_invoices.push(b.settledInvoices);
    columns.settled_late.push(b.settledLate);
    columns.settled_severely_late.push(b.settledSeverelyLate);
    columns.avg_days_late.push(b.avgDaysLate);
    columns.recent_avg_days_late.push(b.recentAvgDaysLate);
    columns.baseline_avg_days_late.push(b.baselineAvgDaysLate);
    columns.open_amount.push(b.openAmount);
    columns.overdue_amount.push(b.overdueAmount);
    columns.overdue_invoices.push(b.overdueInvoices);
    columns.severely_overdue_invoices.push(b.severelyOverdueInvoices);
    columns.overdue_avg_days_past_due.push(b.overdueAvgDaysPastDue);
    columns.oldest_days_past_due.push(b.oldestDaysPastDue);
    columns.credit_limit.push(b.creditLimit);
    columns.annual_billing.push(b.annualBilling);
    columns.risk_score.push(p.risk.score);
    columns.risk_rating.push(p.risk.rating);
    columns.risk_factors.push(JSON.stringify(p.risk.factors));
    columns.segment.push(p.segment);
    columns.segment_reason.push(p.segmentReason);
    columns.segment_since.push(p.segmentSince ?? asOf);
  }
  await db.query(
    `INSERT INTO customer_profiles (
       customer_id, organisation_id, as_of, currency, settled_invoices, settled_late, settled_severely_late,
       avg_days_late, recent_avg_days_late, baseline_avg_days_late, open_amount, overdue_amount,
       overdue_invoices, severely_overdue_invoices, overdue_avg_days_past_due, oldest_days_past_due,
       credit_limit, annual_billing, risk_score, risk_rating, risk_factors, segment, segment_reason,
       segment_since, updated_at)
     SELECT u.customer_id, $1, $2::date, u.currency, u.settled_invoices, u.settled_late, u.settled_severely_late,
       u.avg_days_late, u.recent_avg_days_late, u.baseline_avg_days_late, u.open_amount, u.overdue_amount,
       u.overdue_invoices, u.severely_overdue_invoices, u.overdue_avg_days_past_due, u.oldest_days_past_due,
       u.credit_limit, u.annual_billing, u.risk_score, u.risk_rating, u.risk_factors::jsonb, u.segment,
       u.segment_reason, u.segment_since, $3
     FROM unnest($4::bigint[], $5::text[], $6::int[], $7::int[], $8::int[], $9::numeric[], $10::numeric[],
                 $11::numeric[], $12::bigint[], $13::bigint[], $14::int[], $15::int[], $16::numeric[], $17::int[],
                 $18::bigint[], $19::bigint[], $20::int[], $21::text[], $22::text[], $23::text[], $24::text[],
                 $25::date[])
       AS u(customer_id, currency, settled_invoices, settled_late, settled_severely_late, avg_days_late,
            recent_avg_days_late, baseline_avg_days_late, open_amount, overdue_amount, overdue_invoices,
            severely_overdue_invoices, overdue_avg_days_past_due, oldest_days_past_due, credit_limit,
            annual_billing, risk_score, risk_rating, risk_factors, segment, segment_reason, segment_since)
     ON CONFLICT (customer_id) DO UPDATE SET
       as_of = excluded.as_of, currency = excluded.currency, settled_invoices = excluded.settled_invoices,
       settled_late = excluded.settled_late, settled_severely_late = excluded.settled_severely_late,
       avg_days_late = excluded.avg_days_late, recent_avg_days_late = excluded.recent_avg_days_late,
       baseline_avg_days_late = excluded.baseline_avg_days_late, open_amount = excluded.open_amount,
       overdue_amount = excluded.overdue_amount, overdue_invoices = excluded.overdue_invoices,
       severely_overdue_invoices = excluded.severely_overdue_invoices,
       overdue_avg_days_past_due = excluded.overdue_avg_days_past_due,
       oldest_days_past_due = excluded.oldest_days_past_due, credit_limit = excluded.credit_limit,
       annual_billing = excluded.annual_billing, risk_score = excluded.risk_score,
       risk_rating = excluded.risk_rating, risk_factors = excluded.risk_factors, segment = excluded.segment,
       segment_reason = excluded.segment_reason, segment_since = excluded.segment_since,
       updated_at = excluded.updated_at`,
    [
      organisationId,
      asOf,
      at,
      columns.customer_id,
      columns.currency,
      columns.settled_invoices,
      columns.settled_late,
      columns.settled_severely_late,
      columns.avg_days_late,
      columns.recent_avg_days_late,
      columns.baseline_avg_days_late,
      columns.open_amount,
      columns.overdue_amount,
      columns.overdue_invoices,
      columns.severely_overdue_invoices,
      columns.overdue_avg_days_past_due,
      columns.oldest_days_past_due,
      columns.credit_limit,
      columns.annual_billing,
      columns.risk_score,
      columns.risk_rating,
      columns.risk_factors,
      columns.segment,
      columns.segment_reason,
      columns.segment_since,
    ],
  );
}

async function recordChanges(
  db: Queryable,
  organisationId: number,
  asOf: string,
  at: Date,
  actor: string,
  changes: readonly ClassifiedCustomer[],
): Promise<void> {
  if (changes.length === 0) return;
  const moved = changes.map((c) => factorsThatMoved(c.previousFactors, c.risk.factors));
  await db.query(
    `INSERT INTO customer_classification_changes (organisation_id, customer_id, as_of, rating_from, rating_to,
       score_from, score_to, segment_from, segment_to, segment_reason, factors_moved, created_at)
     SELECT $1, u.customer_id, $2::date, u.rating_from, u.rating_to, u.score_from, u.score_to, u.segment_from,
       u.segment_to, u.segment_reason, u.factors_moved::jsonb, $3
     FROM unnest($4::bigint[], $5::text[], $6::text[], $7::int[], $8::int[], $9::text[], $10::text[], $11::text[],
                 $12::text[])
       AS u(customer_id, rating_from, rating_to, score_from, score_to, segment_from, segment_to, segment_reason,
            factors_moved)`,
    [
      organisationId,
      asOf,
      at,
      changes.map((c) => c.customerId),
      changes.map((c) => c.previousRating),
      changes.map((c) => c.risk.rating),
      changes.map((c) => c.previousScore),
      changes.map((c) => c.risk.score),
      changes.map((c) => c.previousSegment),
      changes.map((c) => c.segment),
      changes.map((c) => c.segmentReason),
      moved.map((m) => JSON.stringify(m)),
    ],
  );
  const events: AuditEventInput[] = changes.map((c, index) => ({
    action: "customer.reclassified",
    subjectType: "customer",
    subjectId: c.customerRef,
    data: {
      asOf,
      rating: { from: c.previousRating, to: c.risk.rating },
      score: { from: c.previousScore, to: c.risk.score },
      segment: { from: c.previousSegment, to: c.segment },
      reason: c.segmentReason,
      factorsMoved: moved[index]!.map((m) => m.key),
    },
  }));
  await appendAuditEvents(db, { organisationId, actor, occurredAt: at }, events);
}
