import { expect, it } from "vitest";
import { agingReport } from "../../src/analytics/aging-report.js";
import { verifyAuditChain } from "../../src/audit/verify-audit-chain.js";
import { fixedClock } from "../../src/clock.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { writeOffInvoice } from "../../src/ledger/write-off-invoice.js";
import { describeEachDatabase } from "../support/databases.js";
import { ledgerFolder, SMALL_LEDGER } from "../support/ledger-folder.js";

const clock = fixedClock("2026-04-15T09:00:00Z");

describeEachDatabase("writeOffInvoice", (database) => {
  async function storeWithLedger() {
    const store = await database.freshStore();
    await importLedger({ store, folder: ledgerFolder(SMALL_LEDGER), clock, actor: "test" });
    return store;
  }

  it("lowers the open amount from its date on, leaves earlier aging alone, and is audited", async () => {
    const store = await storeWithLedger();
    // I1: 100.00 issued, 60.00 paid on 10 Feb: 40.00 open.
    const writeOff = await writeOffInvoice({
      store,
      clock,
      actor: "test",
      invoiceRef: "I1",
      amount: "15.00",
      reason: "goodwill",
      date: "2026-04-01",
    });
    expect(writeOff).toMatchObject({
      invoiceRef: "I1",
      date: "2026-04-01",
      amount: { amount: 1500, currency: "USD" },
      openAfter: { amount: 2500, currency: "USD" },
    });
    const open = async (asOf: string) =>
      (
        await agingReport(store.handle.pool, {
          organisationId: store.organisationId,
          asOf,
          customerRef: "C1",
        })
      ).customers[0]!.buckets;
    expect((await open("2026-04-15")).find((b) => b.key === "61-90")!.amount).toBe(2500);
    expect((await open("2026-03-31")).find((b) => b.key === "31-60")!.amount).toBe(4000);
    const events = await store.handle.pool.query(
      `SELECT action, subject_id, data FROM audit_events WHERE action = 'invoice.written_off'`,
    );
    expect(events.rows).toEqual([
      {
        action: "invoice.written_off",
        subject_id: "I1",
        data: expect.objectContaining({ amount: 1500, reason: "goodwill" }),
      },
    ]);
    expect((await verifyAuditChain(store.handle.pool, store.organisationId)).ok).toBe(true);
  });

  it("writes off the whole open amount by default and then has nothing left to write off", async () => {
    const store = await storeWithLedger();
    const all = await writeOffInvoice({
      store,
      clock,
      actor: "test",
      invoiceRef: "I2",
      reason: "small balance",
    });
    expect(all.amount.amount).toBe(4050);
    expect(all.openAfter.amount).toBe(0);
    await expect(
      writeOffInvoice({ store, clock, actor: "test", invoiceRef: "I2", reason: "again" }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringMatching(/nothing open to write off/),
    });
  });

  const refusals: [string, Partial<Parameters<typeof writeOffInvoice>[0]>, string, RegExp][] = [
    ["more than is open", { invoiceRef: "I1", amount: "40.01" }, "VALIDATION_FAILED", /has 40\.00 USD open/],
    ["an unknown invoice", { invoiceRef: "NOPE" }, "INVOICE_NOT_FOUND", /NOPE/],
    ["too many decimals", { invoiceRef: "I1", amount: "1.001" }, "INVALID_MONEY", /3 decimals/],
    [
      "a date before the issue date",
      { invoiceRef: "I1", date: "2025-12-31" },
      "VALIDATION_FAILED",
      /before the invoice's issue date/,
    ],
    ["a blank reason", { invoiceRef: "I1", reason: "  " }, "VALIDATION_FAILED", /needs a reason/],
  ];
  for (const [what, options, code, message] of refusals) {
    it(`refuses ${what} and changes nothing`, async () => {
      const store = await storeWithLedger();
      const count = async () =>
        (
          await store.handle.pool.query(
            `SELECT (SELECT count(*) FROM write_offs) AS w, (SELECT count(*) FROM audit_events) AS e, (SELECT sum(open_amount) FROM invoices) AS o`,
          )
        ).rows[0];
      const before = await count();
      await expect(
        writeOffInvoice({ store, clock, actor: "test", reason: "r", invoiceRef: "I1", ...options }),
      ).rejects.toMatchObject({
        code,
        message: expect.stringMatching(message),
      });
      expect(await count()).toEqual(before);
    });
  }
});
