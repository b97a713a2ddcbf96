import { appendAuditEvents, type AuditEventInput } from "../audit/append-audit-events.js";
import type { Clock } from "../clock.js";
import { toMinorUnits } from "../db/minor-units.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { fromKysely, type Queryable } from "../db/queryable.js";
import { parseCalendarDate } from "../domain/calendar-date.js";
import type { Channel, CollectionPolicy } from "../domain/collection-policy.js";
import { minorDigits } from "../domain/currency.js";
import {
  planCollectionsDay,
  type CandidateInvoice,
  type CollectionsDayPlan,
  type CustomerState,
  type SkipReason,
} from "../domain/plan-collections-day.js";
import { RecoupError } from "../errors.js";
import { faultPoint } from "../fault-points.js";
import { Stopwatch } from "../stopwatch.js";
import { cycleCandidatesSql, stepArrays, type CycleCandidateRow } from "./cycle-candidates-sql.js";
import { deliverOutbox, type DeliveryReport } from "./deliver-outbox.js";
import {
  dispatchCollectionActions,
  type DispatchedAction,
  type DispatchOptions,
} from "./dispatch-collection-actions.js";
import { loadCollectionPolicy } from "./load-collection-policy.js";
import { loadCollectionSettings } from "./collection-settings.js";
import { refreshCustomerProfilesIn, type ProfileRefreshSummary } from "./refresh-customer-profiles.js";
import { evaluatePromisesIn, type PromiseEvaluationSummary } from "../promises/evaluate-promises.js";
import { invoicesHeldByPromises } from "../promises/invoices-held-by-promises.js";
import { evaluatePaymentPlansIn, type PlanEvaluationSummary } from "../plans/evaluate-payment-plans.js";
import { invoicesHeldByPlans } from "../plans/invoices-held-by-plans.js";

export interface RunCollectionsCycleOptions {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  /** The business day the cycle runs for. */
  asOf: string;
  /** Plan and report, change nothing. */
  dryRun?: boolean;
  /**
   * Plan with this policy instead of the one in force: dry runs only, so that a draft can be
   * previewed ("what would tomorrow's cycle do with it?") before it is saved.
   */
  policy?: CollectionPolicy;
  /**
   * Record the plan only and leave the actions planned for a separate dispatch (a worker, or the
   * benchmark that times the two apart). Default false: dispatch right after planning.
   */
  planOnly?: boolean;
  /** Templates, batch size and retry policy for dispatch. */
  dispatch?: Omit<DispatchOptions, "store" | "clock" | "actor" | "upTo">;
}

export type ActionStatus = "planned" | "sent" | "task_created" | "failed";

/** The JSON of `recoup cycle --json` (DESIGN 5.5). */
export interface CycleResult {
  asOf: string;
  dryRun: boolean;
  actions: {
    id: string | null;
    customerRef: string;
    workflow: string;
    step: string;
    channel: Channel;
    invoiceRefs: string[];
    status: ActionStatus;
  }[];
  skipped: { customerRef: string; invoiceRefs: string[]; step: string; reason: SkipReason }[];
  profiles: ProfileRefreshSummary;
  /** Actions planned on earlier days (or by an earlier run today) that this run dispatched. */
  dispatchedEarlier: number;
  /** With a transport: what the delivery of the outbox's queued email did. */
  delivery?: DeliveryReport;
  /**
   * What the day did to promises to pay and payment plans (judged, completed, defaulted, lapsed,
   * instalments paid and missed, tasks, reminders queued). Instalment reminders also appear in
   * `actions` (workflow `payment_plan`, step `instalment-reminder`), and reminders held back in
   * `skipped`.
   */
  resolution: {
    promises: PromiseEvaluationSummary;
    plans: Omit<PlanEvaluationSummary, "reminders" | "reminderSkips"> & { reminders: number };
  };
  /**
   * Milliseconds per phase: promise and plan evaluation, profile refresh, candidate selection,
   * planning, recording, dispatch.
   */
  timings: {
    resolutionMs: number;
    refreshMs: number;
    selectMs: number;
    planMs: number;
    recordMs: number;
    dispatchMs: number;
  };
}

/** Serialises cycles of one organisation: a second one waits, then finds the day already planned. */
const CYCLE_LOCK = 4_732_003;

/**
 * The daily collections cycle (DESIGN 5.5) for one business day: refresh every customer's
 * behaviour, rating and segment; select, set-based, every invoice step that is due and not done;
 * plan the day (domain/plan-collections-day.ts); record actions, step outcomes, skips and audit
 * events in one transaction; then dispatch the planned actions one by one (each in its own
 * transaction, so a crash never sends twice and never loses one). Running it again for the same
 * day plans nothing new. A dry run does all the planning inside a transaction it rolls back.
 *
 * @example await runCollectionsCycle({ store, clock, actor: "scheduler", asOf: "2026-12-03" })
 */
export async function runCollectionsCycle(options: RunCollectionsCycleOptions): Promise<CycleResult> {
  let asOf: string;
  try {
    asOf = parseCalendarDate(options.asOf);
  } catch (error) {
    throw new RecoupError("INVALID_DATE", (error as Error).message);
  }
  const dryRun = options.dryRun ?? false;
  if (options.policy !== undefined && !dryRun) {
    throw new RecoupError(
      "VALIDATION_FAILED",
      "a draft policy can only be tried in a dry run; save it first",
    );
  }
  const organisationId = options.store.organisationId;
  const at = options.clock.now();
  let result: CycleResult | undefined;
  const stopwatch = new Stopwatch();
  const timings = { resolutionMs: 0, refreshMs: 0, selectMs: 0, planMs: 0, recordMs: 0, dispatchMs: 0 };
  try {
    await options.store.handle.db.transaction().execute(async (trx) => {
      const db = fromKysely(trx);
      await db.query(`SELECT pg_advisory_xact_lock($1, $2::int)`, [CYCLE_LOCK, organisationId]);
      stopwatch.lap();
      // Promises and plans first: a promise broken today lowers the rating the refresh computes,
      // and a plan that defaulted today releases its invoices to today's dunning.
      const context = { organisationId, asOf, at, actor: options.actor };
      const promiseSummary = await evaluatePromisesIn(db, context);
      const planSummary = await evaluatePaymentPlansIn(db, context);
      timings.resolutionMs = stopwatch.lap();
      faultPoint("cycle.after-resolution");
      const profiles = await refreshCustomerProfilesIn(db, {
        organisationId,
        asOf,
        at,
        actor: options.actor,
      });
      timings.refreshMs = stopwatch.lap();
      const policy = options.policy ?? (await loadCollectionPolicy(db, organisationId)).policy;
      const settings = await loadCollectionSettings(db, organisationId);
      const candidates = (
        await db.query<CycleCandidateRow>(cycleCandidatesSql(policy), [
          organisationId,
          asOf,
          ...stepArrays(policy),
        ])
      ).rows;
      const holds = await resolutionHolds(db, organisationId, asOf);
      const input = await planningInput(db, organisationId, asOf, policy, candidates, holds);
      timings.selectMs = stopwatch.lap();
      const plan = planCollectionsDay({ asOf, testMode: settings.testMode, ...input });
      const refs = referenceMaps(candidates);
      addReminders(plan, refs, planSummary);
      timings.planMs = stopwatch.lap();
      const resolution = {
        promises: promiseSummary,
        plans: {
          ...withoutReminders(planSummary),
          reminders: planSummary.reminders.length,
        },
      };
      if (dryRun) {
        result = describe(asOf, true, plan, refs, null, profiles, timings, resolution, planSummary);
        throw new RollBack();
      }
      const ids = await recordPlan(db, { organisationId, asOf, at, actor: options.actor, plan, refs });
      result = describe(asOf, false, plan, refs, ids, profiles, timings, resolution, planSummary);
    });
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
  }
  const planned = result!;
  planned.timings.recordMs = stopwatch.lap(); // includes the commit
  if (dryRun || options.planOnly) return planned;
  faultPoint("cycle.after-plan");

  const { dispatched, delivery } = await carryOutPlannedActions({ ...options, upTo: asOf });
  const statusById = new Map(dispatched.map((d) => [d.id, d.status]));
  for (const action of planned.actions) action.status = statusById.get(action.id!) ?? action.status;
  const today = new Set(planned.actions.map((a) => a.id));
  planned.dispatchedEarlier = dispatched.filter((d) => !today.has(d.id)).length;
  if (delivery) planned.delivery = delivery;
  planned.timings.dispatchMs = stopwatch.lap();
  return planned;
}

class RollBack extends Error {}

/**
 * Dispatches every planned action up to a business day (those of earlier days whose retry time has
 * come included) and, with a transport, delivers the outbox's queued messages: the part of a cycle
 * after planning, also run on its own by the scheduler between cycles so that retries and messages
 * held back by quiet hours go out.
 *
 * @example await carryOutPlannedActions({ store, clock, actor: "scheduler", upTo: "2026-12-03" })
 */
export async function carryOutPlannedActions(
  options: Pick<RunCollectionsCycleOptions, "store" | "clock" | "actor" | "dispatch"> & { upTo: string },
): Promise<{ dispatched: DispatchedAction[]; delivery?: DeliveryReport }> {
  const dispatched = await dispatchCollectionActions({
    ...options.dispatch,
    store: options.store,
    clock: options.clock,
    actor: options.actor,
    upTo: options.upTo,
  });
  if (!options.dispatch?.transport && !options.dispatch?.smsTransport) return { dispatched };
  const delivery = await deliverOutbox({
    store: options.store,
    clock: options.clock,
    actor: options.actor,
    transport: options.dispatch.transport ?? null,
    smsTransport: options.dispatch.smsTransport ?? null,
    from: options.dispatch.emailFrom ?? null,
  });
  return { dispatched, delivery };
}

interface ReferenceMaps {
  customerRefs: Map<number, string>;
  invoiceRefs: Map<number, string>;
}

function referenceMaps(rows: readonly CycleCandidateRow[]): ReferenceMaps {
  const customerRefs = new Map<number, string>();
  const invoiceRefs = new Map<number, string>();
  for (const row of rows) {
    customerRefs.set(row.customer_id, row.customer_ref);
    invoiceRefs.set(row.invoice_id, row.invoice_ref);
  }
  return { customerRefs, invoiceRefs };
}

/**
 * Why resolution work holds an invoice back on day D: a payment plan (active, or proposed and
 * awaiting the signature) or an open promise to pay within its grace period.
 */
async function resolutionHolds(
  db: Queryable,
  organisationId: number,
  asOf: string,
): Promise<Map<number, "promise" | "payment_plan">> {
  const holds = new Map<number, "promise" | "payment_plan">();
  for (const id of await invoicesHeldByPromises(db, organisationId, asOf)) holds.set(id, "promise");
  for (const id of await invoicesHeldByPlans(db, organisationId, asOf)) holds.set(id, "payment_plan");
  return holds;
}

/** Reminders held back today are reported with the day's skips (and recorded with them). */
function addReminders(plan: CollectionsDayPlan, refs: ReferenceMaps, summary: PlanEvaluationSummary): void {
  for (const reminder of [...summary.reminders, ...summary.reminderSkips]) {
    refs.customerRefs.set(reminder.customerId, reminder.customerRef);
    reminder.invoiceIds.forEach((id, index) => refs.invoiceRefs.set(id, reminder.invoiceRefs[index]!));
  }
  for (const skip of summary.reminderSkips) {
    plan.skipped.push({
      customerId: skip.customerId,
      workflow: "payment_plan",
      step: "instalment-reminder",
      reason: skip.reason,
      invoiceIds: skip.invoiceIds,
    });
  }
}

function withoutReminders(
  summary: PlanEvaluationSummary,
): Omit<PlanEvaluationSummary, "reminders" | "reminderSkips"> {
  const { reminders: _reminders, reminderSkips: _skips, ...rest } = summary;
  return rest;
}

async function planningInput(
  db: Queryable,
  organisationId: number,
  asOf: string,
  policy: CollectionPolicy,
  rows: readonly CycleCandidateRow[],
  holds: ReadonlyMap<number, "promise" | "payment_plan">,
): Promise<{ customers: Map<number, CustomerState>; invoices: CandidateInvoice[] }> {
  const workflows = new Map(policy.workflows.map((w) => [w.key, w]));
  const customerIds = [...new Set(rows.map((row) => row.customer_id))];
  const lastMessages = new Map<number, string>();
  if (customerIds.length > 0) {
    const { rows: last } = await db.query<{ customer_id: number; last_on: string }>(
      `SELECT customer_id, max(as_of) AS last_on FROM collection_actions
       WHERE organisation_id = $1 AND customer_id = ANY ($2::bigint[]) AND as_of < $3::date
         AND channel IN ('email', 'letter', 'sms') AND status <> 'failed' AND purpose = 'dunning'
       GROUP BY customer_id`,
      [organisationId, customerIds, asOf],
    );
    for (const row of last) lastMessages.set(row.customer_id, row.last_on);
  }
  const customers = new Map<number, CustomerState>();
  const invoices = new Map<number, CandidateInvoice>();
  for (const row of rows) {
    const workflow = workflows.get(row.workflow)!;
    if (!customers.has(row.customer_id)) {
      customers.set(row.customer_id, {
        customerId: row.customer_id,
        workflow: row.workflow,
        doNotContact: row.do_not_contact,
        pausedUntil: row.paused_until,
        lastMessageOn: lastMessages.get(row.customer_id) ?? null,
        minDaysBetweenMessages: workflow.minDaysBetweenMessages,
      });
    }
    let invoice = invoices.get(row.invoice_id);
    if (!invoice) {
      invoice = {
        invoiceId: row.invoice_id,
        customerId: row.customer_id,
        dueDate: row.due_date,
        currency: row.currency,
        openAmount: toMinorUnits(row.open_amount),
        // Disputes arrive with their own helper; promises and plans are held here.
        hold: holds.get(row.invoice_id) ?? null,
        dueSteps: [],
      };
      invoices.set(row.invoice_id, invoice);
    }
    const step = workflow.steps.find((s) => s.key === row.step)!;
    invoice.dueSteps.push({
      step: row.step,
      offsetDays: row.offset_days,
      channel: row.channel as Channel,
      template: row.template,
      minAmount:
        step.conditions?.minAmount === undefined
          ? null
          : minorUnitsAtLeast(step.conditions.minAmount, row.currency),
    });
  }
  return { customers, invoices: [...invoices.values()] };
}

/**
 * A policy minimum ("250.00") in minor units of a currency, rounded up where the currency has
 * fewer digits (a threshold, not a ledger amount: "250.50" in JPY means at least ¥251).
 */
export function minorUnitsAtLeast(decimal: string, currency: string): number {
  const digits = minorDigits(currency);
  const [whole, fraction = ""] = decimal.split(".");
  const kept = fraction.slice(0, digits).padEnd(digits, "0");
  const roundUp = /[1-9]/.test(fraction.slice(digits)) ? 1 : 0;
  return Number(whole) * 10 ** digits + Number(kept || "0") + roundUp;
}

async function recordPlan(
  db: Queryable,
  context: {
    organisationId: number;
    asOf: string;
    at: Date;
    actor: string;
    plan: CollectionsDayPlan;
    refs: ReferenceMaps;
  },
): Promise<(number | null)[]> {
  const { organisationId, asOf, at, plan, refs } = context;
  const ids: (number | null)[] = plan.actions.map(() => null);
  if (plan.actions.length > 0) {
    // A customer and channel that already had an action today (an earlier run found fewer
    // invoices) keeps it: the conflict returns nothing, and those invoices wait for tomorrow.
    const { rows } = await db.query<{ id: number; customer_id: number; channel: string }>(
      `INSERT INTO collection_actions (organisation_id, customer_id, as_of, workflow, step, channel, template,
         invoice_ids, status, created_at)
       SELECT $1, u.customer_id, $2::date, u.workflow, u.step, u.channel, u.template,
         string_to_array(u.invoice_ids, ',')::bigint[], 'planned', $3
       FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
         AS u(customer_id, workflow, step, channel, template, invoice_ids)
       ON CONFLICT (organisation_id, customer_id, channel, as_of) WHERE action_key IS NULL DO NOTHING
       RETURNING id, customer_id, channel`,
      [
        organisationId,
        asOf,
        at,
        plan.actions.map((a) => a.customerId),
        plan.actions.map((a) => a.workflow),
        plan.actions.map((a) => a.step),
        plan.actions.map((a) => a.channel),
        plan.actions.map((a) => a.template),
        plan.actions.map((a) => a.invoiceIds.join(",")),
      ],
    );
    const byKey = new Map(rows.map((row) => [`${row.customer_id}/${row.channel}`, Number(row.id)]));
    plan.actions.forEach((action, index) => {
      ids[index] = byKey.get(`${action.customerId}/${action.channel}`) ?? null;
    });
  }
  const outcomes = plan.stepOutcomes.filter((o) => o.actionIndex === null || ids[o.actionIndex] !== null);
  if (outcomes.length > 0) {
    await db.query(
      `INSERT INTO invoice_step_events (invoice_id, workflow, step, organisation_id, as_of, outcome, action_id)
       SELECT u.invoice_id, u.workflow, u.step, $1, $2::date, u.outcome, u.action_id
       FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[])
         AS u(invoice_id, workflow, step, outcome, action_id)
       ON CONFLICT DO NOTHING`,
      [
        organisationId,
        asOf,
        outcomes.map((o) => o.invoiceId),
        outcomes.map((o) => o.workflow),
        outcomes.map((o) => o.step),
        outcomes.map((o) => o.outcome),
        outcomes.map((o) => (o.actionIndex === null ? null : ids[o.actionIndex])),
      ],
    );
  }
  if (plan.skipped.length > 0) {
    await db.query(
      `INSERT INTO collection_skips (organisation_id, customer_id, as_of, workflow, step, reason, invoice_ids, created_at)
       SELECT $1, u.customer_id, $2::date, u.workflow, u.step, u.reason, string_to_array(u.invoice_ids, ',')::bigint[], $3
       FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[]) AS u(customer_id, workflow, step, reason, invoice_ids)
       ON CONFLICT DO NOTHING`,
      [
        organisationId,
        asOf,
        at,
        plan.skipped.map((s) => s.customerId),
        plan.skipped.map((s) => s.workflow),
        plan.skipped.map((s) => s.step),
        plan.skipped.map((s) => s.reason),
        plan.skipped.map((s) => s.invoiceIds.join(",")),
      ],
    );
  }
  const events: AuditEventInput[] = [];
  plan.actions.forEach((action, index) => {
    const id = ids[index];
    if (id === null) return;
    events.push({
      action: "collection.action_planned",
      subjectType: "customer",
      subjectId: refs.customerRefs.get(action.customerId)!,
      data: {
        actionId: id,
        asOf,
        workflow: action.workflow,
        step: action.step,
        channel: action.channel,
        invoiceRefs: action.invoiceIds.map((invoiceId) => refs.invoiceRefs.get(invoiceId)!),
      },
    });
  });
  const reasons: Partial<Record<SkipReason, number>> = {};
  for (const skip of plan.skipped)
    reasons[skip.reason] = (reasons[skip.reason] ?? 0) + skip.invoiceIds.length;
  events.push({
    action: "collection.cycle_planned",
    subjectType: "collection_cycle",
    subjectId: asOf,
    data: {
      asOf,
      actions: ids.filter((id) => id !== null).length,
      skippedInvoicesByReason: reasons,
      stepsDone: outcomes.length,
    },
  });
  await appendAuditEvents(db, { organisationId, actor: context.actor, occurredAt: at }, events);
  return ids;
}

function describe(
  asOf: string,
  dryRun: boolean,
  plan: CollectionsDayPlan,
  refs: ReferenceMaps,
  ids: (number | null)[] | null,
  profiles: ProfileRefreshSummary,
  timings: CycleResult["timings"],
  resolution: CycleResult["resolution"],
  plans: PlanEvaluationSummary,
): CycleResult {
  const invoiceRefs = (invoiceIds: readonly number[]) => invoiceIds.map((id) => refs.invoiceRefs.get(id)!);
  const actions: CycleResult["actions"] = [];
  plan.actions.forEach((action, index) => {
    const id = ids === null ? null : ids[index]!;
    if (ids !== null && id === null) return; // already had one today: not new
    actions.push({
      id: id === null ? null : String(id),
      customerRef: refs.customerRefs.get(action.customerId)!,
      workflow: action.workflow,
      step: action.step,
      channel: action.channel,
      invoiceRefs: invoiceRefs(action.invoiceIds),
      status: "planned",
    });
  });
  for (const reminder of plans.reminders) {
    actions.push({
      id: ids === null ? null : String(reminder.actionId),
      customerRef: reminder.customerRef,
      workflow: "payment_plan",
      step: "instalment-reminder",
      channel: "email",
      invoiceRefs: reminder.invoiceRefs,
      status: "planned",
    });
  }
  return {
    asOf,
    dryRun,
    actions,
    skipped: plan.skipped.map((skip) => ({
      customerRef: refs.customerRefs.get(skip.customerId)!,
      invoiceRefs: invoiceRefs(skip.invoiceIds),
      step: skip.step,
      reason: skip.reason,
    })),
    profiles,
    dispatchedEarlier: 0,
    resolution,
    timings,
  };
}
