import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { loadDemoPortfolio } from "../../src/demo/load-demo-portfolio.js";
import { defaultCollectionPolicy } from "../../src/domain/collection-policy.js";
import { createApp } from "../../src/server/app.js";
import { describeEachDatabase } from "../support/databases.js";
import { getJson, NOW, testApp } from "./api-test-kit.js";

/** The routes the web app reads: the dashboard's reports, template preview, snooze, draft dry runs. */

const TODAY = "2026-04-15";

function send(app: OpenAPIHono, method: string, url: string, body: unknown) {
  return app.request(url, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function count(store: RecoupStore, table: string): Promise<number> {
  const { rows } = await store.handle.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

interface Totals {
  currency: string;
  total: number;
  buckets: { key: string; amount: number }[];
}

describeEachDatabase("the web app's API", (database) => {
  let store: RecoupStore;
  let app: OpenAPIHono;

  beforeAll(async () => {
    store = await database.freshStore();
    app = testApp(store);
    await loadDemoPortfolio({ store, clock: fixedClock(NOW), customers: 60, invoices: 1500, asOf: TODAY });
    const cycle = await send(app, "POST", "/api/v1/cycle/runs", { asOf: TODAY });
    expect(cycle.status).toBe(200);
  });

  it("gives each month of the KPI trend the figures /kpis gives for that month, and AR as the aging has it", async () => {
    const trend = await getJson(app, "/api/v1/analytics/kpi-trend?months=4");
    expect(trend.status).toBe(200);
    expect(trend.body.to).toBe(TODAY);
    const usd = trend.body.byCurrency.find((c: { currency: string }) => c.currency === "USD");
    expect(usd.months.map((m: { month: string }) => m.month)).toEqual([
      "2026-01",
      "2026-02",
      "2026-03",
      "2026-04",
    ]);
    for (const month of usd.months) {
      const kpis = await getJson(app, `/api/v1/kpis?from=${month.from}&to=${month.to}`);
      const same = kpis.body.byCurrency.find((k: { currency: string }) => k.currency === "USD");
      const { month: _label, ...figures } = month;
      expect(figures).toEqual(same);
      // AR from the trend's one-pass sums equals the aging's open items as of that day.
      const aging = await getJson(app, `/api/v1/aging?asOf=${month.to}&totalsOnly=true`);
      const totals = aging.body.totals.find((t: Totals) => t.currency === "USD");
      expect(month.endAr).toBe(totals.total);
      expect(month.endCurrentAr).toBe(
        totals.buckets.find((b: { key: string }) => b.key === "current").amount,
      );
    }
    expect((await getJson(app, "/api/v1/analytics/kpi-trend?months=0")).status).toBe(400);
  });

  it("filters the aging and the KPIs by segment and by collector on the server", async () => {
    const all = await getJson(app, `/api/v1/aging?asOf=${TODAY}`);
    const options = await getJson(app, "/api/v1/analytics/filters");
    expect(options.body.currencies).toEqual(["EUR", "GBP", "USD"]);
    expect(options.body.entities.map((e: { code: string }) => e.code)).toEqual(["default"]);
    expect(options.body.segments.length).toBeGreaterThan(1);

    // The segments partition the customers: their filtered totals add up to the whole.
    const bySegment = new Map<string, number>();
    for (const segment of options.body.segments) {
      const part = await getJson(app, `/api/v1/aging?totalsOnly=true&segment=${segment}`);
      expect(part.status).toBe(200);
      expect(part.body.customers).toEqual([]);
      for (const t of part.body.totals as Totals[])
        bySegment.set(t.currency, (bySegment.get(t.currency) ?? 0) + t.total);
    }
    for (const t of all.body.totals as Totals[]) expect(bySegment.get(t.currency)).toBe(t.total);

    // A collector's total is the sum of that collector's customers' lines.
    const collector = options.body.collectors[0] as string;
    const customers = await getJson(app, "/api/v1/customers?limit=500");
    const theirs = new Set(
      customers.body.items
        .filter((c: { collectorEmail: string | null }) => c.collectorEmail === collector)
        .map((c: { customerRef: string }) => c.customerRef),
    );
    const expected = new Map<string, number>();
    for (const line of all.body.customers as { customerRef: string; currency: string; total: number }[]) {
      if (theirs.has(line.customerRef))
        expected.set(line.currency, (expected.get(line.currency) ?? 0) + line.total);
    }
    const filtered = await getJson(app, `/api/v1/aging?collector=${encodeURIComponent(collector)}`);
    expect(new Map(filtered.body.totals.map((t: Totals) => [t.currency, t.total]))).toEqual(expected);
    const kpis = await getJson(
      app,
      `/api/v1/kpis?from=2026-01-16&to=${TODAY}&collector=${encodeURIComponent(collector)}`,
    );
    expect(kpis.status).toBe(200);
    for (const k of (kpis.body.byCurrency ?? [kpis.body]) as { currency: string; endAr: number }[]) {
      expect(k.endAr).toBe(expected.get(k.currency) ?? 0);
    }

    const nobody = await getJson(app, "/api/v1/aging?owner=nobody@nowhere.test&totalsOnly=true");
    expect(nobody.body.totals).toEqual([]);
    expect((await getJson(app, "/api/v1/aging?segment=vip")).status).toBe(400);
  });

  it("splits the open receivables by segment, lists the top overdue accounts and the cash expected, consistently with the aging", async () => {
    const aging = await getJson(app, `/api/v1/aging?asOf=${TODAY}`);
    const segments = await getJson(app, "/api/v1/analytics/segments");
    const forecast = await getJson(app, "/api/v1/analytics/cash-forecast?weeks=6");
    for (const totals of aging.body.totals as Totals[]) {
      const current = totals.buckets.find((b) => b.key === "current")!.amount;
      const parts = segments.body.byCurrency.find(
        (c: { currency: string }) => c.currency === totals.currency,
      ).segments;
      expect(parts.reduce((sum: number, s: { open: number }) => sum + s.open, 0)).toBe(totals.total);
      expect(parts.reduce((sum: number, s: { overdue: number }) => sum + s.overdue, 0)).toBe(
        totals.total - current,
      );
      const cash = forecast.body.byCurrency.find((c: { currency: string }) => c.currency === totals.currency);
      expect(cash.weeks).toHaveLength(6);
      expect(cash.weeks[0]).toMatchObject({ from: TODAY, to: "2026-04-21" });
      expect(cash.overdue).toBe(totals.total - current);
      expect(
        cash.overdue + cash.weeks.reduce((s: number, w: { amount: number }) => s + w.amount, 0) + cash.later,
      ).toBe(totals.total);
    }

    const top = await getJson(app, "/api/v1/analytics/top-overdue?currency=USD&limit=5");
    expect(top.body.items.length).toBeLessThanOrEqual(5);
    expect(top.body.items.length).toBeGreaterThan(0);
    const overdues = top.body.items.map((a: { overdue: number }) => a.overdue);
    expect(overdues).toEqual([...overdues].sort((a, b) => b - a));
    for (const account of top.body.items) {
      const line = aging.body.customers.find(
        (l: { customerRef: string; currency: string }) =>
          l.customerRef === account.customerRef && l.currency === "USD",
      );
      expect(account.overdue).toBe(
        line.total - line.buckets.find((b: { key: string }) => b.key === "current").amount,
      );
      expect(account.currency).toBe("USD");
    }
  });

  it("gives the roll rates of the last months as the migration report computes them", async () => {
    const rolls = await getJson(app, "/api/v1/analytics/roll-rates?months=3");
    expect(rolls.status).toBe(200);
    expect(rolls.body).toMatchObject({
      from: "2026-02-01",
      to: TODAY,
      step: "month",
      bucketBounds: [30, 60, 90],
    });
    const usd = rolls.body.byCurrency.find((c: { currency: string }) => c.currency === "USD");
    expect(usd.snapshots.map((s: { asOf: string }) => s.asOf)).toEqual([
      "2026-01-31",
      "2026-02-28",
      "2026-03-31",
    ]);
    expect(usd.transitions).toHaveLength(2);
    for (const t of usd.transitions)
      for (const r of t.rollRates) expect(r.rate === null || (r.rate >= 0 && r.rate <= 1)).toBe(true);
  });

  it("previews a draft template for a real customer with its standards findings, and saves nothing", async () => {
    const shipped = await getJson(app, "/api/v1/templates/en/overdue-1");
    const list = await getJson(app, "/api/v1/templates");
    expect(list.body.items).toContainEqual(
      expect.objectContaining({ key: "overdue-1", language: "en", customised: false }),
    );

    const clean = await send(app, "POST", "/api/v1/templates/en/overdue-1/preview", {
      source: shipped.body.source,
    });
    expect(clean.status).toBe(200);
    const preview = (await clean.json()) as {
      customerRef: string;
      subject: string;
      text: string;
      findings: unknown[];
      invoiceRefs: string[];
    };
    expect(preview.findings).toEqual([]);
    expect(preview.invoiceRefs.length).toBeGreaterThan(0);
    expect(preview.text).toContain(preview.invoiceRefs[0]);
    const top = await getJson(app, "/api/v1/analytics/top-overdue?limit=1");
    expect(preview.customerRef).toBeDefined();
    expect(typeof top.body.items[0].customerRef).toBe("string");

    const harsh = await send(app, "POST", "/api/v1/templates/en/overdue-1/preview", {
      source: `${shipped.body.source}\nPAY NOW OR WE WILL TAKE LEGAL ACTION!!!\n`,
      customer: preview.customerRef,
    });
    const refused = (await harsh.json()) as { findings: { rule: string }[] };
    expect(refused.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(["threat", "all_caps"]));

    const broken = await send(app, "POST", "/api/v1/templates/en/overdue-1/preview", {
      source: "---\nsubject: Hi\n---\n{{ customer.name | nosuchfilter }}",
    });
    expect(broken.status).toBe(422);
    expect(((await broken.json()) as { error: { code: string } }).error.code).toBe("TEMPLATE_INVALID");
    const unknown = await send(app, "POST", "/api/v1/templates/en/overdue-1/preview", {
      source: shipped.body.source,
      customer: "NO-SUCH",
    });
    expect(unknown.status).toBe(404);
    expect(await count(store, "message_templates")).toBe(0);
  });

  it("snoozes an open task out of the worklist until a later day, audited, and refuses what it must unchanged", async () => {
    const worklist = await getJson(app, "/api/v1/worklist?limit=500");
    expect(worklist.body.asOf).toBe(TODAY);
    const task = worklist.body.items.find((item: { taskId: string | null }) => item.taskId !== null);
    expect(task).toBeDefined();
    const events = await count(store, "audit_events");

    const past = await send(app, "POST", `/api/v1/tasks/${task.taskId}/snooze`, { until: TODAY });
    expect(past.status).toBe(400);
    expect(await count(store, "audit_events")).toBe(events);

    const snoozed = await send(app, "POST", `/api/v1/tasks/${task.taskId}/snooze`, {
      until: "2026-04-20",
      note: "on holiday",
    });
    expect(snoozed.status).toBe(200);
    expect(await snoozed.json()).toEqual({ taskId: task.taskId, dueOn: "2026-04-20" });
    const after = await getJson(app, "/api/v1/worklist?limit=500");
    expect(after.body.items.some((item: { taskId: string | null }) => item.taskId === task.taskId)).toBe(
      false,
    );
    const later = await getJson(app, "/api/v1/worklist?limit=500&asOf=2026-04-20");
    expect(later.body.items.some((item: { taskId: string | null }) => item.taskId === task.taskId)).toBe(
      true,
    );
    const timeline = await getJson(app, `/api/v1/customers/${task.customerRef}/timeline`);
    expect(timeline.body.entries).toContainEqual(
      expect.objectContaining({
        action: "task.snoozed",
        data: expect.objectContaining({ to: "2026-04-20", note: "on holiday" }),
      }),
    );

    const done = await send(app, "POST", `/api/v1/tasks/${task.taskId}/completion`, { outcome: "reached" });
    expect(done.status).toBe(200);
    const closedEvents = await count(store, "audit_events");
    const closed = await send(app, "POST", `/api/v1/tasks/${task.taskId}/snooze`, { until: "2026-04-22" });
    expect(closed.status).toBe(409);
    expect(await count(store, "audit_events")).toBe(closedEvents);
  });

  it("dry-runs the cycle with a draft policy, recording nothing, and refuses a draft outside a dry run", async () => {
    const actions = await count(store, "collection_actions");
    const events = await count(store, "audit_events");
    const inForce = (await (
      await send(app, "POST", "/api/v1/cycle/runs", { asOf: "2026-04-16", dryRun: true })
    ).json()) as {
      actions: unknown[];
    };
    const draft = defaultCollectionPolicy();
    for (const workflow of draft.workflows) for (const step of workflow.steps) step.offsetDays = 700;
    const withDraft = await send(app, "POST", "/api/v1/cycle/runs", {
      asOf: "2026-04-16",
      dryRun: true,
      policy: draft,
    });
    expect(withDraft.status).toBe(200);
    const result = (await withDraft.json()) as { dryRun: boolean; actions: unknown[] };
    expect(result.dryRun).toBe(true);
    expect(inForce.actions.length).toBeGreaterThan(0);
    expect(result.actions).toEqual([]);

    const notDry = await send(app, "POST", "/api/v1/cycle/runs", { asOf: "2026-04-16", policy: draft });
    expect(notDry.status).toBe(400);
    const invalid = { ...draft, assignments: [{ segment: "chronic-delinquent", workflow: "nowhere" }] };
    const refused = await send(app, "POST", "/api/v1/cycle/runs", {
      asOf: "2026-04-16",
      dryRun: true,
      policy: invalid,
    });
    expect(refused.status).toBe(422);
    expect(await count(store, "collection_actions")).toBe(actions);
    expect(await count(store, "audit_events")).toBe(events);
  });

  it("narrows the invoice list to a segment's customers, as the aging's drill-down needs", async () => {
    const options = await getJson(app, "/api/v1/analytics/filters");
    for (const segment of options.body.segments as string[]) {
      const aging = await getJson(app, `/api/v1/aging?totalsOnly=true&segment=${segment}`);
      const invoices = await getJson(app, `/api/v1/invoices?status=open&segment=${segment}&limit=500`);
      expect(invoices.body.nextCursor).toBeNull();
      const open = new Map<string, number>();
      for (const i of invoices.body.items as { open: { amount: number; currency: string } }[]) {
        open.set(i.open.currency, (open.get(i.open.currency) ?? 0) + i.open.amount);
      }
      // A currency line of the aging may hold only unapplied cash (total 0): no invoice for it.
      const totals = (aging.body.totals as Totals[]).filter((t) => t.total !== 0);
      expect(open).toEqual(new Map(totals.map((t) => [t.currency, t.total])));
    }
  });

  it("lists every contact of a customer, the primary one first", async () => {
    const customer = await getJson(app, "/api/v1/customers?limit=1");
    const ref = customer.body.items[0].customerRef;
    const detail = await getJson(app, `/api/v1/customers/${ref}`);
    expect(detail.body.contacts.length).toBeGreaterThan(0);
    expect(detail.body.contacts[0]).toEqual(detail.body.primaryContact);
  });
});

describe("serving the built web app", () => {
  const root = mkdtempSync(path.join(tmpdir(), "recoup-web-"));
  mkdirSync(path.join(root, "assets"));
  writeFileSync(
    path.join(root, "index.html"),
    '<!doctype html><script src="/assets/index-AbCd1234.js"></script>',
  );
  writeFileSync(path.join(root, "assets", "index-AbCd1234.js"), "console.log('app')");
  const fakeStore = { organisationId: 1, timeZone: "UTC", handle: { pool: {} } } as unknown as RecoupStore;
  const app = createApp({ store: fakeStore, clock: fixedClock(NOW), webRoot: root });
  const html = { headers: { accept: "text/html" } };

  it("caches hashed assets as immutable and revalidates index.html", async () => {
    const index = await app.request("/", html);
    expect(index.status).toBe(200);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const asset = await app.request("/assets/index-AbCd1234.js");
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("content-type")).toContain("javascript");
  });

  it("answers client routes with index.html and never shadows the API or a missing asset", async () => {
    const deep = await app.request("/customers/C.0042", html);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain("/assets/index-AbCd1234.js");
    expect(deep.headers.get("cache-control")).toBe("no-cache");
    const api = await app.request("/api/v1/no-such-route", html);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    expect((await app.request("/assets/missing-12345678.js")).status).toBe(404);
  });

  it("says how to build the app when there is no build", async () => {
    const bare = createApp({ store: fakeStore, clock: fixedClock(NOW), webRoot: path.join(root, "nowhere") });
    const answer = await bare.request("/", html);
    expect(answer.status).toBe(503);
    expect(await answer.text()).toContain("npm run build");
  });
});
