import type { Queryable } from "../db/queryable.js";

/** The ledger tables a first load fills; their secondary indexes are rebuilt rather than maintained. */
const BULK_TABLES = ["invoices", "payments", "credit_notes", "allocations"] as const;

export interface DeferredIndexes {
  /** Re-creates every dropped index from its own definition. */
  rebuild(): Promise<void>;
}

/**
 * Drops the secondary indexes of the ledger tables for a bulk load, remembering their exact
 * definitions (read from the catalogue, so the migrations stay the one source of truth).
 * Indexes that back a constraint (primary keys, unique refs) stay: the merge relies on them.
 *
 * Why: inserting a million rows into half a dozen B-trees in random key order costs far more than
 * sorting the finished table once per index. The DROP takes an exclusive lock on the tables until
 * the import commits, which is acceptable for a load that at least doubles the ledger and is why
 * smaller imports never take this path.
 */
export async function deferSecondaryIndexes(db: Queryable): Promise<DeferredIndexes> {
  const { rows } = await db.query<{ name: string; definition: string }>(
    `SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i
     JOIN pg_class ic ON ic.oid = i.indexrelid
     JOIN pg_class t ON t.oid = i.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = current_schema() AND t.relname = ANY($1)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
     ORDER BY ic.relname`,
    [BULK_TABLES],
  );
  for (const row of rows) await db.query(`DROP INDEX ${quoteIdentifier(row.name)}`);
  return {
    async rebuild() {
      for (const row of rows) await db.query(row.definition);
    },
  };
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
