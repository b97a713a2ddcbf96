import { expect, it } from "vitest";
import { appendAuditEvents } from "../../src/audit/append-audit-events.js";
import { fixedClock } from "../../src/clock.js";
import { listCustomerTimeline } from "../../src/collections/list-customer-timeline.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { fromKysely } from "../../src/db/queryable.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { writeOffInvoice } from "../../src/ledger/write-off-invoice.js";
import { describeEachDatabase } from "../support/databases.js";
import { ledgerFolder, SMALL_LEDGER } from "../support/ledger-folder.js";
import { getJson, testApp } from "../server/api-test-kit.js";

const clock = fixedClock("2026-04-15T09:00:00Z");

describeEachDatabase("a customer's timeline", (database) => {
  async function storeWithHistory(): Promise<RecoupStore> {
    const store = await database.freshStore();
    await importLedger({ store, folder: ledgerFolder(SMALL_LEDGER), clock, actor: "test" });
    await writeOffInvoice({
      store,
      clock,
      actor: "ann@example.test",
      invoiceRef: "I2",
      reason: "small balance",
    });
    // An event of another area that names the customer in its data (as disputes, promises… do).
    await store.handle.db.transaction().execute(async (trx) => {
      await appendAuditEvents(
        fromKysely(trx),
        {
          organisationId: store.organisationId,
          actor: "tom@example.test",
          occurredAt: new Date("2026-04-15T10:00:00Z"),
        },
        [
          {
            action: "dispute.opened",
            subjectType: "dispute",
            subjectId: "7",
            data: { customerRef: "C1", reason: "pricing" },
          },
        ],
      );
    });
    return store;
  }

  const page = (store: RecoupStore, ref: string, limit: number, before?: string) =>
    listCustomerTimeline(store.handle.pool, {
      organisationId: store.organisationId,
      customerRef: ref,
      timeZone: store.timeZone,
      limit,
      ...(before ? { before } : {}),
    });

  it("brings the ledger's documents and every event about the customer together, newest first", async () => {
    const store = await storeWithHistory();
    const { entries, nextCursor } = await page(store, "C1", 100);
    expect(nextCursor).toBeNull();
    expect(entries.map((e) => [e.date, e.action, e.actor, e.summary])).toEqual([
      ["2026-04-15", "dispute.opened", "tom@example.test", "Dispute opened"],
      ["2026-04-15", "invoice.written_off", "ann@example.test", "Written off: small balance"],
      ["2026-02-10", "payment.received", "ledger", "Payment P1 of 75.00 USD received for I1, I2"],
      ["2026-02-01", "invoice.issued", "ledger", "Invoice I2 issued for 50.50 USD, due 2026-03-03"],
      ["2026-01-01", "invoice.issued", "ledger", "Invoice I1 issued for 100.00 USD, due 2026-01-31"],
    ]);
    const others = await page(store, "C2", 100);
    expect(others.entries.map((e) => e.action)).toEqual([
      "credit_note.issued",
      "credit_note.issued",
      "invoice.issued",
    ]);
    expect(others.entries[0]!.summary).toBe("Credit note CN2 for 7.00 EUR (unapplied)");
    expect(others.entries[1]!.summary).toBe("Credit note CN1 for 100.00 EUR on I3");
  });

  it("pages through the whole history without repeating or skipping an entry", async () => {
    const store = await storeWithHistory();
    const whole = (await page(store, "C1", 100)).entries.map((e) => e.id);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const next = await page(store, "C1", 2, cursor);
      expect(next.entries.length).toBeLessThanOrEqual(2);
      paged.push(...next.entries.map((e) => e.id));
      cursor = next.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(whole);
    expect(new Set(paged).size).toBe(whole.length);
  });

  it("refuses an unknown customer and a cursor it did not give out", async () => {
    const store = await storeWithHistory();
    await expect(page(store, "NOPE", 10)).rejects.toMatchObject({ code: "CUSTOMER_NOT_FOUND" });
    await expect(page(store, "C1", 10, "bm90LWEtY3Vyc29y")).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
  });

  it("is served at GET /customers/{ref}/timeline", async () => {
    const store = await storeWithHistory();
    const app = testApp(store);
    const first = await getJson(app, "/api/v1/customers/C1/timeline?limit=3");
    expect(first.status).toBe(200);
    expect(first.body.entries.map((e: { action: string }) => e.action)).toEqual([
      "dispute.opened",
      "invoice.written_off",
      "payment.received",
    ]);
    const second = await getJson(
      app,
      `/api/v1/customers/C1/timeline?limit=3&before=${first.body.nextCursor}`,
    );
    expect(second.body.entries.map((e: { action: string }) => e.action)).toEqual([
      "invoice.issued",
      "invoice.issued",
    ]);
    expect(second.body.nextCursor).toBeNull();
    expect((await getJson(app, "/api/v1/customers/NOPE/timeline")).status).toBe(404);
    expect((await getJson(app, "/api/v1/customers/C1/timeline?before=zzz")).body.error.code).toBe(
      "VALIDATION_FAILED",
    );
  });
});
