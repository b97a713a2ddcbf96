/**
 * `--explain`: the plans (EXPLAIN ANALYZE, BUFFERS) of every statement the reports send, for the
 * evidence behind a performance finding. Written next to the portfolio in bench/data/<size>/.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { agingReport } from "../src/analytics/aging-report.js";
import { kpiReport } from "../src/analytics/kpi-report.js";
import type { Queryable } from "../src/db/queryable.js";
import type { ReportDates } from "./reports.js";
import { log } from "./stats.js";

export function recordingQueryable(
  db: Queryable,
  log: { text: string; values: readonly unknown[] }[],
): Queryable {
  return {
    query(text, values = []) {
      log.push({ text, values });
      return db.query(text, values);
    },
  };
}

export async function explainAll(
  db: Queryable,
  statements: { label: string; text: string; values: readonly unknown[] }[],
  file: string,
): Promise<void> {
  const parts: string[] = [];
  for (const { label, text, values } of statements) {
    const { rows } = await db.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
    parts.push(
      `-- ${label}; parameters ${JSON.stringify(values)}\n${text.trim()}\n\n${rows.map((r) => r["QUERY PLAN"]).join("\n")}\n`,
    );
  }
  writeFileSync(file, parts.join("\n" + "=".repeat(100) + "\n\n"));
}

/** EXPLAIN ANALYZE of each statement the three reports send (the `--explain` option). */
export async function explainReports(
  db: Queryable,
  organisationId: number,
  dates: ReportDates,
  file: string,
): Promise<void> {
  const statements: { label: string; text: string; values: readonly unknown[] }[] = [];
  const collect = async (label: string, work: (q: Queryable) => Promise<unknown>) => {
    const recorded: { text: string; values: readonly unknown[] }[] = [];
    await work(recordingQueryable(db, recorded));
    recorded.forEach((r, i) => statements.push({ label: `${label} #${i + 1}`, ...r }));
  };
  await collect("aging today", (q) => agingReport(q, { organisationId, asOf: dates.asOf }));
  await collect("aging past", (q) => agingReport(q, { organisationId, asOf: dates.pastAsOf }));
  await collect("kpis", (q) => kpiReport(q, { organisationId, from: dates.kpiFrom, to: dates.kpiTo }));
  await explainAll(db, statements, file);
  log(`plans written to ${path.relative(process.cwd(), file)}`);
}
