/**
 * Agreement on real data: the IBM accounts-receivable sample (2,466 invoices, 2012–2013), converted
 * with convertIbmDataset and imported with importLedger, must age and give KPIs that agree with an
 * independent computation written here, straight from the raw IBM CSV rows (DESIGN 5.3).
 *
 * The independent side uses nothing from src/: it parses the CSV itself, turns M/D/YYYY into ISO
 * dates, decimal strings into integer cents by string arithmetic, and applies the definitions of
 * DESIGN 5.3 directly. Each IBM invoice is paid in full on its SettledDate, so it is open as of D
 * (for its whole amount) when InvoiceDate ≤ D < SettledDate.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agingReport } from "../../src/analytics/aging-report.js";
import { kpiReport } from "../../src/analytics/kpi-report.js";
import { fixedClock } from "../../src/clock.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { convertIbmDataset } from "../../src/demo/convert-ibm.js";
import type { AgingReport } from "../../src/domain/aging.js";
import type { KpisOutput } from "../../src/domain/kpis.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { describeEachDatabase } from "../support/databases.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const IBM_CSV = path.resolve(repoRoot, "../shared/data/external/ibm_ar_datamining.csv");
const available = existsSync(IBM_CSV);

// ---------------------------------------------------------------------------------------------
// The independent side: raw CSV → invoices → aging and KPIs, from the definitions only.
// ---------------------------------------------------------------------------------------------

interface RawInvoice {
  ref: string;
  customerRef: string;
  /** ISO dates. */
  issue: string;
  due: string;
  settled: string;
  /** Integer cents. */
  cents: number;
}

/** "1/2/2013" (month/day/year) → "2013-01-02". */
function isoFromUs(text: string): string {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!match) throw new Error(`"${text}" is not M/D/YYYY`);
  return `${match[3]}-${match[1]!.padStart(2, "0")}-${match[2]!.padStart(2, "0")}`;
}

/** "61.7" → 6170: whole units × 100 plus the fraction padded to two digits, all integers. */
function centsFromDecimal(text: string): number {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a decimal amount with at most 2 decimals`);
  const cents = Number.parseInt(match[1]!, 10) * 100 + Number.parseInt((match[2] ?? "").padEnd(2, "0"), 10);
  if (!Number.isSafeInteger(cents)) throw new Error(`"${text}" is out of range`);
  return cents;
}

/** The IBM sample has no quoted fields (checked), so splitting on commas reads it exactly. */
function readRawInvoices(file: string): RawInvoice[] {
  const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  if (text.includes('"')) throw new Error("the IBM sample unexpectedly holds quoted fields");
  const [header, ...lines] = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const names = header!.split(",").map((name) => name.trim());
  const at = (name: string): number => {
    const index = names.indexOf(name);
    if (index < 0) throw new Error(`no column ${name}`);
    return index;
  };
  const col = {
    customer: at("customerID"),
    number: at("invoiceNumber"),
    issue: at("InvoiceDate"),
    due: at("DueDate"),
    amount: at("InvoiceAmount"),
    settled: at("SettledDate"),
  };
  return lines.map((line) => {
    const fields = line.split(",").map((field) => field.trim());
    return {
      // The converter drops leading zeros of invoice numbers; so does the ref here.
      ref: fields[col.number]!.replace(/^0+(?=\d)/, ""),
      customerRef: fields[col.customer]!,
      issue: isoFromUs(fields[col.issue]!),
      due: isoFromUs(fields[col.due]!),
      settled: fields[col.settled] === "" ? "" : isoFromUs(fields[col.settled]!),
      cents: centsFromDecimal(fields[col.amount]!),
    };
  });
}

const DAY_MS = 86_400_000;
function dayNumber(iso: string): number {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY_MS;
}
const daysFrom = (a: string, b: string): number => dayNumber(b) - dayNumber(a);
const shiftDays = (iso: string, n: number): string =>
  new Date((dayNumber(iso) + n) * DAY_MS).toISOString().slice(0, 10);
const monthDays = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Open as of D: issued on or before D and not settled on or before D (a payment dated D pays on D). */
function isOpen(invoice: RawInvoice, asOf: string): boolean {
  return invoice.issue <= asOf && !(invoice.settled !== "" && invoice.settled <= asOf);
}

type Basis = "due" | "issue";
const KEYS: Record<Basis, readonly string[]> = {
  due: ["current", "1-30", "31-60", "61-90", "90+"],
  issue: ["0-30", "31-60", "61-90", "90+"],
};

function bucketOf(invoice: RawInvoice, asOf: string, basis: Basis): string {
  const age = daysFrom(basis === "due" ? invoice.due : invoice.issue, asOf);
  if (basis === "due" && age <= 0) return "current";
  const first = basis === "due" ? "1-30" : "0-30";
  return age <= 30 ? first : age <= 60 ? "31-60" : age <= 90 ? "61-90" : "90+";
}

type Buckets = Record<string, number>;
interface IndependentAging {
  total: Buckets;
  customers: Record<string, Buckets>;
}

function independentAging(invoices: readonly RawInvoice[], asOf: string, basis: Basis): IndependentAging {
  const zero = (): Buckets => Object.fromEntries(KEYS[basis].map((key) => [key, 0]));
  const total = zero();
  const customers: Record<string, Buckets> = {};
  for (const invoice of invoices) {
    if (!isOpen(invoice, asOf)) continue;
    const key = bucketOf(invoice, asOf, basis);
    total[key]! += invoice.cents;
    (customers[invoice.customerRef] ??= zero())[key]! += invoice.cents;
  }
  return { total, customers };
}

const arAt = (invoices: readonly RawInvoice[], day: string): number =>
  invoices.filter((i) => isOpen(i, day)).reduce((sum, i) => sum + i.cents, 0);

interface IndependentKpis {
  days: number;
  creditSales: number;
  beginAr: number;
  endAr: number;
  endCurrentAr: number;
  dsoSimple: number;
  dsoCountback: number | null;
  bestPossibleDso: number;
  add: number;
  cei: number;
  /** The months the countback walked, newest first, for the printed table. */
  walk: string[];
}

function independentKpis(invoices: readonly RawInvoice[], from: string, to: string): IndependentKpis {
  const days = daysFrom(from, to) + 1;
  // No credit notes in the IBM sample: credit sales are the invoices issued in the period.
  const creditSales = invoices
    .filter((i) => i.issue >= from && i.issue <= to)
    .reduce((sum, i) => sum + i.cents, 0);
  const beginAr = arAt(invoices, shiftDays(from, -1));
  const endAr = arAt(invoices, to);
  // Current = not yet past due at `to`: due date on or after `to`.
  const endCurrentAr = invoices
    .filter((i) => isOpen(i, to) && i.due >= to)
    .reduce((sum, i) => sum + i.cents, 0);

  // Countback: sales per calendar month, the month of `to` only up to `to`.
  const salesByMonth = new Map<string, number>();
  for (const i of invoices) {
    if (i.issue > to) continue;
    const month = i.issue.slice(0, 7);
    salesByMonth.set(month, (salesByMonth.get(month) ?? 0) + i.cents);
  }
  const firstMonth = invoices.map((i) => i.issue.slice(0, 7)).sort()[0]!;
  let year = Number(to.slice(0, 4));
  let month = Number(to.slice(5, 7));
  const toMonth = to.slice(0, 7);
  let remaining = endAr;
  let counted = 0;
  let countback: number | null = null;
  const walk: string[] = [];
  if (endAr <= 0) countback = 0;
  while (countback === null) {
    const key = `${year}-${String(month).padStart(2, "0")}`;
    if (key < firstMonth) break; // ran past the ledger: null
    walk.push(key);
    const monthSpan = key === toMonth ? Number(to.slice(8, 10)) : monthDays(year, month);
    const sales = salesByMonth.get(key) ?? 0;
    if (sales > 0 && remaining <= sales) {
      countback = counted + (remaining / sales) * monthSpan;
      break;
    }
    counted += monthSpan;
    if (sales > 0) remaining -= sales;
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }

  // CEI months N: each calendar month touched counts the fraction of its days inside [from, to].
  let months = 0;
  for (let day = from; day <= to; day = shiftDays(day, 1)) {
    months += 1 / monthDays(Number(day.slice(0, 4)), Number(day.slice(5, 7)));
  }
  const collectible = beginAr + creditSales / months;
  const dsoSimple = (endAr / creditSales) * days;
  const bestPossibleDso = (endCurrentAr / creditSales) * days;
  return {
    days,
    creditSales,
    beginAr,
    endAr,
    endCurrentAr,
    dsoSimple,
    dsoCountback: countback,
    bestPossibleDso,
    add: dsoSimple - bestPossibleDso,
    cei: ((collectible - endAr) / (collectible - endCurrentAr)) * 100,
    walk,
  };
}

// ---------------------------------------------------------------------------------------------
// Comparison helpers.
// ---------------------------------------------------------------------------------------------

function bucketsOf(line: { buckets: { key: string; amount: number }[] }): Buckets {
  return Object.fromEntries(line.buckets.map((bucket) => [bucket.key, bucket.amount]));
}

/** The report's customers with anything open, as ref → buckets (the independent side's shape). */
function customersOf(report: AgingReport): Record<string, Buckets> {
  return Object.fromEntries(report.customers.map((c) => [c.customerRef, bucketsOf(c)]));
}

/** The report rounds ratios to 2 decimals; the exact value must round to it. */
function expectRatio(label: string, reported: number | null, exact: number | null): void {
  if (exact === null || reported === null) {
    expect(reported, label).toBe(exact);
    return;
  }
  expect(
    Math.abs(reported - exact),
    `${label}: reported ${reported}, independent ${exact}`,
  ).toBeLessThanOrEqual(0.005 + 1e-9);
}

function singleCurrency(report: Awaited<ReturnType<typeof kpiReport>>): KpisOutput {
  if ("byCurrency" in report) throw new Error("the IBM sample is in USD only");
  return report;
}

const dollars = (cents: number): string => (cents / 100).toFixed(2);

// ---------------------------------------------------------------------------------------------
// The suite.
// ---------------------------------------------------------------------------------------------

const raw = available ? readRawInvoices(IBM_CSV) : [];

/** Boundary days taken from the data: a due date of invoices still open on it, a settled date. */
const DUE_BOUNDARY = "2013-06-28";
const SETTLED_BOUNDARY = "2012-08-07";
const AS_OF_DATES = [
  "2012-06-30",
  "2012-12-31",
  "2013-06-30",
  "2013-09-30",
  DUE_BOUNDARY,
  SETTLED_BOUNDARY,
  shiftDays(SETTLED_BOUNDARY, -1),
  "2012-01-03", // the first issue date: the first invoices are in the aging on the day they are issued
  "2013-12-31", // after the last issue date, a few invoices still unpaid
];
const PERIODS: [string, string][] = [
  ["2013-01-01", "2013-06-30"],
  ["2012-01-01", "2012-12-31"],
  ["2013-02-01", "2013-02-28"], // a single month
  ["2012-03-15", "2012-05-20"], // partial months at both ends: fractional N in the CEI
  ["2013-07-01", "2013-12-31"],
  ["2012-08-07", "2012-08-07"], // one day, a settled-date boundary
  ["2013-01-01", "2013-03-05"], // ends early in a month: the countback walks back into February
  ["2012-10-01", "2012-11-01"], // ends on a 1st
];
const PRINTED_PERIOD = PERIODS[0]!;

if (!available) {
  console.warn(`IBM agreement tests skipped: the IBM sample is not at ${IBM_CSV}`);
  describe.skip("IBM sample: aging and KPIs agree with an independent computation", () => {
    it("needs ../shared/data/external/ibm_ar_datamining.csv", () => undefined);
  });
} else {
  let ledgerDir: string;
  beforeAll(async () => {
    ledgerDir = await mkdtemp(path.join(os.tmpdir(), "recoup-ibm-agreement-"));
    await convertIbmDataset({ inputCsv: IBM_CSV, outDir: ledgerDir });
  });
  afterAll(async () => {
    if (ledgerDir) await rm(ledgerDir, { recursive: true, force: true });
  });

  describe("the independent computation itself", () => {
    it("reads 2,466 invoices of 100 customers and the chosen boundary days are real boundaries", () => {
      expect(raw).toHaveLength(2_466);
      expect(new Set(raw.map((i) => i.customerRef)).size).toBe(100);
      expect(new Set(raw.map((i) => i.ref)).size).toBe(2_466);
      // Invoices due on DUE_BOUNDARY and still unpaid that day: 0 days past due, so `current`.
      const dueThatDay = raw.filter((i) => i.due === DUE_BOUNDARY && isOpen(i, DUE_BOUNDARY));
      expect(dueThatDay.length).toBeGreaterThan(0);
      expect(dueThatDay.every((i) => bucketOf(i, DUE_BOUNDARY, "due") === "current")).toBe(true);
      expect(dueThatDay.every((i) => bucketOf(i, shiftDays(DUE_BOUNDARY, 1), "due") === "1-30")).toBe(true);
      // Invoices settled on SETTLED_BOUNDARY: open the day before, not on the day.
      const settledThatDay = raw.filter((i) => i.settled === SETTLED_BOUNDARY);
      expect(settledThatDay.length).toBeGreaterThan(0);
      expect(settledThatDay.every((i) => isOpen(i, shiftDays(SETTLED_BOUNDARY, -1)))).toBe(true);
      expect(settledThatDay.some((i) => isOpen(i, SETTLED_BOUNDARY))).toBe(false);
      expect(raw.some((i) => i.issue === "2012-01-03")).toBe(true);
      // The amount conversion is exact: "61.7" is 6170 cents, "14" is 1400.
      expect(centsFromDecimal("61.7")).toBe(6170);
      expect(centsFromDecimal("14")).toBe(1400);
      expect(centsFromDecimal("105.92")).toBe(10592);
    });
  });

  describeEachDatabase("IBM sample: aging and KPIs agree with an independent computation", (database) => {
    let store: RecoupStore;
    beforeAll(async () => {
      store = await database.freshStore();
      const result = await importLedger({
        store,
        folder: ledgerDir,
        clock: fixedClock("2014-02-01T09:00:00Z"),
        actor: "test",
      });
      expect(result.errors).toEqual([]);
      expect(result.created).toEqual({ customers: 100, invoices: 2_466, creditNotes: 0, payments: 2_466 });
    });

    for (const asOf of AS_OF_DATES) {
      for (const basis of ["due", "issue"] as const) {
        it(`ages as of ${asOf} (basis ${basis}) to the cent, per customer and in total`, async () => {
          const expected = independentAging(raw, asOf, basis);
          const report = await agingReport(store.handle.pool, {
            organisationId: store.organisationId,
            asOf,
            basis,
          });
          expect(report.asOf).toBe(asOf);
          expect(report.basis).toBe(basis);
          expect(report.totals).toHaveLength(1);
          const usd = report.totals[0]!;
          expect(usd.currency).toBe("USD");
          expect(bucketsOf(usd)).toEqual(expected.total);
          expect(usd.total).toBe(Object.values(expected.total).reduce((a, b) => a + b, 0));
          expect(usd.unapplied).toBe(0);
          expect(customersOf(report)).toEqual(expected.customers);
          for (const customer of report.customers) {
            expect(customer.total).toBe(customer.buckets.reduce((sum, b) => sum + b.amount, 0));
            expect(customer.unapplied).toBe(0);
          }
          expect(usd.total).toBeGreaterThan(0);
        });
      }
    }

    it("gives the same KPIs for 90-day periods ending every 9th day of 2012-04..2013-12", async () => {
      let multiMonthWalks = 0;
      for (let to = "2012-04-01"; to <= "2013-12-31"; to = shiftDays(to, 9)) {
        const from = shiftDays(to, -89);
        const exact = independentKpis(raw, from, to);
        if (exact.walk.length > 1) multiMonthWalks += 1;
        const kpis = singleCurrency(
          await kpiReport(store.handle.pool, { organisationId: store.organisationId, from, to }),
        );
        const label = `${from}..${to}`;
        expect(
          [kpis.creditSales, kpis.beginAr, kpis.endAr, kpis.endCurrentAr],
          `${label}: creditSales, beginAr, endAr, endCurrentAr`,
        ).toEqual([exact.creditSales, exact.beginAr, exact.endAr, exact.endCurrentAr]);
        expectRatio(`${label} DSO simple`, kpis.dso.simple, exact.dsoSimple);
        expectRatio(`${label} DSO countback`, kpis.dso.countback, exact.dsoCountback);
        expectRatio(`${label} best-possible DSO`, kpis.bestPossibleDso, exact.bestPossibleDso);
        expectRatio(`${label} ADD`, kpis.add, exact.add);
        expectRatio(`${label} CEI`, kpis.cei, exact.cei);
      }
      // The sweep really exercises the countback across month boundaries.
      expect(multiMonthWalks).toBeGreaterThan(5);
    });

    it("ages every 5th day from 2012-01-01 to 2014-01-10 to the cent, on both bases", async () => {
      let compared = 0;
      for (let asOf = "2012-01-01"; asOf <= "2014-01-10"; asOf = shiftDays(asOf, 5)) {
        for (const basis of ["due", "issue"] as const) {
          const expected = independentAging(raw, asOf, basis);
          const report = await agingReport(store.handle.pool, {
            organisationId: store.organisationId,
            asOf,
            basis,
          });
          const label = `${asOf} basis ${basis}`;
          expect(customersOf(report), label).toEqual(expected.customers);
          if (report.totals.length > 0) expect(bucketsOf(report.totals[0]!), label).toEqual(expected.total);
          else
            expect(
              Object.values(expected.total).every((amount) => amount === 0),
              label,
            ).toBe(true);
          compared += 1;
        }
      }
      expect(compared).toBeGreaterThan(290);
    });

    it("ages one customer alone (--customer) exactly as its line in the full report", async () => {
      const asOf = "2013-06-30";
      const expected = independentAging(raw, asOf, "due");
      const ref = Object.keys(expected.customers).sort()[0]!;
      const report = await agingReport(store.handle.pool, {
        organisationId: store.organisationId,
        asOf,
        customerRef: ref,
      });
      expect(customersOf(report)).toEqual({ [ref]: expected.customers[ref] });
      expect(bucketsOf(report.totals[0]!)).toEqual(expected.customers[ref]);
    });

    for (const [from, to] of PERIODS) {
      it(`gives the KPIs of ${from}..${to}: amounts exact, ratios to 0.01`, async () => {
        const exact = independentKpis(raw, from, to);
        const kpis = singleCurrency(
          await kpiReport(store.handle.pool, { organisationId: store.organisationId, from, to }),
        );
        expect(kpis).toMatchObject({
          from,
          to,
          currency: "USD",
          days: exact.days,
          creditSales: exact.creditSales,
          beginAr: exact.beginAr,
          endAr: exact.endAr,
          endCurrentAr: exact.endCurrentAr,
        });
        expectRatio("DSO simple", kpis.dso.simple, exact.dsoSimple);
        expectRatio("DSO countback", kpis.dso.countback, exact.dsoCountback);
        expectRatio("best-possible DSO", kpis.bestPossibleDso, exact.bestPossibleDso);
        expectRatio("ADD", kpis.add, exact.add);
        expectRatio("CEI", kpis.cei, exact.cei);
        expect(kpis.warnings).toBeUndefined();

        if (from === PRINTED_PERIOD[0] && to === PRINTED_PERIOD[1]) {
          const rows: [string, string, string][] = [
            ["days", String(kpis.days), String(exact.days)],
            ["creditSales", dollars(kpis.creditSales), dollars(exact.creditSales)],
            ["beginAr", dollars(kpis.beginAr), dollars(exact.beginAr)],
            ["endAr", dollars(kpis.endAr), dollars(exact.endAr)],
            ["endCurrentAr", dollars(kpis.endCurrentAr), dollars(exact.endCurrentAr)],
            ["DSO simple", String(kpis.dso.simple), exact.dsoSimple.toFixed(4)],
            ["DSO countback", String(kpis.dso.countback), exact.dsoCountback?.toFixed(4) ?? "null"],
            ["best-possible DSO", String(kpis.bestPossibleDso), exact.bestPossibleDso.toFixed(4)],
            ["ADD", String(kpis.add), exact.add.toFixed(4)],
            ["CEI", String(kpis.cei), exact.cei.toFixed(4)],
          ];
          console.log(
            [
              `IBM sample, ${from}..${to} [${database.kind}] (USD; countback walked ${exact.walk.join(", ")})`,
              `${"figure".padEnd(18)} ${"recoup (SQL)".padStart(14)} ${"independent".padStart(14)}`,
              ...rows.map(
                ([name, ours, theirs]) => `${name.padEnd(18)} ${ours.padStart(14)} ${theirs.padStart(14)}`,
              ),
            ].join("\n"),
          );
        }
      });
    }
  });
}
