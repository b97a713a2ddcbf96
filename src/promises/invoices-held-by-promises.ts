import type { Queryable } from "../db/queryable.js";
import { promiseHoldsDunning } from "../domain/promise-to-pay.js";

/**
 * The invoices that open promises hold back from dunning on day D (domain `promiseHoldsDunning`:
 * from the recording day through the deadline).
 *
 * @example const held = await invoicesHeldByPromises(trx, organisationId, "2026-04-15")
 */
export async function invoicesHeldByPromises(
  db: Queryable,
  organisationId: number,
  asOf: string,
): Promise<Set<number>> {
  const { rows } = await db.query<{
    invoice_id: number;
    recorded_on: string;
    promised_on: string;
    grace_days: number;
  }>(
    `SELECT x.invoice_id, p.recorded_on, p.promised_on, p.grace_days
     FROM promises_to_pay p JOIN promise_invoices x ON x.promise_id = p.id
     WHERE p.organisation_id = $1 AND p.status = 'open'`,
    [organisationId],
  );
  return new Set(
    rows
      .filter((row) =>
        promiseHoldsDunning(
          {
            status: "open",
            recordedOn: row.recorded_on,
            promisedOn: row.promised_on,
            graceDays: row.grace_days,
          },
          asOf,
        ),
      )
      .map((row) => Number(row.invoice_id)),
  );
}
