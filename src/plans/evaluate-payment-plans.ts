import { appendAuditEvents, type AuditEventInput } from "../audit/append-audit-events.js";
import {
  enqueueResolutionMessages,
  type ResolutionMessage,
  type ResolutionSkipReason,
} from "../collections/resolution-messages.js";
import { toMinorUnits } from "../db/minor-units.js";
import type { Queryable } from "../db/queryable.js";
import { formatMinorUnits } from "../domain/money.js";
import { evaluatePlan, type InstalmentStatus, type PlanEvaluation } from "../domain/payment-plan.js";

/** A reminder the cycle queued, or held back, for one customer on the day. */
export interface PlanReminder {
  customerId: number;
  customerRef: string;
  invoiceIds: number[];
  invoiceRefs: string[];
}

export interface PlanEvaluationSummary {
  /** Proposed plans whose signature deadline passed (cancelled, with a task). */
  lapsed: number;
  completed: number;
  defaulted: number;
  instalmentsPaid: number;
  instalmentsMissed: number;
  /** Collector tasks created: missed instalments, defaults, lapsed plans. */
  tasks: number;
  /** Reminders queued in the outbox today, one per customer. */
  reminders: (PlanReminder & { actionId: number })[];
  /** Reminders due today but not sent, and why (they are tried again tomorrow, up to the due day). */
  reminderSkips: (PlanReminder & { reason: ResolutionSkipReason })[];
}

interface PlanRow {
  id: string;
  customer_id: number;
  customer_ref: string;
  name: string;
  currency: string;
  total: string | number;
  grace_days: number;
  misses_to_default: number;
  reminder_days_before: number | null;
  assignee: string | null;
  settled: boolean;
  invoice_ids: number[];
  invoice_refs: string[];
}

interface InstalmentRow {
  plan_id: string;
  number: number;
  due_on: string;
  amount: string | number;
  status: InstalmentStatus;
  paid_amount: string | number;
  paid_on: string | null;
  missed_on: string | null;
  reminded: boolean;
}

interface AllocationRow {
  plan_id: string;
  kind: "payment" | "credit_note" | "write_off";
  date: string;
  amount: string | number;
}

/**
 * The cycle's evaluation of payment plans on day D, set-based, inside the cycle's transaction:
 *
 * 1. Proposed plans whose signature deadline has passed lapse (cancelled, a task to follow up).
 * 2. Every active plan is measured in three statements (its instalments; the allocations that
 *    count towards it — those its total did not reflect: dated after its start, or entered into
 *    the ledger after it was created; whether its invoices are settled), judged by the pure
 *    `evaluatePlan` (instalments filled in order; missed after the grace days; completed,
 *    defaulted after the configured misses or when the schedule has run out), and written back
 *    with one statement per table: instalment statuses, plan statuses, tasks (a call for each
 *    missed instalment, one for a default), audit events.
 * 3. Reminders: each customer gets one reminder for all its instalments whose reminder day has
 *    come (N days before, caught up until the due day), queued in the outbox with the key
 *    `plan-reminder:<customer>:<day>`.
 *
 * Everything it changes is keyed by state (an instalment leaves `pending` once, a reminder is
 * recorded on its instalment, tasks carry a key), so a re-run of the day changes nothing more.
 *
 * @example await evaluatePaymentPlansIn(trx, { organisationId, asOf: "2026-05-04", at, actor: "cycle" })
 */
export async function evaluatePaymentPlansIn(
  db: Queryable,
  options: { organisationId: number; asOf: string; at: Date; actor: string },
): Promise<PlanEvaluationSummary> {
  const { organisationId, asOf, at } = options;
  const summary: PlanEvaluationSummary = {
    lapsed: 0,
    completed: 0,
    defaulted: 0,
    instalmentsPaid: 0,
    instalmentsMissed: 0,
    tasks: 0,
    reminders: [],
    reminderSkips: [],
  };
  const events: AuditEventInput[] = [];
  const tasks: TaskToCreate[] = [];

  // 1. Proposed plans that were not signed in time.
  const { rows: lapsed } = await db.query<{
    id: string;
    customer_id: number;
    customer_ref: string;
    name: string;
    sign_by: string;
    assignee: string | null;
    invoice_ids: number[];
  }>(
    `UPDATE payment_plans p SET status = 'cancelled', cancelled_on = $2, cancel_reason = 'not signed by ' || p.sign_by::text,
       updated_at = $3
     FROM customers c
     WHERE c.id = p.customer_id AND p.organisation_id = $1 AND p.status = 'proposed' AND p.sign_by < $2::date
     RETURNING p.id::text AS id, p.customer_id, c.customer_ref, c.name, p.sign_by,
       coalesce(p.collector_email, c.collector_email) AS assignee,
       (SELECT array_agg(x.invoice_id ORDER BY x.invoice_id) FROM payment_plan_invoices x WHERE x.plan_id = p.id) AS invoice_ids`,
    [organisationId, asOf, at],
  );
  for (const plan of lapsed) {
    summary.lapsed += 1;
    events.push({
      action: "plan.cancelled",
      subjectType: "payment_plan",
      subjectId: plan.id,
      data: {
        customerRef: plan.customer_ref,
        planId: Number(plan.id),
        from: "proposed",
        cancelledOn: asOf,
        reason: `not signed by ${plan.sign_by}`,
      },
    });
    tasks.push({
      key: `plan:${plan.id}:unsigned`,
      planId: plan.id,
      customerId: plan.customer_id,
      customerRef: plan.customer_ref,
      assignee: plan.assignee,
      invoiceIds: plan.invoice_ids,
      note:
        `Payment plan ${plan.id} for ${plan.name} (${plan.customer_ref}) was not signed by ${plan.sign_by} and has lapsed; ` +
        `its invoices return to dunning. Call the customer to get a plan signed or agree another way to pay.`,
    });
  }

  // 2. Active plans.
  const { rows: plans } = await db.query<PlanRow>(
    `SELECT p.id::text AS id, p.customer_id, c.customer_ref, c.name, p.currency, p.total, p.grace_days,
       p.misses_to_default, p.reminder_days_before, coalesce(p.collector_email, c.collector_email) AS assignee,
       NOT EXISTS (
         SELECT 1 FROM payment_plan_invoices x JOIN invoices i ON i.id = x.invoice_id
         WHERE x.plan_id = p.id
           AND i.amount - coalesce((SELECT sum(l.amount) FROM allocations l
                                    WHERE l.invoice_id = i.id AND l.date <= $2::date), 0) > 0) AS settled,
       (SELECT array_agg(x.invoice_id ORDER BY i.due_date, i.invoice_ref) FROM payment_plan_invoices x
          JOIN invoices i ON i.id = x.invoice_id WHERE x.plan_id = p.id) AS invoice_ids,
       (SELECT array_agg(i.invoice_ref ORDER BY i.due_date, i.invoice_ref) FROM payment_plan_invoices x
          JOIN invoices i ON i.id = x.invoice_id WHERE x.plan_id = p.id) AS invoice_refs
     FROM payment_plans p JOIN customers c ON c.id = p.customer_id
     WHERE p.organisation_id = $1 AND p.status = 'active' AND p.created_on <= $2::date
     ORDER BY p.id`,
    [organisationId, asOf],
  );
  const planIds = plans.map((plan) => plan.id);
  let instalmentRows: InstalmentRow[] = [];
  let allocationRows: AllocationRow[] = [];
  if (planIds.length > 0) {
    instalmentRows = (
      await db.query<InstalmentRow>(
        `SELECT plan_id::text AS plan_id, number, due_on, amount, status, paid_amount, paid_on, missed_on,
           reminder_action_id IS NOT NULL AS reminded
         FROM payment_plan_instalments WHERE plan_id = ANY ($1::bigint[]) ORDER BY plan_id, number`,
        [planIds],
      )
    ).rows;
    allocationRows = (
      await db.query<AllocationRow>(
        `SELECT p.id::text AS plan_id, a.kind, a.date, a.amount
         FROM payment_plans p
         JOIN payment_plan_invoices x ON x.plan_id = p.id
         JOIN allocations a ON a.invoice_id = x.invoice_id
         WHERE p.id = ANY ($1::bigint[]) AND a.date <= $2::date
           AND (a.date > p.created_on OR a.id > p.ledger_watermark)
         ORDER BY p.id, a.date, a.id`,
        [planIds, asOf],
      )
    ).rows;
  }
  const instalmentsOf = groupBy(instalmentRows, (row) => row.plan_id);
  const allocationsOf = groupBy(allocationRows, (row) => row.plan_id);

  const instalmentUpdates: {
    planId: string;
    number: number;
    status: InstalmentStatus;
    paid: number;
    paidOn: string | null;
    missedOn: string | null;
  }[] = [];
  const evaluated: { plan: PlanRow; evaluation: PlanEvaluation }[] = [];
  for (const plan of plans) {
    const stored = instalmentsOf.get(plan.id) ?? [];
    const allocations = allocationsOf.get(plan.id) ?? [];
    const evaluation = evaluatePlan({
      asOf,
      total: toMinorUnits(plan.total),
      graceDays: plan.grace_days,
      missesToDefault: plan.misses_to_default,
      reminderDaysBefore: plan.reminder_days_before,
      instalments: stored.map((row) => ({
        number: row.number,
        dueOn: row.due_on,
        amount: toMinorUnits(row.amount),
        status: row.status,
        missedOn: row.missed_on,
        reminded: row.reminded,
      })),
      payments: allocations
        .filter((a) => a.kind === "payment")
        .map((a) => ({ date: a.date, amount: toMinorUnits(a.amount) })),
      reductions: allocations
        .filter((a) => a.kind !== "payment")
        .reduce((sum, a) => sum + toMinorUnits(a.amount), 0),
      invoicesSettled: plan.settled,
    });
    evaluated.push({ plan, evaluation });
    const currency = plan.currency.trim();
    evaluation.instalments.forEach((instalment, index) => {
      const before = stored[index]!;
      const changed =
        instalment.status !== before.status ||
        instalment.paidAmount !== toMinorUnits(before.paid_amount) ||
        instalment.paidOn !== before.paid_on ||
        instalment.missedOn !== before.missed_on;
      if (!changed) return;
      instalmentUpdates.push({
        planId: plan.id,
        number: instalment.number,
        status: instalment.status,
        paid: instalment.paidAmount,
        paidOn: instalment.paidOn,
        missedOn: instalment.missedOn,
      });
      if (instalment.status === before.status) return;
      const data = {
        customerRef: plan.customer_ref,
        planId: Number(plan.id),
        instalment: instalment.number,
        dueOn: before.due_on,
        amount: toMinorUnits(before.amount),
        paid: instalment.paidAmount,
        currency,
      };
      if (instalment.status === "paid") {
        summary.instalmentsPaid += 1;
        events.push({
          action: "plan.instalment_paid",
          subjectType: "payment_plan",
          subjectId: plan.id,
          data: { ...data, paidOn: instalment.paidOn },
        });
      } else if (instalment.status === "missed") {
        summary.instalmentsMissed += 1;
        events.push({
          action: "plan.instalment_missed",
          subjectType: "payment_plan",
          subjectId: plan.id,
          data: { ...data, missedOn: asOf, graceDays: plan.grace_days },
        });
        if (evaluation.status === "active") {
          tasks.push({
            key: `plan:${plan.id}:missed:${instalment.number}`,
            planId: plan.id,
            customerId: plan.customer_id,
            customerRef: plan.customer_ref,
            assignee: plan.assignee,
            invoiceIds: plan.invoice_ids,
            note:
              `Instalment ${instalment.number} of payment plan ${plan.id} (${formatMinorUnits(toMinorUnits(before.amount), currency)} ${currency}, ` +
              `due ${before.due_on}) was missed by ${plan.name} (${plan.customer_ref}): ${evaluation.missed} of ` +
              `${plan.misses_to_default} misses before default. Call to get it paid and keep the plan on track.`,
          });
        }
      }
    });
    if (evaluation.status !== "active") {
      const currencyAmount = (amount: number) => `${formatMinorUnits(amount, currency)} ${currency}`;
      if (evaluation.status === "completed") summary.completed += 1;
      else summary.defaulted += 1;
      events.push({
        action: `plan.${evaluation.status}`,
        subjectType: "payment_plan",
        subjectId: plan.id,
        data: {
          customerRef: plan.customer_ref,
          planId: Number(plan.id),
          on: asOf,
          reason: evaluation.reason,
          paid: evaluation.paid,
          remaining: evaluation.remaining,
          missed: evaluation.missed,
          currency,
        },
      });
      if (evaluation.status === "defaulted") {
        tasks.push({
          key: `plan:${plan.id}:default`,
          planId: plan.id,
          customerId: plan.customer_id,
          customerRef: plan.customer_ref,
          assignee: plan.assignee,
          invoiceIds: plan.invoice_ids,
          note:
            `Payment plan ${plan.id} of ${plan.name} (${plan.customer_ref}) is in default: ${evaluation.reason}; ` +
            `${currencyAmount(evaluation.remaining)} is still owed on ${plan.invoice_refs.join(", ")}. Dunning resumes; ` +
            `review the account for escalation.`,
        });
      }
    }
  }
  if (instalmentUpdates.length > 0) {
    await db.query(
      `UPDATE payment_plan_instalments s SET status = u.status, paid_amount = u.paid, paid_on = u.paid_on,
         missed_on = u.missed_on
       FROM unnest($1::bigint[], $2::int[], $3::text[], $4::bigint[], $5::date[], $6::date[])
         AS u(plan_id, number, status, paid, paid_on, missed_on)
       WHERE s.plan_id = u.plan_id AND s.number = u.number`,
      [
        instalmentUpdates.map((u) => u.planId),
        instalmentUpdates.map((u) => u.number),
        instalmentUpdates.map((u) => u.status),
        instalmentUpdates.map((u) => u.paid),
        instalmentUpdates.map((u) => u.paidOn),
        instalmentUpdates.map((u) => u.missedOn),
      ],
    );
  }
  if (evaluated.length > 0) {
    await db.query(
      `UPDATE payment_plans p SET status = u.status, paid_amount = u.paid, missed_instalments = u.missed,
         evaluated_on = $2::date, updated_at = $3,
         completed_on = CASE WHEN u.status = 'completed' THEN $2::date END,
         defaulted_on = CASE WHEN u.status = 'defaulted' THEN $2::date END
       FROM unnest($4::bigint[], $5::text[], $6::bigint[], $7::int[]) AS u(id, status, paid, missed)
       WHERE p.organisation_id = $1 AND p.id = u.id AND p.status = 'active'`,
      [
        organisationId,
        asOf,
        at,
        evaluated.map((e) => e.plan.id),
        evaluated.map((e) => e.evaluation.status),
        evaluated.map((e) => e.evaluation.paid),
        evaluated.map((e) => e.evaluation.missed),
      ],
    );
  }
  summary.tasks = await createTasks(db, { organisationId, asOf, at }, tasks, events);

  // 3. Reminders, one per customer and day.
  const byCustomer = new Map<number, { plans: { plan: PlanRow; evaluation: PlanEvaluation }[] }>();
  for (const entry of evaluated) {
    if (entry.evaluation.status !== "active") continue;
    if (!entry.evaluation.instalments.some((i) => i.remindToday)) continue;
    const group = byCustomer.get(entry.plan.customer_id) ?? { plans: [] };
    group.plans.push(entry);
    byCustomer.set(entry.plan.customer_id, group);
  }
  const groups = [...byCustomer.entries()].map(([customerId, { plans: entries }]) => {
    const invoiceIds = [...new Set(entries.flatMap((e) => e.plan.invoice_ids.map(Number)))];
    const invoiceRefs = [...new Set(entries.flatMap((e) => e.plan.invoice_refs))];
    return { customerId, customerRef: entries[0]!.plan.customer_ref, entries, invoiceIds, invoiceRefs };
  });
  const messages: ResolutionMessage[] = groups.map((group) => ({
    purpose: "plan_reminder",
    actionKey: `plan-reminder:${group.customerId}:${asOf}`,
    customerId: group.customerId,
    asOf,
    template: "plan-reminder",
    invoiceIds: group.invoiceIds,
  }));
  const outcomes = await enqueueResolutionMessages(
    db,
    { organisationId, actor: options.actor, at },
    messages,
  );
  const reminded: { planId: string; number: number; actionId: number; amount: number }[] = [];
  groups.forEach((group, index) => {
    const outcome = outcomes[index]!;
    const reminder = {
      customerId: group.customerId,
      customerRef: group.customerRef,
      invoiceIds: group.invoiceIds,
      invoiceRefs: group.invoiceRefs,
    };
    if (outcome.status === "skipped") {
      summary.reminderSkips.push({ ...reminder, reason: outcome.reason });
      return;
    }
    // A reminder this customer already had today (an earlier run) keeps its content; the
    // instalments found now wait for tomorrow, as invoices do in the dunning cycle.
    if (!outcome.created) return;
    summary.reminders.push({ ...reminder, actionId: outcome.actionId });
    for (const { plan, evaluation } of group.entries) {
      for (const instalment of evaluation.instalments) {
        if (instalment.remindToday) {
          reminded.push({
            planId: plan.id,
            number: instalment.number,
            actionId: outcome.actionId,
            amount: instalment.outstanding,
          });
        }
      }
    }
  });
  if (reminded.length > 0) {
    await db.query(
      `UPDATE payment_plan_instalments s SET reminder_action_id = u.action_id, reminded_amount = u.amount
       FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::bigint[]) AS u(plan_id, number, action_id, amount)
       WHERE s.plan_id = u.plan_id AND s.number = u.number AND s.reminder_action_id IS NULL`,
      [
        reminded.map((r) => r.planId),
        reminded.map((r) => r.number),
        reminded.map((r) => r.actionId),
        reminded.map((r) => r.amount),
      ],
    );
  }
  await appendAuditEvents(db, { organisationId, actor: options.actor, occurredAt: at }, events);
  return summary;
}

interface TaskToCreate {
  key: string;
  planId: string;
  customerId: number;
  customerRef: string;
  assignee: string | null;
  invoiceIds: number[];
  note: string;
}

/** Inserts the tasks (once per key) and adds their audit events; returns how many were created. */
async function createTasks(
  db: Queryable,
  context: { organisationId: number; asOf: string; at: Date },
  tasks: readonly TaskToCreate[],
  events: AuditEventInput[],
): Promise<number> {
  if (tasks.length === 0) return 0;
  const { rows } = await db.query<{ id: string; task_key: string }>(
    `INSERT INTO collection_tasks (organisation_id, customer_id, kind, status, assignee, due_on, invoice_ids, note,
       created_at, plan_id, task_key)
     SELECT $1, u.customer_id, 'call', 'open', u.assignee, $2::date, string_to_array(u.invoice_ids, ',')::bigint[],
       u.note, $3, u.plan_id, u.task_key
     FROM unnest($4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[])
       AS u(task_key, plan_id, customer_id, assignee, invoice_ids, note)
     ON CONFLICT (organisation_id, task_key) WHERE task_key IS NOT NULL DO NOTHING
     RETURNING id::text AS id, task_key`,
    [
      context.organisationId,
      context.asOf,
      context.at,
      tasks.map((t) => t.key),
      tasks.map((t) => t.planId),
      tasks.map((t) => t.customerId),
      tasks.map((t) => t.assignee),
      tasks.map((t) => t.invoiceIds.join(",")),
      tasks.map((t) => t.note),
    ],
  );
  const byKey = new Map(tasks.map((t) => [t.key, t]));
  for (const row of rows) {
    const task = byKey.get(row.task_key)!;
    events.push({
      action: "collection.task_created",
      subjectType: "customer",
      subjectId: task.customerRef,
      data: {
        taskId: Number(row.id),
        kind: "call",
        assignee: task.assignee,
        planId: Number(task.planId),
        dueOn: context.asOf,
        reason: row.task_key.split(":").slice(2).join(":"),
      },
    });
  }
  return rows.length;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row)) ?? [];
    list.push(row);
    groups.set(key(row), list);
  }
  return groups;
}
