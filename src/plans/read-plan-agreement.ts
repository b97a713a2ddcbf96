import type { Clock } from "../clock.js";
import { dispatchCollectionActions } from "../collections/dispatch-collection-actions.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { RecoupError } from "../errors.js";

export interface PlanAgreementDocument {
  filename: string;
  contentType: string;
  content: Buffer;
}

/**
 * The agreement letter of a payment plan as it went to the customer: the PDF with both signature
 * blocks, from the outbox (the same bytes that were emailed or printed). If the letter is still
 * waiting in the queue (a crash right after the plan was created), it is rendered first. NOT_FOUND
 * when none was produced (test mode, a do-not-contact customer, or rendering failed: the reason is
 * given).
 *
 * @example const { filename, content } = await readPlanAgreement({ store, clock, actor: "cli", planId: "3" })
 */
export async function readPlanAgreement(options: {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  planId: string;
}): Promise<PlanAgreementDocument> {
  if (!/^[1-9]\d{0,17}$/.test(options.planId)) {
    throw new RecoupError("VALIDATION_FAILED", `"${options.planId}" is not a plan id`);
  }
  const pool = options.store.handle.pool;
  const organisationId = options.store.organisationId;
  const { rows } = await pool.query<{
    agreement_skipped: string | null;
    action_id: string | null;
    as_of: string | null;
    status: string | null;
    last_error: string | null;
  }>(
    `SELECT p.agreement_skipped, a.id::text AS action_id, a.as_of, a.status, a.last_error
     FROM payment_plans p LEFT JOIN collection_actions a ON a.plan_id = p.id AND a.purpose = 'plan_agreement'
     WHERE p.organisation_id = $1 AND p.id = $2`,
    [organisationId, options.planId],
  );
  const plan = rows[0];
  if (!plan) throw new RecoupError("PLAN_NOT_FOUND", `no payment plan ${options.planId}`);
  if (plan.action_id === null) {
    throw new RecoupError(
      "NOT_FOUND",
      `no agreement letter was produced for payment plan ${options.planId} (${plan.agreement_skipped === "test_mode" ? "test mode was on" : "the customer is marked do-not-contact"})`,
    );
  }
  if (plan.status === "planned") {
    await dispatchCollectionActions({
      store: options.store,
      clock: options.clock,
      actor: options.actor,
      upTo: plan.as_of!,
      actionIds: [plan.action_id],
    });
  }
  const { rows: files } = await pool.query<{ filename: string; content_type: string; content: Buffer }>(
    `SELECT f.filename, f.content_type, f.content
     FROM outbox_messages m JOIN outbox_attachments f ON f.message_id = m.id
     WHERE m.action_id = $1 ORDER BY f.filename LIMIT 1`,
    [plan.action_id],
  );
  const file = files[0];
  if (!file) {
    const { rows: action } = await pool.query<{ status: string; last_error: string | null }>(
      `SELECT status, last_error FROM collection_actions WHERE id = $1`,
      [plan.action_id],
    );
    throw new RecoupError(
      "NOT_FOUND",
      `the agreement letter of payment plan ${options.planId} has not been produced (${action[0]!.status}${action[0]!.last_error ? `: ${action[0]!.last_error}` : ""})`,
    );
  }
  return { filename: file.filename, contentType: file.content_type, content: file.content };
}
