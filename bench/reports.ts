/**
 * The portfolio queries measured on every engine: aging as of the portfolio's as-of date and as of
 * a past date (agingReport), and the KPIs of the last six months (kpiReport). All engines run
 * these same functions, so they send the same SQL text.
 */
import { agingReport } from "../src/analytics/aging-report.js";
import { kpiReport, type KpiReport } from "../src/analytics/kpi-report.js";
import type { Queryable } from "../src/db/queryable.js";
import type { AgingReport } from "../src/domain/aging.js";
import { addDays, addMonths, startOfMonth } from "../src/domain/calendar-date.js";
import { samplesOf, timed, type Samples } from "./stats.js";

export const PAST_DAYS = 180;

export interface ReportDates {
  asOf: string;
  /** asOf − 180 days. */
  pastAsOf: string;
  /** First day of the sixth month before asOf, up to asOf: the last six calendar months. */
  kpiFrom: string;
  kpiTo: string;
}

export function reportDates(asOf: string): ReportDates {
  return {
    asOf,
    pastAsOf: addDays(asOf, -PAST_DAYS),
    kpiFrom: startOfMonth(addMonths(asOf, -5)),
    kpiTo: asOf,
  };
}

export interface ReportOutputs {
  agingToday: AgingReport;
  agingPast: AgingReport;
  kpis: KpiReport;
}

export interface QueryTiming {
  /** The whole agingReport()/kpiReport() call: SQL, transfer, and the report's assembly in Node. */
  total: Samples;
  /** From the first statement sent to the last result received (statements may overlap). */
  sql: Samples;
}

export interface ReportTimings {
  agingToday: QueryTiming;
  agingPast: QueryTiming;
  kpis: QueryTiming;
}

export interface ReportMeasurement {
  timings: ReportTimings;
  outputs: ReportOutputs;
}

/** Wraps a Queryable to note when its statements start and end. */
function spanRecorder(db: Queryable): { db: Queryable; reset(): void; spanMs(): number } {
  let first = Infinity;
  let last = -Infinity;
  return {
    db: {
      async query<Row>(text: string, values?: readonly unknown[]) {
        first = Math.min(first, performance.now());
        try {
          return await db.query<Row>(text, values);
        } finally {
          last = Math.max(last, performance.now());
        }
      },
    },
    reset() {
      first = Infinity;
      last = -Infinity;
    },
    spanMs: () => last - first,
  };
}

/** One warm-up pass (whose outputs are kept for the cross-checks), then `runs` timed passes. */
export async function measureReports(
  db: Queryable,
  organisationId: number,
  dates: ReportDates,
  runs: number,
): Promise<ReportMeasurement> {
  const recorder = spanRecorder(db);
  const queries = {
    agingToday: () => agingReport(recorder.db, { organisationId, asOf: dates.asOf }),
    agingPast: () => agingReport(recorder.db, { organisationId, asOf: dates.pastAsOf }),
    kpis: () => kpiReport(recorder.db, { organisationId, from: dates.kpiFrom, to: dates.kpiTo }),
  };
  const outputs: ReportOutputs = {
    agingToday: await queries.agingToday(),
    agingPast: await queries.agingPast(),
    kpis: await queries.kpis(),
  };
  const keys = ["agingToday", "agingPast", "kpis"] as const;
  const total = { agingToday: [] as number[], agingPast: [] as number[], kpis: [] as number[] };
  const sql = { agingToday: [] as number[], agingPast: [] as number[], kpis: [] as number[] };
  // Interleaved, so that a noisy moment on a shared machine does not hit one query only.
  for (let run = 0; run < runs; run++) {
    for (const key of keys) {
      recorder.reset();
      const query: () => Promise<unknown> = queries[key];
      total[key].push((await timed(query)).ms);
      sql[key].push(recorder.spanMs());
    }
  }
  const timing = (key: (typeof keys)[number]): QueryTiming => ({
    total: samplesOf(total[key]),
    sql: samplesOf(sql[key]),
  });
  return {
    outputs,
    timings: { agingToday: timing("agingToday"), agingPast: timing("agingPast"), kpis: timing("kpis") },
  };
}

/**
 * Differences between two engines' outputs (empty when they agree exactly): aging totals per
 * currency, every customer line, and the KPI objects.
 */
export function compareOutputs(expected: ReportOutputs, actual: ReportOutputs): string[] {
  const problems: string[] = [];
  for (const key of ["agingToday", "agingPast"] as const) {
    const a = expected[key];
    const b = actual[key];
    const totalsA = JSON.stringify(a.totals);
    const totalsB = JSON.stringify(b.totals);
    if (totalsA !== totalsB)
      problems.push(`${key} totals differ:\n    expected ${totalsA}\n    actual   ${totalsB}`);
    if (a.customers.length !== b.customers.length) {
      problems.push(`${key}: ${a.customers.length} customer lines expected, ${b.customers.length} found`);
    } else {
      const differing = a.customers.filter(
        (line, i) => JSON.stringify(line) !== JSON.stringify(b.customers[i]),
      );
      if (differing.length > 0) {
        const first = differing[0]!;
        problems.push(
          `${key}: ${differing.length} customer lines differ, first ${first.customerRef} ${first.currency}: ` +
            `expected ${JSON.stringify(first)} actual ${JSON.stringify(b.customers[a.customers.indexOf(first)])}`,
        );
      }
    }
  }
  const kpisA = JSON.stringify(expected.kpis);
  const kpisB = JSON.stringify(actual.kpis);
  if (kpisA !== kpisB) problems.push(`kpis differ:\n    expected ${kpisA}\n    actual   ${kpisB}`);
  return problems;
}

/** "USD 12,345,678.90 open in 1,234 customer lines" style summary of an aging report's totals. */
export function agingSummary(report: AgingReport): string {
  const totals = report.totals.map((t) => `${t.currency} ${t.total} (unapplied ${t.unapplied})`).join(", ");
  return `${totals}; ${report.customers.length} customer lines`;
}
