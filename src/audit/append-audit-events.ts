import type { Queryable } from "../db/queryable.js";
import { auditEventHash, GENESIS_HASH } from "./audit-hash.js";
import { canonicalJson } from "./canonical-json.js";

export interface AuditEventInput {
  action: string;
  subjectType: string;
  subjectId: string | number;
  /** Plain JSON: strings, integers, booleans, arrays, objects. No floats (they may not round-trip). */
  data: unknown;
}

/**
 * Appends events to the organisation's hash chain. Call it inside the transaction that makes the
 * change, so the change and its record commit or vanish together. The chain head row is locked
 * for the rest of the transaction, which orders concurrent writers.
 *
 * @example await appendAuditEvents(trx, { organisationId, actor: "cli", occurredAt: clock.now() },
 *   [{ action: "invoice.adjusted", subjectType: "invoice", subjectId: "INV-1", data: { delta: 500 } }]);
 */
export async function appendAuditEvents(
  db: Queryable,
  context: { organisationId: number; actor: string; occurredAt: Date },
  events: readonly AuditEventInput[],
): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    `INSERT INTO audit_heads (organisation_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (organisation_id) DO NOTHING`,
    [context.organisationId, GENESIS_HASH],
  );
  const head = (
    await db.query<{ seq: number; hash: string }>(
      `SELECT seq, hash FROM audit_heads WHERE organisation_id = $1 FOR UPDATE`,
      [context.organisationId],
    )
  ).rows[0]!;

  // Timestamps are stored with microsecond precision; hashing the millisecond value we write keeps
  // the hash reproducible from what is read back.
  const occurredAt = new Date(context.occurredAt.getTime());
  let prevHash = head.hash;
  let seq = head.seq;
  const columns = {
    seq: [] as number[],
    action: [] as string[],
    subjectType: [] as string[],
    subjectId: [] as string[],
    data: [] as string[],
    prevHash: [] as string[],
    hash: [] as string[],
  };
  for (const event of events) {
    seq += 1;
    const subjectId = String(event.subjectId);
    const hash = auditEventHash(prevHash, {
      organisationId: context.organisationId,
      seq,
      occurredAt,
      actor: context.actor,
      action: event.action,
      subjectType: event.subjectType,
      subjectId,
      data: event.data,
    });
    columns.seq.push(seq);
    columns.action.push(event.action);
    columns.subjectType.push(event.subjectType);
    columns.subjectId.push(subjectId);
    columns.data.push(canonicalJson(event.data));
    columns.prevHash.push(prevHash);
    columns.hash.push(hash);
    prevHash = hash;
  }
  await db.query(
    `INSERT INTO audit_events
       (organisation_id, seq, occurred_at, actor, action, subject_type, subject_id, data, prev_hash, hash)
     SELECT $1, e.seq, $2, $3, e.action, e.subject_type, e.subject_id, e.data::jsonb, e.prev_hash, e.hash
     FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
       AS e(seq, action, subject_type, subject_id, data, prev_hash, hash)`,
    [
      context.organisationId,
      occurredAt.toISOString(),
      context.actor,
      columns.seq,
      columns.action,
      columns.subjectType,
      columns.subjectId,
      columns.data,
      columns.prevHash,
      columns.hash,
    ],
  );
  await db.query(`UPDATE audit_heads SET seq = $2, hash = $3 WHERE organisation_id = $1`, [
    context.organisationId,
    seq,
    prevHash,
  ]);
}
