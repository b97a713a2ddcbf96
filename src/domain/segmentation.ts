/**
 * Segmentation by value × risk (DESIGN 1): it decides how much human effort an account gets.
 *
 * - **high-value-low-risk**: relationship-led, high-touch outreach.
 * - **high-value-high-risk**: executive involvement, daily monitoring.
 * - **low-value-low-risk** and **low-value-high-risk**: automated reminders and self-service.
 * - **chronic-delinquent**: structured escalation; overrides value and risk.
 *
 * Value is relative to the portfolio: sorted by annual billing (or open balance), the customers
 * that together make up the first `topShare` of their currency's total are high-value (an ABC
 * analysis: 0.8 puts the classic Pareto "A" accounts in). A chronic delinquent has settled or
 * still owes at least `minInvoices` invoices more than `daysLate` days past due within a year, and
 * they are at least `minShare` of its invoices settled or overdue in that year: a customer that is
 * late now and then on many invoices is a slow payer, not a chronic delinquent.
 */
import type { PaymentBehaviour } from "./payment-behaviour.js";
import type { RiskRating } from "./risk-rating.js";

export const SEGMENTS = [
  "high-value-low-risk",
  "high-value-high-risk",
  "low-value-low-risk",
  "low-value-high-risk",
  "chronic-delinquent",
] as const;

export type Segment = (typeof SEGMENTS)[number];

export interface SegmentationPolicy {
  highValue: {
    basis: "annual_billing" | "open_balance";
    /** Cumulative share of the currency's total that the high-value customers make up, 0 < x ≤ 1. */
    topShare: number;
  };
  /** Ratings that count as high risk. */
  highRiskRatings: RiskRating[];
  chronic: {
    /** Days past due beyond which an invoice counts as severely late. */
    daysLate: number;
    /** Severely late invoices (settled in 365 days, or open) that make a chronic delinquent. */
    minInvoices: number;
    /** …and the share of its invoices settled or overdue within the year they must make up, 0–1. */
    minShare: number;
  };
}

export const DEFAULT_SEGMENTATION: Readonly<SegmentationPolicy> = Object.freeze({
  highValue: { basis: "annual_billing", topShare: 0.8 },
  highRiskRatings: ["C", "D"],
  chronic: { daysLate: 45, minInvoices: 3, minShare: 0.25 },
} satisfies SegmentationPolicy);

export interface ValueCandidate {
  customerId: number;
  currency: string;
  /** Annual billing or open balance in minor units, per the policy's basis. */
  value: number;
}

/**
 * The customers that make up the first `topShare` of their currency's total value, largest first
 * (ties broken by id so the result never depends on row order). The customer that crosses the
 * line is in; customers with nothing are never high-value.
 *
 * @example highValueCustomers([{ customerId: 1, currency: "EUR", value: 900 }, { customerId: 2, currency: "EUR", value: 100 }], 0.8) // Set {1}
 */
export function highValueCustomers(candidates: readonly ValueCandidate[], topShare: number): Set<number> {
  if (!(topShare > 0 && topShare <= 1)) throw new RangeError(`topShare must be in (0, 1], got ${topShare}`);
  const byCurrency = new Map<string, ValueCandidate[]>();
  for (const candidate of candidates) {
    if (candidate.value <= 0) continue;
    const group = byCurrency.get(candidate.currency) ?? [];
    group.push(candidate);
    byCurrency.set(candidate.currency, group);
  }
  const chosen = new Set<number>();
  for (const group of byCurrency.values()) {
    group.sort((a, b) => b.value - a.value || a.customerId - b.customerId);
    const total = group.reduce((sum, candidate) => sum + candidate.value, 0);
    let before = 0;
    for (const candidate of group) {
      if (before >= topShare * total) break;
      chosen.add(candidate.customerId);
      before += candidate.value;
    }
  }
  return chosen;
}

/** Severely late invoices within the year: settled more than `daysLate` late, or open that long. */
export function severelyLateInvoices(behaviour: PaymentBehaviour): number {
  return behaviour.settledSeverelyLate + behaviour.severelyOverdueInvoices;
}

/** Severely late invoices as a share of the invoices settled or overdue within the year (0 without any). */
export function severelyLateShare(behaviour: PaymentBehaviour): number {
  const invoices = behaviour.settledInvoices + behaviour.overdueInvoices;
  return invoices === 0 ? 0 : severelyLateInvoices(behaviour) / invoices;
}

export interface SegmentDecision {
  segment: Segment;
  /** Why, in words: kept with every segment change. */
  reason: string;
}

/**
 * The segment of one customer.
 *
 * @example assignSegment({ highValue: true, rating: "D", behaviour, policy: DEFAULT_SEGMENTATION }).segment // "high-value-high-risk"
 */
export function assignSegment(input: {
  highValue: boolean;
  rating: RiskRating;
  behaviour: PaymentBehaviour;
  policy: SegmentationPolicy;
}): SegmentDecision {
  const { policy, behaviour } = input;
  const severe = severelyLateInvoices(behaviour);
  const share = severelyLateShare(behaviour);
  if (severe >= policy.chronic.minInvoices && share >= policy.chronic.minShare) {
    const of = behaviour.settledInvoices + behaviour.overdueInvoices;
    return {
      segment: "chronic-delinquent",
      reason:
        `${severe} of ${of} invoices settled or overdue within a year were more than ${policy.chronic.daysLate} days late ` +
        `(${Math.round(share * 100)}%; thresholds: ${policy.chronic.minInvoices} and ${Math.round(policy.chronic.minShare * 100)}%)`,
    };
  }
  const highRisk = policy.highRiskRatings.includes(input.rating);
  const basis = policy.highValue.basis === "annual_billing" ? "annual billing" : "open balance";
  const value = input.highValue
    ? `among the customers making up the top ${Math.round(policy.highValue.topShare * 100)}% of ${basis}`
    : `outside the top ${Math.round(policy.highValue.topShare * 100)}% of ${basis}`;
  const risk = `risk rating ${input.rating} (${highRisk ? "high" : "low"} risk)`;
  const segment: Segment = `${input.highValue ? "high" : "low"}-value-${highRisk ? "high" : "low"}-risk`;
  return { segment, reason: `${value}; ${risk}` };
}
