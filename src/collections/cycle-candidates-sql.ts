import { openItemsAsOfSql } from "../analytics/open-items-sql.js";
import type { Assignment, CollectionPolicy } from "../domain/collection-policy.js";

/**
 * The invoice steps the cycle must decide about on day D, over the whole portfolio in one
 * statement: for every invoice open as of D (with something still owed), each step of its
 * customer's workflow that is due (due date + offset ≤ D), applies to the customer (the step's
 * segment and rating conditions) and is not done yet (no row in invoice_step_events).
 *
 * The workflow of each customer comes from the policy's assignments, first match wins, as a CASE
 * over the customer's profile. The keys it inlines were validated by the policy parser (lower-case
 * letters, digits, - and _, and the closed sets of segments and ratings), so they cannot break out
 * of their quotes; the check below makes sure of it anyway.
 *
 * Parameters: $1 organisation, $2 as-of date, $3…$9 the steps as parallel arrays (stepArrays).
 */
export function cycleCandidatesSql(policy: CollectionPolicy): string {
  return `
WITH steps AS (
  SELECT * FROM unnest($3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[])
    AS s(workflow, step, offset_days, channel, template, segments, ratings)
),
customer_workflows AS (
  SELECT c.id AS customer_id, c.customer_ref, c.do_not_contact, c.paused_until, p.segment, p.risk_rating,
    ${workflowCase(policy.assignments)} AS workflow
  FROM customers c LEFT JOIN customer_profiles p ON p.customer_id = c.id
  WHERE c.organisation_id = $1
)
SELECT o.id AS invoice_id, i.invoice_ref, o.customer_id, cw.customer_ref, o.currency, o.due_date, o.open_amount,
  cw.workflow, cw.do_not_contact, cw.paused_until, s.step, s.offset_days, s.channel, s.template
FROM (${openItemsAsOfSql("$2")}) o
JOIN invoices i ON i.id = o.id
JOIN customer_workflows cw ON cw.customer_id = o.customer_id
JOIN steps s ON s.workflow = cw.workflow AND o.due_date + s.offset_days <= $2::date
  AND (s.segments IS NULL OR cw.segment = ANY (string_to_array(s.segments, ',')))
  AND (s.ratings IS NULL OR cw.risk_rating = ANY (string_to_array(s.ratings, ',')))
WHERE o.open_amount > 0
  AND NOT EXISTS (
    SELECT 1 FROM invoice_step_events e WHERE e.invoice_id = o.id AND e.workflow = cw.workflow AND e.step = s.step)
ORDER BY o.customer_id, o.id`;
}

/** The policy's steps as the parallel arrays $3…$9 of cycleCandidatesSql. */
export function stepArrays(policy: CollectionPolicy): unknown[] {
  const columns: (string | number | null)[][] = [[], [], [], [], [], [], []];
  for (const workflow of policy.workflows) {
    for (const step of workflow.steps) {
      columns[0]!.push(workflow.key);
      columns[1]!.push(step.key);
      columns[2]!.push(step.offsetDays);
      columns[3]!.push(step.channel);
      columns[4]!.push(step.template ?? null);
      columns[5]!.push(step.conditions?.segments?.join(",") ?? null);
      columns[6]!.push(step.conditions?.ratings?.join(",") ?? null);
    }
  }
  return columns;
}

/** A row of cycleCandidatesSql. */
export interface CycleCandidateRow {
  invoice_id: number;
  invoice_ref: string;
  customer_id: number;
  customer_ref: string;
  currency: string;
  due_date: string;
  open_amount: string | number;
  workflow: string;
  do_not_contact: boolean;
  paused_until: string | null;
  step: string;
  offset_days: number;
  channel: string;
  template: string | null;
}

function workflowCase(assignments: readonly Assignment[]): string {
  const literal = (value: string) => {
    if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new RangeError(`unsafe policy key "${value}"`);
    return `'${value}'`;
  };
  const whens: string[] = [];
  let fallback = "NULL";
  for (const assignment of assignments) {
    if ("default" in assignment) {
      fallback = literal(assignment.workflow);
      break;
    }
    const conditions: string[] = [];
    if (assignment.segment !== undefined) conditions.push(`p.segment = ${literal(assignment.segment)}`);
    if (assignment.rating !== undefined) conditions.push(`p.risk_rating = ${literal(assignment.rating)}`);
    whens.push(`WHEN ${conditions.join(" AND ")} THEN ${literal(assignment.workflow)}`);
  }
  return whens.length === 0 ? fallback : `CASE ${whens.join(" ")} ELSE ${fallback} END`;
}
