/**
 * `npm run bench:event-loop`: does a long report on the embedded database stop the HTTP server
 * from answering? (DESIGN 3: PGlite runs each query synchronously in the thread that calls it.)
 *
 * A 100k-invoice portfolio is imported into PGlite once; then, with the API served in this process,
 * `GET /aging` and `GET /kpis` run while `GET /health` is probed every 10 ms. Measured with PGlite in
 * its worker thread (how Recoup opens it, src/db/pglite-thread.ts) and, for comparison, with PGlite
 * on the main thread (how it was opened before, rebuilt here): the slowest health answer during
 * each report, and how many came back. Writes its section of bench/RESULTS.md.
 *
 *   npm run bench:event-loop -- [--size 100000] [--runs 3] [--no-write]
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { fixedClock } from "../src/clock.js";
import { acquireDirectoryLock } from "../src/db/directory-lock.js";
import type { RecoupStore } from "../src/db/open-recoup.js";
import type { Database } from "../src/db/schema.js";
import { importLedger } from "../src/ingest/import-ledger.js";
import { startServer } from "../src/server/serve.js";
import { machineInfo, sourceState } from "./machine.js";
import { openFreshPglite, removePglite } from "./pglite.js";
import { ensurePortfolio } from "./portfolio.js";
import { writeSection } from "./results-file.js";
import { EVENT_LOOP_SECTION } from "./sections.js";
import { log, median } from "./stats.js";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "100000" },
    runs: { type: "string", default: "3" },
    "as-of": { type: "string", default: "2026-11-30" },
    "no-write": { type: "boolean", default: false },
  },
  strict: true,
});
const size = Number(values.size.replace(/_/g, ""));
const runs = Number(values.runs);
const asOf = values["as-of"];
const DATA_DIR = path.join(import.meta.dirname, "data");
const clock = fixedClock(`${asOf}T12:00:00Z`);

const REPORTS = {
  aging: `/api/v1/aging?asOf=${asOf}`,
  kpis: `/api/v1/kpis?from=2026-06-01&to=${asOf}`,
} as const;

interface Probe {
  reportMs: number;
  slowestHealthMs: number;
  healthAnswers: number;
}

/** One report over HTTP while /health is asked every 10 ms. */
async function probe(url: string, route: string): Promise<Probe> {
  const health: number[] = [];
  let running = true;
  const prober = (async () => {
    while (running) {
      const started = performance.now();
      await (await fetch(`${url}/api/v1/health`)).text();
      health.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const started = performance.now();
  const response = await fetch(`${url}${route}`);
  await response.text();
  const reportMs = performance.now() - started;
  running = false;
  await prober;
  if (!response.ok) throw new Error(`${route} answered ${response.status}`);
  return {
    reportMs,
    slowestHealthMs: Math.max(...health),
    healthAnswers: health.length,
  };
}

/** PGlite on this thread, as src/db/connect.ts opened it before it moved to a worker thread. */
async function openOnMainThread(dataDir: string): Promise<RecoupStore> {
  const lock = acquireDirectoryLock(dataDir);
  const pglite = new PGlite(path.join(dataDir, "pgdata"));
  await pglite.waitReady;
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const { rows } = await pool.query(
    `SELECT organisation_id, id AS entity_id, base_currency, time_zone FROM entities WHERE code = 'default' LIMIT 1`,
  );
  const close = async () => {
    await db.destroy();
    await pglite.close();
    lock.release();
  };
  return {
    handle: { kind: "pglite", db, pool, location: dataDir, close },
    organisationId: rows[0].organisation_id,
    entityId: rows[0].entity_id,
    baseCurrency: rows[0].base_currency,
    timeZone: rows[0].time_zone,
    close,
  };
}

type Mode = "worker thread" | "main thread";

async function measure(store: RecoupStore, mode: Mode): Promise<Map<string, Probe[]>> {
  const server = await startServer({ store, clock, port: 0, host: "127.0.0.1" });
  const figures = new Map<string, Probe[]>();
  try {
    for (const [name, route] of Object.entries(REPORTS)) {
      await probe(server.url, route); // warm-up
      const list: Probe[] = [];
      for (let run = 0; run < runs; run++) list.push(await probe(server.url, route));
      figures.set(name, list);
      const m = (f: (p: Probe) => number) => median(list.map(f)).toFixed(0);
      log(`${mode}: ${name} ${m((p) => p.reportMs)} ms; slowest /health ${m((p) => p.slowestHealthMs)} ms`);
    }
  } finally {
    await server.close();
  }
  return figures;
}

const portfolio = await ensurePortfolio(DATA_DIR, { invoices: size, seed: 1, asOf });
const dataDir = path.join(DATA_DIR, `event-loop-${size}`);
const store = await openFreshPglite(dataDir);
log(`importing ${size} invoices into PGlite…`);
await importLedger({ store, folder: portfolio.dir, clock, actor: "bench" });
await store.handle.pool.query("VACUUM ANALYZE");
const results = new Map<Mode, Map<string, Probe[]>>();
results.set("worker thread", await measure(store, "worker thread"));
await store.close();
const mainThread = await openOnMainThread(dataDir);
results.set("main thread", await measure(mainThread, "main thread"));
await mainThread.close();
removePglite(dataDir);

const machine = machineInfo();
const rows = [...results].flatMap(([mode, figures]) =>
  [...figures].map(([name, list]) => {
    const m = (f: (p: Probe) => number) => Math.round(median(list.map(f))).toLocaleString("en-US");
    return `| ${mode} | ${name} | ${m((p) => p.reportMs)} | ${m((p) => p.slowestHealthMs)} | ${m((p) => p.healthAnswers)} |`;
  }),
);
const markdown = `## The event loop while the embedded database works

Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC with \`npm run bench:event-loop\` on ${sourceState()}; ${machine.nproc} CPUs (${machine.cpu}), ${machine.ramGiB} GiB, Node ${machine.node}; medians of ${runs} runs after a warm-up (these machines are shared: compare the two modes within one run).
${size.toLocaleString("en-US")} invoices in PGlite; the API served in the same process; each report requested over HTTP while \`GET /health\` is asked every 10 ms. "Worker thread" is how Recoup runs PGlite (src/db/pglite-thread.ts); "main thread" is PGlite in the server's own thread, rebuilt in the benchmark for comparison.

| PGlite on | report | report ms | slowest /health ms | /health answers during the report |
| --- | --- | ---: | ---: | ---: |
${rows.join("\n")}`;
console.log(`\n${markdown}\n`);
if (!values["no-write"]) writeSection(EVENT_LOOP_SECTION, markdown);
