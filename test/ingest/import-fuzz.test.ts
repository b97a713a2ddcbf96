import fc from "fast-check";
import { expect, it } from "vitest";
import { fixedClock } from "../../src/clock.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { describeEachDatabase } from "../support/databases.js";
import { ledgerFolder, SMALL_LEDGER } from "../support/ledger-folder.js";

const clock = fixedClock("2026-04-15T09:00:00Z");

/** Fields an ERP export might really contain, good and bad, including CSV metacharacters. */
const field = fc.oneof(
  fc.constantFrom(
    "I1",
    "C1",
    "C2",
    "NOPE",
    "",
    " ",
    "2026-02-28",
    "2026-02-30",
    "2026-2-1",
    "10.00",
    "10.001",
  ),
  fc.constantFrom(
    "-5",
    "1e3",
    "1,000.00",
    "USD",
    "EUR",
    "XXX",
    '"',
    '""',
    "a\nb",
    "\ufeff",
    "\t",
    "0",
    "00.10",
  ),
  fc.string({ maxLength: 12 }),
);
const row = fc.array(field, { minLength: 0, maxLength: 6 });
const quote = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const rawLine = fc.oneof(
  row.map((fields) => fields.map(quote).join(",")),
  row.map((fields) => fields.join(",")), // unquoted: may break the CSV grammar
);
const file = fc
  .tuple(
    fc.constantFrom(
      "invoice_ref,customer_ref,issue_date,amount",
      "invoice_ref,customer_ref,issue_date,due_date,amount,currency",
      "invoice_ref,customer_ref,amount",
      "",
    ),
    fc.array(rawLine, { maxLength: 6 }),
    fc.constantFrom("\n", "\r\n"),
  )
  .map(([header, lines, eol]) => [header, ...lines].join(eol) + (lines.length > 0 ? eol : ""));

describeEachDatabase("import of arbitrary input", (database) => {
  it("never crashes, and a rejected file changes nothing", async () => {
    const store = await database.freshStore();
    await importLedger({ store, folder: ledgerFolder(SMALL_LEDGER), clock, actor: "test" });
    const snapshot = async () =>
      (
        await store.handle.pool.query(
          `SELECT (SELECT count(*) FROM invoices) AS invoices, (SELECT sum(open_amount) FROM invoices) AS open,
                  (SELECT count(*) FROM audit_events) AS events, (SELECT count(*) FROM imports) AS imports`,
        )
      ).rows[0];
    await fc.assert(
      fc.asyncProperty(file, async (content) => {
        const before = await snapshot();
        const result = await importLedger({
          store,
          folder: ledgerFolder({ "invoices.csv": content }),
          clock,
          actor: "fuzz",
        });
        if (result.errors.length > 0) {
          expect(await snapshot()).toEqual(before);
          for (const error of result.errors) {
            expect(error.file).toBe("invoices.csv");
            expect(error.line).toBeGreaterThanOrEqual(1);
            expect(error.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: database.kind === "pglite" ? 60 : 120, seed: 20261203 },
    );
  });
});
