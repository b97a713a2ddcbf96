/**
 * `npm run bench`: import, aging and KPIs at 100k and 1M invoices on the PostgreSQL server and on
 * PGlite, beside a raw COPY baseline and DuckDB as the reference engine, all in one run. Prints a
 * table and writes bench/RESULTS.md. See bench/README.md.
 *
 *   npm run bench -- [--sizes 100000,1000000] [--runs 3] [--import-runs 1] [--skip-pglite-1m]
 *                    [--seed 1] [--as-of 2026-11-30] [--pg-url postgres://…] [--explain] [--no-write]
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { parseCalendarDate } from "../src/domain/calendar-date.js";
import type { RecoupStore } from "../src/db/open-recoup.js";
import { duckDbVersion, loadDuckDb } from "./duckdb.js";
import { explainReports } from "./explain.js";
import { formatPhases, measureImport, type ImportMeasurement } from "./import-trace.js";
import { machineInfo, packageVersion, sourceState } from "./machine.js";
import { openFreshPglite, pgliteVersion, removePglite } from "./pglite.js";
import { ensurePortfolio, type Portfolio } from "./portfolio.js";
import { agingSummary, compareOutputs, measureReports, reportDates, type ReportOutputs } from "./reports.js";
import {
  renderResultsMarkdown,
  renderTable,
  type ImportFigures,
  type RunMeta,
  type SizeResult,
} from "./results.js";
import {
  closeServerStore,
  DEFAULT_SERVER_URL,
  exportForDuckDb,
  isReachable,
  measureRawCopy,
  openServerStore,
  ServerDatabases,
} from "./server.js";
import { OWNED_SECTIONS } from "./sections.js";
import { writeMainResults } from "./results-file.js";
import { log, median, timed } from "./stats.js";

const BENCH_DIR = import.meta.dirname;
const DATA_DIR = path.join(BENCH_DIR, "data");

interface Options {
  sizes: number[];
  runs: number;
  importRuns: number;
  skipPglite1m: boolean;
  seed: number;
  asOf: string;
  pgUrl: string;
  explain: boolean;
  write: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: "string", default: "100000,1000000" },
      runs: { type: "string", default: "3" },
      "import-runs": { type: "string", default: "1" },
      "skip-pglite-1m": { type: "boolean", default: false },
      seed: { type: "string", default: "1" },
      "as-of": { type: "string", default: "2026-11-30" },
      "pg-url": { type: "string", default: process.env.RECOUP_BENCH_PG ?? DEFAULT_SERVER_URL },
      explain: { type: "boolean", default: false },
      "no-write": { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const positive = (name: string, text: string) => {
    if (!/^\d+$/.test(text) || Number(text) < 1)
      throw new Error(`--${name} must be a positive whole number, got "${text}"`);
    return Number(text);
  };
  return {
    sizes: values.sizes.split(",").map((s) => positive("sizes", s.trim().replace(/_/g, ""))),
    runs: positive("runs", values.runs),
    importRuns: positive("import-runs", values["import-runs"]),
    skipPglite1m: values["skip-pglite-1m"],
    seed: positive("seed", values.seed),
    asOf: parseCalendarDate(values["as-of"]),
    pgUrl: values["pg-url"],
    explain: values.explain,
    write: !values["no-write"],
  };
}

function importFigures(measurements: ImportMeasurement[]): ImportFigures {
  const middle = [...measurements].sort((a, b) => a.ms - b.ms)[Math.floor((measurements.length - 1) / 2)]!;
  return {
    rowsPerSecond: median(measurements.map((m) => m.rowsPerSecond)),
    seconds: median(measurements.map((m) => m.ms / 1000)),
    runs: measurements.length,
    phases: middle.phases,
  };
}

function reportCheck(engine: string, problems: string[]): void {
  if (problems.length === 0) {
    log(`${engine}: aging (totals and every customer line) and KPIs identical to the server's`);
    return;
  }
  const banner = "!".repeat(100);
  process.stderr.write(`\n${banner}\n!! MISMATCH: ${engine} disagrees with the PostgreSQL server\n`);
  for (const problem of problems) process.stderr.write(`!!   ${problem}\n`);
  process.stderr.write(`${banner}\n\n`);
}

async function vacuumAnalyze(store: RecoupStore, engine: string): Promise<void> {
  const { ms } = await timed(() => store.handle.pool.query("VACUUM ANALYZE"));
  log(`${engine}: VACUUM ANALYZE ${(ms / 1000).toFixed(1)} s`);
}

async function benchSize(
  options: Options,
  portfolio: Portfolio,
  databases: ServerDatabases,
  meta: { pglite: string; duckdbThreads: string },
): Promise<SizeResult> {
  const size = portfolio.invoices;
  const dates = reportDates(options.asOf);
  const result: SizeResult = {
    size,
    rows: portfolio.rows,
    counts: portfolio.counts,
    dates,
    mismatches: { duckdb: [], pglite: [] },
  };

  // 1. Raw COPY baseline, in a database of its own.
  {
    const db = await databases.create(`${size}_copy`);
    log(`server: raw COPY of ${portfolio.rows} rows (warm-up + ${options.runs} runs)`);
    result.rawCopy = await measureRawCopy(db.url, portfolio, options.runs);
    await databases.drop(db.name);
    log(`server: raw COPY median ${Math.round(result.rawCopy.rowsPerSecond.median)} rows/s`);
  }

  // 2. importLedger into fresh migrated stores; the last one stays for the queries.
  let serverOutputs: ReportOutputs;
  const exportDir = path.join(portfolio.dir, "duckdb-export");
  {
    const measurements: ImportMeasurement[] = [];
    let store: RecoupStore | undefined;
    let dbName = "";
    let dbUrl = "";
    for (let run = 1; run <= options.importRuns; run++) {
      const db = await databases.create(`${size}_import${run}`);
      store = await openServerStore(db.url);
      dbName = db.name;
      dbUrl = db.url;
      log(`server: importLedger run ${run}/${options.importRuns}`);
      const measured = await measureImport(store, portfolio);
      measurements.push(measured);
      log(
        `server: import ${(measured.ms / 1000).toFixed(1)} s, ${Math.round(measured.rowsPerSecond)} rows/s ` +
          `(created ${JSON.stringify(measured.result.created)})\n    ${formatPhases(measured.phases)}`,
      );
      if (run < options.importRuns) {
        await closeServerStore(store);
        await databases.drop(db.name);
      }
    }
    store = store!;
    const organisationId = store.organisationId;
    try {
      await vacuumAnalyze(store, "server");
      log(`server: reports (warm-up + ${options.runs} runs)`);
      const measured = await measureReports(store.handle.pool, organisationId, dates, options.runs);
      serverOutputs = measured.outputs;
      result.server = { import: importFigures(measurements), reports: measured.timings };
      log(`server: aging today ${agingSummary(measured.outputs.agingToday)}`);
      log(`server: aging past  ${agingSummary(measured.outputs.agingPast)}`);
      if (options.explain) {
        await explainReports(
          store.handle.pool,
          organisationId,
          dates,
          path.join(portfolio.dir, "explain-server.txt"),
        );
      }
      log("server: exporting the ledger tables for DuckDB");
      const { ms } = await timed(() => exportForDuckDb(dbUrl, exportDir));
      log(`server: export ${(ms / 1000).toFixed(1)} s`);
    } finally {
      await closeServerStore(store);
      await databases.drop(dbName);
    }
  }

  // 3. DuckDB on the exported tables.
  {
    const duck = await loadDuckDb(exportDir);
    meta.duckdbThreads = duck.threads;
    try {
      log(`DuckDB: loaded in ${(duck.loadMs / 1000).toFixed(1)} s; reports (warm-up + ${options.runs} runs)`);
      const measured = await measureReports(duck.db, 1, dates, options.runs);
      result.duckdb = { reports: measured.timings, loadSeconds: duck.loadMs / 1000 };
      result.mismatches.duckdb = compareOutputs(serverOutputs, measured.outputs);
      reportCheck("DuckDB", result.mismatches.duckdb);
    } finally {
      duck.close();
      rmSync(exportDir, { recursive: true, force: true });
    }
  }

  // 4. PGlite.
  if (options.skipPglite1m && size >= 1_000_000) {
    result.pgliteSkipped = "run with --skip-pglite-1m";
    log("PGlite: skipped (--skip-pglite-1m)");
  } else {
    const dataDir = path.join(DATA_DIR, `pglite-${size}`);
    const measurements: ImportMeasurement[] = [];
    try {
      let store: RecoupStore | undefined;
      for (let run = 1; run <= options.importRuns; run++) {
        store = await openFreshPglite(dataDir);
        meta.pglite = await pgliteVersion(store);
        log(`PGlite: importLedger run ${run}/${options.importRuns}`);
        const measured = await measureImport(store, portfolio);
        measurements.push(measured);
        log(
          `PGlite: import ${(measured.ms / 1000).toFixed(1)} s, ${Math.round(measured.rowsPerSecond)} rows/s\n    ${formatPhases(measured.phases)}`,
        );
        if (run < options.importRuns) await store.close();
      }
      store = store!;
      try {
        await vacuumAnalyze(store, "PGlite");
        log(`PGlite: reports (warm-up + ${options.runs} runs)`);
        const measured = await measureReports(store.handle.pool, store.organisationId, dates, options.runs);
        result.pglite = { import: importFigures(measurements), reports: measured.timings };
        result.mismatches.pglite = compareOutputs(serverOutputs, measured.outputs);
        reportCheck("PGlite", result.mismatches.pglite);
        if (options.explain) {
          await explainReports(
            store.handle.pool,
            store.organisationId,
            dates,
            path.join(portfolio.dir, "explain-pglite.txt"),
          );
        }
      } finally {
        await store.close();
      }
    } finally {
      removePglite(dataDir);
    }
  }
  return result;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!(await isReachable(options.pgUrl))) {
    throw new Error(`no PostgreSQL server at ${options.pgUrl} (set --pg-url or RECOUP_BENCH_PG)`);
  }
  mkdirSync(DATA_DIR, { recursive: true });
  const databases = new ServerDatabases(options.pgUrl);
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: dropping the bench databases`);
    void databases.dropAll().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const meta: RunMeta = {
    date: new Date().toISOString().replace("T", " ").slice(0, 16) + " UTC",
    machine: machineInfo(),
    postgres: await databases.serverInfo(),
    pgliteVersion: packageVersion("@electric-sql/pglite"),
    duckdbVersion: `${duckDbVersion()} (@duckdb/node-api ${packageVersion("@duckdb/node-api")})`,
    duckdbThreads: "?",
    runs: options.runs,
    importRuns: options.importRuns,
    seed: options.seed,
    source: sourceState(),
    command: ["npm run bench", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(
      " ",
    ),
  };
  const engineMeta = { pglite: "", duckdbThreads: "?" };
  const results: SizeResult[] = [];
  try {
    for (const size of options.sizes) {
      log(`=== ${size} invoices ===`);
      const portfolio = await ensurePortfolio(DATA_DIR, {
        invoices: size,
        seed: options.seed,
        asOf: options.asOf,
      });
      log(
        `portfolio ${path.relative(process.cwd(), portfolio.dir)}: ${portfolio.rows} rows, ${(portfolio.bytes / 2 ** 20).toFixed(0)} MiB ` +
          (portfolio.reused ? "(reused)" : `(generated in ${portfolio.generateSeconds!.toFixed(1)} s)`) +
          ` ${JSON.stringify(portfolio.counts)}`,
      );
      results.push(await benchSize(options, portfolio, databases, engineMeta));
      meta.duckdbThreads = engineMeta.duckdbThreads;
      if (engineMeta.pglite)
        meta.pgliteVersion = `${packageVersion("@electric-sql/pglite")} (PostgreSQL ${engineMeta.pglite})`;
      writeFileSync(path.join(DATA_DIR, "last-run.json"), JSON.stringify({ meta, results }, null, 2) + "\n");
    }
  } finally {
    await databases.dropAll();
  }

  console.log(`\n${renderTable(results, "text")}\n`);
  console.log(
    `Medians of ${options.runs} runs after one warm-up; imports: ${options.importRuns} run(s) each.`,
  );
  const mismatched = results.some((r) => r.mismatches.duckdb.length + r.mismatches.pglite.length > 0);
  if (mismatched) console.log("MISMATCH between engines: see above and bench/RESULTS.md");
  if (options.write) {
    writeMainResults(renderResultsMarkdown(meta, results), OWNED_SECTIONS);
    log("wrote bench/RESULTS.md");
  }
  if (mismatched) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 2;
});
