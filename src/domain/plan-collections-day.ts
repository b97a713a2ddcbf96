/**
 * What the daily collections cycle does on day D (DESIGN 5.5), as a pure function of the invoices
 * whose workflow steps are due and not yet done. SQL selects those candidates over the whole
 * portfolio; this decides; the caller writes the result in one transaction.
 *
 * - Each open invoice moves through its workflow's steps by its own due date. Of the steps that are
 *   due and not done, only the latest fires; the earlier ones are done as `superseded` (catch-up
 *   without spam). A step before the due date (negative offset) never fires once the invoice is
 *   past due.
 * - A customer gets at most one action per channel per day, covering every invoice whose step fires
 *   on that channel, worded with the most advanced step's template.
 * - Invoices of do-not-contact or paused customers, or that are disputed, promised or in a payment
 *   plan, are skipped with the reason and stay pending: the latest due step fires once the reason
 *   ends. So are messages within the workflow's contact-frequency cap, and messages in test mode.
 * - A step whose minimum amount the customer's invoices on it do not reach is done as
 *   `below_minimum`.
 */
import { daysBetween } from "./calendar-date.js";
import type { Channel } from "./collection-policy.js";

export type SkipReason =
  | "paused"
  | "do_not_contact"
  | "disputed"
  | "promise"
  | "payment_plan"
  | "frequency_cap"
  | "below_minimum"
  | "superseded"
  | "test_mode";

/** Reasons that end a step for good; the others leave it pending. */
export const FINAL_SKIP_REASONS: ReadonlySet<SkipReason> = new Set(["superseded", "below_minimum"]);

/** Channels that send something to the customer (and so count toward the contact-frequency cap). */
export const CUSTOMER_MESSAGE_CHANNELS: ReadonlySet<Channel> = new Set(["email", "letter", "sms"]);

/** Channels that send anything at all (a call is a task for a person). */
export const OUTBOUND_CHANNELS: ReadonlySet<Channel> = new Set(["email", "letter", "sms", "notify_owner"]);

export interface DueStep {
  step: string;
  offsetDays: number;
  channel: Channel;
  template: string | null;
  /** Minimum total of the customer's invoices on this step, in minor units of the invoice currency. */
  minAmount: number | null;
}

export interface CustomerState {
  customerId: number;
  workflow: string;
  doNotContact: boolean;
  pausedUntil: string | null;
  /** Day of the last customer message (email, letter, sms) before D; null if none. */
  lastMessageOn: string | null;
  minDaysBetweenMessages: number;
}

export interface CandidateInvoice {
  invoiceId: number;
  customerId: number;
  dueDate: string;
  currency: string;
  openAmount: number;
  /** Why resolution work holds this invoice back, if it does (issue: disputes, promises, plans). */
  hold: "disputed" | "promise" | "payment_plan" | null;
  /** The workflow steps due on or before D that this invoice is not done with, in any order. */
  dueSteps: DueStep[];
}

export interface PlannedAction {
  customerId: number;
  workflow: string;
  step: string;
  channel: Channel;
  template: string | null;
  invoiceIds: number[];
}

export interface PlannedSkip {
  customerId: number;
  workflow: string;
  step: string;
  reason: SkipReason;
  invoiceIds: number[];
}

/** A step an invoice is done with. `actionIndex` points into `actions` for fired steps. */
export interface StepOutcome {
  invoiceId: number;
  workflow: string;
  step: string;
  outcome: "fired" | "superseded" | "below_minimum";
  actionIndex: number | null;
}

export interface CollectionsDayPlan {
  actions: PlannedAction[];
  skipped: PlannedSkip[];
  stepOutcomes: StepOutcome[];
}

export interface PlanCollectionsDayInput {
  asOf: string;
  testMode: boolean;
  customers: ReadonlyMap<number, CustomerState>;
  invoices: readonly CandidateInvoice[];
}

/**
 * Plans one day of the collections cycle.
 *
 * @example planCollectionsDay({ asOf: "2026-12-03", testMode: false, customers, invoices }).actions
 */
export function planCollectionsDay(input: PlanCollectionsDayInput): CollectionsDayPlan {
  const { asOf } = input;
  const stepOutcomes: StepOutcome[] = [];
  const skips = new SkipCollector();
  /** Firing invoice steps, grouped by customer and channel in first-seen order. */
  const groups = new Map<
    string,
    { customer: CustomerState; channel: Channel; items: { invoice: CandidateInvoice; step: DueStep }[] }
  >();

  for (const invoice of input.invoices) {
    const customer = input.customers.get(invoice.customerId);
    if (!customer)
      throw new RangeError(`invoice ${invoice.invoiceId}: no state for customer ${invoice.customerId}`);
    const pastDue = asOf > invoice.dueDate;
    const steps = [...invoice.dueSteps].sort(
      (a, b) => b.offsetDays - a.offsetDays || a.step.localeCompare(b.step),
    );
    const latest = steps.find((step) => !(pastDue && step.offsetDays < 0));
    for (const step of steps) {
      if (step === latest) continue;
      stepOutcomes.push({
        invoiceId: invoice.invoiceId,
        workflow: customer.workflow,
        step: step.step,
        outcome: "superseded",
        actionIndex: null,
      });
      skips.add(customer, step.step, "superseded", invoice.invoiceId);
    }
    if (!latest) continue;
    const hold = holdReason(customer, invoice, asOf);
    if (hold) {
      skips.add(customer, latest.step, hold, invoice.invoiceId);
      continue;
    }
    const key = `${customer.customerId}\u0000${latest.channel}`;
    let group = groups.get(key);
    if (!group) {
      group = { customer, channel: latest.channel, items: [] };
      groups.set(key, group);
    }
    group.items.push({ invoice, step: latest });
  }

  const actions: PlannedAction[] = [];
  for (const { customer, channel, items } of groups.values()) {
    const firing = items.filter(({ invoice, step }) => {
      if (step.minAmount === null) return true;
      const total = items
        .filter((other) => other.step.step === step.step && other.invoice.currency === invoice.currency)
        .reduce((sum, other) => sum + other.invoice.openAmount, 0);
      if (total >= step.minAmount) return true;
      stepOutcomes.push({
        invoiceId: invoice.invoiceId,
        workflow: customer.workflow,
        step: step.step,
        outcome: "below_minimum",
        actionIndex: null,
      });
      skips.add(customer, step.step, "below_minimum", invoice.invoiceId);
      return false;
    });
    if (firing.length === 0) continue;
    const lead = firing.reduce((best, item) =>
      item.step.offsetDays > best.step.offsetDays ? item : best,
    ).step;
    const pending = pendingReason(customer, channel, input.testMode, asOf);
    if (pending) {
      for (const { invoice, step } of firing) skips.add(customer, step.step, pending, invoice.invoiceId);
      continue;
    }
    const actionIndex = actions.length;
    actions.push({
      customerId: customer.customerId,
      workflow: customer.workflow,
      step: lead.step,
      channel,
      template: lead.template,
      invoiceIds: firing.map(({ invoice }) => invoice.invoiceId),
    });
    for (const { invoice, step } of firing) {
      stepOutcomes.push({
        invoiceId: invoice.invoiceId,
        workflow: customer.workflow,
        step: step.step,
        outcome: "fired",
        actionIndex,
      });
    }
  }
  return { actions, skipped: skips.list(), stepOutcomes };
}

/** Reasons that hold back every message about an invoice (the customer's flags first). */
function holdReason(customer: CustomerState, invoice: CandidateInvoice, asOf: string): SkipReason | null {
  if (customer.doNotContact) return "do_not_contact";
  if (customer.pausedUntil !== null && customer.pausedUntil >= asOf) return "paused";
  return invoice.hold;
}

/** Reasons that hold back a message on one channel today. */
function pendingReason(
  customer: CustomerState,
  channel: Channel,
  testMode: boolean,
  asOf: string,
): SkipReason | null {
  if (testMode && OUTBOUND_CHANNELS.has(channel)) return "test_mode";
  if (
    CUSTOMER_MESSAGE_CHANNELS.has(channel) &&
    customer.minDaysBetweenMessages > 0 &&
    customer.lastMessageOn !== null &&
    daysBetween(customer.lastMessageOn, asOf) < customer.minDaysBetweenMessages
  ) {
    return "frequency_cap";
  }
  return null;
}

/** Skips merged per customer, step and reason, invoices in the order they came. */
class SkipCollector {
  private readonly byKey = new Map<string, PlannedSkip>();

  add(customer: CustomerState, step: string, reason: SkipReason, invoiceId: number): void {
    const key = `${customer.customerId}\u0000${step}\u0000${reason}`;
    const skip = this.byKey.get(key);
    if (skip) skip.invoiceIds.push(invoiceId);
    else
      this.byKey.set(key, {
        customerId: customer.customerId,
        workflow: customer.workflow,
        step,
        reason,
        invoiceIds: [invoiceId],
      });
  }

  list(): PlannedSkip[] {
    return [...this.byKey.values()];
  }
}
