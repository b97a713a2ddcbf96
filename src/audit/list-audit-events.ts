import type { Queryable } from "../db/queryable.js";

export interface AuditEvent {
  seq: number;
  occurredAt: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  data: unknown;
  prevHash: string;
  hash: string;
}

export interface AuditEventFilter {
  organisationId: number;
  subjectType?: string;
  subjectId?: string;
  /** Events after this sequence number (keyset pagination in chain order). */
  afterSeq?: number;
  limit: number;
}

/**
 * The audit trail in chain order, optionally for one subject (an invoice ref, a customer ref, an
 * import id): what an auditor reads, and what `verifyAuditChain` pages through.
 *
 * @example await listAuditEvents(pool, { organisationId: 1, subjectType: "invoice", subjectId: "INV-9", limit: 50 })
 */
export async function listAuditEvents(db: Queryable, filter: AuditEventFilter): Promise<AuditEvent[]> {
  const values: unknown[] = [filter.organisationId, filter.afterSeq ?? 0, filter.limit];
  const conditions = ["organisation_id = $1", "seq > $2"];
  if (filter.subjectType !== undefined) {
    values.push(filter.subjectType);
    conditions.push(`subject_type = $${values.length}`);
  }
  if (filter.subjectId !== undefined) {
    values.push(filter.subjectId);
    conditions.push(`subject_id = $${values.length}`);
  }
  const { rows } = await db.query<{
    seq: number;
    occurred_at: Date;
    actor: string;
    action: string;
    subject_type: string;
    subject_id: string;
    data: unknown;
    prev_hash: string;
    hash: string;
  }>(
    `SELECT seq, occurred_at, actor, action, subject_type, subject_id, data, prev_hash, hash FROM audit_events
     WHERE ${conditions.join(" AND ")} ORDER BY seq LIMIT $3`,
    values,
  );
  return rows.map((row) => ({
    seq: row.seq,
    occurredAt: row.occurred_at.toISOString(),
    actor: row.actor,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    data: row.data,
    prevHash: row.prev_hash,
    hash: row.hash,
  }));
}
