import { expect, it } from "vitest";
import { fixedClock } from "../../src/clock.js";
import { createApp } from "../../src/server/app.js";
import { describeEachDatabase } from "../support/databases.js";
import { SMALL_LEDGER } from "../support/ledger-folder.js";
import { getJson, postImport, testApp } from "./api-test-kit.js";

describeEachDatabase("POST /api/v1/invoices/{ref}/write-offs", (database) => {
  it("writes off once per idempotency key and shows the write-off on the invoice", async () => {
    const store = await database.freshStore();
    const app = testApp(store);
    expect((await postImport(app, SMALL_LEDGER)).status).toBe(200);
    const request = () =>
      app.request("/api/v1/invoices/I1/write-offs", {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": "wo-1" },
        body: JSON.stringify({ amount: "10.00", reason: "goodwill" }),
      });
    const first = await request();
    expect(first.status).toBe(201);
    const body = await first.json();
    expect(body).toMatchObject({
      invoiceRef: "I1",
      amount: { amount: 1000, currency: "USD" },
      openAfter: { amount: 3000 },
    });
    const retry = await request();
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await retry.json()).toEqual(body);
    const invoice = await getJson(app, "/api/v1/invoices/I1");
    expect(invoice.body.open).toEqual({ amount: 3000, currency: "USD" });
    expect(invoice.body.allocations.filter((a: { kind: string }) => a.kind === "write_off")).toEqual([
      {
        kind: "write_off",
        ref: null,
        date: "2026-04-15",
        amount: { amount: 1000, currency: "USD" },
        reason: "goodwill",
      },
    ]);
  });

  it("refuses a write-off larger than the open amount with the catalogue's error", async () => {
    const store = await database.freshStore();
    const app = testApp(store);
    await postImport(app, SMALL_LEDGER);
    const response = await app.request("/api/v1/invoices/I1/write-offs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ amount: "500.00", reason: "too much" }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringMatching(/40\.00 USD open/),
    });
    const missing = await app.request("/api/v1/invoices/NOPE/write-offs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reason: "x" }),
    });
    expect(missing.status).toBe(404);
  });
});

describeEachDatabase("Idempotency-Key retention", (database) => {
  it("remembers an answered key for 24 hours, then lets it be used afresh", async () => {
    const store = await database.freshStore();
    const at = (instant: string) => createApp({ store, clock: fixedClock(instant) });
    await postImport(testApp(store), SMALL_LEDGER);
    const writeOff = (app: ReturnType<typeof at>) =>
      app.request("/api/v1/invoices/I1/write-offs", {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": "daily-1" },
        body: JSON.stringify({ amount: "1.00", reason: "rounding" }),
      });
    expect((await writeOff(at("2026-04-15T09:00:00Z"))).status).toBe(201);
    const replay = await writeOff(at("2026-04-16T08:59:00Z"));
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    const fresh = await writeOff(at("2026-04-16T09:01:00Z"));
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get("idempotent-replayed")).toBeNull();
    const { rows } = await store.handle.pool.query(`SELECT count(*)::int AS n FROM write_offs`);
    expect(rows[0].n).toBe(2);
  });
});
