import { appendAuditEvents, type AuditEventInput } from "../audit/append-audit-events.js";
import { toMinorUnits } from "../db/minor-units.js";
import type { Queryable } from "../db/queryable.js";
import { formatMinorUnits } from "../domain/money.js";
import { evaluatePromise, type PromiseVerdict } from "../domain/promise-to-pay.js";

export interface PromiseEvaluationSummary {
  kept: number;
  partiallyKept: number;
  broken: number;
  /** Closed because credit notes or write-offs settled the covered invoices. */
  cancelled: number;
  /** Collector tasks created for broken and partly kept promises. */
  tasks: number;
}

interface OpenPromiseRow {
  id: string;
  customer_id: number;
  customer_ref: string;
  name: string;
  amount: string | number;
  currency: string;
  promised_on: string;
  grace_days: number;
  deadline: string;
  contact: string | null;
  assignee: string | null;
  paid: string | number;
  settled: boolean;
  invoice_ids: number[];
  invoice_refs: string[];
}

/**
 * The cycle's judgement of promises to pay on day D, set-based: one statement measures every open
 * promise recorded by D (what counts towards it up to min(D, deadline), and whether its invoices
 * are settled), the pure `evaluatePromise` decides, one statement each writes the verdicts, the
 * tasks and the audit events, inside the cycle's transaction. A promise is judged once: it leaves
 * `open`, so a re-run of the day, or of a crashed cycle, finds nothing more to do; tasks carry a
 * key as well (`promise:<id>:followup`).
 *
 * What counts towards a promise: payment allocations to its invoices dated on or before the
 * deadline that the ledger did not hold when the promise was recorded — dated after the
 * recording day, or with an allocation id above the promise's ledger watermark
 * (docs/decisions/0005).
 *
 * @example await evaluatePromisesIn(trx, { organisationId, asOf: "2026-04-24", at, actor: "cycle" })
 */
export async function evaluatePromisesIn(
  db: Queryable,
  options: { organisationId: number; asOf: string; at: Date; actor: string },
): Promise<PromiseEvaluationSummary> {
  const { organisationId, asOf, at } = options;
  const { rows } = await db.query<OpenPromiseRow>(
    `WITH open_promises AS (
       SELECT p.*, least($2::date, p.promised_on + p.grace_days) AS counted_to
       FROM promises_to_pay p WHERE p.organisation_id = $1 AND p.status = 'open' AND p.recorded_on <= $2::date
     )
     SELECT p.id::text AS id, p.customer_id, c.customer_ref, c.name, p.amount, p.currency, p.promised_on, p.grace_days,
       (p.promised_on + p.grace_days) AS deadline, p.contact, coalesce(p.collector_email, c.collector_email) AS assignee,
       coalesce((SELECT sum(a.amount) FROM promise_invoices x JOIN allocations a ON a.invoice_id = x.invoice_id
                 WHERE x.promise_id = p.id AND a.kind = 'payment' AND a.date <= p.counted_to
                   AND (a.date > p.recorded_on OR a.id > p.ledger_watermark)), 0) AS paid,
       NOT EXISTS (
         SELECT 1 FROM promise_invoices x JOIN invoices i ON i.id = x.invoice_id
         WHERE x.promise_id = p.id
           AND i.amount - coalesce((SELECT sum(l.amount) FROM allocations l
                                    WHERE l.invoice_id = i.id AND l.date <= p.counted_to), 0) > 0) AS settled,
       (SELECT array_agg(x.invoice_id ORDER BY i.due_date, i.invoice_ref) FROM promise_invoices x
          JOIN invoices i ON i.id = x.invoice_id WHERE x.promise_id = p.id) AS invoice_ids,
       (SELECT array_agg(i.invoice_ref ORDER BY i.due_date, i.invoice_ref) FROM promise_invoices x
          JOIN invoices i ON i.id = x.invoice_id WHERE x.promise_id = p.id) AS invoice_refs
     FROM open_promises p JOIN customers c ON c.id = p.customer_id
     ORDER BY p.id`,
    [organisationId, asOf],
  );
  const judged = rows
    .map((row) => ({
      row,
      paid: toMinorUnits(row.paid),
      verdict: evaluatePromise({
        amount: toMinorUnits(row.amount),
        paid: toMinorUnits(row.paid),
        invoicesSettled: row.settled,
        deadline: row.deadline,
        asOf,
      }),
    }))
    .filter((j): j is { row: OpenPromiseRow; paid: number; verdict: PromiseVerdict } => j.verdict !== null);
  const summary: PromiseEvaluationSummary = { kept: 0, partiallyKept: 0, broken: 0, cancelled: 0, tasks: 0 };
  if (judged.length === 0) return summary;

  await db.query(
    `UPDATE promises_to_pay p SET status = u.status, paid_amount = u.paid,
       evaluated_on = CASE WHEN u.status = 'cancelled' THEN NULL ELSE $2::date END,
       cancelled_on = CASE WHEN u.status = 'cancelled' THEN $2::date END,
       cancel_reason = CASE WHEN u.status = 'cancelled' THEN u.reason END,
       closed_at = $3
     FROM unnest($4::bigint[], $5::text[], $6::bigint[], $7::text[]) AS u(id, status, paid, reason)
     WHERE p.organisation_id = $1 AND p.id = u.id AND p.status = 'open'`,
    [
      organisationId,
      asOf,
      at,
      judged.map((j) => j.row.id),
      judged.map((j) => j.verdict.status),
      judged.map((j) => j.paid),
      judged.map((j) => (j.verdict.status === "cancelled" ? SETTLED_OTHERWISE : j.verdict.reason)),
    ],
  );

  const followUps = judged.filter(
    (j) => j.verdict.status === "broken" || j.verdict.status === "partially_kept",
  );
  const taskIds = new Map<string, number>();
  if (followUps.length > 0) {
    const { rows: tasks } = await db.query<{ id: string; promise_id: string }>(
      `INSERT INTO collection_tasks (organisation_id, customer_id, kind, status, assignee, due_on, invoice_ids, note,
         created_at, promise_id, task_key)
       SELECT $1, u.customer_id, 'call', 'open', u.assignee, $2::date, string_to_array(u.invoice_ids, ',')::bigint[],
         u.note, $3, u.promise_id, 'promise:' || u.promise_id || ':followup'
       FROM unnest($4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[])
         AS u(promise_id, customer_id, assignee, invoice_ids, note)
       ON CONFLICT (organisation_id, task_key) WHERE task_key IS NOT NULL DO NOTHING
       RETURNING id::text AS id, promise_id::text AS promise_id`,
      [
        organisationId,
        asOf,
        at,
        followUps.map((j) => j.row.id),
        followUps.map((j) => j.row.customer_id),
        followUps.map((j) => j.row.assignee),
        followUps.map((j) => j.row.invoice_ids.join(",")),
        followUps.map((j) => followUpNote(j.row, j.paid, j.verdict.status === "broken")),
      ],
    );
    for (const task of tasks) taskIds.set(task.promise_id, Number(task.id));
  }

  const events: AuditEventInput[] = [];
  for (const { row, paid, verdict } of judged) {
    const amount = toMinorUnits(row.amount);
    if (verdict.status === "kept") summary.kept += 1;
    else if (verdict.status === "partially_kept") summary.partiallyKept += 1;
    else if (verdict.status === "broken") summary.broken += 1;
    else summary.cancelled += 1;
    const taskId = taskIds.get(row.id) ?? null;
    events.push({
      action: `promise.${verdict.status}`,
      subjectType: "promise",
      subjectId: row.id,
      data: {
        customerRef: row.customer_ref,
        promiseId: Number(row.id),
        evaluatedOn: asOf,
        promisedOn: row.promised_on,
        deadline: row.deadline,
        amount,
        paid,
        currency: row.currency.trim(),
        reason: verdict.status === "cancelled" ? SETTLED_OTHERWISE : verdict.reason,
        invoiceRefs: row.invoice_refs,
        taskId,
      },
    });
    if (taskId !== null) {
      summary.tasks += 1;
      events.push({
        action: "collection.task_created",
        subjectType: "customer",
        subjectId: row.customer_ref,
        data: { taskId, kind: "call", assignee: row.assignee, promiseId: Number(row.id), dueOn: asOf },
      });
    }
  }
  await appendAuditEvents(db, { organisationId, actor: options.actor, occurredAt: at }, events);
  return summary;
}

const SETTLED_OTHERWISE = "the covered invoices were settled by credit notes or write-offs";

function followUpNote(row: OpenPromiseRow, paid: number, broken: boolean): string {
  const currency = row.currency.trim();
  const money = (amount: number) => `${formatMinorUnits(amount, currency)} ${currency}`;
  const amount = toMinorUnits(row.amount);
  const who = row.contact ?? "the customer";
  return (
    `Promise ${row.id} ${broken ? "broken" : "only partly kept"}: ${row.name} (${row.customer_ref}) promised ` +
    `${money(amount)} by ${row.promised_on} (${row.grace_days} grace days) on ${row.invoice_refs.join(", ")} and ` +
    (broken ? "nothing was paid. " : `paid ${money(paid)}; ${money(amount - paid)} is still owed. `) +
    `Call ${who} to find out why, then agree a new date, a payment plan, or escalate.`
  );
}
