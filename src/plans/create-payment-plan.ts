import { appendAuditEvents } from "../audit/append-audit-events.js";
import type { Clock } from "../clock.js";
import {
  dispatchCollectionActions,
  type DispatchOptions,
} from "../collections/dispatch-collection-actions.js";
import { loadCollectionPolicy } from "../collections/load-collection-policy.js";
import { enqueueResolutionMessages } from "../collections/resolution-messages.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { fromKysely } from "../db/queryable.js";
import { addDays, minDate } from "../domain/calendar-date.js";
import {
  PLAN_FREQUENCIES,
  planSchedule,
  type PlanFrequency,
  type ScheduledInstalment,
} from "../domain/payment-plan.js";
import { RecoupError } from "../errors.js";
import {
  businessDate,
  calendarDate,
  lockCustomer,
  collectorEmail,
  optionalText,
  parseAmount,
} from "../promises/commitment-input.js";
import { namedInvoices } from "../promises/coverable-invoices.js";
import { listPaymentPlans, type PaymentPlanRecord } from "./list-payment-plans.js";

export interface CreatePaymentPlanOptions {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  customerRef: string;
  /** The invoices whose open amounts (as of the business day) the plan pays. */
  invoiceRefs: readonly string[];
  /** Regular instalments (the down payment not counted); may be left out when `amounts` are given. */
  instalments?: number;
  /** The first regular instalment's date. */
  first: string;
  /** Default `month`. */
  every?: PlanFrequency;
  /** Custom amounts of the regular instalments, decimals in major units; default equal instalments. */
  amounts?: readonly string[];
  /** An amount paid first, by `downPaymentOn` (default the business day). */
  downPayment?: string;
  downPaymentOn?: string;
  /** Defaults: the policy's `plans` section. */
  graceDays?: number;
  missesToDefault?: number;
  /** null: no reminders. */
  reminderDaysBefore?: number | null;
  collectorEmail?: string;
  note?: string;
  /** The business day; default today in the organisation's time zone. */
  asOf?: string;
  /** How the agreement is sent on (a transport queues it for SMTP delivery). */
  dispatch?: Omit<DispatchOptions, "store" | "clock" | "actor" | "upTo" | "actionIds">;
}

/**
 * Agrees a payment plan over some of a customer's invoices: a schedule of instalments that adds up
 * exactly to their open amounts as of the business day (domain/payment-plan.ts: equal or custom,
 * weekly, every two weeks or monthly, an optional down payment), stored with the agreement letter
 * (the shipped `plan-agreement` template, with a PDF to sign) queued in the outbox and the audit
 * event, in one transaction; the letter is then rendered into the outbox at once. Under the
 * policy's default `activation: on_signature` the plan is proposed until `signPaymentPlan`
 * (dunning of its invoices pauses meanwhile, up to the signature deadline); with `on_creation` it
 * is active at once. Refused with nothing written when an invoice is unknown, another customer's,
 * in another currency, has nothing open or is covered by an open promise or a live plan, or when
 * the schedule cannot add up.
 *
 * @example await createPaymentPlan({ store, clock, actor: "cli:ana", customerRef: "C1", invoiceRefs: ["I1", "I2"], instalments: 3, first: "2026-05-31" })
 */
export async function createPaymentPlan(options: CreatePaymentPlanOptions): Promise<PaymentPlanRecord> {
  const asOf = businessDate({ asOf: options.asOf, clock: options.clock, timeZone: options.store.timeZone });
  const first = calendarDate(options.first, "the first instalment date");
  const every = options.every ?? "month";
  if (!(PLAN_FREQUENCIES as readonly string[]).includes(every)) {
    throw new RecoupError(
      "VALIDATION_FAILED",
      `instalments fall every ${PLAN_FREQUENCIES.join(", every ")}, not "${every}"`,
    );
  }
  if (first < asOf) {
    throw new RecoupError(
      "VALIDATION_FAILED",
      `the first instalment (${first}) is before the plan is agreed (${asOf})`,
    );
  }
  const count = options.instalments ?? options.amounts?.length;
  if (count === undefined || !Number.isSafeInteger(count) || count < 1) {
    throw new RecoupError(
      "VALIDATION_FAILED",
      "give the number of instalments (at least 1) or their amounts",
    );
  }
  if (options.amounts !== undefined && options.amounts.length !== count) {
    throw new RecoupError(
      "VALIDATION_FAILED",
      `${options.amounts.length} amounts given for ${count} instalments`,
    );
  }
  const downPaymentOn =
    options.downPayment === undefined
      ? null
      : calendarDate(options.downPaymentOn ?? asOf, "the down payment date");
  if (options.downPayment === undefined && options.downPaymentOn !== undefined) {
    throw new RecoupError("VALIDATION_FAILED", "a down payment date needs a down payment amount");
  }
  if (downPaymentOn !== null && downPaymentOn < asOf) {
    throw new RecoupError(
      "VALIDATION_FAILED",
      `the down payment (${downPaymentOn}) is before the plan is agreed (${asOf})`,
    );
  }
  for (const [value, what] of [
    [options.graceDays, "the grace period"],
    [options.reminderDaysBefore, "the reminder lead time"],
  ] as const) {
    if (value !== undefined && value !== null && (!Number.isSafeInteger(value) || value < 0 || value > 60)) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `${what} must be a whole number of days from 0 to 60, not ${value}`,
      );
    }
  }
  if (
    options.missesToDefault !== undefined &&
    (!Number.isSafeInteger(options.missesToDefault) ||
      options.missesToDefault < 1 ||
      options.missesToDefault > 100)
  ) {
    throw new RecoupError(
      "VALIDATION_FAILED",
      `the misses before default must be from 1 to 100, not ${options.missesToDefault}`,
    );
  }
  const note = optionalText(options.note, "the note", 4000);
  const collector = collectorEmail(options.collectorEmail);
  const organisationId = options.store.organisationId;
  const at = options.clock.now();

  const created = await options.store.handle.db.transaction().execute(async (trx) => {
    const db = fromKysely(trx);
    const { policy } = await loadCollectionPolicy(db, organisationId);
    const customer = await lockCustomer(db, organisationId, options.customerRef);
    const covered = await namedInvoices(db, {
      organisationId,
      customer: { id: customer.id, ref: customer.customer_ref },
      asOf,
      invoiceRefs: options.invoiceRefs,
    });
    const currency = covered[0]!.currency;
    const total = covered.reduce((sum, invoice) => sum + invoice.open, 0);
    let schedule: ScheduledInstalment[];
    try {
      schedule = planSchedule({
        total,
        first,
        count,
        every,
        ...(options.amounts !== undefined
          ? { amounts: options.amounts.map((a) => parseAmount(a, currency)) }
          : {}),
        ...(downPaymentOn !== null
          ? { downPayment: { amount: parseAmount(options.downPayment!, currency), dueOn: downPaymentOn } }
          : {}),
      });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new RecoupError("VALIDATION_FAILED", `the schedule does not add up: ${error.message}`);
    }
    if (schedule.length < 2) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        "a plan of one payment is a promise to pay: record it with `recoup promise record`",
      );
    }
    if (schedule.length > policy.plans.maxInstalments) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `${schedule.length} instalments are more than the policy allows (${policy.plans.maxInstalments})`,
      );
    }
    const active = policy.plans.activation === "on_creation";
    // The signature is due within the policy's days, and at the latest on the first regular instalment.
    const signBy = active ? null : minDate(addDays(asOf, policy.plans.signatureDays), first);
    const graceDays = options.graceDays ?? policy.plans.graceDays;
    const missesToDefault = options.missesToDefault ?? policy.plans.missesToDefault;
    const reminderDaysBefore =
      options.reminderDaysBefore === undefined ? policy.plans.reminderDaysBefore : options.reminderDaysBefore;
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO payment_plans (organisation_id, customer_id, status, currency, total, frequency, grace_days,
         misses_to_default, reminder_days_before, created_on, sign_by, activated_on, ledger_watermark, collector_email,
         note, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, (SELECT coalesce(max(id), 0) FROM allocations),
         $13, $14, $15, $16, $16)
       RETURNING id::text AS id`,
      [
        organisationId,
        customer.id,
        active ? "active" : "proposed",
        currency,
        total,
        every,
        graceDays,
        missesToDefault,
        reminderDaysBefore,
        asOf,
        signBy,
        active ? asOf : null,
        collector ?? customer.collector_email,
        note,
        options.actor,
        at,
      ],
    );
    const planId = Number(rows[0]!.id);
    await db.query(
      `INSERT INTO payment_plan_invoices (plan_id, invoice_id, open_at_start)
       SELECT $1, u.invoice_id, u.open FROM unnest($2::bigint[], $3::bigint[]) AS u(invoice_id, open)`,
      [planId, covered.map((i) => i.invoiceId), covered.map((i) => i.open)],
    );
    await db.query(
      `INSERT INTO payment_plan_instalments (plan_id, number, kind, due_on, amount)
       SELECT $1, u.number, u.kind, u.due_on, u.amount
       FROM unnest($2::int[], $3::text[], $4::date[], $5::bigint[]) AS u(number, kind, due_on, amount)`,
      [
        planId,
        schedule.map((i) => i.number),
        schedule.map((i) => i.kind),
        schedule.map((i) => i.dueOn),
        schedule.map((i) => i.amount),
      ],
    );
    const [agreement] = await enqueueResolutionMessages(db, { organisationId, actor: options.actor, at }, [
      {
        purpose: "plan_agreement",
        actionKey: `plan:${planId}:agreement`,
        customerId: customer.id,
        asOf,
        template: "plan-agreement",
        invoiceIds: covered.map((i) => i.invoiceId),
        planId,
      },
    ]);
    if (agreement!.status === "skipped") {
      await db.query(`UPDATE payment_plans SET agreement_skipped = $2 WHERE id = $1`, [
        planId,
        agreement!.reason,
      ]);
    }
    await appendAuditEvents(db, { organisationId, actor: options.actor, occurredAt: at }, [
      {
        action: "plan.created",
        subjectType: "payment_plan",
        subjectId: planId,
        data: {
          customerRef: customer.customer_ref,
          planId,
          status: active ? "active" : "proposed",
          createdOn: asOf,
          signBy,
          currency,
          total,
          frequency: every,
          graceDays,
          missesToDefault,
          reminderDaysBefore,
          invoiceRefs: covered.map((i) => i.invoiceRef),
          instalments: schedule.map((i) => ({
            number: i.number,
            kind: i.kind,
            dueOn: i.dueOn,
            amount: i.amount,
          })),
          agreement:
            agreement!.status === "queued"
              ? { actionId: agreement!.actionId, channel: agreement!.channel }
              : { skipped: agreement!.reason },
        },
      },
    ]);
    return { planId, actionId: agreement!.status === "queued" ? agreement!.actionId : null };
  });

  if (created.actionId !== null) {
    // Queued with the plan in its transaction: a crash here leaves it for the next dispatch.
    await dispatchCollectionActions({
      ...options.dispatch,
      store: options.store,
      clock: options.clock,
      actor: options.actor,
      upTo: asOf,
      actionIds: [created.actionId],
    });
  }
  const [record] = await listPaymentPlans(options.store.handle.pool, organisationId, {
    ids: [created.planId],
    limit: 1,
  });
  return record!;
}
