import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePortfolio, type GeneratePortfolioResult } from "../../src/demo/generate-portfolio.js";
import { isCalendarDate, toDayNumber } from "../../src/domain/calendar-date.js";
import { parseMinorUnits } from "../../src/domain/money.js";

// The columns of DESIGN 5.1, written out here rather than imported, so the test checks the contract.
const CONTRACT = {
  "customers.csv": [
    "customer_ref",
    "name",
    "country",
    "currency",
    "payment_terms_days",
    "credit_limit",
    "parent_ref",
    "email",
    "phone",
    "contact_name",
    "language",
    "owner_email",
    "collector_email",
    "requires_po",
  ],
  "invoices.csv": [
    "invoice_ref",
    "customer_ref",
    "issue_date",
    "due_date",
    "amount",
    "currency",
    "po_number",
    "description",
  ],
  "credit_notes.csv": ["credit_note_ref", "customer_ref", "date", "amount", "currency", "invoice_ref"],
  "payments.csv": ["payment_ref", "customer_ref", "date", "amount", "currency", "invoice_ref"],
} as const;
type FileName = keyof typeof CONTRACT;
const FILES = Object.keys(CONTRACT) as FileName[];

type Row = Record<string, string>;

const FROM = "2024-12-01";
const AS_OF = "2026-11-30";

let tmp: string;
let first: GeneratePortfolioResult;
let texts: Record<FileName, string>;
let rows: Record<FileName, Row[]>;

async function readAll(dir: string): Promise<Record<FileName, string>> {
  const entries = await Promise.all(
    FILES.map(async (f) => [f, await readFile(path.join(dir, f), "utf8")] as const),
  );
  return Object.fromEntries(entries) as Record<FileName, string>;
}

function parseCsv(text: string): Row[] {
  return parse(text, { columns: true, skip_empty_lines: true }) as Row[];
}

function headerOf(text: string): string[] {
  return (parse(text, { to_line: 1 }) as string[][])[0]!;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "recoup-demo-"));
  first = await generatePortfolio({ outDir: path.join(tmp, "a") });
  texts = await readAll(path.join(tmp, "a"));
  rows = Object.fromEntries(FILES.map((f) => [f, parseCsv(texts[f])])) as Record<FileName, Row[]>;
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("generatePortfolio", () => {
  it("is deterministic: the same options give byte-identical files, another seed different ones", async () => {
    await generatePortfolio({ outDir: path.join(tmp, "b") });
    const again = await readAll(path.join(tmp, "b"));
    for (const f of FILES) expect(again[f] === texts[f], `${f} differs between two runs`).toBe(true);

    await generatePortfolio({ outDir: path.join(tmp, "c"), seed: 2 });
    const other = await readAll(path.join(tmp, "c"));
    for (const f of FILES) expect(other[f] === texts[f], `${f} is the same for seeds 1 and 2`).toBe(false);
  });

  it("writes the four files with exactly the contract's columns", () => {
    expect(first.files.map((f) => path.basename(f))).toEqual(FILES);
    for (const f of FILES) expect(headerOf(texts[f])).toEqual([...CONTRACT[f]]);
  });

  it("writes the counts requested and reports the counts written", () => {
    expect(first.counts).toEqual({
      customers: 600,
      invoices: 20_000,
      creditNotes: rows["credit_notes.csv"].length,
      payments: rows["payments.csv"].length,
    });
    expect(rows["customers.csv"]).toHaveLength(600);
    expect(rows["invoices.csv"]).toHaveLength(20_000);
    expect(rows["customers.csv"][0]!.customer_ref).toBe("C00001");
    expect(rows["invoices.csv"][0]!.invoice_ref).toBe("INV-000001");
    expect(rows["payments.csv"][0]!.payment_ref).toMatch(/^PAY-\d+$/);
    expect(rows["credit_notes.csv"][0]!.credit_note_ref).toMatch(/^CN-\d+$/);
    for (const f of FILES) {
      const key = CONTRACT[f][0];
      const refs = rows[f].map((r) => r[key]!);
      if (f !== "payments.csv") expect(new Set(refs).size, `${key} unique`).toBe(refs.length);
    }
  });

  it("quotes fields per RFC 4180 where needed (names with commas and quotes survive a round trip)", () => {
    const names = rows["customers.csv"].map((c) => c.name!);
    expect(names.some((n) => n.includes(","))).toBe(true);
    expect(names.some((n) => n.includes('"'))).toBe(true);
    expect(texts["customers.csv"]).toMatch(/""/);
  });

  it("gives each customer one currency, a matching country, a team and sensible terms", () => {
    const countries: Record<string, string[]> = { USD: ["US"], EUR: ["DE", "FR", "NL", "IE"], GBP: ["GB"] };
    const perCurrency = new Map<string, number>();
    for (const c of rows["customers.csv"]) {
      expect(countries[c.currency!], c.customer_ref).toContain(c.country);
      expect(["14", "30", "45", "60"]).toContain(c.payment_terms_days);
      expect(["en", "de", "fr"]).toContain(c.language);
      expect(c.owner_email).toMatch(/^[a-z.]+@demo\.recoup\.test$/);
      expect(c.collector_email).toMatch(/^[a-z.]+@demo\.recoup\.test$/);
      expect(c.email).toMatch(/^[a-z0-9.-]+@[a-z0-9.-]+$/);
      expect(c.contact_name).not.toBe("");
      expect(["true", "false"]).toContain(c.requires_po);
      if (c.credit_limit) expect(parseMinorUnits(c.credit_limit, c.currency!)).toBeGreaterThan(0);
      perCurrency.set(c.currency!, (perCurrency.get(c.currency!) ?? 0) + 1);
    }
    expect([...perCurrency.keys()].sort()).toEqual(["EUR", "GBP", "USD"]);
    expect(new Set(rows["customers.csv"].map((c) => c.owner_email)).size).toBe(3);
    expect(new Set(rows["customers.csv"].map((c) => c.collector_email)).size).toBe(4);
    const refs = new Set(rows["customers.csv"].map((c) => c.customer_ref));
    for (const c of rows["customers.csv"]) if (c.parent_ref) expect(refs.has(c.parent_ref)).toBe(true);
  });

  it("keeps every document on an existing customer, in that customer's currency, with valid amounts and dates", () => {
    const currencyOf = new Map(rows["customers.csv"].map((c) => [c.customer_ref!, c.currency!]));
    const invoiceCustomer = new Map(rows["invoices.csv"].map((i) => [i.invoice_ref!, i.customer_ref!]));
    const problems: string[] = [];
    for (const f of ["invoices.csv", "credit_notes.csv", "payments.csv"] as const) {
      for (const row of rows[f]) {
        const where = `${f} ${Object.values(row)[0]}`;
        const currency = currencyOf.get(row.customer_ref!);
        if (currency === undefined) problems.push(`${where}: unknown customer ${row.customer_ref}`);
        if (row.currency !== currency)
          problems.push(`${where}: currency ${row.currency}, customer's ${currency}`);
        if (!/^\d+\.\d{2}$/.test(row.amount!) || !(parseMinorUnits(row.amount!, row.currency!) > 0)) {
          problems.push(`${where}: amount ${row.amount}`);
        }
        for (const column of ["issue_date", "due_date", "date"]) {
          if (column in row && !isCalendarDate(row[column]!))
            problems.push(`${where}: ${column} ${row[column]}`);
        }
        if (
          f !== "invoices.csv" &&
          row.invoice_ref &&
          invoiceCustomer.get(row.invoice_ref) !== row.customer_ref
        ) {
          problems.push(
            `${where}: invoice ${row.invoice_ref} belongs to ${invoiceCustomer.get(row.invoice_ref)}`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("issues invoices between from and asOf, in date order, and dates nothing after asOf", () => {
    const problems: string[] = [];
    let previous = "";
    for (const i of rows["invoices.csv"]) {
      if (i.issue_date! < FROM || i.issue_date! > AS_OF)
        problems.push(`${i.invoice_ref} issued ${i.issue_date}`);
      if (i.issue_date! < previous) problems.push(`${i.invoice_ref} out of date order`);
      if (i.due_date! <= i.issue_date!) problems.push(`${i.invoice_ref} due ${i.due_date}`);
      previous = i.issue_date!;
    }
    const issued = new Map(rows["invoices.csv"].map((i) => [i.invoice_ref!, i.issue_date!]));
    for (const f of ["payments.csv", "credit_notes.csv"] as const) {
      for (const row of rows[f]) {
        const where = `${f} ${Object.values(row)[0]}`;
        if (row.date! > AS_OF) problems.push(`${where} dated ${row.date}, after asOf`);
        if (row.invoice_ref && row.date! <= issued.get(row.invoice_ref)!)
          problems.push(`${where} before its invoice`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("never settles more than an invoice's amount (credit notes + payments ≤ amount)", () => {
    const overSettled = [...openAmounts("9999-12-31")].filter(([, invoice]) => invoice.open < 0);
    expect(overSettled).toEqual([]);
  });

  it("puts customers requiring a PO on invoices with a PO number (bar a few hygiene misses)", () => {
    const requiresPo = new Set(
      rows["customers.csv"].filter((c) => c.requires_po === "true").map((c) => c.customer_ref),
    );
    expect(requiresPo.size).toBeGreaterThan(0);
    const invoices = rows["invoices.csv"].filter((i) => requiresPo.has(i.customer_ref!));
    const withPo = invoices.filter((i) => i.po_number !== "").length;
    expect(withPo / invoices.length).toBeGreaterThan(0.9);
    expect(withPo).toBeLessThan(invoices.length);
  });

  it("shows the behaviour profiles: early payers, late and partial payers, disputes, remittances, unapplied items", () => {
    expect(Object.values(first.profiles).every((n) => n > 0)).toBe(true);
    expect(first.profiles.prompt).toBeGreaterThan(first.profiles.slow);
    expect(first.profiles.slow).toBeGreaterThan(first.profiles.chronic);

    const invoices = new Map(rows["invoices.csv"].map((i) => [i.invoice_ref!, i]));
    const paymentRows = rows["payments.csv"];
    const paidEarly = paymentRows.filter(
      (p) => p.invoice_ref && p.date! < invoices.get(p.invoice_ref)!.due_date!,
    );
    const paidVeryLate = paymentRows.filter(
      (p) => p.invoice_ref && toDayNumber(p.date!) - toDayNumber(invoices.get(p.invoice_ref)!.due_date!) > 60,
    );
    expect(paidEarly.length).toBeGreaterThan(1000);
    expect(paidVeryLate.length).toBeGreaterThan(100);

    const rowsPerPayment = new Map<string, number>();
    const allocationsPerInvoice = new Map<string, number>();
    for (const p of paymentRows) {
      rowsPerPayment.set(p.payment_ref!, (rowsPerPayment.get(p.payment_ref!) ?? 0) + 1);
      if (p.invoice_ref)
        allocationsPerInvoice.set(p.invoice_ref, (allocationsPerInvoice.get(p.invoice_ref) ?? 0) + 1);
    }
    expect([...rowsPerPayment.values()].filter((n) => n > 1).length).toBeGreaterThan(100); // remittances
    expect([...allocationsPerInvoice.values()].filter((n) => n > 1).length).toBeGreaterThan(20); // instalments
    expect(paymentRows.filter((p) => p.invoice_ref === "").length).toBeGreaterThan(10); // unapplied cash

    const credits = rows["credit_notes.csv"];
    const partial = credits.filter(
      (c) =>
        c.invoice_ref &&
        parseMinorUnits(c.amount!, c.currency!) <
          parseMinorUnits(invoices.get(c.invoice_ref)!.amount!, c.currency!),
    );
    expect(partial.length).toBeGreaterThan(50);
    expect(credits.filter((c) => c.invoice_ref === "").length).toBeGreaterThan(5); // unapplied credit

    const open = openAmounts(AS_OF);
    const neverPaidOld = [...open.values()].filter(
      (i) => i.open === i.amount && toDayNumber(AS_OF) - toDayNumber(i.due) > 180,
    );
    expect(neverPaidOld.length).toBeGreaterThan(20);
    const shortPaid = [...open.values()].filter((i) => i.open > 0 && i.open < i.amount);
    expect(shortPaid.length).toBeGreaterThan(20);
  });

  it("leaves a realistic open AR at asOf, spread over every aging bucket", () => {
    const asOf = toDayNumber(AS_OF);
    // Per currency, in that currency's minor units; the biggest book (USD) is checked.
    const buckets = { current: 0, "1-30": 0, "31-60": 0, "61-90": 0, "90+": 0 };
    let lastQuarter = 0;
    for (const invoice of openAmounts(AS_OF).values()) {
      if (invoice.currency !== "USD") continue;
      if (toDayNumber(invoice.issue) > asOf - 91) lastQuarter += invoice.amount;
      if (invoice.open === 0) continue;
      const late = asOf - toDayNumber(invoice.due);
      const key =
        late <= 0 ? "current" : late <= 30 ? "1-30" : late <= 60 ? "31-60" : late <= 90 ? "61-90" : "90+";
      buckets[key] += invoice.open;
    }
    for (const [key, amount] of Object.entries(buckets)) expect(amount, key).toBeGreaterThan(0);
    const total = Object.values(buckets).reduce((a, b) => a + b, 0);
    const pastDue = total - buckets.current;
    expect(pastDue / lastQuarter).toBeGreaterThan(0.1);
    expect(pastDue / lastQuarter).toBeLessThan(0.4);
    expect(buckets["90+"] / total).toBeGreaterThan(0.02);
    expect(buckets.current).toBeGreaterThan(buckets["1-30"]);
  });

  it("concentrates billing Pareto-style: the top 5% of customers hold roughly half", () => {
    // Billing in rough USD (approximate rates are enough to rank customers across currencies).
    const usdPer: Record<string, number> = { USD: 1, EUR: 1.09, GBP: 1.27 };
    const billed = new Map<string, number>();
    for (const i of rows["invoices.csv"]) {
      const usd = parseMinorUnits(i.amount!, i.currency!) * usdPer[i.currency!]!;
      billed.set(i.customer_ref!, (billed.get(i.customer_ref!) ?? 0) + usd);
    }
    const sorted = [...billed.values()].sort((a, b) => b - a);
    const total = sorted.reduce((a, b) => a + b, 0);
    const top = sorted.slice(0, Math.ceil(600 * 0.05)).reduce((a, b) => a + b, 0);
    expect(top / total).toBeGreaterThan(0.35);
    expect(top / total).toBeLessThan(0.65);
  });

  it("honours other counts, dates and currencies, including ones with 0 and 3 minor digits", async () => {
    const outDir = path.join(tmp, "small");
    const result = await generatePortfolio({
      outDir,
      seed: 7,
      customers: 40,
      invoices: 1_500,
      from: "2025-01-01",
      asOf: "2025-06-30",
      currencies: ["JPY", "KWD", "EUR"],
    });
    const small = await readAll(outDir);
    const customers = parseCsv(small["customers.csv"]);
    const invoices = parseCsv(small["invoices.csv"]);
    expect(result.counts.customers).toBe(40);
    expect(result.counts.invoices).toBe(1_500);
    expect(customers).toHaveLength(40);
    expect(invoices).toHaveLength(1_500);
    const pattern: Record<string, RegExp> = { JPY: /^\d+$/, KWD: /^\d+\.\d{3}$/, EUR: /^\d+\.\d{2}$/ };
    for (const f of ["invoices.csv", "payments.csv", "credit_notes.csv"] as const) {
      for (const row of parseCsv(small[f])) {
        expect(row.amount).toMatch(pattern[row.currency!]!);
        expect(parseMinorUnits(row.amount!, row.currency!)).toBeGreaterThan(0);
        expect((row.date ?? row.issue_date)! <= "2025-06-30").toBe(true);
      }
    }
    expect(invoices.every((i) => i.issue_date! >= "2025-01-01")).toBe(true);
  });

  it("rejects impossible options", async () => {
    const outDir = path.join(tmp, "bad");
    await expect(generatePortfolio({ outDir, asOf: "2024-01-01" })).rejects.toThrow(/before/);
    await expect(generatePortfolio({ outDir, currencies: ["USS"] })).rejects.toThrow(/unknown currency/);
    await expect(generatePortfolio({ outDir, invoices: -1 })).rejects.toThrow(/invoices/);
    await expect(generatePortfolio({ outDir, from: "2025-02-30" })).rejects.toThrow(/2025-02/);
  });
});

interface OpenInvoice {
  amount: number;
  open: number;
  currency: string;
  issue: string;
  due: string;
}

/** Open amount of every invoice as of `asOf` (DESIGN 5.3), from the generated files. */
function openAmounts(asOf: string): Map<string, OpenInvoice> {
  const open = new Map<string, OpenInvoice>();
  for (const i of rows["invoices.csv"]) {
    const amount = parseMinorUnits(i.amount!, i.currency!);
    open.set(i.invoice_ref!, {
      amount,
      open: amount,
      currency: i.currency!,
      issue: i.issue_date!,
      due: i.due_date!,
    });
  }
  for (const f of ["payments.csv", "credit_notes.csv"] as const) {
    for (const row of rows[f]) {
      if (!row.invoice_ref || row.date! > asOf) continue;
      open.get(row.invoice_ref)!.open -= parseMinorUnits(row.amount!, row.currency!);
    }
  }
  return open;
}
