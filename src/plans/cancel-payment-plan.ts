import { appendAuditEvents } from "../audit/append-audit-events.js";
import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { fromKysely } from "../db/queryable.js";
import { canMovePlan } from "../domain/payment-plan.js";
import { RecoupError } from "../errors.js";
import { businessDate, optionalText } from "../promises/commitment-input.js";
import { listPaymentPlans, type PaymentPlanRecord } from "./list-payment-plans.js";
import { lockPaymentPlan, refuseClosedPlan } from "./lock-payment-plan.js";

export interface CancelPaymentPlanOptions {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  planId: string;
  reason?: string;
  /** The business day; default today in the organisation's time zone. */
  asOf?: string;
}

/**
 * Cancels a proposed or active plan (renegotiated, or agreed by mistake): its invoices return to
 * dunning with the next cycle, the instalments stay on record as they were. Audited. Refused with
 * nothing changed for a completed, defaulted or cancelled plan.
 *
 * @example await cancelPaymentPlan({ store, clock, actor: "cli:ana", planId: "3", reason: "replaced by plan 4" })
 */
export async function cancelPaymentPlan(options: CancelPaymentPlanOptions): Promise<PaymentPlanRecord> {
  const asOf = businessDate({ asOf: options.asOf, clock: options.clock, timeZone: options.store.timeZone });
  const reason = optionalText(options.reason, "the reason", 500);
  const organisationId = options.store.organisationId;
  const at = options.clock.now();
  const planId = await options.store.handle.db.transaction().execute(async (trx) => {
    const db = fromKysely(trx);
    const plan = await lockPaymentPlan(db, organisationId, options.planId);
    refuseClosedPlan(plan, "cancelled");
    if (!canMovePlan(plan.status, "cancelled")) throw new RangeError(`plan status ${plan.status}`);
    if (asOf < plan.created_on) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `payment plan ${plan.id} was agreed on ${plan.created_on}, after ${asOf}`,
      );
    }
    await db.query(
      `UPDATE payment_plans SET status = 'cancelled', cancelled_on = $2, cancel_reason = $3, updated_at = $4 WHERE id = $1`,
      [plan.id, asOf, reason, at],
    );
    await appendAuditEvents(db, { organisationId, actor: options.actor, occurredAt: at }, [
      {
        action: "plan.cancelled",
        subjectType: "payment_plan",
        subjectId: plan.id,
        data: {
          customerRef: plan.customer_ref,
          planId: plan.id,
          from: plan.status,
          cancelledOn: asOf,
          reason,
        },
      },
    ]);
    return plan.id;
  });
  const [record] = await listPaymentPlans(options.store.handle.pool, organisationId, {
    ids: [planId],
    limit: 1,
  });
  return record!;
}
