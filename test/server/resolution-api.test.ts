import { expect, it } from "vitest";
import { fixedClock } from "../../src/clock.js";
import { updateCollectionSettings } from "../../src/collections/collection-settings.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { describeEachDatabase } from "../support/databases.js";
import { ledgerFolder } from "../support/ledger-folder.js";
import { getJson, NOW, testApp } from "./api-test-kit.js";

/** "Today" is 2026-04-15. */
const LEDGER = {
  "customers.csv":
    "customer_ref,name,currency,email,collector_email\n" +
    "C1,Acme Ltd,USD,ap@acme.test,col@recoup.test\n" +
    "C2,Beta Ltd,USD,ap@beta.test,\n",
  "invoices.csv":
    "invoice_ref,customer_ref,issue_date,due_date,amount\n" +
    "A1,C1,2026-02-01,2026-03-03,100.00\n" +
    "A2,C1,2026-03-01,2026-03-31,200.00\n" +
    "B1,C2,2026-03-01,2026-03-31,900.00\n",
};

function send(app: ReturnType<typeof testApp>, method: string, url: string, body?: unknown, key?: string) {
  return app.request(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(key ? { "idempotency-key": key } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describeEachDatabase("promises and plans API", (database) => {
  async function storeWithLedger(): Promise<RecoupStore> {
    const store = await database.freshStore();
    const clock = fixedClock(NOW);
    expect(
      (await importLedger({ store, folder: ledgerFolder(LEDGER), clock, actor: "test" })).errors,
    ).toEqual([]);
    await updateCollectionSettings({
      store,
      clock,
      actor: "test",
      changes: { senderEmail: "ar@recoup.test" },
    });
    return store;
  }
  const count = async (store: RecoupStore, table: string) =>
    Number((await store.handle.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

  it("records a promise once per idempotency key, lists and reads it, and refuses to cancel it twice", async () => {
    const store = await storeWithLedger();
    const app = testApp(store);
    const body = { customerRef: "C1", amount: "150.00", promisedOn: "2026-04-20", source: "email" };
    const created = await send(app, "POST", "/api/v1/promises", body, "promise-1");
    expect(created.status).toBe(201);
    const promise = (await created.json()) as { id: string; invoices: { invoiceRef: string }[] };
    expect(promise).toMatchObject({
      customerRef: "C1",
      status: "open",
      amount: { amount: 15_000, currency: "USD" },
      deadline: "2026-04-23",
      recordedOn: "2026-04-15",
      source: "email",
      confirmation: { status: "sent", channel: "email" },
    });
    expect(promise.invoices.map((i) => i.invoiceRef)).toEqual(["A1", "A2"]);
    const replay = await send(app, "POST", "/api/v1/promises", body, "promise-1");
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.json()).toEqual(promise);
    expect(await count(store, "promises_to_pay")).toBe(1);
    const reused = await send(app, "POST", "/api/v1/promises", { ...body, amount: "10.00" }, "promise-1");
    expect(reused.status).toBe(422);

    await send(app, "POST", "/api/v1/promises", {
      customerRef: "C2",
      amount: "900.00",
      promisedOn: "2026-04-15",
    });
    const first = await getJson(app, "/api/v1/promises?limit=1");
    expect(first.body.items.map((p: { customerRef: string }) => p.customerRef)).toEqual(["C1"]);
    const second = await getJson(app, `/api/v1/promises?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ customerRef: "C2" }], nextCursor: null });
    expect((await getJson(app, "/api/v1/promises?dueOn=2026-04-15")).body.items).toHaveLength(1);
    expect((await getJson(app, "/api/v1/promises?status=broken,kept")).body.items).toEqual([]);
    expect((await getJson(app, "/api/v1/promises?collector=col@recoup.test")).body.items).toHaveLength(1);
    expect((await getJson(app, `/api/v1/promises/${promise.id}`)).body).toEqual(promise);
    expect((await getJson(app, "/api/v1/promises/999")).status).toBe(404);

    const cancelled = await send(app, "POST", `/api/v1/promises/${promise.id}/cancellation`, {
      reason: "withdrawn",
    });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: "cancelled", cancelReason: "withdrawn" });
    const again = await send(app, "POST", `/api/v1/promises/${promise.id}/cancellation`);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("PROMISE_CLOSED");
  });

  it("refuses a bad promise with the catalogue's error and writes nothing", async () => {
    const store = await storeWithLedger();
    const app = testApp(store);
    const before = await Promise.all(
      ["promises_to_pay", "collection_actions", "audit_events"].map((t) => count(store, t)),
    );
    const cases: [unknown, number, string][] = [
      [{ customerRef: "C1", amount: "1", promisedOn: "2026-02-30" }, 400, "VALIDATION_FAILED"],
      [{ customerRef: "C1", amount: "1", promisedOn: "2026-04-20", source: "fax" }, 400, "VALIDATION_FAILED"],
      [{ customerRef: "ZZ", amount: "1", promisedOn: "2026-04-20" }, 404, "CUSTOMER_NOT_FOUND"],
      [
        { customerRef: "C1", amount: "1", promisedOn: "2026-04-20", invoiceRefs: ["NO"] },
        404,
        "INVOICE_NOT_FOUND",
      ],
      [{ customerRef: "C1", amount: "1.234", promisedOn: "2026-04-20" }, 400, "INVALID_MONEY"],
      [{ customerRef: "C1", amount: "5000", promisedOn: "2026-04-20" }, 400, "VALIDATION_FAILED"],
    ];
    for (const [body, status, code] of cases) {
      const response = await send(app, "POST", "/api/v1/promises", body);
      expect({ body, status: response.status }).toEqual({ body, status });
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    expect(
      await Promise.all(
        ["promises_to_pay", "collection_actions", "audit_events"].map((t) => count(store, t)),
      ),
    ).toEqual(before);
  });

  it("creates a plan, serves its agreement PDF, signs and cancels it, and refuses anything against it once closed", async () => {
    const store = await storeWithLedger();
    const app = testApp(store);
    const created = await send(
      app,
      "POST",
      "/api/v1/plans",
      { customerRef: "C2", invoiceRefs: ["B1"], instalments: 3, first: "2026-04-30", every: "2weeks" },
      "plan-1",
    );
    expect(created.status).toBe(201);
    const plan = (await created.json()) as {
      id: string;
      instalments: { dueOn: string; amount: { amount: number } }[];
    };
    expect(plan).toMatchObject({
      status: "proposed",
      total: { amount: 90_000, currency: "USD" },
      signBy: "2026-04-29",
    });
    expect(plan.instalments.map((i) => [i.dueOn, i.amount.amount])).toEqual([
      ["2026-04-30", 30_000],
      ["2026-05-14", 30_000],
      ["2026-05-28", 30_000],
    ]);
    const pdf = await app.request(`/api/v1/plans/${plan.id}/agreement`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toBe(
      `attachment; filename="plan-agreement-C2-${plan.id}.pdf"`,
    );
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");

    const signed = await send(app, "POST", `/api/v1/plans/${plan.id}/signature`, { signedBy: "B. Boss" });
    expect(await signed.json()).toMatchObject({
      status: "active",
      signedOn: "2026-04-15",
      signedBy: "B. Boss",
    });
    const twice = await send(app, "POST", `/api/v1/plans/${plan.id}/signature`, {});
    expect(twice.status).toBe(409);
    expect(((await twice.json()) as { error: { code: string } }).error.code).toBe("PLAN_ALREADY_SIGNED");
    expect((await getJson(app, "/api/v1/plans?status=active")).body.items).toHaveLength(1);

    const cancelled = await send(app, "POST", `/api/v1/plans/${plan.id}/cancellation`, {
      reason: "replaced",
    });
    expect(await cancelled.json()).toMatchObject({ status: "cancelled", cancelReason: "replaced" });
    const auditBefore = await count(store, "audit_events");
    for (const url of [`/api/v1/plans/${plan.id}/signature`, `/api/v1/plans/${plan.id}/cancellation`]) {
      const refused = await send(app, "POST", url);
      expect(refused.status).toBe(409);
      const error = ((await refused.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe("PLAN_CLOSED");
      expect(error.message).toContain("nothing can be recorded against a closed plan");
    }
    expect(await count(store, "audit_events")).toBe(auditBefore);
    const invalid = await send(app, "POST", "/api/v1/plans", {
      customerRef: "C2",
      invoiceRefs: [],
      first: "2026-04-30",
    });
    expect(invalid.status).toBe(400);
    expect((await getJson(app, "/api/v1/plans/12345")).status).toBe(404);
    expect((await getJson(app, "/api/v1/plans?status=bogus")).status).toBe(400);

    await send(app, "POST", "/api/v1/customers/profiles/refresh", {});
    const profile = await getJson(app, "/api/v1/customers/C2/profile");
    expect(profile.body.plans.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
      [plan.id, "cancelled"],
    ]);
    expect(profile.body).toMatchObject({ promises: [], promiseKeptRate: { kept: 0, keptRate: null } });
  });
});
