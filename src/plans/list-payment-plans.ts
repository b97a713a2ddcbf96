import { resolutionMessageLink, type ResolutionMessageLink } from "../collections/resolution-messages.js";
import type { Queryable } from "../db/queryable.js";
import type { InstalmentStatus, PlanFrequency, PlanStatus } from "../domain/payment-plan.js";

interface Money {
  amount: number;
  currency: string;
}

/** A payment plan as the CLI (`--json`) and the API show it. */
export interface PaymentPlanRecord {
  id: string;
  customerRef: string;
  customerName: string;
  status: PlanStatus;
  /** The covered balance when the plan was created; the instalments add up to it exactly. */
  total: Money;
  /** Payments counted towards the plan, as of the last cycle that evaluated it. */
  paid: Money;
  /** What the covered invoices have open now (payments, credit notes and write-offs all lower it). */
  openOnInvoices: Money;
  frequency: PlanFrequency;
  graceDays: number;
  missesToDefault: number;
  reminderDaysBefore: number | null;
  createdOn: string;
  /** A proposed plan lapses unless signed by this day. */
  signBy: string | null;
  signedOn: string | null;
  signedBy: string | null;
  activatedOn: string | null;
  completedOn: string | null;
  defaultedOn: string | null;
  cancelledOn: string | null;
  cancelReason: string | null;
  /** The last cycle day that evaluated it. */
  evaluatedOn: string | null;
  missedInstalments: number;
  invoices: { invoiceRef: string; openAtStart: Money }[];
  instalments: {
    number: number;
    kind: "down_payment" | "instalment";
    dueOn: string;
    amount: Money;
    status: InstalmentStatus;
    /** The part of the payments that fills it (payments fill the instalments in order). */
    paid: Money;
    paidOn: string | null;
    missedOn: string | null;
    reminderActionId: string | null;
  }[];
  /** The agreement letter: the outbox action and its message, or why none was sent. */
  agreement: ResolutionMessageLink;
  /** Collector tasks the plan created (missed instalments, default, no signature). */
  taskIds: string[];
  collectorEmail: string | null;
  note: string | null;
  createdBy: string;
}

export interface PaymentPlanFilter {
  statuses?: readonly PlanStatus[];
  customerRef?: string;
  ids?: readonly number[];
  /** Keyset pagination: ids greater than this. */
  afterId?: number;
  /** Newest first (the customer view); without pagination. */
  newestFirst?: boolean;
  limit: number;
}

interface Row {
  id: string;
  customer_ref: string;
  customer_name: string;
  status: PlanStatus;
  currency: string;
  total: string | number;
  paid_amount: string | number;
  open_now: string | number;
  frequency: PlanFrequency;
  grace_days: number;
  misses_to_default: number;
  reminder_days_before: number | null;
  created_on: string;
  sign_by: string | null;
  signed_on: string | null;
  signed_by: string | null;
  activated_on: string | null;
  completed_on: string | null;
  defaulted_on: string | null;
  cancelled_on: string | null;
  cancel_reason: string | null;
  evaluated_on: string | null;
  missed_instalments: number;
  invoices: { invoiceRef: string; open: number }[];
  instalments: {
    number: number;
    kind: "down_payment" | "instalment";
    dueOn: string;
    amount: number;
    status: InstalmentStatus;
    paid: number;
    paidOn: string | null;
    missedOn: string | null;
    reminderActionId: number | null;
  }[];
  agreement_skipped: "test_mode" | "do_not_contact" | null;
  action_id: string | null;
  action_channel: string | null;
  action_status: "planned" | "sent" | "failed" | null;
  message_id: string | null;
  task_ids: string[] | null;
  collector_email: string | null;
  note: string | null;
  created_by: string;
}

/**
 * Payment plans with their instalments, filtered, in id order (keyset pages): the list behind
 * `recoup plans` and `GET /plans`, and the reader of one plan.
 *
 * @example await listPaymentPlans(pool, 1, { statuses: ["active"], limit: 50 })
 */
export async function listPaymentPlans(
  db: Queryable,
  organisationId: number,
  filter: PaymentPlanFilter,
): Promise<PaymentPlanRecord[]> {
  const { rows } = await db.query<Row>(
    `SELECT p.id::text AS id, c.customer_ref, c.name AS customer_name, p.status, p.currency, p.total, p.paid_amount,
       p.frequency, p.grace_days, p.misses_to_default, p.reminder_days_before, p.created_on, p.sign_by, p.signed_on,
       p.signed_by, p.activated_on, p.completed_on, p.defaulted_on, p.cancelled_on, p.cancel_reason, p.evaluated_on,
       p.missed_instalments, p.agreement_skipped, p.collector_email, p.note, p.created_by,
       (SELECT coalesce(sum(i.open_amount), 0) FROM payment_plan_invoices x JOIN invoices i ON i.id = x.invoice_id
        WHERE x.plan_id = p.id) AS open_now,
       (SELECT json_agg(json_build_object('invoiceRef', i.invoice_ref, 'open', x.open_at_start)
                        ORDER BY i.due_date, i.issue_date, i.invoice_ref)
        FROM payment_plan_invoices x JOIN invoices i ON i.id = x.invoice_id WHERE x.plan_id = p.id) AS invoices,
       (SELECT json_agg(json_build_object('number', s.number, 'kind', s.kind, 'dueOn', s.due_on, 'amount', s.amount,
                          'status', s.status, 'paid', s.paid_amount, 'paidOn', s.paid_on, 'missedOn', s.missed_on,
                          'reminderActionId', s.reminder_action_id) ORDER BY s.number)
        FROM payment_plan_instalments s WHERE s.plan_id = p.id) AS instalments,
       a.id::text AS action_id, a.channel AS action_channel, a.status AS action_status,
       (SELECT m.id::text FROM outbox_messages m WHERE m.action_id = a.id) AS message_id,
       (SELECT array_agg(t.id::text ORDER BY t.id) FROM collection_tasks t WHERE t.plan_id = p.id) AS task_ids
     FROM payment_plans p
     JOIN customers c ON c.id = p.customer_id
     LEFT JOIN collection_actions a ON a.plan_id = p.id AND a.purpose = 'plan_agreement'
     WHERE p.organisation_id = $1
       AND ($2::text[] IS NULL OR p.status = ANY ($2::text[]))
       AND ($3::text IS NULL OR c.customer_ref = $3)
       AND ($4::bigint[] IS NULL OR p.id = ANY ($4::bigint[]))
       AND ($5::bigint IS NULL OR p.id > $5)
     ORDER BY CASE WHEN $7 THEN -p.id ELSE p.id END
     LIMIT $6`,
    [
      organisationId,
      filter.statuses === undefined ? null : [...filter.statuses],
      filter.customerRef ?? null,
      filter.ids === undefined ? null : filter.ids.map(String),
      filter.afterId ?? null,
      filter.limit,
      filter.newestFirst ?? false,
    ],
  );
  return rows.map(toRecord);
}

function toRecord(row: Row): PaymentPlanRecord {
  const currency = row.currency.trim();
  const money = (amount: string | number): Money => ({ amount: Number(amount), currency });
  return {
    id: row.id,
    customerRef: row.customer_ref,
    customerName: row.customer_name,
    status: row.status,
    total: money(row.total),
    paid: money(row.paid_amount),
    openOnInvoices: money(row.open_now),
    frequency: row.frequency,
    graceDays: row.grace_days,
    missesToDefault: row.misses_to_default,
    reminderDaysBefore: row.reminder_days_before,
    createdOn: row.created_on,
    signBy: row.sign_by,
    signedOn: row.signed_on,
    signedBy: row.signed_by,
    activatedOn: row.activated_on,
    completedOn: row.completed_on,
    defaultedOn: row.defaulted_on,
    cancelledOn: row.cancelled_on,
    cancelReason: row.cancel_reason,
    evaluatedOn: row.evaluated_on,
    missedInstalments: row.missed_instalments,
    invoices: row.invoices.map((invoice) => ({
      invoiceRef: invoice.invoiceRef,
      openAtStart: money(invoice.open),
    })),
    instalments: row.instalments.map((instalment) => ({
      number: instalment.number,
      kind: instalment.kind,
      dueOn: instalment.dueOn,
      amount: money(instalment.amount),
      status: instalment.status,
      paid: money(instalment.paid),
      paidOn: instalment.paidOn,
      missedOn: instalment.missedOn,
      reminderActionId: instalment.reminderActionId === null ? null : String(instalment.reminderActionId),
    })),
    agreement: resolutionMessageLink(row, row.agreement_skipped),
    taskIds: row.task_ids ?? [],
    collectorEmail: row.collector_email,
    note: row.note,
    createdBy: row.created_by,
  };
}
