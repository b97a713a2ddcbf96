import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { rejectInvalidRequest } from "../http-errors.js";
import { readCustomerProfile } from "../../collections/read-customer-profile.js";
import { refreshCustomerProfiles } from "../../collections/refresh-customer-profiles.js";
import { RecoupError } from "../../errors.js";
import { CalendarDateSchema, errorResponses, jsonContent, MoneySchema, RefParamSchema } from "../schemas.js";
import { today, type ServerDeps } from "../server-deps.js";
import { PaymentPlanSchema } from "./plans.js";
import { PromiseSchema } from "./promises.js";

const RATING = z.enum(["A", "B", "C", "D"]);

const SEGMENT = z.enum([
  "high-value-low-risk",
  "high-value-high-risk",
  "low-value-low-risk",
  "low-value-high-risk",
  "chronic-delinquent",
]);

export const RefreshSummarySchema = z
  .object({
    asOf: z.string(),
    customers: z.number().int(),
    byRating: z.record(RATING, z.number().int()),
    bySegment: z.record(SEGMENT, z.number().int()),
    changed: z.number().int(),
  })
  .openapi("ProfileRefreshSummary");

const RiskFactorSchema = z
  .object({
    key: z.string(),
    value: z.number().nullable(),
    points: z.number(),
    maxPoints: z.number(),
    explanation: z.string(),
  })
  .openapi("RiskFactor");

export const CustomerProfileSchema = z
  .object({
    customerRef: z.string(),
    name: z.string(),
    asOf: z.string(),
    risk: z.object({ score: z.number().int(), rating: RATING, factors: z.array(RiskFactorSchema) }),
    segment: z.object({ key: SEGMENT, reason: z.string(), since: z.string() }),
    behaviour: z.object({
      settledInvoices: z.number().int(),
      settledLate: z.number().int(),
      settledSeverelyLate: z.number().int(),
      avgDaysLate: z.number().nullable(),
      recentAvgDaysLate: z.number().nullable(),
      baselineAvgDaysLate: z.number().nullable(),
      overdueInvoices: z.number().int(),
      severelyOverdueInvoices: z.number().int(),
      overdueAvgDaysPastDue: z.number().nullable(),
      oldestDaysPastDue: z.number().int().nullable(),
    }),
    open: MoneySchema,
    overdue: MoneySchema,
    annualBilling: MoneySchema,
    creditLimit: z.union([MoneySchema, z.null()]),
    creditUtilisation: z.number().nullable(),
    history: z.array(
      z.object({
        asOf: z.string(),
        rating: z.object({ from: RATING.nullable(), to: RATING }),
        score: z.object({ from: z.number().int().nullable(), to: z.number().int() }),
        segment: z.object({ from: SEGMENT.nullable(), to: SEGMENT }),
        reason: z.string(),
        factorsMoved: z.array(z.object({ key: z.string(), delta: z.number(), explanation: z.string() })),
      }),
    ),
    promiseKeptRate: z.object({
      from: z.string(),
      to: z.string(),
      kept: z.number().int(),
      partiallyKept: z.number().int(),
      broken: z.number().int(),
      keptRate: z
        .number()
        .nullable()
        .openapi({ description: "kept ÷ judged × 100 over the 365 days up to asOf" }),
    }),
    promises: z.array(PromiseSchema).openapi({ description: "Newest first" }),
    plans: z.array(PaymentPlanSchema).openapi({ description: "Newest first" }),
  })
  .openapi("CustomerProfile");

const refreshProfilesRoute = createRoute({
  method: "post",
  path: "/customers/profiles/refresh",
  tags: ["collections"],
  summary: "Measure payment behaviour, rate risk and segment every customer as of a date",
  request: {
    body: {
      required: false,
      content: {
        "application/json": {
          schema: z.object({
            asOf: CalendarDateSchema.optional().openapi({ description: "Default: today" }),
          }),
        },
      },
    },
  },
  responses: {
    200: jsonContent(RefreshSummarySchema, "Counts by rating and segment"),
    ...errorResponses(400, 500),
  },
});

const getProfileRoute = createRoute({
  method: "get",
  path: "/customers/{ref}/profile",
  tags: ["collections"],
  summary:
    "A customer's payment behaviour, risk rating with its factors, segment with its reason, and their history",
  request: { params: z.object({ ref: RefParamSchema }) },
  responses: { 200: jsonContent(CustomerProfileSchema, "The profile"), ...errorResponses(404, 500) },
});

/** Customer profiles: payment behaviour, risk rating with its factors, segment with its reason. */
export function profileRoutes(deps: ServerDeps): OpenAPIHono {
  const { store } = deps;
  const db = store.handle.pool;
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest })
    .openapi(refreshProfilesRoute, async (c) => {
      const body = c.req.header("content-type")?.includes("application/json") ? c.req.valid("json") : {};
      const summary = await refreshCustomerProfiles({
        store,
        clock: deps.clock,
        actor: "api",
        asOf: body.asOf ?? today(deps),
      });
      return c.json(summary, 200);
    })
    .openapi(getProfileRoute, async (c) => {
      const { ref } = c.req.valid("param");
      const profile = await readCustomerProfile(db, store.organisationId, ref);
      if (profile === null) {
        throw new RecoupError(
          "NOT_FOUND",
          `customer "${ref}" has no profile yet: refresh the profiles (POST /customers/profiles/refresh) or run the daily cycle`,
        );
      }
      return c.json(profile, 200);
    });
}
