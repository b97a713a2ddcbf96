import { toMinorUnits } from "../db/minor-units.js";
import type { Queryable } from "../db/queryable.js";
import { daysBetween } from "../domain/calendar-date.js";
import { minorDigits } from "../domain/currency.js";
import type { RiskRating } from "../domain/risk-rating.js";
import type { Segment } from "../domain/segmentation.js";
import { workPriority, type PriorityPart } from "../domain/work-priority.js";

export interface WorkItem {
  /** The task's id, or null for an account that needs attention without a task yet. */
  taskId: string | null;
  kind: "call" | "review" | "monitor";
  customerRef: string;
  customerName: string;
  assignee: string | null;
  dueOn: string;
  priority: number;
  /** What to do next, in one sentence. */
  nextAction: string;
  /** Why the item is where it is: the parts of its priority, largest first. */
  why: PriorityPart[];
  overdue: { amount: number; currency: string };
  invoiceRefs: string[];
  note: string | null;
}

interface WorklistRow {
  task_id: string | null;
  kind: "call" | "review" | "monitor";
  customer_ref: string;
  name: string;
  assignee: string | null;
  due_on: string;
  note: string | null;
  invoice_refs: string[] | null;
  currency: string;
  overdue_amount: string | number | null;
  risk_rating: RiskRating | null;
  segment: Segment | null;
  oldest_days_past_due: number | null;
  last_contact: string | null;
  phone: string | null;
  contact_name: string | null;
  owner_email: string | null;
  promise_id: string | null;
  plan_id: string | null;
  broken_promises: string | number;
}

/**
 * The collector worklist as of a day (issue 3, DESIGN 1): open call and review tasks due by then
 * (a broken promise, a missed instalment or a defaulted plan is a call task too), and high-value,
 * high-risk accounts with something overdue that have no open task (they are watched daily),
 * ranked by `domain/work-priority.ts` (which counts the customer's broken promises of the last
 * 365 days), each with its next action and why.
 *
 * @example await listWorklist(pool, 1, { asOf: "2026-12-03", collector: "priya@example.com" })
 */
export async function listWorklist(
  db: Queryable,
  organisationId: number,
  options: { asOf: string; collector?: string; limit?: number },
): Promise<WorkItem[]> {
  const { rows } = await db.query<WorklistRow>(
    `WITH items AS (
       SELECT t.id::text AS task_id, t.kind, t.customer_id, t.assignee, t.due_on, t.note, t.invoice_ids,
         t.promise_id::text AS promise_id, t.plan_id::text AS plan_id
       FROM collection_tasks t
       WHERE t.organisation_id = $1 AND t.status = 'open' AND t.due_on <= $2::date
       UNION ALL
       SELECT NULL, 'monitor', p.customer_id, c.collector_email, $2::date, NULL, NULL, NULL, NULL
       FROM customer_profiles p JOIN customers c ON c.id = p.customer_id
       WHERE p.organisation_id = $1 AND p.segment = 'high-value-high-risk' AND p.overdue_amount > 0
         AND NOT EXISTS (SELECT 1 FROM collection_tasks t WHERE t.customer_id = p.customer_id AND t.status = 'open')
     )
     SELECT i.task_id, i.kind, c.customer_ref, c.name, i.assignee, i.due_on, i.note,
       (SELECT array_agg(inv.invoice_ref ORDER BY inv.due_date) FROM invoices inv WHERE inv.id = ANY (i.invoice_ids))
         AS invoice_refs,
       c.currency, p.overdue_amount, p.risk_rating, p.segment, p.oldest_days_past_due,
       greatest(
         (SELECT max(a.as_of) FROM collection_actions a
          WHERE a.customer_id = c.id AND a.status = 'sent' AND a.channel IN ('email', 'letter', 'sms') AND a.as_of <= $2::date),
         (SELECT max(t.completed_at)::date FROM collection_tasks t
          WHERE t.customer_id = c.id AND t.kind = 'call' AND t.status = 'done')
       ) AS last_contact,
       k.phone, k.name AS contact_name, c.owner_email, i.promise_id, i.plan_id,
       (SELECT count(*) FROM promises_to_pay bp
        WHERE bp.customer_id = c.id AND bp.status = 'broken'
          AND bp.evaluated_on > $2::date - 365 AND bp.evaluated_on <= $2::date) AS broken_promises
     FROM items i
     JOIN customers c ON c.id = i.customer_id
     LEFT JOIN customer_profiles p ON p.customer_id = c.id
     LEFT JOIN contacts k ON k.customer_id = c.id AND k.is_primary
     WHERE ($3::text IS NULL OR i.assignee = $3)`,
    [organisationId, options.asOf, options.collector ?? null],
  );
  const items = rows.map((row) => toWorkItem(row, options.asOf));
  items.sort(
    (a, b) =>
      b.priority - a.priority || a.dueOn.localeCompare(b.dueOn) || a.customerRef.localeCompare(b.customerRef),
  );
  return options.limit === undefined ? items : items.slice(0, options.limit);
}

function toWorkItem(row: WorklistRow, asOf: string): WorkItem {
  const overdue = toMinorUnits(row.overdue_amount);
  const priority = workPriority({
    overdueMajor: overdue / 10 ** minorDigits(row.currency),
    rating: row.risk_rating,
    oldestDaysPastDue: row.oldest_days_past_due,
    brokenPromises: Number(row.broken_promises),
    segment: row.segment,
    daysSinceContact: row.last_contact === null ? null : daysBetween(row.last_contact, asOf),
    automationBlocked: row.kind === "review",
  });
  return {
    taskId: row.task_id,
    kind: row.kind,
    customerRef: row.customer_ref,
    customerName: row.name,
    assignee: row.assignee,
    dueOn: row.due_on,
    priority: priority.score,
    nextAction: nextAction(row),
    why: priority.parts,
    overdue: { amount: overdue, currency: row.currency },
    invoiceRefs: row.invoice_refs ?? [],
    note: row.note,
  };
}

function nextAction(row: WorklistRow): string {
  const who = row.contact_name ?? "the accounts payable contact";
  switch (row.kind) {
    case "call":
      if (row.promise_id !== null) {
        return `Promise ${row.promise_id} was not kept: call ${who}${row.phone ? ` on ${row.phone}` : ""} to find out why, then agree a new date, a payment plan, or escalate.`;
      }
      if (row.plan_id !== null) {
        return `Payment plan ${row.plan_id} needs you: call ${who}${row.phone ? ` on ${row.phone}` : ""} (see the note) and get the plan back on track or decide the next step.`;
      }
      return row.phone
        ? `Call ${who} on ${row.phone}: confirm the invoices are approved and agree a payment date.`
        : `Call ${who} (no phone number on file: find one) to agree a payment date.`;
    case "review":
      return "An automatic message could not be sent: fix the contact details so the next steps reach the customer, and follow this one up yourself.";
    case "monitor":
      return row.owner_email
        ? `High value, high risk: review the account with the sales owner (${row.owner_email}) and decide the next step.`
        : "High value, high risk: review the account today and decide the next step.";
  }
}
