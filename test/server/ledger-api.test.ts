import type { OpenAPIHono } from "@hono/zod-openapi";
import { beforeAll, expect, it } from "vitest";
import { agingReport } from "../../src/analytics/aging-report.js";
import { kpiReport } from "../../src/analytics/kpi-report.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { describeEachDatabase } from "../support/databases.js";
import { SMALL_LEDGER } from "../support/ledger-folder.js";
import { GAMMA_LEDGER, getJson, postImport, testApp } from "./api-test-kit.js";

interface Page<Item> {
  items: Item[];
  nextCursor: string | null;
}
interface InvoiceItem {
  invoiceRef: string;
  customerRef: string;
  dueDate: string;
  open: { amount: number; currency: string };
  daysPastDue: number | null;
}

/** Follows nextCursor from the first page to the last; returns the pages' sizes and all items. */
async function allPages<Item>(app: OpenAPIHono, url: string): Promise<{ sizes: number[]; items: Item[] }> {
  const sizes: number[] = [];
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const separator = url.includes("?") ? "&" : "?";
    const page: { status: number; body: Page<Item> } = await getJson<Page<Item>>(
      app,
      cursor === null ? url : `${url}${separator}cursor=${encodeURIComponent(cursor)}`,
    );
    expect(page.status).toBe(200);
    sizes.push(page.body.items.length);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor !== null && sizes.length < 50);
  return { sizes, items };
}

const refs = (items: { invoiceRef?: string; customerRef: string }[]) =>
  items.map((i) => i.invoiceRef ?? i.customerRef);

describeEachDatabase("ledger API", (database) => {
  let store: RecoupStore;
  let app: OpenAPIHono;

  beforeAll(async () => {
    store = await database.freshStore();
    app = testApp(store);
    const first = await postImport(app, SMALL_LEDGER);
    expect(first.status).toBe(200);
    expect(first.body.created).toEqual({ customers: 2, invoices: 3, creditNotes: 2, payments: 1 });
    const second = await postImport(app, GAMMA_LEDGER);
    expect(second.status).toBe(200);
    expect(second.body.created).toEqual({ customers: 1, invoices: 12, creditNotes: 0, payments: 1 });
  });

  it("lists customers with their balance and overdue amount in their currency", async () => {
    const { status, body } = await getJson<Page<Record<string, unknown>>>(app, "/api/v1/customers");
    expect(status).toBe(200);
    expect(body.nextCursor).toBeNull();
    const byRef = Object.fromEntries(body.items.map((item) => [item.customerRef, item]));
    expect(Object.keys(byRef).sort()).toEqual(["C1", "C2", "C3"]);
    expect(byRef.C1).toEqual({
      customerRef: "C1",
      name: "Acme Ltd",
      currency: "USD",
      country: null,
      paymentTermsDays: 30,
      creditLimit: null,
      ownerEmail: null,
      collectorEmail: null,
      // I1 100.00 − 60.00, I2 50.50 − 10.00; both past due on 2026-04-15.
      balance: { amount: 8050, currency: "USD" },
      overdue: { amount: 8050, currency: "USD" },
    });
    // I3 1000 − credit note 100, due 2026-04-15: owed, not yet overdue.
    expect(byRef.C2).toMatchObject({
      balance: { amount: 90000, currency: "EUR" },
      overdue: { amount: 0, currency: "EUR" },
    });
    // G02…G12 open; G02…G06 past due.
    expect(byRef.C3).toMatchObject({
      balance: { amount: 770000, currency: "EUR" },
      overdue: { amount: 200000, currency: "EUR" },
    });
  });

  it("filters customers by ref or name, currency and overdue", async () => {
    const names = async (query: string) =>
      refs(
        (await getJson<Page<{ customerRef: string }>>(app, `/api/v1/customers?${query}`)).body.items,
      ).sort();
    expect(await names("q=beta")).toEqual(["C2"]);
    expect(await names("q=ACME")).toEqual(["C1"]);
    expect(await names("q=c3")).toEqual(["C3"]);
    expect(await names("currency=EUR")).toEqual(["C2", "C3"]);
    expect(await names("overdue=true")).toEqual(["C1", "C3"]);
    expect(await names("overdue=true&currency=EUR")).toEqual(["C3"]);
    expect(await names("q=nobody")).toEqual([]);
  });

  it("pages customers by cursor without losing or repeating any", async () => {
    const all = (await getJson<Page<{ customerRef: string }>>(app, "/api/v1/customers?limit=500")).body.items;
    const paged = await allPages<{ customerRef: string }>(app, "/api/v1/customers?limit=2");
    expect(paged.sizes).toEqual([2, 1]);
    expect(refs(paged.items)).toEqual(refs(all));
  });

  it("shows one customer with its primary contact, unapplied cash and aging as of today", async () => {
    const { status, body } = await getJson(app, "/api/v1/customers/C1");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      customerRef: "C1",
      balance: { amount: 8050, currency: "USD" },
      overdue: { amount: 8050, currency: "USD" },
      unapplied: { amount: -500, currency: "USD" },
      requiresPo: false,
      primaryContact: { email: "ap@acme.test" },
    });
    expect(body.aging).toEqual({
      asOf: "2026-04-15",
      basis: "due",
      bucketBounds: [30, 60, 90],
      total: 8050,
      buckets: [
        { key: "current", amount: 0 },
        { key: "1-30", amount: 0 },
        { key: "31-60", amount: 4050 },
        { key: "61-90", amount: 4000 },
        { key: "90+", amount: 0 },
      ],
    });
  });

  it("answers 404 CUSTOMER_NOT_FOUND and INVOICE_NOT_FOUND for unknown refs", async () => {
    const customer = await getJson(app, "/api/v1/customers/NOPE");
    expect(customer.status).toBe(404);
    expect(customer.body.error).toMatchObject({ code: "CUSTOMER_NOT_FOUND" });
    expect(customer.body.error.message).toContain("NOPE");
    const invoice = await getJson(app, "/api/v1/invoices/NOPE");
    expect(invoice.status).toBe(404);
    expect(invoice.body.error.code).toBe("INVOICE_NOT_FOUND");
    const filtered = await getJson(app, "/api/v1/invoices?customer=NOPE");
    expect(filtered.status).toBe(404);
    expect(filtered.body.error.code).toBe("CUSTOMER_NOT_FOUND");
  });

  it("pages invoices across several pages in id order, each once", async () => {
    const paged = await allPages<InvoiceItem>(app, "/api/v1/invoices?customer=C3&limit=5");
    expect(paged.sizes).toEqual([5, 5, 2]);
    expect(refs(paged.items)).toEqual(
      Array.from({ length: 12 }, (_, i) => `G${String(i + 1).padStart(2, "0")}`),
    );

    const all = (await getJson<Page<InvoiceItem>>(app, "/api/v1/invoices?limit=500")).body.items;
    expect(all).toHaveLength(15);
    const pagedAll = await allPages<InvoiceItem>(app, "/api/v1/invoices?limit=4");
    expect(pagedAll.sizes).toEqual([4, 4, 4, 3]);
    expect(refs(pagedAll.items)).toEqual(refs(all));
  });

  it("keeps filters applied across pages", async () => {
    const paged = await allPages<InvoiceItem>(app, "/api/v1/invoices?status=open&currency=EUR&limit=3");
    expect(paged.items.every((i) => i.open.currency === "EUR" && i.open.amount !== 0)).toBe(true);
    expect(refs(paged.items).sort()).toEqual(
      ["I3", ...Array.from({ length: 11 }, (_, i) => `G${String(i + 2).padStart(2, "0")}`)].sort(),
    );
  });

  it("filters invoices by customer, status, overdue, currency and due dates", async () => {
    const invoiceRefs = async (query: string) => {
      const { status, body } = await getJson<Page<InvoiceItem>>(app, `/api/v1/invoices?limit=500&${query}`);
      expect(status).toBe(200);
      return refs(body.items).sort();
    };
    expect(await invoiceRefs("customer=C1")).toEqual(["I1", "I2"]);
    expect(await invoiceRefs("status=closed")).toEqual(["G01"]);
    expect(await invoiceRefs("status=open&customer=C3")).toHaveLength(11);
    expect(await invoiceRefs("overdue=true")).toEqual(["G02", "G03", "G04", "G05", "G06", "I1", "I2"]);
    expect(await invoiceRefs("currency=USD")).toEqual(["I1", "I2"]);
    // Both bounds are strict: I1 is due 2026-01-31, G01…G03 on 2026-02-01…03.
    expect(await invoiceRefs("dueAfter=2026-01-31&dueBefore=2026-02-04")).toEqual(["G01", "G02", "G03"]);
  });

  it("lists an invoice's amounts and days past due", async () => {
    const { body } = await getJson<Page<InvoiceItem>>(app, "/api/v1/invoices?customer=C1");
    const i1 = body.items.find((i) => i.invoiceRef === "I1");
    expect(i1).toEqual({
      invoiceRef: "I1",
      customerRef: "C1",
      issueDate: "2026-01-01",
      dueDate: "2026-01-31",
      amount: { amount: 10000, currency: "USD" },
      open: { amount: 4000, currency: "USD" },
      poNumber: null,
      daysPastDue: 74,
    });
    const g = (await getJson<Page<InvoiceItem>>(app, "/api/v1/invoices?customer=C3&limit=500")).body.items;
    expect(g.find((i) => i.invoiceRef === "G01")?.daysPastDue).toBeNull();
    // Due 2026-05-12: not yet due, so negative.
    expect(g.find((i) => i.invoiceRef === "G12")?.daysPastDue).toBe(-27);
  });

  it("shows an invoice with the payments and credit notes applied to it", async () => {
    const i1 = await getJson(app, "/api/v1/invoices/I1");
    expect(i1.status).toBe(200);
    expect(i1.body.allocations).toEqual([
      {
        kind: "payment",
        ref: "P1",
        date: "2026-02-10",
        amount: { amount: 6000, currency: "USD" },
        reason: null,
      },
    ]);
    expect(i1.body.adjustments).toEqual([]);
    const i3 = await getJson(app, "/api/v1/invoices/I3");
    expect(i3.body).toMatchObject({
      invoiceRef: "I3",
      customerRef: "C2",
      amount: { amount: 100000, currency: "EUR" },
      open: { amount: 90000, currency: "EUR" },
      daysPastDue: 0,
      description: null,
    });
    expect(i3.body.allocations).toEqual([
      {
        kind: "credit_note",
        ref: "CN1",
        date: "2026-03-05",
        amount: { amount: 10000, currency: "EUR" },
        reason: null,
      },
    ]);
  });

  it("answers the aging exactly as agingReport computes it, as of today by default", async () => {
    const byDefault = await getJson(app, "/api/v1/aging");
    expect(byDefault.status).toBe(200);
    expect(byDefault.body).toEqual(
      await agingReport(store.handle.pool, { organisationId: store.organisationId, asOf: "2026-04-15" }),
    );
    const chosen = await getJson(app, "/api/v1/aging?asOf=2026-03-31&buckets=15,45&basis=issue&customer=C3");
    expect(chosen.status).toBe(200);
    expect(chosen.body).toEqual(
      await agingReport(store.handle.pool, {
        organisationId: store.organisationId,
        asOf: "2026-03-31",
        bounds: [15, 45],
        basis: "issue",
        customerRef: "C3",
      }),
    );
    expect(chosen.body.customers.map((c: { customerRef: string }) => c.customerRef)).toEqual(["C3"]);
  });

  it("refuses bad aging parameters and unknown customers", async () => {
    const bounds = await getJson(app, "/api/v1/aging?buckets=60,30");
    expect(bounds.status).toBe(400);
    expect(bounds.body.error.code).toBe("VALIDATION_FAILED");
    expect(bounds.body.error.details.issues[0]).toMatchObject({ in: "query", path: "buckets" });
    const basis = await getJson(app, "/api/v1/aging?basis=paid");
    expect(basis.status).toBe(400);
    const customer = await getJson(app, "/api/v1/aging?customer=NOPE");
    expect(customer.status).toBe(404);
    expect(customer.body.error.code).toBe("CUSTOMER_NOT_FOUND");
  });

  it("answers the KPIs exactly as kpiReport computes them", async () => {
    const { status, body } = await getJson(app, "/api/v1/kpis?from=2026-01-01&to=2026-03-31");
    expect(status).toBe(200);
    const expected = await kpiReport(store.handle.pool, {
      organisationId: store.organisationId,
      from: "2026-01-01",
      to: "2026-03-31",
    });
    expect(body).toEqual(expected);
    expect(body.byCurrency.map((k: { currency: string }) => k.currency)).toEqual(["EUR", "USD"]);
  });

  it("refuses KPI periods that are missing, malformed or reversed", async () => {
    for (const query of [
      "from=2026-01-01",
      "from=2026-01-01&to=2026-02-30",
      "from=2026-03-31&to=2026-01-01",
    ]) {
      const { status, body } = await getJson(app, `/api/v1/kpis?${query}`);
      expect(status, query).toBe(400);
      expect(body.error.code, query).toBe("VALIDATION_FAILED");
    }
  });
});
