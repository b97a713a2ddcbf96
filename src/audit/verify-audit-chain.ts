import type { Queryable } from "../db/queryable.js";
import { auditEventHash, GENESIS_HASH } from "./audit-hash.js";
import { listAuditEvents } from "./list-audit-events.js";

export interface AuditChainProblem {
  seq: number;
  problem: "tampered" | "missing" | "relinked";
  message: string;
}

export interface AuditChainReport {
  ok: boolean;
  events: number;
  headSeq: number;
  problems: AuditChainProblem[];
}

const PAGE = 5_000;

/**
 * Re-computes every hash of the organisation's chain. Names each event whose content no longer
 * matches its hash (tampered), each sequence number that is gone (missing: deleted events,
 * including the newest ones, which the head remembers), and each link to a wrong predecessor.
 */
export async function verifyAuditChain(db: Queryable, organisationId: number): Promise<AuditChainReport> {
  const head = (
    await db.query<{ seq: number; hash: string }>(
      `SELECT seq, hash FROM audit_heads WHERE organisation_id = $1`,
      [organisationId],
    )
  ).rows[0] ?? { seq: 0, hash: GENESIS_HASH };

  const problems: AuditChainProblem[] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let events = 0;
  let after = 0;
  for (;;) {
    const page = await listAuditEvents(db, { organisationId, afterSeq: after, limit: PAGE });
    for (const row of page) {
      events += 1;
      if (row.seq !== expectedSeq) {
        const gap = row.seq - 1 > expectedSeq ? `${expectedSeq}–${row.seq - 1}` : String(expectedSeq);
        problems.push({
          seq: expectedSeq,
          problem: "missing",
          message: `event(s) ${gap} are missing (deleted)`,
        });
      } else if (row.prevHash !== prevHash) {
        problems.push({
          seq: row.seq,
          problem: "relinked",
          message: `event ${row.seq} does not link to the hash of event ${row.seq - 1}`,
        });
      }
      const recomputed = auditEventHash(row.prevHash, {
        organisationId,
        seq: row.seq,
        occurredAt: new Date(row.occurredAt),
        actor: row.actor,
        action: row.action,
        subjectType: row.subjectType,
        subjectId: row.subjectId,
        data: row.data,
      });
      if (recomputed !== row.hash) {
        problems.push({
          seq: row.seq,
          problem: "tampered",
          message: `event ${row.seq} (${row.action} ${row.subjectType} ${row.subjectId}) was changed after it was written`,
        });
      }
      // Continue from what the stored event claims, so one broken event is reported once.
      prevHash = row.hash;
      expectedSeq = row.seq + 1;
      after = row.seq;
    }
    if (page.length < PAGE) break;
  }
  if (head.seq >= expectedSeq) {
    const gap = head.seq > expectedSeq ? `${expectedSeq}–${head.seq}` : String(expectedSeq);
    problems.push({ seq: expectedSeq, problem: "missing", message: `event(s) ${gap} are missing (deleted)` });
  } else if (head.seq > 0 && head.hash !== prevHash) {
    problems.push({
      seq: head.seq,
      problem: "tampered",
      message: `the chain head does not match event ${head.seq}`,
    });
  }
  return { ok: problems.length === 0, events, headSeq: head.seq, problems };
}
