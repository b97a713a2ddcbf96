import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { agingReport } from "../../analytics/aging-report.js";
import { bucketKeys, DEFAULT_BUCKET_BOUNDS } from "../../domain/aging.js";
import { RecoupError } from "../../errors.js";
import { rejectInvalidRequest } from "../http-errors.js";
import { decodeCursor, toPage } from "../pagination.js";
import { findCustomer, listCustomers, type CustomerRecord } from "../repositories/customers.js";
import {
  CurrencyCodeSchema,
  CursorSchema,
  errorResponses,
  jsonContent,
  LimitSchema,
  MoneySchema,
  RefParamSchema,
  TrueFalseSchema,
} from "../schemas.js";
import { today, type ServerDeps } from "../server-deps.js";

export const CustomerSummarySchema = z
  .object({
    customerRef: z.string(),
    name: z.string(),
    currency: z.string(),
    country: z.string().nullable(),
    paymentTermsDays: z.number().int(),
    creditLimit: z.union([MoneySchema, z.null()]),
    ownerEmail: z.string().nullable(),
    collectorEmail: z.string().nullable(),
    balance: MoneySchema.openapi({ description: "Open amount of all its invoices" }),
    overdue: MoneySchema.openapi({ description: "Open amount of its invoices due before today" }),
  })
  .openapi("CustomerSummary");

export const CustomerPageSchema = z
  .object({ items: z.array(CustomerSummarySchema), nextCursor: z.string().nullable() })
  .openapi("CustomerPage");

export const ContactSchema = z
  .object({
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    role: z.string().nullable(),
    language: z.string().nullable(),
    preferredChannel: z.string().nullable(),
  })
  .openapi("Contact");

export const CustomerDetailSchema = CustomerSummarySchema.extend({
  parentRef: z.string().nullable(),
  language: z.string().nullable(),
  requiresPo: z.boolean(),
  doNotContact: z.boolean(),
  pausedUntil: z.string().nullable(),
  primaryContact: z.union([ContactSchema, z.null()]),
  contacts: z.array(ContactSchema).openapi({ description: "Every contact, the primary one first" }),
  unapplied: MoneySchema.openapi({ description: "Unapplied cash and credits as of today, negative" }),
  aging: z.object({
    asOf: z.string(),
    basis: z.enum(["due", "issue"]),
    bucketBounds: z.array(z.number().int()),
    total: z.number().int(),
    buckets: z.array(z.object({ key: z.string(), amount: z.number().int() })),
  }),
}).openapi("CustomerDetail");

const listCustomersRoute = createRoute({
  method: "get",
  path: "/customers",
  tags: ["customers"],
  summary: "Customers with their balances, in pages",
  request: {
    query: z.object({
      q: z
        .string()
        .max(200)
        .optional()
        .openapi({ description: "Case-insensitive part of the ref or the name" }),
      currency: CurrencyCodeSchema.optional(),
      overdue: TrueFalseSchema.optional().openapi({
        description: "true: only customers with overdue invoices",
      }),
      limit: LimitSchema,
      cursor: CursorSchema.optional(),
    }),
  },
  responses: {
    200: jsonContent(CustomerPageSchema, "One page of customers, ordered by creation"),
    ...errorResponses(400, 500),
  },
});

const getCustomerRoute = createRoute({
  method: "get",
  path: "/customers/{ref}",
  tags: ["customers"],
  summary: "One customer with contact, balances and aging as of today",
  request: { params: z.object({ ref: RefParamSchema }) },
  responses: {
    200: jsonContent(CustomerDetailSchema, "The customer"),
    ...errorResponses(400, 404, 500),
  },
});

function money(amount: number, currency: string) {
  return { amount, currency };
}

function summary(customer: CustomerRecord) {
  return {
    customerRef: customer.customerRef,
    name: customer.name,
    currency: customer.currency,
    country: customer.country,
    paymentTermsDays: customer.paymentTermsDays,
    creditLimit: customer.creditLimit === null ? null : money(customer.creditLimit, customer.currency),
    ownerEmail: customer.ownerEmail,
    collectorEmail: customer.collectorEmail,
    balance: money(customer.balance, customer.currency),
    overdue: money(customer.overdue, customer.currency),
  };
}

export function customerRoutes(deps: ServerDeps): OpenAPIHono {
  const { store } = deps;
  const db = store.handle.pool;
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest })
    .openapi(listCustomersRoute, async (c) => {
      const query = c.req.valid("query");
      const rows = await listCustomers(db, {
        organisationId: store.organisationId,
        today: today(deps),
        q: query.q,
        currency: query.currency,
        overdue: query.overdue === "true",
        afterId: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
        limit: query.limit + 1,
      });
      const page = toPage(rows, query.limit, (row) => row.id);
      return c.json({ items: page.rows.map(summary), nextCursor: page.nextCursor }, 200);
    })
    .openapi(getCustomerRoute, async (c) => {
      const { ref } = c.req.valid("param");
      const asOf = today(deps);
      const customer = await findCustomer(db, {
        organisationId: store.organisationId,
        customerRef: ref,
        today: asOf,
      });
      if (!customer) throw new RecoupError("CUSTOMER_NOT_FOUND", `no customer with ref "${ref}"`);
      const aging = await agingReport(db, { organisationId: store.organisationId, asOf, customerRef: ref });
      const line = aging.customers.find((l) => l.currency === customer.currency);
      return c.json(
        {
          ...summary(customer),
          parentRef: customer.parentRef,
          language: customer.language,
          requiresPo: customer.requiresPo,
          doNotContact: customer.doNotContact,
          pausedUntil: customer.pausedUntil,
          primaryContact: customer.primaryContact,
          contacts: customer.contacts,
          unapplied: money(line?.unapplied ?? 0, customer.currency),
          aging: {
            asOf: aging.asOf,
            basis: aging.basis,
            bucketBounds: aging.bucketBounds,
            total: line?.total ?? 0,
            buckets:
              line?.buckets ??
              bucketKeys(DEFAULT_BUCKET_BOUNDS, aging.basis).map((key) => ({ key, amount: 0 })),
          },
        },
        200,
      );
    });
}
