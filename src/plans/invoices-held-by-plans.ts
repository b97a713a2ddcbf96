import type { Queryable } from "../db/queryable.js";
import { planHoldsDunning, type PlanStatus } from "../domain/payment-plan.js";

/**
 * The invoices that payment plans hold back from dunning on day D (domain `planHoldsDunning`:
 * active plans, and proposed ones up to their signature deadline).
 *
 * @example const held = await invoicesHeldByPlans(trx, organisationId, "2026-04-15")
 */
export async function invoicesHeldByPlans(
  db: Queryable,
  organisationId: number,
  asOf: string,
): Promise<Set<number>> {
  const { rows } = await db.query<{
    invoice_id: number;
    status: PlanStatus;
    created_on: string;
    sign_by: string | null;
  }>(
    `SELECT x.invoice_id, p.status, p.created_on, p.sign_by
     FROM payment_plans p JOIN payment_plan_invoices x ON x.plan_id = p.id
     WHERE p.organisation_id = $1 AND p.status IN ('proposed', 'active')`,
    [organisationId],
  );
  return new Set(
    rows
      .filter((row) =>
        planHoldsDunning({ status: row.status, startedOn: row.created_on, signBy: row.sign_by }, asOf),
      )
      .map((row) => Number(row.invoice_id)),
  );
}
