/**
 * Measures importLedger, and times the statements it sends on its pooled client to split its wall
 * time into phases (staging, ANALYZE, integrity checks, merge, audit and commit). Bench-only
 * instrumentation: it wraps `pool.connect` while an import runs and restores everything afterwards.
 */
import type pg from "pg";
import { systemClock } from "../src/clock.js";
import type { RecoupStore } from "../src/db/open-recoup.js";
import { importLedger, type ImportResult } from "../src/ingest/import-ledger.js";
import type { Portfolio } from "./portfolio.js";

export interface TracedStatement {
  sql: string;
  startMs: number;
  ms: number;
}

export interface ImportPhases {
  /** Reading, parsing and validating the CSV files and COPYing the rows into staging tables. */
  stageMs: number;
  analyzeMs: number;
  checksMs: number;
  mergeMs: number;
  /** Import log, audit events and COMMIT. */
  finishMs: number;
  slowest: { sql: string; ms: number }[];
}

type QueryFn = (...args: unknown[]) => unknown;

export async function traceImport<T>(
  pool: pg.Pool,
  work: () => Promise<T>,
): Promise<{ value: T; ms: number; phases: ImportPhases }> {
  const statements: TracedStatement[] = [];
  const patched: { client: pg.PoolClient; query: QueryFn }[] = [];
  const originalConnect = pool.connect as () => Promise<pg.PoolClient>;
  const ownConnect = Object.prototype.hasOwnProperty.call(pool, "connect");
  const started = performance.now();
  const patch = (client: pg.PoolClient) => {
    const original = client.query as unknown as QueryFn;
    patched.push({ client, query: original });
    const wrapped: QueryFn = (...args) => {
      const first = args[0];
      if (typeof first !== "string") return original.apply(client, args);
      const at = performance.now();
      const record = () => statements.push({ sql: first, startMs: at - started, ms: performance.now() - at });
      const result = original.apply(client, args) as Promise<unknown>;
      return result.then(
        (value) => {
          record();
          return value;
        },
        (error: unknown) => {
          record();
          throw error;
        },
      );
    };
    (client as unknown as { query: QueryFn }).query = wrapped;
    return client;
  };
  (pool as unknown as { connect: () => Promise<pg.PoolClient> }).connect = async () =>
    patch(await originalConnect.call(pool));
  let value: T;
  try {
    value = await work();
  } finally {
    if (ownConnect) (pool as unknown as { connect: () => Promise<pg.PoolClient> }).connect = originalConnect;
    else delete (pool as unknown as { connect?: unknown }).connect;
    for (const { client, query } of patched) (client as unknown as { query: QueryFn }).query = query;
  }
  const ms = performance.now() - started;
  return { value, ms, phases: phasesOf(statements, ms) };
}

function phasesOf(statements: TracedStatement[], totalMs: number): ImportPhases {
  const startOf = (test: (sql: string) => boolean, fallback: number) =>
    statements.find((s) => test(s.sql.trimStart()))?.startMs ?? fallback;
  // Staging ends with the first statement after the COPYs: stage indexes (if any) or ANALYZE.
  const analyze = startOf(
    (sql) => sql.startsWith("ANALYZE stage_") || /^CREATE INDEX\b[^;]*\bstage_/.test(sql),
    totalMs,
  );
  const checks = Math.max(
    analyze,
    startOf((sql) => sql.startsWith("SELECT * FROM ("), analyze),
  );
  const merge = Math.max(
    checks,
    startOf((sql) => sql.startsWith("INSERT INTO imports"), totalMs),
  );
  const finish = Math.max(
    merge,
    startOf((sql) => sql.startsWith("UPDATE imports"), totalMs),
  );
  const slowest = [...statements]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 6)
    .map((s) => ({ sql: s.sql.replace(/\s+/g, " ").trim().slice(0, 110), ms: s.ms }));
  return {
    stageMs: analyze,
    analyzeMs: checks - analyze,
    checksMs: merge - checks,
    mergeMs: finish - merge,
    finishMs: totalMs - finish,
    slowest,
  };
}

export function formatPhases(phases: ImportPhases): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const lines = [
    `stage (parse, validate, COPY) ${s(phases.stageMs)}; stage index + ANALYZE ${s(phases.analyzeMs)}; ` +
      `checks ${s(phases.checksMs)}; merge ${s(phases.mergeMs)}; audit + commit ${s(phases.finishMs)}`,
    ...phases.slowest.map((st) => `    ${s(st.ms).padStart(9)}  ${st.sql}`),
  ];
  return lines.join("\n");
}

export interface ImportMeasurement {
  ms: number;
  rowsPerSecond: number;
  result: ImportResult;
  phases: ImportPhases;
}

/** Imports the portfolio folder into an open, migrated, empty store, timing importLedger only. */
export async function measureImport(store: RecoupStore, portfolio: Portfolio): Promise<ImportMeasurement> {
  const {
    value: result,
    ms,
    phases,
  } = await traceImport(store.handle.pool, () =>
    importLedger({ store, folder: portfolio.dir, clock: systemClock, actor: "bench" }),
  );
  if (result.errors.length > 0) {
    throw new Error(`import failed: ${JSON.stringify(result.errors.slice(0, 5))}`);
  }
  const { created } = result;
  if (
    created.customers !== portfolio.counts.customers ||
    created.invoices !== portfolio.counts.invoices ||
    created.creditNotes !== portfolio.counts.creditNotes
  ) {
    throw new Error(
      `import created ${JSON.stringify(created)}; the files have ${JSON.stringify(portfolio.counts)}`,
    );
  }
  return { ms, rowsPerSecond: portfolio.rows / (ms / 1000), result, phases };
}
