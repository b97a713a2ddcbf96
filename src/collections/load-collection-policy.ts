import type { Queryable } from "../db/queryable.js";
import { defaultCollectionPolicy, type CollectionPolicy } from "../domain/collection-policy.js";
import { validatePolicy } from "./policy-document.js";
import { knownTemplateKeys } from "./message-template-store.js";

export interface StoredCollectionPolicy {
  policy: CollectionPolicy;
  /** 0 for the shipped defaults (nothing applied yet), then 1, 2, … per `applyCollectionPolicy`. */
  version: number;
  updatedBy: string | null;
  updatedAt: Date | null;
}

/**
 * The organisation's collections policy, or the shipped defaults when none was applied. The stored
 * document is validated again on the way out, so a policy stored by an older release that this one
 * would refuse fails loudly instead of driving the cycle.
 *
 * @example const { policy } = await loadCollectionPolicy(db, store.organisationId)
 */
export async function loadCollectionPolicy(
  db: Queryable,
  organisationId: number,
): Promise<StoredCollectionPolicy> {
  const { rows } = await db.query<{
    document: unknown;
    version: number;
    updated_by: string;
    updated_at: Date;
  }>(`SELECT document, version, updated_by, updated_at FROM collection_policies WHERE organisation_id = $1`, [
    organisationId,
  ]);
  const row = rows[0];
  if (!row) {
    return {
      policy: defaultCollectionPolicy(),
      version: 0,
      updatedBy: null,
      updatedAt: null,
    };
  }
  return {
    policy: validatePolicy(row.document, {
      knownTemplates: await knownTemplateKeys(db, organisationId),
      source: `stored policy v${row.version}`,
    }),
    version: row.version,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}
