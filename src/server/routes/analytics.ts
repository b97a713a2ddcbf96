import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { cashForecast } from "../../analytics/cash-forecast.js";
import { kpiTrend } from "../../analytics/kpi-report.js";
import { migrationReport } from "../../analytics/migration-report.js";
import { reportFilterOptions } from "../../analytics/report-filter-options.js";
import { segmentDistribution } from "../../analytics/segment-distribution.js";
import { topOverdueCustomers } from "../../analytics/top-overdue-customers.js";
import { parseBucketBounds } from "../../domain/aging.js";
import { addMonths, startOfMonth } from "../../domain/calendar-date.js";
import { rejectInvalidRequest } from "../http-errors.js";
import {
  BucketBoundsSchema,
  CalendarDateSchema,
  CurrencyCodeSchema,
  customerFilterFrom,
  CustomerFilterQuery,
  errorResponses,
  jsonContent,
} from "../schemas.js";
import { today, type ServerDeps } from "../server-deps.js";
import { KpisSchema } from "./reports.js";

export const KpiTrendSchema = z
  .object({
    to: z.string().openapi({ format: "date" }),
    months: z.number().int(),
    byCurrency: z.array(
      z.object({
        currency: z.string(),
        months: z.array(KpisSchema.extend({ month: z.string().openapi({ example: "2026-04" }) })),
      }),
    ),
  })
  .openapi("KpiTrend", {
    description: "The KPIs of each calendar month (the month of `to` up to `to`), as `/kpis` computes them",
  });

export const RollRatesSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    step: z.literal("month"),
    basis: z.literal("due"),
    bucketBounds: z.array(z.number().int()),
    byCurrency: z.array(
      z.object({
        currency: z.string(),
        snapshots: z.array(
          z.object({
            asOf: z.string(),
            buckets: z.array(z.object({ key: z.string(), amount: z.number().int() })),
          }),
        ),
        transitions: z.array(
          z.object({
            from: z.string(),
            to: z.string(),
            rollRates: z.array(z.object({ from: z.string(), to: z.string(), rate: z.number().nullable() })),
          }),
        ),
      }),
    ),
  })
  .openapi("AgingMigration", { description: "The JSON of `recoup migration --json`" });

export const SegmentDistributionSchema = z
  .object({
    asOf: z.string(),
    byCurrency: z.array(
      z.object({
        currency: z.string(),
        segments: z.array(
          z.object({
            segment: z.string(),
            customers: z.number().int(),
            open: z.number().int(),
            overdue: z.number().int(),
          }),
        ),
      }),
    ),
  })
  .openapi("SegmentDistribution");

export const OverdueAccountSchema = z
  .object({
    customerRef: z.string(),
    name: z.string(),
    currency: z.string(),
    overdue: z.number().int(),
    open: z.number().int(),
    oldestDaysPastDue: z.number().int(),
    overdueInvoices: z.number().int(),
    riskRating: z.string().nullable(),
    segment: z.string().nullable(),
    collectorEmail: z.string().nullable(),
    ownerEmail: z.string().nullable(),
  })
  .openapi("OverdueAccount");

export const CashForecastSchema = z
  .object({
    asOf: z.string(),
    weeks: z.number().int(),
    byCurrency: z.array(
      z.object({
        currency: z.string(),
        overdue: z.number().int(),
        weeks: z.array(
          z.object({
            from: z.string(),
            to: z.string(),
            amount: z.number().int(),
            invoices: z.number().int(),
          }),
        ),
        later: z.number().int(),
      }),
    ),
  })
  .openapi("CashForecast", {
    description: "Open items by due week: contractual due dates, not a payment prediction",
  });

export const ReportFilterOptionsSchema = z
  .object({
    entities: z.array(z.object({ code: z.string(), name: z.string(), baseCurrency: z.string() })),
    currencies: z.array(z.string()),
    segments: z.array(z.string()),
    collectors: z.array(z.string()),
    owners: z.array(z.string()),
  })
  .openapi("ReportFilterOptions");

const AsOf = CalendarDateSchema.optional().openapi({ description: "Default: today" });

const kpiTrendRoute = createRoute({
  method: "get",
  path: "/analytics/kpi-trend",
  tags: ["analytics"],
  summary: "DSO (both methods), best-possible DSO, ADD and CEI month by month",
  request: {
    query: z.object({
      to: AsOf,
      months: z.coerce.number().int().min(1).max(60).default(12),
      ...CustomerFilterQuery,
    }),
  },
  responses: { 200: jsonContent(KpiTrendSchema, "The trend"), ...errorResponses(400, 500) },
});

const rollRatesRoute = createRoute({
  method: "get",
  path: "/analytics/roll-rates",
  tags: ["analytics"],
  summary: "Aging migration: balances by bucket at month-ends and the roll rates between them",
  request: {
    query: z.object({
      to: AsOf,
      months: z.coerce.number().int().min(1).max(24).default(6),
      buckets: BucketBoundsSchema.optional(),
      ...CustomerFilterQuery,
    }),
  },
  responses: { 200: jsonContent(RollRatesSchema, "The migration"), ...errorResponses(400, 500) },
});

const segmentsRoute = createRoute({
  method: "get",
  path: "/analytics/segments",
  tags: ["analytics"],
  summary: "Open and overdue receivables by segment",
  request: { query: z.object({ asOf: AsOf, ...CustomerFilterQuery }) },
  responses: { 200: jsonContent(SegmentDistributionSchema, "By segment"), ...errorResponses(400, 500) },
});

const topOverdueRoute = createRoute({
  method: "get",
  path: "/analytics/top-overdue",
  tags: ["analytics"],
  summary: "The accounts with the most overdue, largest first",
  request: {
    query: z.object({
      asOf: AsOf,
      currency: CurrencyCodeSchema.optional(),
      limit: z.coerce.number().int().min(1).max(100).default(10),
      ...CustomerFilterQuery,
    }),
  },
  responses: {
    200: jsonContent(z.object({ asOf: z.string(), items: z.array(OverdueAccountSchema) }), "The accounts"),
    ...errorResponses(400, 500),
  },
});

const cashForecastRoute = createRoute({
  method: "get",
  path: "/analytics/cash-forecast",
  tags: ["analytics"],
  summary: "Cash expected over the next weeks from the open items' due dates",
  request: {
    query: z.object({
      asOf: AsOf,
      weeks: z.coerce.number().int().min(1).max(26).default(8),
      ...CustomerFilterQuery,
    }),
  },
  responses: { 200: jsonContent(CashForecastSchema, "By week"), ...errorResponses(400, 500) },
});

const filterOptionsRoute = createRoute({
  method: "get",
  path: "/analytics/filters",
  tags: ["analytics"],
  summary: "The values the report filters can take: entities, currencies, segments, collectors, owners",
  responses: { 200: jsonContent(ReportFilterOptionsSchema, "The options"), ...errorResponses(500) },
});

/** The dashboard's read-only reports, computed by src/analytics, each with the customer filters. */
export function analyticsRoutes(deps: ServerDeps): OpenAPIHono {
  const { store } = deps;
  const db = store.handle.pool;
  const organisationId = store.organisationId;
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest })
    .openapi(kpiTrendRoute, async (c) => {
      const query = c.req.valid("query");
      const trend = await kpiTrend(db, {
        organisationId,
        to: query.to ?? today(deps),
        months: query.months,
        customers: customerFilterFrom(query),
      });
      return c.json(trend, 200);
    })
    .openapi(rollRatesRoute, async (c) => {
      const query = c.req.valid("query");
      const to = query.to ?? today(deps);
      const report = await migrationReport(db, {
        organisationId,
        from: startOfMonth(addMonths(to, -(query.months - 1))),
        to,
        ...(query.buckets === undefined ? {} : { bounds: parseBucketBounds(query.buckets) }),
        customers: customerFilterFrom(query),
      });
      return c.json(report, 200);
    })
    .openapi(segmentsRoute, async (c) => {
      const query = c.req.valid("query");
      const distribution = await segmentDistribution(db, {
        organisationId,
        asOf: query.asOf ?? today(deps),
        customers: customerFilterFrom(query),
      });
      return c.json(distribution, 200);
    })
    .openapi(topOverdueRoute, async (c) => {
      const query = c.req.valid("query");
      const asOf = query.asOf ?? today(deps);
      const items = await topOverdueCustomers(db, {
        organisationId,
        asOf,
        limit: query.limit,
        ...(query.currency === undefined ? {} : { currency: query.currency }),
        customers: customerFilterFrom(query),
      });
      return c.json({ asOf, items }, 200);
    })
    .openapi(cashForecastRoute, async (c) => {
      const query = c.req.valid("query");
      const forecast = await cashForecast(db, {
        organisationId,
        asOf: query.asOf ?? today(deps),
        weeks: query.weeks,
        customers: customerFilterFrom(query),
      });
      return c.json(forecast, 200);
    })
    .openapi(filterOptionsRoute, async (c) => c.json(await reportFilterOptions(db, organisationId), 200));
}
