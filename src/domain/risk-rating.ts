/**
 * The risk rating of a customer: a score from 0 (no sign of risk) to 100, and a class A–D, built
 * from explainable factors of its payment behaviour. Each factor adds points up to its cap; the
 * customer view lists the factors, their points and, when the rating changed, which factors moved.
 *
 * | factor              | full points at                                  | cap |
 * |---------------------|-------------------------------------------------|-----|
 * | days_late           | paying 60 days late on average (365 d, by amount)| 25 |
 * | late_share          | every invoice settled late (365 d)               | 15 |
 * | trend               | last 90 days 30 days later than the 365 before   | 10 |
 * | drift               | open overdue items 60 days beyond the usual (*)  | 20 |
 * | overdue_share       | the whole open balance past due                  | 15 |
 * | credit_utilisation  | open balance at 120% of the credit limit (from 80%) | 15 |
 * | no_history          | an open balance and no settled invoice in 365 d  | 10 |
 * | broken_commitments  | 2 broken commitments in 365 d (**)               | 20 |
 *
 * (*) "The usual" is the customer's average days late, counted from 0 to 60 days: a customer
 * already scored in full as a late payer must not score less because its overdue items are
 * within its (bad) norm. With that cap, paying later never lowers the score.
 *
 * (**) Broken commitments = broken promises to pay + defaulted payment plans + ½ × partially kept
 * promises, each counted on the day it was judged, over the last 365 days. One broken promise
 * adds 10 points, two or more the full 20: a customer who does not keep its word is a stronger
 * signal than one that is merely slow, and it fades only as the year rolls on.
 *
 * Points grow linearly between zero and the full-points level. Ratings: A < 20 ≤ B < 40 ≤ C < 60 ≤ D.
 * C and D are "high risk" for segmentation.
 */
import { lateTrend, type PaymentBehaviour } from "./payment-behaviour.js";

export type RiskRating = "A" | "B" | "C" | "D";

export type RiskFactorKey =
  | "days_late"
  | "late_share"
  | "trend"
  | "drift"
  | "overdue_share"
  | "credit_utilisation"
  | "no_history"
  | "broken_commitments";

export interface RiskFactor {
  key: RiskFactorKey;
  /** The measured value the points come from (days, or a share 0–1); null when not measurable. */
  value: number | null;
  /** Points this factor adds to the score, 2 decimals. */
  points: number;
  maxPoints: number;
  /** The value in words, for the customer view. */
  explanation: string;
}

export interface RiskAssessment {
  score: number;
  rating: RiskRating;
  factors: RiskFactor[];
}

/** Lower bound of each rating's score band. */
export const RATING_FLOORS: Readonly<Record<RiskRating, number>> = Object.freeze({
  A: 0,
  B: 20,
  C: 40,
  D: 60,
});

export function isHighRisk(rating: RiskRating): boolean {
  return rating === "C" || rating === "D";
}

export function ratingForScore(score: number): RiskRating {
  if (score >= RATING_FLOORS.D) return "D";
  if (score >= RATING_FLOORS.C) return "C";
  if (score >= RATING_FLOORS.B) return "B";
  return "A";
}

/**
 * Scores a customer's payment behaviour.
 *
 * @example assessRisk(behaviour).rating // "B"
 */
export function assessRisk(behaviour: PaymentBehaviour): RiskAssessment {
  const factors: RiskFactor[] = [
    daysLateFactor(behaviour),
    lateShareFactor(behaviour),
    trendFactor(behaviour),
    driftFactor(behaviour),
    overdueShareFactor(behaviour),
    creditUtilisationFactor(behaviour),
    noHistoryFactor(behaviour),
    brokenCommitmentsFactor(behaviour),
  ];
  const total = factors.reduce((sum, factor) => sum + factor.points, 0);
  const score = Math.min(100, Math.round(total));
  return { score, rating: ratingForScore(score), factors };
}

export interface FactorChange {
  key: RiskFactorKey;
  /** Points now minus points before. */
  delta: number;
  explanation: string;
}

/**
 * The factors that moved a score by at least one point since the previous assessment, largest
 * move first. Without a previous assessment every factor with points counts as moved.
 */
export function factorsThatMoved(
  previous: readonly RiskFactor[] | null,
  next: readonly RiskFactor[],
): FactorChange[] {
  const before = new Map((previous ?? []).map((factor) => [factor.key, factor.points]));
  return next
    .map((factor) => ({
      key: factor.key,
      delta: round2(factor.points - (before.get(factor.key) ?? 0)),
      explanation: factor.explanation,
    }))
    .filter((change) => Math.abs(change.delta) >= 1)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.key.localeCompare(b.key));
}

/** `fraction` of `cap` points, where the fraction is clamped to 0…1. */
function scaled(fraction: number, cap: number): number {
  return round2(Math.min(1, Math.max(0, fraction)) * cap);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function days(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return `${rounded} day${Math.abs(rounded) === 1 ? "" : "s"}`;
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function daysLateFactor(b: PaymentBehaviour): RiskFactor {
  const value = b.avgDaysLate;
  return {
    key: "days_late",
    value,
    points: value === null ? 0 : scaled(value / 60, 25),
    maxPoints: 25,
    explanation:
      value === null
        ? "no payments received in the last 365 days"
        : value <= 0
          ? `pays on time on average (${days(-value)} early, weighted by amount, last 365 days)`
          : `pays ${days(value)} late on average (weighted by amount, last 365 days)`,
  };
}

function lateShareFactor(b: PaymentBehaviour): RiskFactor {
  if (b.settledInvoices === 0) {
    return {
      key: "late_share",
      value: null,
      points: 0,
      maxPoints: 15,
      explanation: "no invoice settled in the last 365 days",
    };
  }
  const share = b.settledLate / b.settledInvoices;
  return {
    key: "late_share",
    value: round2(share),
    points: scaled(share, 15),
    maxPoints: 15,
    explanation: `${b.settledLate} of ${b.settledInvoices} invoices settled in the last 365 days were late (${percent(share)})`,
  };
}

function trendFactor(b: PaymentBehaviour): RiskFactor {
  const trend = lateTrend(b);
  if (trend === null) {
    return {
      key: "trend",
      value: null,
      points: 0,
      maxPoints: 10,
      explanation: "not enough payments to compare the last 90 days with the year before",
    };
  }
  return {
    key: "trend",
    value: round2(trend),
    points: scaled(trend / 30, 10),
    maxPoints: 10,
    explanation:
      trend > 0
        ? `paying ${days(trend)} later in the last 90 days than in the 365 days before`
        : `paying ${days(-trend)} earlier in the last 90 days than in the 365 days before`,
  };
}

/** Days the open overdue items are beyond the customer's usual lateness (0 when nothing is overdue). */
export function driftFromNorm(behaviour: PaymentBehaviour): number {
  if (behaviour.overdueAvgDaysPastDue === null) return 0;
  const norm = Math.min(60, Math.max(0, behaviour.avgDaysLate ?? 0));
  return Math.max(0, behaviour.overdueAvgDaysPastDue - norm);
}

function driftFactor(b: PaymentBehaviour): RiskFactor {
  const drift = driftFromNorm(b);
  return {
    key: "drift",
    value: round2(drift),
    points: scaled(drift / 60, 20),
    maxPoints: 20,
    explanation:
      b.overdueAvgDaysPastDue === null
        ? "nothing overdue"
        : drift > 0
          ? `open overdue items are ${days(b.overdueAvgDaysPastDue)} past due, ${days(drift)} beyond its usual lateness`
          : `open overdue items are ${days(b.overdueAvgDaysPastDue)} past due, within its usual lateness`,
  };
}

function overdueShareFactor(b: PaymentBehaviour): RiskFactor {
  if (b.openAmount <= 0) {
    return { key: "overdue_share", value: null, points: 0, maxPoints: 15, explanation: "no open balance" };
  }
  const share = Math.max(0, b.overdueAmount) / b.openAmount;
  return {
    key: "overdue_share",
    value: round2(share),
    points: scaled(share, 15),
    maxPoints: 15,
    explanation: `${percent(share)} of the open balance is past due`,
  };
}

function creditUtilisationFactor(b: PaymentBehaviour): RiskFactor {
  if (b.creditLimit === null) {
    return {
      key: "credit_utilisation",
      value: null,
      points: 0,
      maxPoints: 15,
      explanation: "no credit limit set",
    };
  }
  if (b.creditLimit === 0) {
    const exposed = b.openAmount > 0;
    return {
      key: "credit_utilisation",
      value: null,
      points: exposed ? 15 : 0,
      maxPoints: 15,
      explanation: exposed
        ? "an open balance against a credit limit of zero"
        : "credit limit of zero, nothing open",
    };
  }
  const utilisation = Math.max(0, b.openAmount) / b.creditLimit;
  return {
    key: "credit_utilisation",
    value: round2(utilisation),
    points: scaled((utilisation - 0.8) / 0.4, 15),
    maxPoints: 15,
    explanation: `${percent(utilisation)} of the credit limit in use`,
  };
}

function noHistoryFactor(b: PaymentBehaviour): RiskFactor {
  const unknown = b.settledInvoices === 0 && b.openAmount > 0;
  return {
    key: "no_history",
    value: null,
    points: unknown ? 10 : 0,
    maxPoints: 10,
    explanation: unknown
      ? "an open balance and no payment history in the last 365 days"
      : "has a payment history or owes nothing",
  };
}

/** Broken promises + defaulted plans + ½ × partially kept promises (last 365 days). */
export function brokenCommitments(behaviour: PaymentBehaviour): number {
  return behaviour.brokenPromises + behaviour.defaultedPlans + behaviour.partiallyKeptPromises / 2;
}

function brokenCommitmentsFactor(b: PaymentBehaviour): RiskFactor {
  const weighted = brokenCommitments(b);
  const parts = [
    b.brokenPromises > 0
      ? `${b.brokenPromises} broken promise${b.brokenPromises === 1 ? "" : "s"} to pay`
      : null,
    b.partiallyKeptPromises > 0
      ? `${b.partiallyKeptPromises} promise${b.partiallyKeptPromises === 1 ? "" : "s"} only partly kept`
      : null,
    b.defaultedPlans > 0
      ? `${b.defaultedPlans} payment plan${b.defaultedPlans === 1 ? "" : "s"} in default`
      : null,
  ].filter((part): part is string => part !== null);
  return {
    key: "broken_commitments",
    value: weighted,
    points: scaled(weighted / 2, 20),
    maxPoints: 20,
    explanation:
      parts.length === 0
        ? "no broken promise or defaulted payment plan in the last 365 days"
        : `${parts.join(", ")} in the last 365 days`,
  };
}
