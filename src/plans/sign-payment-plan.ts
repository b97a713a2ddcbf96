import { appendAuditEvents } from "../audit/append-audit-events.js";
import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { fromKysely } from "../db/queryable.js";
import { canMovePlan } from "../domain/payment-plan.js";
import { RecoupError } from "../errors.js";
import { businessDate, optionalText } from "../promises/commitment-input.js";
import { listPaymentPlans, type PaymentPlanRecord } from "./list-payment-plans.js";
import { lockPaymentPlan, refuseClosedPlan } from "./lock-payment-plan.js";

export interface SignPaymentPlanOptions {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  planId: string;
  /** Who signed for the customer. */
  signedBy?: string;
  /** The business day the signed agreement came back; default today in the organisation's time zone. */
  asOf?: string;
}

/**
 * Records that the customer signed the plan's agreement: a proposed plan becomes active that day
 * (instalments are then judged by the cycle); a plan that the policy activated at creation gets
 * its signature on record. Audited. Refused with nothing changed for a closed plan, a plan signed
 * already, a signature after the deadline (the plan lapses) or before the plan was agreed.
 *
 * @example await signPaymentPlan({ store, clock, actor: "cli:ana", planId: "3", signedBy: "J. Doe" })
 */
export async function signPaymentPlan(options: SignPaymentPlanOptions): Promise<PaymentPlanRecord> {
  const asOf = businessDate({ asOf: options.asOf, clock: options.clock, timeZone: options.store.timeZone });
  const signedBy = optionalText(options.signedBy, "the signatory", 200);
  const organisationId = options.store.organisationId;
  const at = options.clock.now();
  const planId = await options.store.handle.db.transaction().execute(async (trx) => {
    const db = fromKysely(trx);
    const plan = await lockPaymentPlan(db, organisationId, options.planId);
    refuseClosedPlan(plan, "signed");
    if (plan.signed_on !== null) {
      throw new RecoupError("PLAN_ALREADY_SIGNED", `payment plan ${plan.id} was signed on ${plan.signed_on}`);
    }
    if (asOf < plan.created_on) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `payment plan ${plan.id} was agreed on ${plan.created_on}, after ${asOf}`,
      );
    }
    if (plan.status === "proposed" && plan.sign_by !== null && asOf > plan.sign_by) {
      throw new RecoupError(
        "PLAN_SIGNATURE_EXPIRED",
        `payment plan ${plan.id} had to be signed by ${plan.sign_by}; it lapses: agree a new plan`,
      );
    }
    const activates = plan.status === "proposed" && canMovePlan(plan.status, "active");
    await db.query(
      `UPDATE payment_plans SET signed_on = $2, signed_by = $3, updated_at = $4,
         status = CASE WHEN $5 THEN 'active' ELSE status END,
         activated_on = CASE WHEN $5 THEN $2::date ELSE activated_on END
       WHERE id = $1`,
      [plan.id, asOf, signedBy, at, activates],
    );
    await appendAuditEvents(db, { organisationId, actor: options.actor, occurredAt: at }, [
      {
        action: "plan.signed",
        subjectType: "payment_plan",
        subjectId: plan.id,
        data: {
          customerRef: plan.customer_ref,
          planId: plan.id,
          signedOn: asOf,
          signedBy,
          activated: activates,
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
