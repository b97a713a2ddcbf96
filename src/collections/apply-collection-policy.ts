import { appendAuditEvents } from "../audit/append-audit-events.js";
import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { fromKysely } from "../db/queryable.js";
import type { CollectionPolicy } from "../domain/collection-policy.js";
import { canonicalJson } from "../audit/canonical-json.js";
import { RecoupError } from "../errors.js";
import { loadCollectionPolicy } from "./load-collection-policy.js";

export interface ApplyCollectionPolicyOptions {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  /** A validated policy (parsePolicyText / validatePolicy). */
  policy: CollectionPolicy;
  /** Optimistic concurrency: refuse when the stored version is no longer this one. */
  expectedVersion?: number;
}

export interface AppliedCollectionPolicy {
  version: number;
  /** False when the document equals the stored one: nothing was written. */
  changed: boolean;
  workflows: string[];
}

/**
 * Replaces the organisation's workflows, assignments and segmentation thresholds with `policy`
 * (DESIGN 5.5 `recoup policy apply`), atomically, with an audit event that records the whole
 * document and the version it replaced. Applying the stored document again writes nothing.
 *
 * @example await applyCollectionPolicy({ store, clock, actor: "cli:ana", policy: parsePolicyText(text) })
 */
export async function applyCollectionPolicy(
  options: ApplyCollectionPolicyOptions,
): Promise<AppliedCollectionPolicy> {
  const { store, policy } = options;
  const organisationId = store.organisationId;
  const workflows = policy.workflows.map((workflow) => workflow.key);
  return store.handle.db.transaction().execute(async (trx) => {
    const db = fromKysely(trx);
    // The organisation row serialises concurrent applies (the policy row may not exist yet).
    await db.query(`SELECT id FROM organisations WHERE id = $1 FOR UPDATE`, [organisationId]);
    const current = await loadCollectionPolicy(db, organisationId);
    if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
      throw new RecoupError(
        "POLICY_VERSION_CONFLICT",
        `the policy is at version ${current.version}, not ${options.expectedVersion}: someone else changed it; reload and apply again`,
        { currentVersion: current.version },
      );
    }
    const document = canonicalJson(policy);
    if (current.version > 0 && canonicalJson(current.policy) === document) {
      return { version: current.version, changed: false, workflows };
    }
    const version = current.version + 1;
    const at = options.clock.now();
    await db.query(
      `INSERT INTO collection_policies (organisation_id, document, version, updated_by, updated_at)
       VALUES ($1, $2::jsonb, $3, $4, $5)
       ON CONFLICT (organisation_id) DO UPDATE
         SET document = excluded.document, version = excluded.version,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      [organisationId, document, version, options.actor, at],
    );
    await appendAuditEvents(db, { organisationId, actor: options.actor, occurredAt: at }, [
      {
        action: "policy.applied",
        subjectType: "collection_policy",
        subjectId: organisationId,
        data: { version, previousVersion: current.version, policy: JSON.parse(document) as unknown },
      },
    ]);
    return { version, changed: true, workflows };
  });
}
