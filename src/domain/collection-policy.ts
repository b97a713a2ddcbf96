/**
 * The collections policy (DESIGN 5.5): workflows of steps relative to each invoice's due date,
 * assignments of customers to workflows (first match wins), and the segmentation thresholds.
 * Kept as a document so it can live in a repository (`recoup policy apply|export`) and be edited
 * in the UI; `src/collections/policy-document.ts` parses and validates it.
 *
 * The defaults embody the strategy of DESIGN 1, one workflow per segment:
 * - `relationship` (high-value, low-risk): early courtesy, the collector calls personally, the
 *   sales owner is kept informed; formal letters only late.
 * - `strategic-watch` (high-value, high-risk): a call before due to confirm the invoice is
 *   approved, the sales owner pulled in from day 3, a tight cadence of calls and emails.
 * - `standard` (low-value): automated emails and an SMS, a call only when reminders did not work.
 * - `firm` (chronic delinquents): short intervals, an early call, the final notice at 21 days.
 *
 * `promises` and `plans` hold the resolution rules (grace periods, default after misses,
 * reminders, activation on signature); their defaults ship with promise-to-pay.ts and
 * payment-plan.ts.
 */
import { DEFAULT_SEGMENTATION, type Segment, type SegmentationPolicy } from "./segmentation.js";
import type { RiskRating } from "./risk-rating.js";
import { DEFAULT_PROMISE_POLICY, type PromisePolicy } from "./promise-to-pay.js";
import { DEFAULT_PLAN_POLICY, type PlanPolicy } from "./payment-plan.js";

export const CHANNELS = ["email", "letter", "call", "sms", "notify_owner"] as const;
export type Channel = (typeof CHANNELS)[number];

/** Channels whose step must name a template (a call is a task for a person, not a message). */
export const TEMPLATED_CHANNELS: ReadonlySet<Channel> = new Set(["email", "letter", "sms", "notify_owner"]);

export interface StepConditions {
  /**
   * The step fires for a customer only when the invoices it would cover add up to at least this
   * much, in major units of their currency (a decimal string such as "50.00"); otherwise they are
   * skipped with reason `below_minimum`.
   */
  minAmount?: string;
  /** The step fires only for customers in these segments. */
  segments?: Segment[];
  /** The step fires only for customers with these ratings. */
  ratings?: RiskRating[];
}

export interface WorkflowStep {
  key: string;
  /** Days relative to each invoice's due date: −5 is five days before it, 1 the day after. */
  offsetDays: number;
  channel: Channel;
  template?: string;
  conditions?: StepConditions;
}

export interface Workflow {
  key: string;
  name?: string;
  /** Contact-frequency cap: at least this many days between two messages to a customer; 0 = none. */
  minDaysBetweenMessages: number;
  /** Ordered by offset (the parser sorts them). */
  steps: WorkflowStep[];
}

export type Assignment =
  { default: true; workflow: string } | { segment?: Segment; rating?: RiskRating; workflow: string };

export interface CollectionPolicy {
  workflows: Workflow[];
  assignments: Assignment[];
  segmentation: SegmentationPolicy;
  /** Promises to pay: grace period and how far ahead a promised date may lie. */
  promises: PromisePolicy;
  /** Payment plans: grace period, misses before default, reminders, activation, signature deadline. */
  plans: PlanPolicy;
}

/**
 * The workflow key for a customer: the first assignment whose every condition matches. The
 * validated policy ends with a default assignment, so every customer gets one.
 *
 * @example workflowFor(DEFAULT_COLLECTION_POLICY, { segment: "chronic-delinquent", rating: "D" }) // "firm"
 */
export function workflowFor(
  policy: CollectionPolicy,
  customer: { segment: Segment; rating: RiskRating },
): string {
  for (const assignment of policy.assignments) {
    if ("default" in assignment && assignment.default) return assignment.workflow;
    const { segment, rating } = assignment as { segment?: Segment; rating?: RiskRating };
    if (
      (segment === undefined || segment === customer.segment) &&
      (rating === undefined || rating === customer.rating)
    ) {
      return assignment.workflow;
    }
  }
  throw new RangeError("the policy has no default assignment");
}

export const DEFAULT_COLLECTION_POLICY: Readonly<CollectionPolicy> = Object.freeze({
  workflows: [
    {
      key: "relationship",
      name: "High value, low risk: relationship-led",
      minDaysBetweenMessages: 3,
      steps: [
        { key: "courtesy", offsetDays: -7, channel: "email", template: "courtesy" },
        { key: "owner-heads-up", offsetDays: 3, channel: "notify_owner", template: "owner-update" },
        { key: "personal-call", offsetDays: 7, channel: "call" },
        { key: "overdue-1", offsetDays: 14, channel: "email", template: "overdue-1" },
        { key: "follow-up-call", offsetDays: 30, channel: "call" },
        { key: "owner-review", offsetDays: 45, channel: "notify_owner", template: "owner-update" },
        { key: "final-notice", offsetDays: 60, channel: "letter", template: "final-notice" },
      ],
    },
    {
      key: "strategic-watch",
      name: "High value, high risk: executive attention",
      minDaysBetweenMessages: 2,
      steps: [
        { key: "courtesy", offsetDays: -10, channel: "email", template: "courtesy" },
        { key: "pre-due-call", offsetDays: -3, channel: "call" },
        { key: "overdue-1", offsetDays: 1, channel: "email", template: "overdue-1" },
        { key: "owner-alignment", offsetDays: 3, channel: "notify_owner", template: "owner-update" },
        { key: "call", offsetDays: 7, channel: "call" },
        { key: "overdue-2", offsetDays: 14, channel: "email", template: "overdue-2" },
        { key: "escalation-call", offsetDays: 21, channel: "call" },
        { key: "final-notice", offsetDays: 30, channel: "letter", template: "final-notice" },
      ],
    },
    {
      key: "standard",
      name: "Low value: automated reminders",
      minDaysBetweenMessages: 3,
      steps: [
        { key: "courtesy", offsetDays: -5, channel: "email", template: "courtesy" },
        { key: "overdue-1", offsetDays: 1, channel: "email", template: "overdue-1" },
        { key: "overdue-2", offsetDays: 10, channel: "email", template: "overdue-2" },
        { key: "sms-reminder", offsetDays: 20, channel: "sms", template: "sms-reminder" },
        { key: "call", offsetDays: 25, channel: "call", conditions: { minAmount: "250.00" } },
        { key: "final-notice", offsetDays: 35, channel: "letter", template: "final-notice" },
      ],
    },
    {
      key: "firm",
      name: "Chronic delinquents: structured escalation",
      minDaysBetweenMessages: 2,
      steps: [
        { key: "courtesy", offsetDays: -3, channel: "email", template: "courtesy" },
        { key: "overdue-1", offsetDays: 1, channel: "email", template: "overdue-1" },
        { key: "call", offsetDays: 5, channel: "call" },
        { key: "overdue-2", offsetDays: 8, channel: "email", template: "overdue-2" },
        { key: "owner-alignment", offsetDays: 10, channel: "notify_owner", template: "owner-update" },
        { key: "final-notice", offsetDays: 21, channel: "letter", template: "final-notice" },
      ],
    },
  ],
  assignments: [
    { segment: "high-value-low-risk", workflow: "relationship" },
    { segment: "high-value-high-risk", workflow: "strategic-watch" },
    { segment: "chronic-delinquent", workflow: "firm" },
    { default: true, workflow: "standard" },
  ],
  segmentation: DEFAULT_SEGMENTATION,
  promises: DEFAULT_PROMISE_POLICY,
  plans: DEFAULT_PLAN_POLICY,
} satisfies CollectionPolicy);

/** A fresh, mutable copy of the shipped defaults. */
export function defaultCollectionPolicy(): CollectionPolicy {
  return structuredClone(DEFAULT_COLLECTION_POLICY) as CollectionPolicy;
}
