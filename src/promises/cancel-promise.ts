import { appendAuditEvents } from "../audit/append-audit-events.js";
import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { fromKysely } from "../db/queryable.js";
import { canMovePromise, promiseDeadline, type PromiseStatus } from "../domain/promise-to-pay.js";
import { RecoupError } from "../errors.js";
import { businessDate, optionalText } from "./commitment-input.js";
import { listPromises, type PromiseRecord } from "./list-promises.js";

export interface CancelPromiseOptions {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  promiseId: string;
  reason?: string;
  /** The business day; default today in the organisation's time zone. */
  asOf?: string;
}

/**
 * Cancels an open promise (the customer withdrew it, or it was recorded by mistake): dunning of
 * its invoices resumes with the next cycle; audited. Refused with nothing changed for a promise
 * that is already kept, partly kept, broken or cancelled, and for one whose deadline has passed —
 * the cycle judges that one, so a broken promise cannot be cancelled away.
 *
 * @example await cancelPromise({ store, clock, actor: "cli:ana", promiseId: "12", reason: "recorded twice" })
 */
export async function cancelPromise(options: CancelPromiseOptions): Promise<PromiseRecord> {
  const asOf = businessDate({ asOf: options.asOf, clock: options.clock, timeZone: options.store.timeZone });
  const reason = optionalText(options.reason, "the reason", 500);
  if (!/^[1-9]\d{0,17}$/.test(options.promiseId)) {
    throw new RecoupError("VALIDATION_FAILED", `"${options.promiseId}" is not a promise id`);
  }
  const organisationId = options.store.organisationId;
  const at = options.clock.now();
  await options.store.handle.db.transaction().execute(async (trx) => {
    const db = fromKysely(trx);
    const { rows } = await db.query<{
      status: PromiseStatus;
      recorded_on: string;
      promised_on: string;
      grace_days: number;
      evaluated_on: string | null;
      cancelled_on: string | null;
      customer_ref: string;
    }>(
      `SELECT p.status, p.recorded_on, p.promised_on, p.grace_days, p.evaluated_on, p.cancelled_on, c.customer_ref
       FROM promises_to_pay p JOIN customers c ON c.id = p.customer_id
       WHERE p.organisation_id = $1 AND p.id = $2 FOR UPDATE OF p`,
      [organisationId, options.promiseId],
    );
    const promise = rows[0];
    if (!promise) throw new RecoupError("PROMISE_NOT_FOUND", `no promise ${options.promiseId}`);
    if (!canMovePromise(promise.status, "cancelled")) {
      const when = promise.evaluated_on ?? promise.cancelled_on;
      throw new RecoupError(
        "PROMISE_CLOSED",
        `promise ${options.promiseId} is ${promise.status.replace("_", " ")}${when ? ` (since ${when})` : ""}; a closed promise cannot be cancelled`,
      );
    }
    const deadline = promiseDeadline(promise.promised_on, promise.grace_days);
    if (asOf > deadline) {
      throw new RecoupError(
        "PROMISE_CLOSED",
        `promise ${options.promiseId}'s deadline (${deadline}) has passed: the daily cycle judges it, so it can no longer be cancelled`,
      );
    }
    if (asOf < promise.recorded_on) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `promise ${options.promiseId} was recorded on ${promise.recorded_on}, after ${asOf}`,
      );
    }
    await db.query(
      `UPDATE promises_to_pay SET status = 'cancelled', cancelled_on = $3, cancel_reason = $4, closed_at = $5
       WHERE organisation_id = $1 AND id = $2`,
      [organisationId, options.promiseId, asOf, reason, at],
    );
    await appendAuditEvents(db, { organisationId, actor: options.actor, occurredAt: at }, [
      {
        action: "promise.cancelled",
        subjectType: "promise",
        subjectId: options.promiseId,
        data: {
          customerRef: promise.customer_ref,
          promiseId: Number(options.promiseId),
          cancelledOn: asOf,
          reason,
        },
      },
    ]);
  });
  const [record] = await listPromises(options.store.handle.pool, organisationId, {
    ids: [Number(options.promiseId)],
    limit: 1,
  });
  return record!;
}
