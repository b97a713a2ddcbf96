import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { agingReport } from "../../analytics/aging-report.js";
import { kpiReport } from "../../analytics/kpi-report.js";
import { parseBucketBounds } from "../../domain/aging.js";
import { rejectInvalidRequest } from "../http-errors.js";
import {
  BucketBoundsSchema,
  CalendarDateSchema,
  customerFilterFrom,
  CustomerFilterQuery,
  errorResponses,
  jsonContent,
  RefParamSchema,
  TrueFalseSchema,
} from "../schemas.js";
import { today, type ServerDeps } from "../server-deps.js";

const BucketAmountSchema = z.object({ key: z.string(), amount: z.number().int() });

export const AgingReportSchema = z
  .object({
    asOf: z.string().openapi({ format: "date" }),
    basis: z.enum(["due", "issue"]),
    bucketBounds: z.array(z.number().int()),
    totals: z.array(
      z.object({
        currency: z.string(),
        total: z.number().int(),
        unapplied: z.number().int(),
        buckets: z.array(BucketAmountSchema),
      }),
    ),
    customers: z.array(
      z.object({
        customerRef: z.string(),
        name: z.string(),
        currency: z.string(),
        total: z.number().int(),
        unapplied: z.number().int(),
        buckets: z.array(BucketAmountSchema),
      }),
    ),
  })
  .openapi("AgingReport", { description: "The JSON of `recoup aging --json`; amounts in minor units" });

const PromiseTallySchema = {
  judged: z.number().int(),
  kept: z.number().int(),
  partiallyKept: z.number().int(),
  broken: z.number().int(),
  keptRate: z.number().nullable().openapi({ description: "kept ÷ judged × 100" }),
};

const PromiseKpisSchema = z
  .object({
    ...PromiseTallySchema,
    promised: z.number().int(),
    collected: z.number().int().openapi({ description: "Paid towards them, each counted up to its amount" }),
    amountKeptRate: z.number().nullable().openapi({ description: "collected ÷ promised × 100" }),
    byCollector: z.array(z.object({ collector: z.string().nullable(), ...PromiseTallySchema })),
  })
  .openapi("PromiseKpis", { description: "Promises to pay judged in the period, in this currency" });

export const KpisSchema = z
  .object({
    from: z.string().openapi({ format: "date" }),
    to: z.string().openapi({ format: "date" }),
    days: z.number().int(),
    currency: z.string(),
    creditSales: z.number().int(),
    beginAr: z.number().int(),
    endAr: z.number().int(),
    endCurrentAr: z.number().int(),
    dso: z.object({ simple: z.number().nullable(), countback: z.number().nullable() }),
    bestPossibleDso: z.number().nullable(),
    add: z.number().nullable(),
    cei: z.number().nullable(),
    warnings: z.array(z.string()).optional(),
    promises: PromiseKpisSchema.optional(),
  })
  .openapi("Kpis");

export const KpiReportSchema = z
  .union([KpisSchema, z.object({ byCurrency: z.array(KpisSchema) })])
  .openapi("KpiReport", { description: "The JSON of `recoup kpis --json`: one currency, or byCurrency" });

const agingRoute = createRoute({
  method: "get",
  path: "/aging",
  tags: ["analytics"],
  summary: "Aging of open receivables by customer and bucket",
  request: {
    query: z.object({
      asOf: CalendarDateSchema.optional().openapi({
        description: "Default: today in the organisation's time zone",
      }),
      buckets: BucketBoundsSchema.optional(),
      basis: z.enum(["due", "issue"]).default("due"),
      customer: RefParamSchema.optional().openapi({ description: "One customer only (ref)" }),
      totalsOnly: TrueFalseSchema.optional().openapi({
        description: "true: the totals per currency only (customers is empty)",
      }),
      ...CustomerFilterQuery,
    }),
  },
  responses: {
    200: jsonContent(AgingReportSchema, "The aging report"),
    ...errorResponses(400, 404, 500),
  },
});

const kpisRoute = createRoute({
  method: "get",
  path: "/kpis",
  tags: ["analytics"],
  summary: "DSO (simple, countback), best-possible DSO, ADD and CEI for a period",
  request: {
    query: z.object({
      from: CalendarDateSchema.openapi({ description: "First day of the period" }),
      to: CalendarDateSchema.openapi({ description: "Last day of the period" }),
      ...CustomerFilterQuery,
    }),
  },
  responses: {
    200: jsonContent(KpiReportSchema, "The KPIs"),
    ...errorResponses(400, 500),
  },
});

export function reportRoutes(deps: ServerDeps): OpenAPIHono {
  const { store } = deps;
  const db = store.handle.pool;
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest })
    .openapi(agingRoute, async (c) => {
      const query = c.req.valid("query");
      const report = await agingReport(db, {
        organisationId: store.organisationId,
        asOf: query.asOf ?? today(deps),
        ...(query.buckets === undefined ? {} : { bounds: parseBucketBounds(query.buckets) }),
        basis: query.basis,
        ...(query.customer === undefined ? {} : { customerRef: query.customer }),
        totalsOnly: query.totalsOnly === "true",
        customers: customerFilterFrom(query),
      });
      return c.json(report, 200);
    })
    .openapi(kpisRoute, async (c) => {
      const query = c.req.valid("query");
      const report = await kpiReport(db, {
        organisationId: store.organisationId,
        from: query.from,
        to: query.to,
        customers: customerFilterFrom(query),
      });
      return c.json(report, 200);
    });
}
