import { expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { SMALL_LEDGER } from "../support/ledger-folder.js";
import { getJson, postImport, testApp } from "./api-test-kit.js";

interface AuditPage {
  items: {
    seq: number;
    action: string;
    subjectType: string;
    subjectId: string;
    data: Record<string, unknown>;
  }[];
  nextCursor: string | null;
}

describeEachDatabase("audit API", (database) => {
  it("lists the trail in chain order, by subject and in pages, and verifies it", async () => {
    const store = await database.freshStore();
    const app = testApp(store);
    await postImport(app, SMALL_LEDGER);
    const changed = {
      ...SMALL_LEDGER,
      "invoices.csv": SMALL_LEDGER["invoices.csv"].replace("2026-01-31,100.00", "2026-01-31,120.00"),
    };
    await postImport(app, changed);

    const all = await getJson<AuditPage>(app, "/api/v1/audit/events");
    expect(all.status).toBe(200);
    expect(all.body.items.map((e) => [e.seq, e.action])).toEqual([
      [1, "ledger.imported"],
      [2, "ledger.imported"],
      [3, "invoice.adjusted"],
    ]);
    const forInvoice = await getJson<AuditPage>(app, "/api/v1/audit/events?subjectType=invoice&subjectId=I1");
    expect(forInvoice.body.items).toHaveLength(1);
    expect(forInvoice.body.items[0]!.data).toMatchObject({ amountDelta: 2000 });

    const first = await getJson<AuditPage>(app, "/api/v1/audit/events?limit=2");
    expect(first.body.items.map((e) => e.seq)).toEqual([1, 2]);
    const second = await getJson<AuditPage>(
      app,
      `/api/v1/audit/events?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((e) => e.seq)).toEqual([3]);
    expect(second.body.nextCursor).toBeNull();

    expect((await getJson(app, "/api/v1/audit/verify")).body).toMatchObject({
      ok: true,
      events: 3,
      problems: [],
    });
    await store.handle.pool.query(`UPDATE audit_events SET data = '{"amountDelta": 1}' WHERE seq = 3`);
    const broken = await getJson(app, "/api/v1/audit/verify");
    expect(broken.body).toMatchObject({ ok: false, problems: [{ seq: 3, problem: "tampered" }] });
  });
});
