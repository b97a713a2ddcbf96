/** The results of one bench run: their shape, the console table and bench/RESULTS.md. */
import type { MachineInfo } from "./machine.js";
import type { ImportPhases } from "./import-trace.js";
import type { ReportDates, ReportTimings } from "./reports.js";
import type { Samples } from "./stats.js";
import type { PortfolioCounts } from "../src/demo/generate-portfolio.js";

export interface ImportFigures {
  /** Median over the import runs. */
  rowsPerSecond: number;
  seconds: number;
  runs: number;
  phases: ImportPhases;
}

export interface EngineFigures {
  import?: ImportFigures;
  reports: ReportTimings;
}

export interface SizeResult {
  size: number;
  rows: number;
  counts: PortfolioCounts;
  dates: ReportDates;
  rawCopy?: { rowsPerSecond: Samples; seconds: Samples };
  server?: EngineFigures;
  pglite?: EngineFigures;
  /** Why PGlite was not measured at this size. */
  pgliteSkipped?: string;
  duckdb?: EngineFigures & { loadSeconds: number };
  /** Differences of DuckDB's and PGlite's outputs from the server's; empty when exact. */
  mismatches: { duckdb: string[]; pglite: string[] };
}

export interface RunMeta {
  date: string;
  machine: MachineInfo;
  postgres: { version: string; settings: string };
  pgliteVersion: string;
  duckdbVersion: string;
  duckdbThreads: string;
  runs: number;
  importRuns: number;
  seed: number;
  command: string;
  source: string;
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => (n < 100 ? n.toFixed(1) : int(n));
const sizeLabel = (n: number) =>
  n >= 1_000_000 && n % 1_000_000 === 0
    ? `${n / 1_000_000}M`
    : n >= 1000 && n % 1000 === 0
      ? `${n / 1000}k`
      : String(n);

type Row = [label: string, value: (r: SizeResult) => string];

function importCell(figures: EngineFigures | undefined, skipped?: string): string {
  if (!figures?.import) return skipped ? "skipped" : "–";
  return `${int(figures.import.rowsPerSecond)} (${figures.import.seconds.toFixed(1)} s)`;
}

function queryCell(figures: EngineFigures | undefined, key: keyof ReportTimings, skipped?: string): string {
  if (!figures) return skipped ? "skipped" : "–";
  const timing = figures.reports[key];
  return `${ms(timing.total.median)} (${ms(timing.sql.median)})`;
}

function rows(results: SizeResult[]): Row[] {
  const d = results[0]?.dates;
  const agingToday = d ? `aging as of ${d.asOf} (asOf)` : "aging today";
  const agingPast = d ? `aging as of ${d.pastAsOf} (asOf − 180 d)` : "aging past";
  const kpis = d ? `KPIs ${d.kpiFrom} … ${d.kpiTo}` : "KPIs";
  const engines = [
    ["server", (r: SizeResult) => r.server, () => undefined],
    ["PGlite", (r: SizeResult) => r.pglite, (r: SizeResult) => r.pgliteSkipped],
    ["DuckDB", (r: SizeResult) => r.duckdb, () => undefined],
  ] as const;
  const queryRows = (label: string, key: keyof ReportTimings): Row[] =>
    engines.map(([engine, get, skipped]) => [
      `${label}, ${engine}, ms: call (SQL)`,
      (r) => queryCell(get(r), key, skipped(r)),
    ]);
  const table: Row[] = [
    ["rows (customers + invoices + credit notes + payment rows)", (r) => int(r.rows)],
    [
      "  of which customers / invoices / credit notes / payment rows",
      (r) =>
        [r.counts.customers, r.counts.invoices, r.counts.creditNotes, r.counts.payments].map(int).join(" / "),
    ],
    [
      "server: raw COPY of the 4 CSV files, rows/s",
      (r) => (r.rawCopy ? int(r.rawCopy.rowsPerSecond.median) : "–"),
    ],
    ["server: importLedger, rows/s (s)", (r) => importCell(r.server)],
    [
      "server: import / raw COPY throughput (goal ≥ 40%)",
      (r) => {
        if (!r.rawCopy || !r.server?.import) return "–";
        const ratio = r.server.import.rowsPerSecond / r.rawCopy.rowsPerSecond.median;
        return `${(ratio * 100).toFixed(0)}% ${ratio >= 0.4 ? "(met)" : "(NOT met)"}`;
      },
    ],
    ["PGlite: importLedger, rows/s (s)", (r) => importCell(r.pglite, r.pgliteSkipped)],
    ...queryRows(agingToday, "agingToday"),
    ...queryRows(agingPast, "agingPast"),
    ...queryRows(kpis, "kpis"),
    [
      "server / DuckDB, aging as of asOf: call (SQL) (goal ≤ 3×)",
      (r) => {
        if (!r.server || !r.duckdb) return "–";
        const s = r.server.reports.agingToday;
        const d = r.duckdb.reports.agingToday;
        const call = s.total.median / d.total.median;
        const sql = s.sql.median / d.sql.median;
        return `${call.toFixed(1)}× (${sql.toFixed(1)}×) ${call <= 3 && sql <= 3 ? "(met)" : "(NOT met)"}`;
      },
    ],
    [
      "outputs vs server (aging totals + lines, KPIs): DuckDB / PGlite",
      (r) =>
        [
          r.duckdb ? (r.mismatches.duckdb.length ? "MISMATCH" : "identical") : "–",
          r.pglite ? (r.mismatches.pglite.length ? "MISMATCH" : "identical") : "–",
        ].join(" / "),
    ],
  ];
  return table;
}

export function renderTable(results: SizeResult[], style: "markdown" | "text"): string {
  const table = rows(results);
  const header = ["", ...results.map((r) => `${sizeLabel(r.size)} invoices`)];
  const body = table.map(([label, value]) => [label, ...results.map(value)]);
  if (style === "markdown") {
    const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
    return [line(header), line(header.map((_, i) => (i === 0 ? "---" : "---:"))), ...body.map(line)].join(
      "\n",
    );
  }
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((cells) => cells[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

export function renderResultsMarkdown(meta: RunMeta, results: SizeResult[]): string {
  const m = meta.machine;
  const skipped = results.filter((r) => r.pgliteSkipped);
  const mismatches = results.flatMap((r) => [
    ...r.mismatches.duckdb.map((p) => `${sizeLabel(r.size)} DuckDB: ${p}`),
    ...r.mismatches.pglite.map((p) => `${sizeLabel(r.size)} PGlite: ${p}`),
  ]);
  return `# Benchmark results

Measured ${meta.date} with \`${meta.command}\` on source ${meta.source}.

- Machine: ${m.nproc} CPUs (nproc), ${m.cpu}, ${m.ramGiB} GiB RAM, ${m.os}; Node ${m.node}.
- PostgreSQL server ${meta.postgres.version} (${meta.postgres.settings}; reports with jit=off as Recoup sets it);
  PGlite ${meta.pgliteVersion}; DuckDB ${meta.duckdbVersion} (in-memory, ${meta.duckdbThreads} threads).
- Portfolio: \`generatePortfolio\` seed ${meta.seed}, one customer per 20 invoices, issue dates ${"2024-12-01"} … ${results[0]?.dates.asOf ?? "?"}.
- Query times are **medians of ${meta.runs} runs** after one warm-up run; raw COPY is the median of ${meta.runs} runs after one warm-up;
  imports are ${meta.importRuns === 1 ? "a single run each (into a fresh, empty, migrated store)" : `medians of ${meta.importRuns} runs, each into a fresh, empty, migrated store`}.
- These machines are shared and noisy: repeated runs of the same code differed by up to about ±10% while this was
  prepared; compare ratios within one run rather than figures across runs.

${renderTable(results, "markdown")}
${mismatches.length ? `\n**MISMATCH** between engines:\n\n${mismatches.map((p) => `- ${p.replace(/\n\s*/g, " ")}`).join("\n")}\n` : ""}
## How to run

\`\`\`sh
npm run bench                                  # 100k and 1M invoices, 3 runs
npm run bench -- --sizes 100000 --runs 5       # one size, more runs
npm run bench -- --skip-pglite-1m              # leave PGlite out at 1M (its import is the slow part)
\`\`\`

Needs a PostgreSQL server at postgres://postgres@127.0.0.1:5432 (\`--pg-url\` to change); each run creates
throw-away databases and drops them. Generated files live in bench/data/ (git-ignored) and are reused.

## Notes

- rows = data rows of the four files (customers.csv, invoices.csv, credit_notes.csv, payments.csv); rows/s = rows ÷ wall time.
- Raw COPY: the same four files, as they are (\`COPY … FROM STDIN (FORMAT csv, HEADER)\` through pg-copy-streams), into
  plain tables with the files' column types (amounts \`numeric\`), no keys or indexes: the ceiling for loading these bytes.
- importLedger: \`importLedger()\` of the folder into a fresh migrated store (parse, validate, COPY to staging,
  set-based checks, merge into the indexed ledger, audit, commit), timed around the call.
- Queries: \`agingReport()\` as of asOf and as of asOf − 180 days, \`kpiReport()\` for the last six calendar months,
  after \`VACUUM ANALYZE\`. "call" is the whole function call (SQL, rows into JS, the report assembled in Node);
  "(SQL)" is the span from its first statement sent to its last result received (rows into JS included).
- DuckDB loads customers, invoices (with open_amount and last_allocation_date), allocations, payments and credit_notes
  as exported from the server database after the import (COPY TO), and runs the same \`agingReport()\`/\`kpiReport()\`
  code, hence the same SQL text, with $1/$2 inlined as literals; one macro maps \`to_char(d, 'YYYY-MM')\` to strftime.
  Its outputs (aging totals and every customer line, KPIs) are compared with the server's; so are PGlite's.
${skipped.length ? `- PGlite was not measured at ${skipped.map((r) => sizeLabel(r.size)).join(", ")}: ${skipped[0]!.pgliteSkipped}.\n` : ""}`;
}
