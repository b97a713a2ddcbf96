import type { OpenAPIHono } from "@hono/zod-openapi";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fixedClock } from "../../src/clock.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { ERROR_CATALOGUE } from "../../src/errors.js";
import { createApp } from "../../src/server/app.js";
import { decodeCursor, encodeCursor } from "../../src/server/pagination.js";
import { startServer } from "../../src/server/serve.js";
import { describeEachDatabase } from "../support/databases.js";
import { getJson, NOW, testApp } from "./api-test-kit.js";

describeEachDatabase("HTTP API basics", (database) => {
  let store: RecoupStore;
  let app: OpenAPIHono;

  beforeAll(async () => {
    store = await database.freshStore();
    app = testApp(store);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("answers the health check", async () => {
    const { status, body } = await getJson(app, "/api/v1/health");
    expect(status).toBe(200);
    expect(body).toEqual({ status: "ok" });
  });

  it("serves an OpenAPI 3.1 document that names every route", async () => {
    const { status, headers, body } = await getJson(app, "/api/v1/openapi.json");
    expect(status).toBe(200);
    expect(headers.get("content-type")).toContain("application/json");
    expect(body.openapi).toMatch(/^3\.1\.\d+$/);
    expect(body.info).toMatchObject({ title: "Recoup API" });
    expect(Object.keys(body.paths).sort()).toEqual(
      [
        "/api/v1/aging",
        "/api/v1/analytics/cash-forecast",
        "/api/v1/analytics/filters",
        "/api/v1/analytics/kpi-trend",
        "/api/v1/analytics/roll-rates",
        "/api/v1/analytics/segments",
        "/api/v1/analytics/top-overdue",
        "/api/v1/audit/events",
        "/api/v1/audit/verify",
        "/api/v1/customers",
        "/api/v1/customers/{ref}",
        "/api/v1/customers/{ref}/profile",
        "/api/v1/customers/{ref}/timeline",
        "/api/v1/customers/profiles/refresh",
        "/api/v1/cycle/runs",
        "/api/v1/outbox",
        "/api/v1/plans",
        "/api/v1/plans/{id}",
        "/api/v1/plans/{id}/agreement",
        "/api/v1/plans/{id}/cancellation",
        "/api/v1/plans/{id}/signature",
        "/api/v1/policy",
        "/api/v1/promises",
        "/api/v1/promises/{id}",
        "/api/v1/promises/{id}/cancellation",
        "/api/v1/schedule/runs",
        "/api/v1/settings",
        "/api/v1/settings/holidays/{day}",
        "/api/v1/tasks/{id}/assignment",
        "/api/v1/tasks/{id}/completion",
        "/api/v1/tasks/{id}/snooze",
        "/api/v1/templates",
        "/api/v1/templates/{language}/{key}",
        "/api/v1/templates/{language}/{key}/preview",
        "/api/v1/worklist",
        "/api/v1/health",
        "/api/v1/imports",
        "/api/v1/invoices",
        "/api/v1/invoices/{ref}",
        "/api/v1/invoices/{ref}/write-offs",
        "/api/v1/kpis",
      ].sort(),
    );
    expect(Object.keys(body.paths["/api/v1/imports"])).toEqual(["post"]);
    expect(body.paths["/api/v1/imports"].post.requestBody.content).toHaveProperty("multipart/form-data");
    const listParameters = body.paths["/api/v1/invoices"].get.parameters.map((p: { name: string }) => p.name);
    expect(listParameters).toEqual(
      expect.arrayContaining([
        "customer",
        "status",
        "overdue",
        "currency",
        "dueBefore",
        "dueAfter",
        "limit",
        "cursor",
      ]),
    );
    expect(body.components.schemas.Money.required).toEqual(["amount", "currency"]);
    expect(body.components.schemas.Error.properties.error.properties.code.enum).toEqual(
      Object.keys(ERROR_CATALOGUE),
    );
  });

  it("answers unknown routes with 404 NOT_FOUND in the error shape", async () => {
    for (const [method, url] of [
      ["GET", "/api/v1/nothing-here"],
      ["GET", "/elsewhere"],
      ["DELETE", "/api/v1/customers"],
    ] as const) {
      const response = await app.request(url, { method });
      expect(response.status, url).toBe(404);
      expect(await response.json()).toEqual({
        error: { code: "NOT_FOUND", message: `no route for ${method} ${url}` },
      });
    }
  });

  it("refuses a malformed date with 400 VALIDATION_FAILED naming the parameter", async () => {
    const { status, body } = await getJson(app, "/api/v1/aging?asOf=2026-02-30");
    expect(status).toBe(400);
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.message).toContain("asOf");
    expect(body.error.details.issues).toEqual([
      { in: "query", path: "asOf", code: "custom", message: "must be a calendar date written YYYY-MM-DD" },
    ]);
    const invoices = await getJson(app, "/api/v1/invoices?dueBefore=15/04/2026");
    expect(invoices.status).toBe(400);
    expect(invoices.body.error.details.issues[0]).toMatchObject({ in: "query", path: "dueBefore" });
  });

  it("refuses bad page sizes, cursors, statuses and currencies", async () => {
    for (const query of [
      "limit=0",
      "limit=501",
      "limit=ten",
      "cursor=not-a-cursor",
      "status=paid",
      "currency=usd",
    ]) {
      const { status, body } = await getJson(app, `/api/v1/invoices?${query}`);
      expect(status, query).toBe(400);
      expect(body.error.code, query).toBe("VALIDATION_FAILED");
    }
    const customers = await getJson(app, "/api/v1/customers?overdue=yes");
    expect(customers.status).toBe(400);
  });

  it("lists nothing on an empty ledger", async () => {
    expect((await getJson(app, "/api/v1/customers")).body).toEqual({ items: [], nextCursor: null });
    expect((await getJson(app, "/api/v1/invoices")).body).toEqual({ items: [], nextCursor: null });
  });

  it("reports an internal failure as 500 INTERNAL without its stack, and logs it to stderr", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const broken = {
      ...store,
      handle: {
        ...store.handle,
        pool: { query: () => Promise.reject(new Error("disk on fire at /secret/path")) },
      },
    } as unknown as RecoupStore;
    const response = await createApp({ store: broken, clock: fixedClock(NOW) }).request("/api/v1/customers");
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: "INTERNAL", message: "internal error; the server log has the details" },
    });
    expect(text).not.toContain("disk on fire");
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0]?.[1])).toContain("disk on fire");
  });

  it("serves the same app over HTTP on a real port", async () => {
    const server = await startServer({ store, clock: fixedClock(NOW), port: 0, host: "127.0.0.1" });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${server.url}/api/v1/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "ok" });
    } finally {
      await server.close();
    }
  });
});

describe("cursors", () => {
  it("round-trip ids and refuse anything this API did not issue", () => {
    for (const id of [1, 42, 9_007_199_254_740_991]) expect(decodeCursor(encodeCursor(id))).toBe(id);
    for (const text of ["", "not-a-cursor", "MA", "LTE", "MDE", "NDI=", encodeCursor(1) + "x", "%%%"]) {
      expect(decodeCursor(text), text).toBeUndefined();
    }
  });
});
