import type { Queryable } from "../../db/queryable.js";

/** How long an answered Idempotency-Key is remembered. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;

/** A row of `idempotency_keys`: a claim while `status` is null, a stored response after. */
export interface IdempotencyRecord {
  requestHash: string;
  status: number | null;
  response: unknown;
}

export interface IdempotencyClaim {
  organisationId: number;
  key: string;
  method: string;
  path: string;
  requestHash: string;
  at: Date;
}

/**
 * Claims a key for a request that is about to run. True when this call inserted the claim; false
 * when the key was already there (a replay, a reuse, or a request still in flight).
 */
export async function claimIdempotencyKey(db: Queryable, claim: IdempotencyClaim): Promise<boolean> {
  // Answered keys are kept for a retention period (clients retry within minutes, not days); past
  // it the key may be used again and old answers are purged a few at a time.
  await db.query(
    `DELETE FROM idempotency_keys
     WHERE organisation_id = $1 AND status IS NOT NULL AND created_at < $2::timestamptz - make_interval(hours => $3)
       AND (key = $4 OR key IN (SELECT key FROM idempotency_keys
                                WHERE organisation_id = $1 AND status IS NOT NULL
                                  AND created_at < $2::timestamptz - make_interval(hours => $3)
                                LIMIT 100))`,
    [claim.organisationId, claim.at.toISOString(), IDEMPOTENCY_RETENTION_HOURS, claim.key],
  );
  const { rows } = await db.query(
    `INSERT INTO idempotency_keys (organisation_id, key, method, path, request_hash, status, response, created_at)
     VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6)
     ON CONFLICT (organisation_id, key) DO NOTHING
     RETURNING key`,
    [claim.organisationId, claim.key, claim.method, claim.path, claim.requestHash, claim.at.toISOString()],
  );
  return rows.length === 1;
}

export async function findIdempotencyKey(
  db: Queryable,
  organisationId: number,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const { rows } = await db.query<{ request_hash: string; status: number | null; response: unknown }>(
    `SELECT request_hash, status, response FROM idempotency_keys WHERE organisation_id = $1 AND key = $2`,
    [organisationId, key],
  );
  const row = rows[0];
  return row && { requestHash: row.request_hash, status: row.status, response: row.response };
}

/** Stores the response of the request that holds the claim. */
export async function completeIdempotencyKey(
  db: Queryable,
  organisationId: number,
  key: string,
  response: { status: number; body: unknown },
): Promise<void> {
  await db.query(
    `UPDATE idempotency_keys SET status = $3, response = $4::jsonb
     WHERE organisation_id = $1 AND key = $2 AND status IS NULL`,
    [organisationId, key, response.status, JSON.stringify(response.body)],
  );
}

/** Gives a claim up (the request failed inside the server) so that a retry can run. */
export async function releaseIdempotencyKey(
  db: Queryable,
  organisationId: number,
  key: string,
): Promise<void> {
  await db.query(`DELETE FROM idempotency_keys WHERE organisation_id = $1 AND key = $2 AND status IS NULL`, [
    organisationId,
    key,
  ]);
}
