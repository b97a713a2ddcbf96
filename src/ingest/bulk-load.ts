import type { Queryable } from "../db/queryable.js";

/** The ledger tables a first load fills. */
const BULK_TABLES = ["invoices", "payments", "credit_notes", "allocations"] as const;

export interface DeferredChecks {
  /** Re-creates every dropped index and foreign key from its own definition; re-adding a key validates every row. */
  restore(): Promise<void>;
}

/**
 * Prepares the ledger tables for a bulk load the way a database restore does: drops their
 * secondary indexes and their foreign keys, remembering the exact definitions (read from the
 * catalogue, so the migrations stay the one source of truth); `restore()` puts them back after the
 * load. Indexes that back a constraint (primary keys, unique refs) stay: the merge relies on them.
 *
 * Why: inserting a million rows into half a dozen B-trees in random key order, and checking each
 * row's foreign keys with a trigger, cost far more than sorting the finished table once per index
 * and validating each foreign key with one join. Nothing is given up: a key that no longer holds
 * makes `restore()` fail and the whole import roll back. The DROP holds an exclusive lock on the
 * tables until the import commits, acceptable for a load that at least doubles the ledger and the
 * reason smaller imports never take this path.
 */
export async function deferIndexesAndForeignKeys(db: Queryable): Promise<DeferredChecks> {
  const { rows: indexes } = await db.query<{ name: string; definition: string }>(
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
  const { rows: foreignKeys } = await db.query<{ table_name: string; name: string; definition: string }>(
    `SELECT t.relname AS table_name, k.conname AS name, pg_get_constraintdef(k.oid) AS definition
     FROM pg_constraint k
     JOIN pg_class t ON t.oid = k.conrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = current_schema() AND t.relname = ANY($1) AND k.contype = 'f'
     ORDER BY t.relname, k.conname`,
    [BULK_TABLES],
  );
  for (const key of foreignKeys) {
    await db.query(
      `ALTER TABLE ${quoteIdentifier(key.table_name)} DROP CONSTRAINT ${quoteIdentifier(key.name)}`,
    );
  }
  for (const index of indexes) await db.query(`DROP INDEX ${quoteIdentifier(index.name)}`);
  return {
    async restore() {
      for (const index of indexes) await db.query(index.definition);
      for (const key of foreignKeys) {
        await db.query(
          `ALTER TABLE ${quoteIdentifier(key.table_name)} ADD CONSTRAINT ${quoteIdentifier(key.name)} ${key.definition}`,
        );
      }
    },
  };
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
