/**
 * Payment plans (issue 4, DESIGN 4 and 5.6): the covered balance of some invoices paid in
 * instalments on agreed dates. The rules here are pure; `src/plans/` stores plans, sends the
 * agreement and the reminders, and the daily cycle evaluates them (docs/decisions/0005).
 *
 * **Schedule.** Instalments fall every week, every two weeks or every month from the first date.
 * Monthly dates keep the first date's day of the month; in a month without that day the
 * instalment falls on the month's last day, and the next month returns to the day (a plan
 * starting on 31 January falls on 28 or 29 February, 31 March, 30 April, 31 May …; one starting
 * on 28 February stays on the 28th). Dates are calendar days: a weekend or holiday is not moved,
 * the grace days absorb it. Equal instalments split the balance with `allocate` (the larger ones
 * first, so the amounts differ by at most one minor unit); custom amounts must add up exactly.
 * An optional down payment comes first. Every schedule sums to the cent, has no instalment ≤ 0
 * and strictly increasing dates.
 *
 * **Payments.** What counts towards a plan: allocations to its covered invoices that its total did
 * not already reflect — dated after the plan's start, or entered into the ledger after the plan
 * was created. Payments fill the instalments in order (cumulatively: paying early or paying more
 * counts towards the next ones). Credit notes and write-offs lower what is still owed, taken off
 * the end of the schedule, never off an instalment already due.
 *
 * **Misses and default.** Instalment k, due on d(k), is *paid* once the payments dated on or
 * before d(k) + grace reach the schedule's cumulative amount through k (capped at what is owed),
 * and *missed* when they do not by then — a late payment still counts towards later instalments,
 * but the miss stays recorded. A plan is *completed* when nothing is owed any more, *defaulted*
 * when its misses reach the configured number or when its last instalment's grace period has
 * passed with money still owed.
 */
import { allocate } from "./allocate.js";
import { addDays, addMonths } from "./calendar-date.js";

export const PLAN_STATUSES = ["proposed", "active", "completed", "defaulted", "cancelled"] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** Which status a plan may move to from each status: a closed plan stays closed. */
export const PLAN_TRANSITIONS = {
  proposed: ["active", "cancelled"],
  active: ["completed", "defaulted", "cancelled"],
  completed: [],
  defaulted: [],
  cancelled: [],
} as const satisfies Record<PlanStatus, readonly PlanStatus[]>;

/** Statuses after which nothing may be recorded against a plan. */
export const CLOSED_PLAN_STATUSES: ReadonlySet<PlanStatus> = new Set(["completed", "defaulted", "cancelled"]);

/** @example canMovePlan("completed", "cancelled") // false */
export function canMovePlan(from: PlanStatus, to: PlanStatus): boolean {
  return (PLAN_TRANSITIONS[from] as readonly PlanStatus[]).includes(to);
}

export const PLAN_FREQUENCIES = ["week", "2weeks", "month"] as const;
export type PlanFrequency = (typeof PLAN_FREQUENCIES)[number];

export type InstalmentStatus = "pending" | "paid" | "missed";

/** Plan rules an organisation sets in its collections policy (`plans:`). */
export interface PlanPolicy {
  /** Days after an instalment's date before it counts as missed. */
  graceDays: number;
  /** Missed instalments after which the plan is in default. */
  missesToDefault: number;
  /** Days before each instalment that the customer is reminded; null: no reminders. */
  reminderDaysBefore: number | null;
  /** `on_signature`: a plan is proposed until the customer signs the agreement; `on_creation`: active at once. */
  activation: "on_signature" | "on_creation";
  /** Days a proposed plan waits for the signature (dunning stays paused meanwhile); then it lapses. */
  signatureDays: number;
  /** The most instalments a plan may have (down payment included). */
  maxInstalments: number;
}

export const DEFAULT_PLAN_POLICY: Readonly<PlanPolicy> = Object.freeze({
  graceDays: 3,
  missesToDefault: 2,
  reminderDaysBefore: 3,
  activation: "on_signature",
  signatureDays: 14,
  maxInstalments: 60,
});

/**
 * The dates of `count` instalments from `first`.
 *
 * @example instalmentDates("2026-01-31", 3, "month") // ["2026-01-31", "2026-02-28", "2026-03-31"]
 */
export function instalmentDates(first: string, count: number, every: PlanFrequency): string[] {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`a plan needs at least one instalment, not ${count}`);
  }
  return Array.from({ length: count }, (_, k) => {
    switch (every) {
      case "week":
        return addDays(first, 7 * k);
      case "2weeks":
        return addDays(first, 14 * k);
      case "month":
        // Always from the first date, never chained: 31 Jan → 28 Feb → 31 Mar, not 28 Mar.
        return addMonths(first, k);
    }
  });
}

export interface ScheduledInstalment {
  /** 1, 2, … in date order; the down payment, when there is one, is number 1. */
  number: number;
  kind: "down_payment" | "instalment";
  dueOn: string;
  /** Minor units, > 0. */
  amount: number;
}

export interface PlanScheduleInput {
  /** The covered balance, minor units. */
  total: number;
  /** Date of the first regular instalment. */
  first: string;
  /** Number of regular instalments (the down payment not included). */
  count: number;
  every: PlanFrequency;
  /** Custom amounts of the regular instalments, minor units; default equal instalments. */
  amounts?: readonly number[];
  downPayment?: { amount: number; dueOn: string };
}

/**
 * The instalments of a plan; throws RangeError with the reason when the schedule cannot add up
 * (custom amounts that miss the balance, an instalment of zero, a down payment after the first
 * instalment or not below the balance).
 *
 * @example planSchedule({ total: 100000, first: "2026-01-31", count: 3, every: "month" }).map((i) => i.amount) // [33334, 33333, 33333]
 */
export function planSchedule(input: PlanScheduleInput): ScheduledInstalment[] {
  const { total, count } = input;
  if (!Number.isSafeInteger(total) || total <= 0) {
    throw new RangeError("the covered balance must be more than zero");
  }
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`a plan needs at least one instalment, not ${count}`);
  }
  const down = input.downPayment;
  if (down) {
    if (!Number.isSafeInteger(down.amount) || down.amount <= 0) {
      throw new RangeError("the down payment must be more than zero");
    }
    if (down.amount >= total) {
      throw new RangeError("the down payment must be less than the covered balance");
    }
    if (down.dueOn >= input.first) {
      throw new RangeError(
        `the down payment (${down.dueOn}) must fall before the first instalment (${input.first})`,
      );
    }
  }
  const rest = total - (down?.amount ?? 0);
  let amounts: number[];
  if (input.amounts !== undefined) {
    if (input.amounts.length !== count) {
      throw new RangeError(`${input.amounts.length} amounts given for ${count} instalments`);
    }
    input.amounts.forEach((amount, index) => {
      if (!Number.isSafeInteger(amount) || amount <= 0) {
        throw new RangeError(`instalment ${index + 1}: the amount must be more than zero`);
      }
    });
    const sum = input.amounts.reduce((a, b) => a + b, 0);
    if (sum !== rest) {
      throw new RangeError(
        `the amounts add up to ${sum} minor units but ${rest} ${down ? "remain after the down payment" : "are owed"} (${sum > rest ? "over" : "short"} by ${Math.abs(sum - rest)})`,
      );
    }
    amounts = [...input.amounts];
  } else {
    if (rest < count) {
      throw new RangeError(
        `${rest} minor units cannot be split into ${count} instalments of at least one unit`,
      );
    }
    amounts = allocate(rest, count);
  }
  const dates = instalmentDates(input.first, count, input.every);
  const regular = dates.map((dueOn, index) => ({
    kind: "instalment" as const,
    dueOn,
    amount: amounts[index]!,
  }));
  const all = down
    ? [{ kind: "down_payment" as const, dueOn: down.dueOn, amount: down.amount }, ...regular]
    : regular;
  return all.map((instalment, index) => ({ number: index + 1, ...instalment }));
}

/**
 * Whether a plan holds back dunning of its invoices on a day: from its start while it is active,
 * or while it is proposed and waiting for the signature (up to its signature deadline).
 *
 * @example planHoldsDunning({ status: "proposed", startedOn: "2026-03-01", signBy: "2026-03-15" }, "2026-03-16") // false
 */
export function planHoldsDunning(
  plan: { status: PlanStatus; startedOn: string; signBy: string | null },
  asOf: string,
): boolean {
  if (asOf < plan.startedOn) return false;
  if (plan.status === "active") return true;
  return plan.status === "proposed" && plan.signBy !== null && asOf <= plan.signBy;
}

export interface InstalmentState {
  number: number;
  dueOn: string;
  amount: number;
  status: InstalmentStatus;
  /** When it was recorded missed (a cycle day), if it was. */
  missedOn: string | null;
  /** Whether a reminder was already sent for it. */
  reminded: boolean;
}

export interface PlanEvaluationInput {
  /** The cycle day evaluating. */
  asOf: string;
  /** The covered balance at the start, minor units. */
  total: number;
  graceDays: number;
  missesToDefault: number;
  /** null: no reminders. */
  reminderDaysBefore: number | null;
  /** In number order. */
  instalments: readonly InstalmentState[];
  /** Payment allocations that count towards the plan, dated on or before the as-of day, any order. */
  payments: readonly { date: string; amount: number }[];
  /** Credit notes and write-offs that count towards the plan, dated on or before the as-of day. */
  reductions: number;
  /** Every covered invoice has nothing open as of the as-of day. */
  invoicesSettled: boolean;
}

export interface InstalmentEvaluation {
  number: number;
  status: InstalmentStatus;
  /** The part of the payments that fills this instalment (payments fill the instalments in order). */
  paidAmount: number;
  /** What this instalment still asks for (its share of what is owed, less what was paid towards it). */
  outstanding: number;
  /** The day the payments reached this instalment in full, if they did. */
  paidOn: string | null;
  missedOn: string | null;
  /** The instalment's reminder is due on the as-of day. */
  remindToday: boolean;
}

export interface PlanEvaluation {
  status: "active" | "completed" | "defaulted";
  /** Why, when the plan closes. */
  reason: string | null;
  /** Payments counted so far. */
  paid: number;
  /** Still owed: the balance less payments, credit notes and write-offs. */
  remaining: number;
  missed: number;
  instalments: InstalmentEvaluation[];
}

/**
 * Evaluates an active plan on a cycle day (see the file comment for the rules).
 *
 * @example evaluatePlan({ asOf: "2026-03-05", total: 60000, graceDays: 3, missesToDefault: 2, reminderDaysBefore: 3,
 *   instalments, payments: [{ date: "2026-02-28", amount: 20000 }], reductions: 0, invoicesSettled: false }).status // "active"
 */
export function evaluatePlan(input: PlanEvaluationInput): PlanEvaluation {
  const payments = [...input.payments].sort((a, b) => a.date.localeCompare(b.date));
  const paid = payments.reduce((sum, p) => sum + p.amount, 0);
  const owed = Math.max(0, input.total - input.reductions);
  const remaining = Math.max(0, owed - paid);
  // The day the running total of payments first reached `level` (null if it never did).
  const reachedOn = (level: number): string | null => {
    if (level <= 0) return null;
    let running = 0;
    for (const payment of payments) {
      running += payment.amount;
      if (running >= level) return payment.date;
    }
    return null;
  };

  let cumulative = 0;
  let previousRequired = 0;
  const instalments = input.instalments.map((instalment): InstalmentEvaluation => {
    cumulative += instalment.amount;
    const required = Math.min(cumulative, owed);
    const share = required - previousRequired;
    const paidAmount = Math.min(share, Math.max(0, paid - previousRequired));
    previousRequired = required;
    const deadline = addDays(instalment.dueOn, input.graceDays);
    const paidOn = share > 0 && paid >= required ? reachedOn(required) : null;
    let status = instalment.status;
    let missedOn = instalment.missedOn;
    if (status === "pending") {
      if (share > 0 && paidOn !== null && paidOn <= deadline) status = "paid";
      else if (share === 0 && paid >= required) status = "paid";
      else if (share > 0 && input.asOf > deadline) {
        status = "missed";
        missedOn = input.asOf;
      }
    }
    const outstanding = share - paidAmount;
    const remindToday =
      input.reminderDaysBefore !== null &&
      status === "pending" &&
      !instalment.reminded &&
      outstanding > 0 &&
      addDays(instalment.dueOn, -input.reminderDaysBefore) <= input.asOf &&
      input.asOf <= instalment.dueOn;
    return { number: instalment.number, status, paidAmount, outstanding, paidOn, missedOn, remindToday };
  });

  const missed = instalments.filter((i) => i.status === "missed").length;
  const last = input.instalments.at(-1);
  let status: PlanEvaluation["status"] = "active";
  let reason: string | null = null;
  if (remaining === 0 || input.invoicesSettled) {
    status = "completed";
    reason = remaining === 0 ? "the plan's balance is paid" : "the covered invoices are settled";
  } else if (missed >= input.missesToDefault) {
    status = "defaulted";
    reason = `${missed} instalment${missed === 1 ? "" : "s"} missed (the policy allows ${input.missesToDefault - 1})`;
  } else if (last && input.asOf > addDays(last.dueOn, input.graceDays)) {
    status = "defaulted";
    reason = "the last instalment's grace period passed with money still owed";
  }
  if (status !== "active") for (const instalment of instalments) instalment.remindToday = false;
  return { status, reason, paid, remaining, missed, instalments };
}
