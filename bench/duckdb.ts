/**
 * DuckDB (in-process, in-memory) as the reference engine: it loads the ledger tables exported from
 * the PostgreSQL server after the import, and answers the very SQL that agingReport and kpiReport
 * send, through a Queryable that replaces $1, $2, … with literals.
 */
import path from "node:path";
import { DuckDBInstance, version as duckDbVersion, type DuckDBConnection } from "@duckdb/node-api";
import type { Queryable } from "../src/db/queryable.js";
import { EXPORT_TABLES } from "./server.js";

export { duckDbVersion };

/**
 * The one PostgreSQL function the report SQL uses that DuckDB lacks: to_char(date, 'YYYY-MM') in
 * the KPI monthly-sales query, mapped onto strftime.
 */
const COMPATIBILITY_MACROS = `
CREATE MACRO to_char(d, fmt) AS strftime(d, replace(replace(replace(fmt, 'YYYY', '%Y'), 'MM', '%m'), 'DD', '%d'));`;

export interface DuckDbStore {
  db: Queryable;
  loadMs: number;
  threads: string;
  close(): void;
}

export async function loadDuckDb(exportDir: string): Promise<DuckDbStore> {
  const instance = await DuckDBInstance.create(":memory:");
  const setup = await instance.connect();
  const started = performance.now();
  try {
    await setup.run(COMPATIBILITY_MACROS);
    for (const table of EXPORT_TABLES) {
      const columns = table.columns.map(([name, type]) => `${name} ${type}`).join(", ");
      await setup.run(`CREATE TABLE ${table.name} (${columns})`);
      const file = path.join(exportDir, `${table.name}.csv`).replace(/'/g, "''");
      await setup.run(
        `COPY ${table.name} FROM '${file}' (FORMAT csv, HEADER true, ALLOW_QUOTED_NULLS false)`,
      );
    }
  } catch (error) {
    setup.closeSync();
    instance.closeSync();
    throw error;
  }
  const loadMs = performance.now() - started;
  const threads = String(
    (await setup.runAndReadAll(`SELECT current_setting('threads') AS t`)).getRowObjectsJson()[0]!.t,
  );
  setup.closeSync();
  return {
    db: duckDbQueryable(instance),
    loadMs,
    threads,
    close: () => instance.closeSync(),
  };
}

/** A Queryable over DuckDB: each query gets its own connection (agingReport runs two at once). */
function duckDbQueryable(instance: DuckDBInstance): Queryable {
  return {
    async query<Row>(text: string, values: readonly unknown[] = []) {
      const sql = text.replace(/\$(\d+)/g, (_, n: string) => literal(values[Number(n) - 1], n));
      let connection: DuckDBConnection | undefined;
      try {
        connection = await instance.connect();
        const reader = await connection.runAndReadAll(sql);
        // JSON conversion: HUGEINT sums and BIGINTs arrive as decimal strings, as numeric does from pg.
        return { rows: reader.getRowObjectsJson() as Row[] };
      } finally {
        connection?.closeSync();
      }
    },
  };
}

function literal(value: unknown, n: string): string {
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value === "string") return `'${value.replace(/'/g, "''")}'`;
  throw new TypeError(`parameter $${n}: cannot inline ${typeof value} ${String(value)}`);
}
