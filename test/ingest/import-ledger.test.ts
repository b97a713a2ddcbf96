import { it, expect } from "vitest";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { agingReport } from "../../src/analytics/aging-report.js";
import { verifyAuditChain } from "../../src/audit/verify-audit-chain.js";
import { fixedClock } from "../../src/clock.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { describeEachDatabase } from "../support/databases.js";
import { ledgerFolder, SMALL_LEDGER } from "../support/ledger-folder.js";

const clock = fixedClock("2026-04-15T09:00:00Z");

async function importFolder(store: RecoupStore, files: Record<string, string>, dryRun = false) {
  return importLedger({ store, folder: ledgerFolder(files), clock, actor: "test", dryRun });
}

/** Row counts of every ledger table: "nothing changed" means these are equal before and after. */
async function ledgerCounts(store: RecoupStore) {
  const { rows } = await store.handle.pool.query(
    `SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM invoices) AS invoices,
            (SELECT count(*) FROM payments) AS payments, (SELECT count(*) FROM credit_notes) AS credit_notes,
            (SELECT count(*) FROM allocations) AS allocations, (SELECT count(*) FROM audit_events) AS audit_events,
            (SELECT count(*) FROM imports) AS imports, (SELECT sum(open_amount) FROM invoices) AS open_total`,
  );
  return rows[0];
}

describeEachDatabase("importLedger", (database) => {
  it("creates every record of a small ledger and maintains open amounts and unapplied cash", async () => {
    const store = await database.freshStore();
    const result = await importFolder(store, SMALL_LEDGER);
    expect(result.errors).toEqual([]);
    expect(result.created).toEqual({ customers: 2, invoices: 3, creditNotes: 2, payments: 1 });
    const { rows } = await store.handle.pool.query(
      `SELECT invoice_ref, amount, open_amount, due_date FROM invoices ORDER BY invoice_ref`,
    );
    expect(rows).toEqual([
      { invoice_ref: "I1", amount: 10000, open_amount: 4000, due_date: "2026-01-31" },
      // no due date given: issue date + the customer's 30 days of terms
      { invoice_ref: "I2", amount: 5050, open_amount: 4050, due_date: "2026-03-03" },
      // EUR customer with 45 days; credit note CN1 of 100.00 applied
      { invoice_ref: "I3", amount: 100000, open_amount: 90000, due_date: "2026-04-15" },
    ]);
    const payments = await store.handle.pool.query(`SELECT amount, unapplied_amount FROM payments`);
    expect(payments.rows).toEqual([{ amount: 7500, unapplied_amount: 500 }]);
  });

  it("changes nothing when the same files are imported again", async () => {
    const store = await database.freshStore();
    await importFolder(store, SMALL_LEDGER);
    const before = await ledgerCounts(store);
    const again = await importFolder(store, SMALL_LEDGER);
    expect(again.created).toEqual({ customers: 0, invoices: 0, creditNotes: 0, payments: 0 });
    expect(again.updated).toEqual({ customers: 0, invoices: 0, creditNotes: 0, payments: 0 });
    expect(again.unchanged).toEqual({ customers: 2, invoices: 3, creditNotes: 2, payments: 1 });
    expect(await ledgerCounts(store)).toEqual(before);
  });

  it("writes nothing on a dry run but reports what it would create", async () => {
    const store = await database.freshStore();
    const before = await ledgerCounts(store);
    const result = await importFolder(store, SMALL_LEDGER, true);
    expect(result.dryRun).toBe(true);
    expect(result.created.invoices).toBe(3);
    expect(await ledgerCounts(store)).toEqual(before);
  });

  it("records an amount change of a posted invoice as an audited adjustment", async () => {
    const store = await database.freshStore();
    await importFolder(store, SMALL_LEDGER);
    const changed = {
      ...SMALL_LEDGER,
      "invoices.csv": SMALL_LEDGER["invoices.csv"].replace(
        "I1,C1,2026-01-01,2026-01-31,100.00",
        "I1,C1,2026-01-01,2026-01-31,120.00",
      ),
    };
    const result = await importFolder(store, changed);
    expect(result.updated.invoices).toBe(1);
    expect(result.warnings.some((w) => w.message.includes("adjustment recorded"))).toBe(true);
    const { rows } = await store.handle.pool.query(
      `SELECT i.amount, i.open_amount, a.amount_delta FROM invoices i JOIN invoice_adjustments a ON a.invoice_id = i.id`,
    );
    expect(rows).toEqual([{ amount: 12000, open_amount: 6000, amount_delta: 2000 }]);
    const events = await store.handle.pool.query(`SELECT action, subject_id FROM audit_events ORDER BY seq`);
    expect(events.rows.map((e) => e.action)).toEqual([
      "ledger.imported",
      "ledger.imported",
      "invoice.adjusted",
    ]);
    expect((await verifyAuditChain(store.handle.pool, store.organisationId)).ok).toBe(true);
  });

  const malformed: [
    string,
    Record<string, string>,
    { file: string; line: number; column: string; message: RegExp },
  ][] = [
    [
      "a date that does not exist",
      { "invoices.csv": "invoice_ref,customer_ref,issue_date,amount\nI9,C1,2026-02-30,10.00\n" },
      { file: "invoices.csv", line: 2, column: "issue_date", message: /day 30.*29 days|28 days/ },
    ],
    [
      "an amount with more decimals than the currency has",
      { "invoices.csv": "invoice_ref,customer_ref,issue_date,amount\nI9,C1,2026-02-01,10.001\n" },
      { file: "invoices.csv", line: 2, column: "amount", message: /3 decimals; USD has at most 2/ },
    ],
    [
      "a negative amount",
      { "payments.csv": "payment_ref,customer_ref,date,amount\nP9,C1,2026-02-01,-5.00\n" },
      { file: "payments.csv", line: 2, column: "amount", message: /greater than zero/ },
    ],
    [
      "a thousands separator",
      { "invoices.csv": 'invoice_ref,customer_ref,issue_date,amount\nI9,C1,2026-02-01,"1,000.00"\n' },
      { file: "invoices.csv", line: 2, column: "amount", message: /not a decimal amount/ },
    ],
    [
      "an unknown customer",
      { "invoices.csv": "invoice_ref,customer_ref,issue_date,amount\nI9,NOPE,2026-02-01,10.00\n" },
      { file: "invoices.csv", line: 2, column: "customer_ref", message: /unknown customer "NOPE"/ },
    ],
    [
      "a duplicate reference",
      {
        "invoices.csv":
          "invoice_ref,customer_ref,issue_date,amount\nI9,C1,2026-02-01,10.00\nI9,C1,2026-02-02,11.00\n",
      },
      {
        file: "invoices.csv",
        line: 3,
        column: "invoice_ref",
        message: /appears more than once \(first on line 2\)/,
      },
    ],
    [
      "a currency other than the customer's",
      { "invoices.csv": "invoice_ref,customer_ref,issue_date,amount,currency\nI9,C1,2026-02-01,10.00,EUR\n" },
      { file: "invoices.csv", line: 2, column: "currency", message: /billed in USD, not EUR/ },
    ],
    [
      "an unknown currency code",
      { "customers.csv": "customer_ref,name,currency\nC9,Gamma,XYZ\n" },
      { file: "customers.csv", line: 2, column: "currency", message: /unknown currency "XYZ"/ },
    ],
    [
      "broken quoting",
      { "customers.csv": 'customer_ref,name\nC9,"Gamma\nC10,Delta\n' },
      { file: "customers.csv", line: 2, column: "", message: /never closed/ },
    ],
    [
      "an empty file",
      { "payments.csv": "" },
      { file: "payments.csv", line: 1, column: "", message: /empty; a header row is required/ },
    ],
    [
      "a missing required column",
      { "invoices.csv": "invoice_ref,customer_ref,amount\nI9,C1,10.00\n" },
      {
        file: "invoices.csv",
        line: 1,
        column: "issue_date",
        message: /required column "issue_date" is missing/,
      },
    ],
    [
      "a row with too few fields",
      { "invoices.csv": "invoice_ref,customer_ref,issue_date,amount\nI9,C1,2026-02-01\n" },
      { file: "invoices.csv", line: 2, column: "", message: /has 3 fields; the header has 4/ },
    ],
    [
      "a payment allocated to another customer's invoice",
      { "payments.csv": "payment_ref,customer_ref,date,amount,invoice_ref\nP9,C2,2026-02-01,5,I1\n" },
      { file: "payments.csv", line: 2, column: "invoice_ref", message: /belongs to customer "C1", not "C2"/ },
    ],
    [
      "a payment allocated to an unknown invoice",
      { "payments.csv": "payment_ref,customer_ref,date,amount,invoice_ref\nP9,C1,2026-02-01,5,I404\n" },
      { file: "payments.csv", line: 2, column: "invoice_ref", message: /unknown invoice "I404"/ },
    ],
    [
      "a posted payment whose amount changed",
      {
        "payments.csv":
          "payment_ref,customer_ref,date,amount,invoice_ref\nP1,C1,2026-02-10,61.00,I1\nP1,C1,2026-02-10,10.00,I2\nP1,C1,2026-02-10,5.00,\n",
      },
      {
        file: "payments.csv",
        line: 2,
        column: "payment_ref",
        message: /already posted with a different amount or allocation/,
      },
    ],
    [
      "a posted invoice moved to another customer",
      {
        "invoices.csv":
          "invoice_ref,customer_ref,issue_date,due_date,amount\nI1,C2,2026-01-01,2026-01-31,100.00\n",
      },
      {
        file: "invoices.csv",
        line: 2,
        column: "customer_ref",
        message: /posted for customer "C1"; it cannot move to "C2"/,
      },
    ],
  ];

  for (const [what, files, expected] of malformed) {
    it(`rejects ${what} with file, line and column, and changes nothing`, async () => {
      const store = await database.freshStore();
      await importFolder(store, SMALL_LEDGER);
      const before = await ledgerCounts(store);
      // A valid file beside the bad one must not be written either.
      const good = { "customers.csv": "customer_ref,name\nC77,Valid Customer\n" };
      const result = await importFolder(store, { ...good, ...files });
      expect(result.errors.length).toBeGreaterThan(0);
      expect(result.errors).toContainEqual(
        expect.objectContaining({ file: expected.file, line: expected.line, column: expected.column }),
      );
      const error = result.errors.find((e) => e.file === expected.file && e.line === expected.line)!;
      expect(error.message).toMatch(expected.message);
      expect(result.created.customers).toBe(0);
      expect(await ledgerCounts(store)).toEqual(before);
    });
  }

  it("ages open invoices as of today and as of a past date from the dated allocations", async () => {
    const store = await database.freshStore();
    await importFolder(store, SMALL_LEDGER);
    const pool = store.handle.pool;
    const today = await agingReport(pool, { organisationId: store.organisationId, asOf: "2026-04-15" });
    const usd = today.totals.find((t) => t.currency === "USD")!;
    // I1 40.00 open, 74 days past due (61-90); I2 40.50 open, 43 days past due (31-60)
    expect(usd.buckets).toEqual([
      { key: "current", amount: 0 },
      { key: "1-30", amount: 0 },
      { key: "31-60", amount: 4050 },
      { key: "61-90", amount: 4000 },
      { key: "90+", amount: 0 },
    ]);
    expect(usd.unapplied).toBe(-500);
    // Before the payment of 10 Feb: I1 whole (5 days past due) and I2 current.
    const before = await agingReport(pool, { organisationId: store.organisationId, asOf: "2026-02-05" });
    const usdBefore = before.totals.find((t) => t.currency === "USD")!;
    expect(usdBefore.total).toBe(15050);
    expect(usdBefore.buckets.slice(0, 2)).toEqual([
      { key: "current", amount: 5050 },
      { key: "1-30", amount: 10000 },
    ]);
    expect(usdBefore.unapplied).toBe(0);
    // Before anything was issued there is nothing to age.
    const empty = await agingReport(pool, { organisationId: store.organisationId, asOf: "2025-12-31" });
    expect(empty.customers).toEqual([]);
  });
});

describeEachDatabase("concurrent imports", (database) => {
  it("serialises two imports of the same files: one creates, the other finds everything posted", async () => {
    const store = await database.freshStore();
    const folder = ledgerFolder(SMALL_LEDGER);
    const [first, second] = await Promise.all([
      importLedger({ store, folder, clock, actor: "a" }),
      importLedger({ store, folder, clock, actor: "b" }),
    ]);
    expect([first.errors, second.errors]).toEqual([[], []]);
    const created = [first, second].map((r) => r.created.invoices).sort();
    expect(created).toEqual([0, 3]);
    const { rows } = await store.handle.pool.query(
      `SELECT (SELECT count(*)::int FROM invoices) AS invoices, (SELECT count(*)::int FROM allocations) AS allocations,
              (SELECT sum(open_amount)::int FROM invoices) AS open`,
    );
    expect(rows[0]).toEqual({ invoices: 3, allocations: 3, open: 4000 + 4050 + 90000 });
    expect((await verifyAuditChain(store.handle.pool, store.organisationId)).ok).toBe(true);
  });
});
