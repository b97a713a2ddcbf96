import { CompiledQuery, type Kysely } from "kysely";

/**
 * The least a piece of SQL needs to run: a pg client, a pool, or a Kysely transaction adapted by
 * `fromKysely`. Set-based SQL (imports, reports) is written as text against this interface.
 */
export interface Queryable {
  query<Row = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<{ rows: Row[] }>;
}

/** Runs raw SQL inside a Kysely connection or transaction. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: only raw SQL runs here
export function fromKysely(db: Kysely<any>): Queryable {
  return {
    async query<Row>(text: string, values: readonly unknown[] = []) {
      const result = await db.executeQuery<Row>(CompiledQuery.raw(text, [...values]));
      return { rows: result.rows };
    },
  };
}
