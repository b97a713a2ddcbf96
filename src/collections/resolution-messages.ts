import { appendAuditEvents, type AuditEventInput } from "../audit/append-audit-events.js";
import type { MessageContext } from "../channels/message-templates.js";
import type { Queryable } from "../db/queryable.js";
import { loadCollectionSettings } from "./collection-settings.js";

/**
 * What a collection action is for: the cycle's dunning steps, or a message about a promise or a
 * payment plan. Resolution messages go through the same outbox, dispatch, delivery, retries and
 * quiet hours as dunning; only their key differs (docs/decisions/0005).
 */
export type ActionPurpose = "dunning" | "promise_confirmation" | "plan_agreement" | "plan_reminder";

/** One message a promise or a plan sends the customer. */
export interface ResolutionMessage {
  purpose: Exclude<ActionPurpose, "dunning">;
  /** Unique per organisation: the same key never queues a second message. */
  actionKey: string;
  customerId: number;
  /** The business day it belongs to. */
  asOf: string;
  template: string;
  /** The invoices it is about (listed in the message). */
  invoiceIds: number[];
  promiseId?: number;
  planId?: number;
}

export type ResolutionSkipReason = "test_mode" | "do_not_contact" | "paused";

/** What became of a message: queued in the outbox as a planned action, or not sent and why. */
export type QueuedResolutionMessage =
  | { status: "queued"; actionId: number; channel: "email" | "letter"; created: boolean }
  | { status: "skipped"; reason: ResolutionSkipReason };

const WORKFLOW_OF: Record<ResolutionMessage["purpose"], string> = {
  promise_confirmation: "promise",
  plan_agreement: "payment_plan",
  plan_reminder: "payment_plan",
};

const STEP_OF: Record<ResolutionMessage["purpose"], string> = {
  promise_confirmation: "promise-confirmation",
  plan_agreement: "plan-agreement",
  plan_reminder: "instalment-reminder",
};

interface CustomerRow {
  id: number;
  customer_ref: string;
  do_not_contact: boolean;
  paused_until: string | null;
  has_email: boolean;
}

/**
 * Puts resolution messages into the outbox's queue inside the caller's transaction: each becomes
 * a planned collection action with its own key, which dispatch renders into the outbox like any
 * other (the cycle, the scheduler or `dispatchCollectionActions({ actionIds })` right after the
 * commit). The same key twice queues one message: the second call finds the first.
 *
 * Nothing is queued in test mode or for a do-not-contact customer; a paused customer still gets
 * the confirmation of what was just agreed with it, but no reminders. A confirmation or
 * agreement goes by email when the customer has a contact with an email address and as a letter
 * (PDF, for print) otherwise; a reminder goes by email only (without an address, dispatch fails it
 * visibly with a review task, as for dunning email).
 *
 * @example await enqueueResolutionMessages(trx, { organisationId, actor: "cli", at, messages: [{ purpose: "promise_confirmation", actionKey: "promise:12:confirmation", … }] })
 */
export async function enqueueResolutionMessages(
  db: Queryable,
  context: { organisationId: number; actor: string; at: Date },
  messages: readonly ResolutionMessage[],
): Promise<QueuedResolutionMessage[]> {
  if (messages.length === 0) return [];
  const { organisationId, at } = context;
  const settings = await loadCollectionSettings(db, organisationId);
  const { rows: customers } = await db.query<CustomerRow>(
    `SELECT c.id, c.customer_ref, c.do_not_contact, c.paused_until,
       EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = c.id AND coalesce(trim(k.email), '') <> '') AS has_email
     FROM customers c WHERE c.organisation_id = $1 AND c.id = ANY ($2::bigint[])`,
    [organisationId, [...new Set(messages.map((m) => m.customerId))]],
  );
  const byId = new Map(customers.map((c) => [Number(c.id), c]));
  const outcomes: (QueuedResolutionMessage | null)[] = messages.map((message) => {
    const customer = byId.get(message.customerId);
    if (!customer)
      throw new RangeError(`no customer ${message.customerId} in organisation ${organisationId}`);
    if (settings.testMode) return { status: "skipped", reason: "test_mode" };
    if (customer.do_not_contact) return { status: "skipped", reason: "do_not_contact" };
    if (
      message.purpose === "plan_reminder" &&
      customer.paused_until !== null &&
      customer.paused_until >= message.asOf
    )
      return { status: "skipped", reason: "paused" };
    return null;
  });
  const queued = messages
    .map((message, index) => ({ message, index }))
    .filter(({ index }) => outcomes[index] === null)
    .map(({ message, index }) => ({
      message,
      index,
      channel: (message.purpose === "plan_reminder" || byId.get(message.customerId)!.has_email
        ? "email"
        : "letter") as "email" | "letter",
    }));
  if (queued.length > 0) {
    const { rows: inserted } = await db.query<{ id: string; action_key: string }>(
      `INSERT INTO collection_actions (organisation_id, customer_id, as_of, workflow, step, channel, template, invoice_ids,
         status, created_at, purpose, action_key, promise_id, plan_id)
       SELECT $1, u.customer_id, u.as_of, u.workflow, u.step, u.channel, u.template,
         string_to_array(u.invoice_ids, ',')::bigint[], 'planned', $2, u.purpose, u.action_key, u.promise_id, u.plan_id
       FROM unnest($3::bigint[], $4::date[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                   $11::text[], $12::bigint[], $13::bigint[])
         AS u(customer_id, as_of, workflow, step, channel, template, invoice_ids, purpose, action_key, promise_id, plan_id)
       ON CONFLICT (organisation_id, action_key) WHERE action_key IS NOT NULL DO NOTHING
       RETURNING id::text AS id, action_key`,
      [
        organisationId,
        at,
        queued.map((q) => q.message.customerId),
        queued.map((q) => q.message.asOf),
        queued.map((q) => WORKFLOW_OF[q.message.purpose]),
        queued.map((q) => STEP_OF[q.message.purpose]),
        queued.map((q) => q.channel),
        queued.map((q) => q.message.template),
        queued.map((q) => q.message.invoiceIds.join(",")),
        queued.map((q) => q.message.purpose),
        queued.map((q) => q.message.actionKey),
        queued.map((q) => q.message.promiseId ?? null),
        queued.map((q) => q.message.planId ?? null),
      ],
    );
    const created = new Map(inserted.map((row) => [row.action_key, Number(row.id)]));
    const existingKeys = queued.map((q) => q.message.actionKey).filter((key) => !created.has(key));
    const existing = new Map<string, { id: number; channel: "email" | "letter" }>();
    if (existingKeys.length > 0) {
      const { rows } = await db.query<{ id: string; action_key: string; channel: "email" | "letter" }>(
        `SELECT id::text AS id, action_key, channel FROM collection_actions
         WHERE organisation_id = $1 AND action_key = ANY ($2::text[])`,
        [organisationId, existingKeys],
      );
      for (const row of rows) existing.set(row.action_key, { id: Number(row.id), channel: row.channel });
    }
    const { rows: refs } = await db.query<{ id: number; invoice_ref: string }>(
      `SELECT id, invoice_ref FROM invoices WHERE id = ANY ($1::bigint[])`,
      [[...new Set(queued.flatMap((q) => q.message.invoiceIds))]],
    );
    const invoiceRefs = new Map(refs.map((row) => [Number(row.id), row.invoice_ref]));
    const events: AuditEventInput[] = [];
    for (const { message, index, channel } of queued) {
      const id = created.get(message.actionKey);
      if (id === undefined) {
        const found = existing.get(message.actionKey)!;
        outcomes[index] = { status: "queued", actionId: found.id, channel: found.channel, created: false };
        continue;
      }
      outcomes[index] = { status: "queued", actionId: id, channel, created: true };
      events.push({
        action: "collection.action_planned",
        subjectType: "customer",
        subjectId: byId.get(message.customerId)!.customer_ref,
        data: {
          actionId: id,
          asOf: message.asOf,
          purpose: message.purpose,
          workflow: WORKFLOW_OF[message.purpose],
          step: STEP_OF[message.purpose],
          channel,
          template: message.template,
          invoiceRefs: message.invoiceIds.map((invoiceId) => invoiceRefs.get(invoiceId)!),
          ...(message.promiseId !== undefined ? { promiseId: message.promiseId } : {}),
          ...(message.planId !== undefined ? { planId: message.planId } : {}),
        },
      });
    }
    await appendAuditEvents(db, { organisationId, actor: context.actor, occurredAt: at }, events);
  }
  return outcomes as QueuedResolutionMessage[];
}

/** A resolution action as dispatch sees it. */
export interface ResolutionActionRef {
  id: string;
  purpose: ActionPurpose;
  promise_id: number | null;
  plan_id: number | null;
}

/**
 * What a resolution message says beyond the invoices: the promise confirmed, the plan's schedule,
 * or the instalments a reminder is about (with what is still due on each). Keyed by action id.
 *
 * @example const extras = await resolutionMessageContexts(trx, actions)
 */
export async function resolutionMessageContexts(
  db: Queryable,
  actions: readonly ResolutionActionRef[],
): Promise<Map<string, Partial<MessageContext>>> {
  const contexts = new Map<string, Partial<MessageContext>>();
  const promiseActions = actions.filter((a) => a.purpose === "promise_confirmation" && a.promise_id !== null);
  if (promiseActions.length > 0) {
    const { rows } = await db.query<{ id: string; amount: string; currency: string; promised_on: string }>(
      `SELECT id::text AS id, amount, currency, promised_on FROM promises_to_pay WHERE id = ANY ($1::bigint[])`,
      [promiseActions.map((a) => a.promise_id)],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const action of promiseActions) {
      const promise = byId.get(String(action.promise_id))!;
      contexts.set(action.id, {
        promise: {
          id: promise.id,
          amount: { amount: Number(promise.amount), currency: promise.currency.trim() },
          date: promise.promised_on,
        },
      });
    }
  }
  const agreementActions = actions.filter((a) => a.purpose === "plan_agreement" && a.plan_id !== null);
  if (agreementActions.length > 0) {
    const { rows } = await db.query<{
      plan_id: string;
      number: number;
      due_on: string;
      amount: string;
      currency: string;
      total: string;
      status: string;
      sign_by: string | null;
    }>(
      `SELECT p.id::text AS plan_id, i.number, i.due_on, i.amount, p.currency, p.total, p.status, p.sign_by
       FROM payment_plans p JOIN payment_plan_instalments i ON i.plan_id = p.id
       WHERE p.id = ANY ($1::bigint[]) ORDER BY p.id, i.number`,
      [agreementActions.map((a) => a.plan_id)],
    );
    for (const action of agreementActions) {
      const instalments = rows.filter((row) => row.plan_id === String(action.plan_id));
      const first = instalments[0]!;
      const currency = first.currency.trim();
      contexts.set(action.id, {
        plan: {
          id: first.plan_id,
          total: { amount: Number(first.total), currency },
          instalments: instalments.map((row) => ({
            number: row.number,
            date: row.due_on,
            amount: { amount: Number(row.amount), currency },
          })),
          ...(first.status === "proposed" && first.sign_by !== null ? { signBy: first.sign_by } : {}),
        },
      });
    }
  }
  const reminderActions = actions.filter((a) => a.purpose === "plan_reminder");
  if (reminderActions.length > 0) {
    const { rows } = await db.query<{
      action_id: string;
      plan_id: string;
      number: number;
      due_on: string;
      reminded_amount: string;
      currency: string;
    }>(
      `SELECT i.reminder_action_id::text AS action_id, i.plan_id::text AS plan_id, i.number, i.due_on,
         i.reminded_amount, p.currency
       FROM payment_plan_instalments i JOIN payment_plans p ON p.id = i.plan_id
       WHERE i.reminder_action_id = ANY ($1::bigint[]) ORDER BY i.due_on, i.plan_id, i.number`,
      [reminderActions.map((a) => a.id)],
    );
    for (const action of reminderActions) {
      const instalments = rows.filter((row) => row.action_id === action.id);
      contexts.set(action.id, {
        plan: {
          instalments: instalments.map((row) => ({
            number: row.number,
            planId: row.plan_id,
            date: row.due_on,
            amount: { amount: Number(row.reminded_amount), currency: row.currency.trim() },
          })),
        },
      });
    }
  }
  return contexts;
}

/** Where a promise's confirmation or a plan's agreement stands, as its record shows it. */
export type ResolutionMessageLink =
  | { status: "planned" | "sent" | "failed"; actionId: string; channel: string; messageId: string | null }
  | { status: "skipped"; reason: "test_mode" | "do_not_contact" };

/**
 * The link from a promise or plan to its message: the queued action and, once dispatched, its
 * outbox message; or why none was queued.
 *
 * @example resolutionMessageLink({ action_id: "7", action_channel: "email", action_status: "sent", message_id: "3" }, null)
 */
export function resolutionMessageLink(
  action: {
    action_id: string | null;
    action_channel: string | null;
    action_status: "planned" | "sent" | "failed" | null;
    message_id: string | null;
  },
  skipped: "test_mode" | "do_not_contact" | null,
): ResolutionMessageLink {
  if (action.action_id === null) return { status: "skipped", reason: skipped! };
  return {
    status: action.action_status!,
    actionId: action.action_id,
    channel: action.action_channel!,
    messageId: action.message_id,
  };
}
