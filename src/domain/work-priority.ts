/**
 * The priority of an item on a collector's worklist: a score from 0 to 100 with its reasons, so
 * the queue reads top-down and a collector can see why an account is where it is.
 *
 * | part                  | full points at                                      | cap |
 * |-----------------------|-----------------------------------------------------|-----|
 * | overdue amount        | 1,000,000 in major units (log scale from 1)          | 30  |
 * | risk rating           | D (A 0, B 6, C 13, D 20)                             | 20  |
 * | age                   | oldest item 90 days past due                         | 15  |
 * | broken promises       | 2 broken promises in the last year                   | 10  |
 * | segment               | high-value-high-risk 10, chronic 8, high-value-low 6 | 10  |
 * | days since contact    | 30 days without any message or call                  | 10  |
 * | blocked automation    | a message that could not be sent                     |  5  |
 *
 * The log scale for amounts makes a 10× larger balance worth a fixed number of points rather than
 * drowning every other signal; amounts in different currencies are compared in major units,
 * which is coarse but keeps the queue usable for a multi-currency team.
 */
import type { RiskRating } from "./risk-rating.js";
import type { Segment } from "./segmentation.js";

export interface WorkItemSignals {
  /** Overdue amount in major units of its currency (a float is fine: this is a ranking). */
  overdueMajor: number;
  rating: RiskRating | null;
  oldestDaysPastDue: number | null;
  brokenPromises: number;
  segment: Segment | null;
  /** Days since the last message sent or call made; null if never contacted. */
  daysSinceContact: number | null;
  automationBlocked: boolean;
}

export interface PriorityPart {
  key: "overdue" | "risk" | "age" | "broken_promises" | "segment" | "no_contact" | "blocked";
  points: number;
  why: string;
}

export interface WorkPriority {
  score: number;
  parts: PriorityPart[];
}

const RATING_POINTS: Record<RiskRating, number> = { A: 0, B: 6, C: 13, D: 20 };
const SEGMENT_POINTS: Partial<Record<Segment, number>> = {
  "high-value-high-risk": 10,
  "chronic-delinquent": 8,
  "high-value-low-risk": 6,
};

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * Scores one worklist item; parts with no points are left out of `parts`.
 *
 * @example workPriority({ overdueMajor: 12_000, rating: "C", oldestDaysPastDue: 45, brokenPromises: 0, segment: null, daysSinceContact: 12, automationBlocked: false }).score // 44
 */
export function workPriority(signals: WorkItemSignals): WorkPriority {
  const parts: PriorityPart[] = [];
  const add = (key: PriorityPart["key"], points: number, why: string) => {
    if (points > 0) parts.push({ key, points: round1(points), why });
  };
  if (signals.overdueMajor > 0) {
    add(
      "overdue",
      30 * clamp01(Math.log10(1 + signals.overdueMajor) / 6),
      `${formatMajor(signals.overdueMajor)} overdue`,
    );
  }
  if (signals.rating !== null) add("risk", RATING_POINTS[signals.rating], `risk rating ${signals.rating}`);
  if (signals.oldestDaysPastDue !== null && signals.oldestDaysPastDue > 0) {
    add(
      "age",
      15 * clamp01(signals.oldestDaysPastDue / 90),
      `oldest item ${signals.oldestDaysPastDue} days past due`,
    );
  }
  if (signals.brokenPromises > 0) {
    add(
      "broken_promises",
      10 * clamp01(signals.brokenPromises / 2),
      `${signals.brokenPromises} broken promise(s) this year`,
    );
  }
  if (signals.segment !== null && SEGMENT_POINTS[signals.segment]) {
    add("segment", SEGMENT_POINTS[signals.segment]!, `segment ${signals.segment}`);
  }
  if (signals.daysSinceContact === null) add("no_contact", 10, "never contacted");
  else
    add(
      "no_contact",
      10 * clamp01(signals.daysSinceContact / 30),
      `last contact ${signals.daysSinceContact} days ago`,
    );
  if (signals.automationBlocked) add("blocked", 5, "an automatic message could not be sent");
  const score = Math.min(100, Math.round(parts.reduce((sum, part) => sum + part.points, 0)));
  parts.sort((a, b) => b.points - a.points);
  return { score, parts };
}

function formatMajor(value: number): string {
  return value >= 1000 ? `${Math.round(value).toLocaleString("en-US")}` : value.toFixed(2);
}
