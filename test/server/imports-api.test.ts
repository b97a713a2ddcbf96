import { afterEach, expect, it, vi } from "vitest";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { idempotencyRequestHash } from "../../src/server/idempotency.js";
import { describeEachDatabase } from "../support/databases.js";
import { SMALL_LEDGER } from "../support/ledger-folder.js";
import { fixedClock } from "../../src/clock.js";
import { createApp } from "../../src/server/app.js";
import { GAMMA_LEDGER, getJson, ledgerForm, NOW, postImport, testApp } from "./api-test-kit.js";

async function count(store: RecoupStore, table: "imports" | "customers" | "invoices" | "idempotency_keys") {
  const { rows } = await store.handle.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

const BAD_AMOUNT_LEDGER = {
  ...SMALL_LEDGER,
  "invoices.csv":
    "invoice_ref,customer_ref,issue_date,due_date,amount\n" +
    "I1,C1,2026-01-01,2026-01-31,100.00\n" +
    "I2,C1,2026-02-01,,50.505\n" +
    "I3,C2,2026-03-01,,1000\n",
};

describeEachDatabase("imports API", (database) => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("imports ledger files sent as multipart parts and answers the import result", async () => {
    const store = await database.freshStore();
    const app = testApp(store);
    const { status, body } = await postImport(app, SMALL_LEDGER);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      created: { customers: 2, invoices: 3, creditNotes: 2, payments: 1 },
      errors: [],
      dryRun: false,
      importId: expect.any(Number),
    });
    const { rows } = await store.handle.pool.query<{ actor: string }>(`SELECT actor FROM imports`);
    expect(rows).toEqual([{ actor: "api" }]);

    const again = await postImport(app, SMALL_LEDGER);
    expect(again.status).toBe(200);
    expect(again.body.created).toEqual({ customers: 0, invoices: 0, creditNotes: 0, payments: 0 });
    expect(again.body.unchanged).toEqual({ customers: 2, invoices: 3, creditNotes: 2, payments: 1 });
  });

  it("rejects a file with a bad row with 422 IMPORT_REJECTED naming file, line and column, and writes nothing", async () => {
    const store = await database.freshStore();
    const app = testApp(store);
    const { status, body } = await postImport(app, BAD_AMOUNT_LEDGER);
    expect(status).toBe(422);
    expect(body.error.code).toBe("IMPORT_REJECTED");
    expect(body.error.message).toContain("invoices.csv:3:amount");
    expect(body.error.details.errors).toEqual([
      { file: "invoices.csv", line: 3, column: "amount", message: expect.stringContaining("50.505") },
    ]);
    expect(body.error.details.created).toEqual({ customers: 0, invoices: 0, creditNotes: 0, payments: 0 });
    expect((await getJson(app, "/api/v1/customers")).body).toEqual({ items: [], nextCursor: null });
    expect(await count(store, "imports")).toBe(0);
    expect(await count(store, "invoices")).toBe(0);
  });

  it("checks without writing when dryRun is true", async () => {
    const store = await database.freshStore();
    const app = testApp(store);
    const { status, body } = await postImport(app, SMALL_LEDGER, { fields: { dryRun: "true" } });
    expect(status).toBe(200);
    expect(body.dryRun).toBe(true);
    expect(body.created).toEqual({ customers: 2, invoices: 3, creditNotes: 2, payments: 1 });
    expect(body).not.toHaveProperty("importId");
    expect(await count(store, "customers")).toBe(0);
    expect(await count(store, "imports")).toBe(0);
  });

  it("refuses parts that are not ledger files, forms without files and other media types", async () => {
    const store = await database.freshStore();
    const app = testApp(store);
    const stray = await postImport(app, { ...SMALL_LEDGER, "notes.csv": "a,b\n" });
    expect(stray.status).toBe(400);
    expect(stray.body.error.code).toBe("VALIDATION_FAILED");
    expect(stray.body.error.message).toContain("notes.csv");

    const twice = new FormData();
    twice.append("customers.csv", new Blob([SMALL_LEDGER["customers.csv"]]), "customers.csv");
    twice.append("customers.csv", new Blob([SMALL_LEDGER["customers.csv"]]), "customers.csv");
    const duplicate = await app.request("/api/v1/imports", { method: "POST", body: twice });
    expect(duplicate.status).toBe(400);

    const empty = await postImport(app, {}, { fields: { dryRun: "false" } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe("VALIDATION_FAILED");

    const json = await app.request("/api/v1/imports", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ "customers.csv": "customer_ref,name\n" }),
    });
    expect(json.status).toBe(415);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(await count(store, "imports")).toBe(0);
  });

  it("replays the stored response for a retry with the same Idempotency-Key and body", async () => {
    const store = await database.freshStore();
    const app = testApp(store);
    // Each FormData is serialised with its own random boundary, as a client retrying would.
    const first = await postImport(app, SMALL_LEDGER, { idempotencyKey: "import-2026-04-15" });
    expect(first.status).toBe(200);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    const retry = await postImport(app, SMALL_LEDGER, { idempotencyKey: "import-2026-04-15" });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
    expect(retry.body.created.customers).toBe(2);
    expect(await count(store, "imports")).toBe(1);

    const reused = await postImport(app, GAMMA_LEDGER, { idempotencyKey: "import-2026-04-15" });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await count(store, "customers")).toBe(2);

    const fresh = await postImport(app, GAMMA_LEDGER, { idempotencyKey: "import-gamma" });
    expect(fresh.status).toBe(200);
    expect(await count(store, "imports")).toBe(2);
  });

  it("replays a rejection too, without running the import again", async () => {
    const store = await database.freshStore();
    const app = testApp(store);
    const first = await postImport(app, BAD_AMOUNT_LEDGER, { idempotencyKey: "bad-1" });
    expect(first.status).toBe(422);
    const retry = await postImport(app, BAD_AMOUNT_LEDGER, { idempotencyKey: "bad-1" });
    expect(retry.status).toBe(422);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
  });

  it("answers 409 IDEMPOTENCY_REQUEST_IN_PROGRESS while the first request with the key runs", async () => {
    const store = await database.freshStore();
    const app = testApp(store);
    const request = new Request("http://localhost/api/v1/imports", {
      method: "POST",
      body: ledgerForm(SMALL_LEDGER),
      headers: { "Idempotency-Key": "in-flight" },
    });
    const bytes = new Uint8Array(await request.clone().arrayBuffer());
    const hash = idempotencyRequestHash(
      "POST",
      "/api/v1/imports",
      bytes,
      request.headers.get("content-type") ?? "",
    );
    // The claim a request holds while its handler runs: no status yet.
    await store.handle.pool.query(
      `INSERT INTO idempotency_keys (organisation_id, key, method, path, request_hash, status, response, created_at)
       VALUES ($1, 'in-flight', 'POST', '/api/v1/imports', $2, NULL, NULL, now())`,
      [store.organisationId, hash],
    );
    const response = await app.request(request);
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      "IDEMPOTENCY_REQUEST_IN_PROGRESS",
    );
    expect(await count(store, "imports")).toBe(0);
  });

  it("releases the key when the request fails inside the server, so that a retry runs", async () => {
    const store = await database.freshStore();
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const pool = store.handle.pool;
    const failing = {
      ...store,
      handle: {
        ...store.handle,
        pool: {
          query: (text: string, values?: unknown[]) => pool.query(text, values),
          connect: () => Promise.reject(new Error("no connection for imports")),
        },
      },
    } as unknown as RecoupStore;
    const failed = await postImport(testApp(failing), SMALL_LEDGER, { idempotencyKey: "retry-me" });
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe("INTERNAL");
    expect(await count(store, "idempotency_keys")).toBe(0);

    const retry = await postImport(testApp(store), SMALL_LEDGER, { idempotencyKey: "retry-me" });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await count(store, "imports")).toBe(1);
  });

  it("refuses a malformed Idempotency-Key and ignores the header on reads", async () => {
    const store = await database.freshStore();
    const app = testApp(store);
    const long = await postImport(app, SMALL_LEDGER, { idempotencyKey: "k".repeat(256) });
    expect(long.status).toBe(400);
    expect(long.body.error.code).toBe("VALIDATION_FAILED");
    const read = await app.request("/api/v1/customers", { headers: { "Idempotency-Key": "read-1" } });
    expect(read.status).toBe(200);
    expect(await count(store, "idempotency_keys")).toBe(0);
    expect(await count(store, "imports")).toBe(0);
  });
});

describeEachDatabase("POST /api/v1/imports size limit", (database) => {
  it("refuses an upload over the limit with 413 PAYLOAD_TOO_LARGE and writes nothing", async () => {
    const store = await database.freshStore();
    const app = createApp({ store, clock: fixedClock(NOW), maxUploadBytes: 1024 });
    const big = { "customers.csv": "customer_ref,name\n" + "C1,Acme\n".repeat(500) };
    const response = await app.request("/api/v1/imports", { method: "POST", body: ledgerForm(big) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await count(store, "customers")).toBe(0);
  });
});
