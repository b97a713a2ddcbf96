import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { daysBetween } from "../../domain/calendar-date.js";
import { RecoupError } from "../../errors.js";
import { writeOffInvoice } from "../../ledger/write-off-invoice.js";
import { rejectInvalidRequest } from "../http-errors.js";
import { decodeCursor, toPage } from "../pagination.js";
import { findCustomerId } from "../repositories/customers.js";
import { findInvoice, listInvoices, type InvoiceRecord } from "../repositories/invoices.js";
import {
  CalendarDateSchema,
  CurrencyCodeSchema,
  CursorSchema,
  customerFilterFrom,
  CustomerFilterQuery,
  errorResponses,
  jsonContent,
  LimitSchema,
  MoneySchema,
  RefParamSchema,
  TrueFalseSchema,
} from "../schemas.js";
import { today, type ServerDeps } from "../server-deps.js";

export const InvoiceSummarySchema = z
  .object({
    invoiceRef: z.string(),
    customerRef: z.string(),
    issueDate: z.string().openapi({ format: "date" }),
    dueDate: z.string().openapi({ format: "date" }),
    amount: MoneySchema.openapi({ description: "Amount as posted, with every adjustment" }),
    open: MoneySchema.openapi({ description: "What is still owed after every allocation" }),
    poNumber: z.string().nullable(),
    daysPastDue: z.number().int().nullable().openapi({
      description: "Today − due date for an open invoice (negative: not yet due); null once settled",
    }),
  })
  .openapi("InvoiceSummary");

export const InvoicePageSchema = z
  .object({ items: z.array(InvoiceSummarySchema), nextCursor: z.string().nullable() })
  .openapi("InvoicePage");

export const InvoiceDetailSchema = InvoiceSummarySchema.extend({
  description: z.string().nullable(),
  allocations: z.array(
    z.object({
      kind: z.enum(["payment", "credit_note", "write_off"]),
      ref: z.string().nullable().openapi({ description: "Payment or credit note ref; null for a write-off" }),
      date: z.string().openapi({ format: "date" }),
      amount: MoneySchema,
      reason: z.string().nullable().openapi({ description: "Write-offs: why" }),
    }),
  ),
  adjustments: z.array(z.object({ amountDelta: MoneySchema, reason: z.string(), at: z.string() })),
}).openapi("InvoiceDetail");

const listInvoicesRoute = createRoute({
  method: "get",
  path: "/invoices",
  tags: ["invoices"],
  summary: "Invoices, filtered, in pages",
  request: {
    query: z.object({
      customer: RefParamSchema.optional().openapi({ description: "Customer ref" }),
      status: z.enum(["open", "closed", "all"]).default("all"),
      overdue: TrueFalseSchema.optional().openapi({
        description: "true: only open invoices due before today",
      }),
      currency: CurrencyCodeSchema.optional(),
      dueBefore: CalendarDateSchema.optional().openapi({ description: "Due strictly before this date" }),
      dueAfter: CalendarDateSchema.optional().openapi({ description: "Due strictly after this date" }),
      ...CustomerFilterQuery,
      limit: LimitSchema,
      cursor: CursorSchema.optional(),
    }),
  },
  responses: {
    200: jsonContent(InvoicePageSchema, "One page of invoices, ordered by creation"),
    ...errorResponses(400, 404, 500),
  },
});

const getInvoiceRoute = createRoute({
  method: "get",
  path: "/invoices/{ref}",
  tags: ["invoices"],
  summary: "One invoice with its allocations and adjustments",
  request: { params: z.object({ ref: RefParamSchema }) },
  responses: {
    200: jsonContent(InvoiceDetailSchema, "The invoice"),
    ...errorResponses(400, 404, 500),
  },
});

const WriteOffSchema = z
  .object({
    id: z.number().int(),
    invoiceRef: z.string(),
    date: z.string().openapi({ format: "date" }),
    amount: MoneySchema,
    reason: z.string(),
    openAfter: MoneySchema.openapi({ description: "The invoice's open amount after the write-off" }),
  })
  .openapi("WriteOff");

const writeOffRoute = createRoute({
  method: "post",
  path: "/invoices/{ref}/write-offs",
  tags: ["invoices"],
  summary: "Write off part or all of an invoice's open amount (a new, audited ledger entry)",
  request: {
    params: z.object({ ref: RefParamSchema }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            amount: z.string().optional().openapi({
              description: 'Decimal in major units, e.g. "12.50"; default: the whole open amount',
            }),
            reason: z.string().min(1).max(500),
            date: CalendarDateSchema.optional().openapi({ description: "Business date; default today" }),
          }),
        },
      },
    },
  },
  responses: {
    201: jsonContent(WriteOffSchema, "The write-off"),
    ...errorResponses(400, 404, 422, 500),
  },
});

function summary(invoice: InvoiceRecord, asOf: string) {
  return {
    invoiceRef: invoice.invoiceRef,
    customerRef: invoice.customerRef,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    amount: { amount: invoice.amount, currency: invoice.currency },
    open: { amount: invoice.openAmount, currency: invoice.currency },
    poNumber: invoice.poNumber,
    daysPastDue: invoice.openAmount === 0 ? null : daysBetween(invoice.dueDate, asOf),
  };
}

export function invoiceRoutes(deps: ServerDeps): OpenAPIHono {
  const { store } = deps;
  const db = store.handle.pool;
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest })
    .openapi(listInvoicesRoute, async (c) => {
      const query = c.req.valid("query");
      let customerId: number | undefined;
      if (query.customer !== undefined) {
        customerId = await findCustomerId(db, store.organisationId, query.customer);
        if (customerId === undefined) {
          throw new RecoupError("CUSTOMER_NOT_FOUND", `no customer with ref "${query.customer}"`);
        }
      }
      const asOf = today(deps);
      const rows = await listInvoices(db, {
        organisationId: store.organisationId,
        today: asOf,
        customerId,
        status: query.status,
        overdue: query.overdue === "true",
        currency: query.currency,
        dueBefore: query.dueBefore,
        dueAfter: query.dueAfter,
        customers: customerFilterFrom(query),
        afterId: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
        limit: query.limit + 1,
      });
      const page = toPage(rows, query.limit, (row) => row.id);
      return c.json({ items: page.rows.map((row) => summary(row, asOf)), nextCursor: page.nextCursor }, 200);
    })
    .openapi(writeOffRoute, async (c) => {
      const { ref } = c.req.valid("param");
      const body = c.req.valid("json");
      const writeOff = await writeOffInvoice({
        store,
        clock: deps.clock,
        actor: "api",
        invoiceRef: ref,
        reason: body.reason,
        ...(body.amount !== undefined ? { amount: body.amount } : {}),
        ...(body.date !== undefined ? { date: body.date } : {}),
      });
      return c.json(writeOff, 201);
    })
    .openapi(getInvoiceRoute, async (c) => {
      const { ref } = c.req.valid("param");
      const invoice = await findInvoice(db, { organisationId: store.organisationId, invoiceRef: ref });
      if (!invoice) throw new RecoupError("INVOICE_NOT_FOUND", `no invoice with ref "${ref}"`);
      const currency = invoice.currency;
      return c.json(
        {
          ...summary(invoice, today(deps)),
          description: invoice.description,
          allocations: invoice.allocations.map((a) => ({
            kind: a.kind,
            ref: a.ref,
            date: a.date,
            amount: { amount: a.amount, currency },
            reason: a.reason,
          })),
          adjustments: invoice.adjustments.map((a) => ({
            amountDelta: { amount: a.amountDelta, currency },
            reason: a.reason,
            at: a.at.toISOString(),
          })),
        },
        200,
      );
    });
}
