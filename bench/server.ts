/**
 * The PostgreSQL server side of the bench: throw-away databases, the raw COPY baseline, importLedger
 * into fresh migrated stores, and the export of the imported ledger for DuckDB.
 */
import { randomBytes } from "node:crypto";
import { closeSync, createReadStream, createWriteStream, mkdirSync, openSync, readSync } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { openRecoup, type RecoupStore } from "../src/db/open-recoup.js";
import { FILE_NAMES, type Portfolio } from "./portfolio.js";
import { log, samplesOf, timed, type Samples } from "./stats.js";

export const DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/** Creates databases named recoup_bench_<run>_<label> and drops every one of them at the end. */
export class ServerDatabases {
  private readonly run = randomBytes(4).toString("hex");
  private readonly created = new Set<string>();

  constructor(readonly adminUrl: string) {}

  async create(label: string): Promise<{ name: string; url: string }> {
    const name = `recoup_bench_${this.run}_${label}`.toLowerCase();
    if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
    await this.admin(`CREATE DATABASE ${name}`);
    this.created.add(name);
    const url = new URL(this.adminUrl);
    url.pathname = `/${name}`;
    return { name, url: url.toString() };
  }

  async drop(name: string): Promise<void> {
    // On PostgreSQL 15 a DROP DATABASE waits for every backend of the server to accept a barrier;
    // a backend of someone else's session stuck in COPY FROM STDIN holds it up. Say so.
    const slow = setTimeout(
      () => log(`DROP DATABASE ${name} is waiting (another backend on the server?)`),
      10_000,
    );
    try {
      await this.admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      clearTimeout(slow);
    }
    this.created.delete(name);
  }

  async dropAll(): Promise<void> {
    for (const name of [...this.created])
      await this.drop(name).catch((e: Error) => log(`drop ${name}: ${e.message}`));
  }

  async serverInfo(): Promise<{ version: string; settings: string }> {
    const client = new pg.Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; setting: string }>(
        `SELECT name, current_setting(name) AS setting FROM pg_settings
         WHERE name IN ('server_version', 'shared_buffers', 'work_mem', 'temp_buffers', 'max_wal_size', 'synchronous_commit')
         ORDER BY name`,
      );
      const get = (name: string) => rows.find((r) => r.name === name)?.setting ?? "?";
      return {
        version: get("server_version"),
        settings: ["shared_buffers", "work_mem", "temp_buffers", "max_wal_size", "synchronous_commit"]
          .map((name) => `${name}=${get(name)}`)
          .join(", "),
      };
    } finally {
      await client.end();
    }
  }

  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

export async function isReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Raw COPY baseline: the four CSV files as they are, into plain tables with the files' column
// types (amounts are decimal strings in the files, so numeric here), no keys, no indexes.

const RAW_TABLES_DDL = `
CREATE TABLE raw_customers (
  customer_ref text, name text, country char(2), currency char(3), payment_terms_days integer,
  credit_limit numeric, parent_ref text, email text, phone text, contact_name text, language text,
  owner_email text, collector_email text, requires_po boolean);
CREATE TABLE raw_invoices (
  invoice_ref text, customer_ref text, issue_date date, due_date date, amount numeric,
  currency char(3), po_number text, description text);
CREATE TABLE raw_credit_notes (
  credit_note_ref text, customer_ref text, date date, amount numeric, currency char(3), invoice_ref text);
CREATE TABLE raw_payments (
  payment_ref text, customer_ref text, date date, amount numeric, currency char(3), invoice_ref text);`;

function headerColumns(filePath: string): string[] {
  const buffer = Buffer.alloc(4096);
  const fd = openSync(filePath, "r");
  let read: number;
  try {
    read = readSync(fd, buffer, 0, buffer.length, 0);
  } finally {
    closeSync(fd);
  }
  const firstLine = buffer
    .subarray(0, read)
    .toString("utf8")
    .split("\n")[0]!
    .replace(/^\uFEFF/, "");
  const columns = firstLine.split(",").map((c) => c.trim().toLowerCase());
  for (const column of columns)
    if (!/^[a-z_]+$/.test(column)) throw new Error(`${filePath}: odd column ${column}`);
  return columns;
}

/** One warm-up pass, then `runs` timed passes; each pass COPYs all four files into fresh tables. */
export async function measureRawCopy(
  url: string,
  portfolio: Portfolio,
  runs: number,
): Promise<{ rowsPerSecond: Samples; seconds: Samples }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const columns = FILE_NAMES.map((name) => headerColumns(path.join(portfolio.dir, name)));
  const onePass = async () => {
    await client.query(
      `DROP SCHEMA IF EXISTS raw_copy CASCADE; CREATE SCHEMA raw_copy; SET search_path = raw_copy`,
    );
    await client.query(RAW_TABLES_DDL);
    const { ms } = await timed(async () => {
      for (const [i, name] of FILE_NAMES.entries()) {
        const table = `raw_${name.replace(/\.csv$/, "")}`;
        const sql = `COPY ${table} (${columns[i]!.join(", ")}) FROM STDIN (FORMAT csv, HEADER true)`;
        await pipeline(createReadStream(path.join(portfolio.dir, name)), client.query(copyFrom(sql)));
      }
    });
    const { rows } = await client.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM raw_customers) + (SELECT count(*) FROM raw_invoices)
            + (SELECT count(*) FROM raw_credit_notes) + (SELECT count(*) FROM raw_payments) AS n`,
    );
    if (Number(rows[0]!.n) !== portfolio.rows) {
      throw new Error(`raw COPY loaded ${rows[0]!.n} rows, the files have ${portfolio.rows}`);
    }
    return ms;
  };
  try {
    await onePass();
    const ms: number[] = [];
    for (let run = 0; run < runs; run++) ms.push(await onePass());
    return {
      rowsPerSecond: samplesOf(ms.map((m) => portfolio.rows / (m / 1000))),
      seconds: samplesOf(ms.map((m) => m / 1000)),
    };
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS raw_copy CASCADE`).catch(() => undefined);
    await client.end();
  }
}

export async function openServerStore(url: string): Promise<RecoupStore> {
  return openRecoup(url);
}

/**
 * Closes a server store and its pool. RecoupStore.close() destroys Kysely, which ends the pg pool
 * only if Kysely itself was used; the import and the reports use the pool directly.
 */
export async function closeServerStore(store: RecoupStore): Promise<void> {
  await store.close();
  const pool = store.handle.pool;
  if (!pool.ending && !pool.ended) await pool.end();
}

// ---------------------------------------------------------------------------------------------
// Export for DuckDB: the ledger tables the reports read, as the server holds them after the import
// (derived columns open_amount, last_allocation_date, unapplied_amount included).

export interface ExportTable {
  name: string;
  /** Column name and DuckDB type. */
  columns: readonly (readonly [string, string])[];
}

export const EXPORT_TABLES: readonly ExportTable[] = [
  {
    name: "customers",
    columns: [
      ["id", "BIGINT"],
      ["organisation_id", "BIGINT"],
      ["entity_id", "BIGINT"],
      ["customer_ref", "VARCHAR"],
      ["name", "VARCHAR"],
      ["country", "VARCHAR"],
      ["currency", "VARCHAR"],
      ["payment_terms_days", "INTEGER"],
      ["credit_limit", "BIGINT"],
      ["parent_ref", "VARCHAR"],
      ["owner_email", "VARCHAR"],
      ["collector_email", "VARCHAR"],
      ["language", "VARCHAR"],
      ["requires_po", "BOOLEAN"],
    ],
  },
  {
    name: "invoices",
    columns: [
      ["id", "BIGINT"],
      ["organisation_id", "BIGINT"],
      ["customer_id", "BIGINT"],
      ["invoice_ref", "VARCHAR"],
      ["issue_date", "DATE"],
      ["due_date", "DATE"],
      ["currency", "VARCHAR"],
      ["amount", "BIGINT"],
      ["open_amount", "BIGINT"],
      ["last_allocation_date", "DATE"],
      ["po_number", "VARCHAR"],
      ["description", "VARCHAR"],
    ],
  },
  {
    name: "allocations",
    columns: [
      ["id", "BIGINT"],
      ["organisation_id", "BIGINT"],
      ["invoice_id", "BIGINT"],
      ["kind", "VARCHAR"],
      ["payment_id", "BIGINT"],
      ["credit_note_id", "BIGINT"],
      ["write_off_id", "BIGINT"],
      ["date", "DATE"],
      ["amount", "BIGINT"],
    ],
  },
  {
    name: "payments",
    columns: [
      ["id", "BIGINT"],
      ["organisation_id", "BIGINT"],
      ["customer_id", "BIGINT"],
      ["payment_ref", "VARCHAR"],
      ["date", "DATE"],
      ["currency", "VARCHAR"],
      ["amount", "BIGINT"],
      ["unapplied_amount", "BIGINT"],
    ],
  },
  {
    name: "credit_notes",
    columns: [
      ["id", "BIGINT"],
      ["organisation_id", "BIGINT"],
      ["customer_id", "BIGINT"],
      ["credit_note_ref", "VARCHAR"],
      ["date", "DATE"],
      ["currency", "VARCHAR"],
      ["amount", "BIGINT"],
      ["invoice_id", "BIGINT"],
    ],
  },
];

/** COPY … TO STDOUT of each export table into `<outDir>/<table>.csv`; returns the row counts. */
export async function exportForDuckDb(url: string, outDir: string): Promise<Record<string, number>> {
  mkdirSync(outDir, { recursive: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const table of EXPORT_TABLES) {
      const columns = table.columns.map(([name]) => name).join(", ");
      const sql = `COPY (SELECT ${columns} FROM ${table.name} ORDER BY id) TO STDOUT (FORMAT csv, HEADER true)`;
      await pipeline(client.query(copyTo(sql)), createWriteStream(path.join(outDir, `${table.name}.csv`)));
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table.name}`);
      counts[table.name] = Number(rows[0]!.n);
    }
    return counts;
  } finally {
    await client.end();
  }
}
