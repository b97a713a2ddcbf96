import { expect, it } from "vitest";
import { agingReport } from "../../src/analytics/aging-report.js";
import { fixedClock } from "../../src/clock.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { describeEachDatabase } from "../support/databases.js";
import { ledgerFolder, SMALL_LEDGER } from "../support/ledger-folder.js";

const clock = fixedClock("2026-04-15T09:00:00Z");

async function indexDefinitions(store: RecoupStore) {
  const { rows } = await store.handle.pool.query(
    `SELECT indexname, indexdef FROM pg_indexes
     WHERE schemaname = current_schema() AND tablename IN ('invoices', 'payments', 'credit_notes', 'allocations')
     ORDER BY indexname`,
  );
  return rows;
}

async function foreignKeys(store: RecoupStore) {
  const { rows } = await store.handle.pool.query(
    `SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition, convalidated
     FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2`,
  );
  return rows;
}

async function ledgerState(store: RecoupStore) {
  const invoices = await store.handle.pool.query(
    `SELECT invoice_ref, amount, open_amount, due_date, last_allocation_date FROM invoices ORDER BY invoice_ref`,
  );
  const aging = await agingReport(store.handle.pool, {
    organisationId: store.organisationId,
    asOf: "2026-03-01",
  });
  return { invoices: invoices.rows, aging };
}

describeEachDatabase("bulk load", (database) => {
  it("restores the secondary indexes and foreign keys exactly as the migrations define them and loads the same ledger", async () => {
    const bulk = await database.freshStore();
    const before = await indexDefinitions(bulk);
    const keysBefore = await foreignKeys(bulk);
    expect(before.length).toBeGreaterThan(5);
    expect(keysBefore.length).toBeGreaterThan(5);
    await importLedger({
      store: bulk,
      folder: ledgerFolder(SMALL_LEDGER),
      clock,
      actor: "test",
      bulkLoadInvoices: 1,
    });
    expect(await indexDefinitions(bulk)).toEqual(before);
    expect(await foreignKeys(bulk)).toEqual(keysBefore);

    const rowByRow = await database.freshStore();
    await importLedger({ store: rowByRow, folder: ledgerFolder(SMALL_LEDGER), clock, actor: "test" });
    expect(await ledgerState(bulk)).toEqual(await ledgerState(rowByRow));
  });

  it("keeps the indexes when the bulk load is rejected", async () => {
    const store = await database.freshStore();
    const before = await indexDefinitions(store);
    const broken = {
      ...SMALL_LEDGER,
      "payments.csv": "payment_ref,customer_ref,date,amount,invoice_ref\nP1,C1,2026-02-10,5,I404\n",
    };
    const result = await importLedger({
      store,
      folder: ledgerFolder(broken),
      clock,
      actor: "test",
      bulkLoadInvoices: 1,
    });
    expect(result.errors.length).toBeGreaterThan(0);
    expect(await indexDefinitions(store)).toEqual(before);
  });
});
