import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";

export const GENESIS_HASH = "0".repeat(64);

export interface HashedEventFields {
  organisationId: number;
  seq: number;
  occurredAt: Date;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  data: unknown;
}

/** sha256(prev_hash ‖ canonical event): changing or removing any event breaks every later link. */
export function auditEventHash(prevHash: string, event: HashedEventFields): string {
  const body = canonicalJson([
    event.organisationId,
    event.seq,
    event.occurredAt.toISOString(),
    event.actor,
    event.action,
    event.subjectType,
    event.subjectId,
    event.data,
  ]);
  return createHash("sha256").update(prevHash).update("\n").update(body).digest("hex");
}
