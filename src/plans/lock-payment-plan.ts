import type { Queryable } from "../db/queryable.js";
import { CLOSED_PLAN_STATUSES, type PlanStatus } from "../domain/payment-plan.js";
import { RecoupError } from "../errors.js";

export interface LockedPlan {
  id: number;
  status: PlanStatus;
  customer_ref: string;
  created_on: string;
  sign_by: string | null;
  signed_on: string | null;
  completed_on: string | null;
  defaulted_on: string | null;
  cancelled_on: string | null;
}

/**
 * A plan's row locked for the transaction (the cycle's evaluation of the same plan waits, and
 * then finds the change), or PLAN_NOT_FOUND.
 *
 * @example const plan = await lockPaymentPlan(trx, organisationId, "3")
 */
export async function lockPaymentPlan(
  db: Queryable,
  organisationId: number,
  planId: string,
): Promise<LockedPlan> {
  if (!/^[1-9]\d{0,17}$/.test(planId))
    throw new RecoupError("VALIDATION_FAILED", `"${planId}" is not a plan id`);
  const { rows } = await db.query<LockedPlan>(
    `SELECT p.id, p.status, c.customer_ref, p.created_on, p.sign_by, p.signed_on, p.completed_on, p.defaulted_on,
       p.cancelled_on
     FROM payment_plans p JOIN customers c ON c.id = p.customer_id
     WHERE p.organisation_id = $1 AND p.id = $2 FOR UPDATE OF p`,
    [organisationId, planId],
  );
  if (!rows[0]) throw new RecoupError("PLAN_NOT_FOUND", `no payment plan ${planId}`);
  return { ...rows[0], id: Number(rows[0].id) };
}

/** PLAN_CLOSED for a completed, defaulted or cancelled plan: nothing more is recorded against it. */
export function refuseClosedPlan(plan: LockedPlan, what: string): void {
  if (!CLOSED_PLAN_STATUSES.has(plan.status)) return;
  const since = plan.completed_on ?? plan.defaulted_on ?? plan.cancelled_on;
  throw new RecoupError(
    "PLAN_CLOSED",
    `payment plan ${plan.id} is ${plan.status} (since ${since}); nothing can be recorded against a closed plan, so it cannot be ${what}`,
  );
}
