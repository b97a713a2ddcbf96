import { mkdirSync } from "node:fs";
import path from "node:path";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import { PGliteThread } from "./pglite-thread.js";
import { acquireDirectoryLock, type DirectoryLock } from "./directory-lock.js";
import type { Database } from "./schema.js";

// bigint (int8) columns hold money in minor units. They are parsed to JS numbers: exact up to
// 2^53 − 1 minor units (90 trillion dollars), far above any receivable, and checked on the way in.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${value} exceeds the safe integer range`);
  return n;
});
// Business dates stay calendar strings (YYYY-MM-DD), never instants.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => value);

export type DatabaseKind = "pglite" | "postgres";

export interface DatabaseHandle {
  readonly kind: DatabaseKind;
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  /** Set for the embedded database only: PGlite in its worker thread. */
  readonly embedded?: PGliteThread;
  /** Human-readable location, without credentials. */
  readonly location: string;
  close(): Promise<void>;
}

export const DEFAULT_DATA_DIR = ".recoup";

/**
 * Opens the database named by `target`:
 * - a `postgres://` or `postgresql://` URL: a PostgreSQL server;
 * - `memory://`: a throw-away embedded database;
 * - anything else: a directory holding the embedded database (created when missing).
 *
 * @example const handle = await openDatabase(process.env.DATABASE_URL ?? ".recoup");
 */
export async function openDatabase(target: string = DEFAULT_DATA_DIR): Promise<DatabaseHandle> {
  if (/^postgres(ql)?:\/\//.test(target)) return openServer(target);
  return openEmbedded(target);
}

function openServer(url: string): DatabaseHandle {
  // JIT doubled report times on the measured machines; reports here are short OLAP queries.
  const pool = new pg.Pool({ connectionString: url, max: 10, options: "-c jit=off", allowExitOnIdle: true });
  // An idle client that the server drops (restart, admin command) must not crash the process;
  // the pool replaces it on next use.
  pool.on("error", (error) => process.stderr.write(`recoup: database connection lost: ${error.message}\n`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: "postgres",
    db,
    pool,
    location: redactUrl(url),
    async close() {
      await db.destroy();
      // Kysely ends the pool only if it used it; reports and imports use the pool directly.
      if (!pool.ended) await pool.end();
    },
  };
}

async function openEmbedded(target: string): Promise<DatabaseHandle> {
  let lock: DirectoryLock | undefined;
  let dataDir: string | undefined;
  if (target !== "memory://") {
    dataDir = path.resolve(target);
    mkdirSync(dataDir, { recursive: true });
    // PGlite does not lock its data directory; a second process would corrupt it.
    lock = acquireDirectoryLock(dataDir);
  }
  try {
    // In a worker thread, so that long queries never block this thread's event loop.
    const embedded = new PGliteThread(dataDir ? path.join(dataDir, "pgdata") : undefined);
    try {
      await embedded.waitReady;
    } catch (error) {
      await embedded.close().catch(() => undefined);
      throw error;
    }
    // The adapter needs only what PGliteThread offers of PGlite (waitReady, execProtocolStream).
    const pool = new pg.Pool({
      ...createPgConfig(embedded as unknown as PGlite),
      max: 1,
      allowExitOnIdle: true,
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      kind: "pglite",
      db,
      pool,
      embedded,
      location: dataDir ?? "memory://",
      async close() {
        await db.destroy();
        if (!pool.ended) await pool.end();
        await embedded.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}
