import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { withTransportsFromEnvironment } from "../../channels/transports-from-environment.js";
import { PLAN_FREQUENCIES, PLAN_STATUSES, type PlanStatus } from "../../domain/payment-plan.js";
import { RecoupError } from "../../errors.js";
import { cancelPaymentPlan } from "../../plans/cancel-payment-plan.js";
import { createPaymentPlan } from "../../plans/create-payment-plan.js";
import { listPaymentPlans } from "../../plans/list-payment-plans.js";
import { readPlanAgreement } from "../../plans/read-plan-agreement.js";
import { signPaymentPlan } from "../../plans/sign-payment-plan.js";
import { rejectInvalidRequest } from "../http-errors.js";
import { decodeCursor, toPage } from "../pagination.js";
import {
  CalendarDateSchema,
  CursorSchema,
  errorResponses,
  IdParamSchema,
  jsonContent,
  LimitSchema,
  MoneySchema,
  RefParamSchema,
  valueList,
  valueListSchema,
} from "../schemas.js";
import type { ServerDeps } from "../server-deps.js";

export const PaymentPlanSchema = z
  .object({
    id: z.string(),
    customerRef: z.string(),
    customerName: z.string(),
    status: z.enum(PLAN_STATUSES),
    total: MoneySchema.openapi({ description: "The covered balance; the instalments add up to it exactly" }),
    paid: MoneySchema.openapi({ description: "Payments counted towards the plan as of its last evaluation" }),
    openOnInvoices: MoneySchema,
    frequency: z.enum(PLAN_FREQUENCIES),
    graceDays: z.number().int(),
    missesToDefault: z.number().int(),
    reminderDaysBefore: z.number().int().nullable(),
    createdOn: z.string(),
    signBy: z.string().nullable(),
    signedOn: z.string().nullable(),
    signedBy: z.string().nullable(),
    activatedOn: z.string().nullable(),
    completedOn: z.string().nullable(),
    defaultedOn: z.string().nullable(),
    cancelledOn: z.string().nullable(),
    cancelReason: z.string().nullable(),
    evaluatedOn: z.string().nullable(),
    missedInstalments: z.number().int(),
    invoices: z.array(z.object({ invoiceRef: z.string(), openAtStart: MoneySchema })),
    instalments: z.array(
      z.object({
        number: z.number().int(),
        kind: z.enum(["down_payment", "instalment"]),
        dueOn: z.string(),
        amount: MoneySchema,
        status: z.enum(["pending", "paid", "missed"]),
        paid: MoneySchema,
        paidOn: z.string().nullable(),
        missedOn: z.string().nullable(),
        reminderActionId: z.string().nullable(),
      }),
    ),
    agreement: z.union([
      z.object({
        status: z.enum(["planned", "sent", "failed"]),
        actionId: z.string(),
        channel: z.string(),
        messageId: z.string().nullable(),
      }),
      z.object({ status: z.literal("skipped"), reason: z.enum(["test_mode", "do_not_contact"]) }),
    ]),
    taskIds: z.array(z.string()),
    collectorEmail: z.string().nullable(),
    note: z.string().nullable(),
    createdBy: z.string(),
  })
  .openapi("PaymentPlan");

const IdParam = IdParamSchema;

const StatusListSchema = valueListSchema(PLAN_STATUSES, "active,defaulted");

const DecimalSchema = z
  .string()
  .min(1)
  .max(30)
  .openapi({ description: 'Decimal in major units, e.g. "100.00"' });

const listRoute = createRoute({
  method: "get",
  path: "/plans",
  tags: ["resolution"],
  summary: "Payment plans with their instalments, oldest first, in pages",
  request: {
    query: z.object({
      status: StatusListSchema.optional(),
      customer: RefParamSchema.optional().openapi({ description: "Customer ref" }),
      limit: LimitSchema,
      cursor: CursorSchema.optional(),
    }),
  },
  responses: {
    200: jsonContent(
      z.object({ items: z.array(PaymentPlanSchema), nextCursor: z.string().nullable() }),
      "A page",
    ),
    ...errorResponses(400, 500),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/plans/{id}",
  tags: ["resolution"],
  summary: "One payment plan with its instalments, payments and agreement",
  request: { params: IdParam },
  responses: { 200: jsonContent(PaymentPlanSchema, "The plan"), ...errorResponses(400, 404, 500) },
});

const agreementRoute = createRoute({
  method: "get",
  path: "/plans/{id}/agreement",
  tags: ["resolution"],
  summary: "The plan's agreement letter (PDF, with signature blocks) as it went to the customer",
  request: { params: IdParam },
  responses: {
    200: {
      description: "The PDF",
      content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } },
    },
    ...errorResponses(400, 404, 500),
  },
});

const createPlanRoute = createRoute({
  method: "post",
  path: "/plans",
  tags: ["resolution"],
  summary: "Agree a payment plan over some invoices and send the agreement to sign (DESIGN 5.6)",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            customerRef: RefParamSchema,
            invoiceRefs: z.array(RefParamSchema).min(1).max(500),
            instalments: z.number().int().min(1).max(520).optional(),
            first: CalendarDateSchema.openapi({ description: "The first regular instalment's date" }),
            every: z.enum(PLAN_FREQUENCIES).optional(),
            amounts: z.array(DecimalSchema).min(1).max(520).optional(),
            downPayment: DecimalSchema.optional(),
            downPaymentOn: CalendarDateSchema.optional(),
            graceDays: z.number().int().min(0).max(60).optional(),
            missesToDefault: z.number().int().min(1).max(100).optional(),
            reminderDaysBefore: z.number().int().min(0).max(60).nullable().optional(),
            collectorEmail: z.string().max(320).optional(),
            note: z.string().max(4000).optional(),
            asOf: CalendarDateSchema.optional().openapi({ description: "Business date; default today" }),
          }),
        },
      },
    },
  },
  responses: { 201: jsonContent(PaymentPlanSchema, "The plan"), ...errorResponses(400, 404, 409, 500) },
});

const ChangeBody = (fields: z.ZodRawShape) => ({
  required: false,
  content: { "application/json": { schema: z.object({ ...fields, asOf: CalendarDateSchema.optional() }) } },
});

const signRoute = createRoute({
  method: "post",
  path: "/plans/{id}/signature",
  tags: ["resolution"],
  summary: "Record the customer's signature (a proposed plan becomes active)",
  request: { params: IdParam, body: ChangeBody({ signedBy: z.string().max(200).optional() }) },
  responses: {
    200: jsonContent(PaymentPlanSchema, "The signed plan"),
    ...errorResponses(400, 404, 409, 500),
  },
});

const cancelRoute = createRoute({
  method: "post",
  path: "/plans/{id}/cancellation",
  tags: ["resolution"],
  summary: "Cancel a proposed or active plan (refused for a closed one)",
  request: { params: IdParam, body: ChangeBody({ reason: z.string().max(500).optional() }) },
  responses: {
    200: jsonContent(PaymentPlanSchema, "The cancelled plan"),
    ...errorResponses(400, 404, 409, 500),
  },
});

/** Payment plans (DESIGN 5.6): create, list, read, sign, cancel, and the agreement PDF. */
export function planRoutes(deps: ServerDeps): OpenAPIHono {
  const { store, clock } = deps;
  const db = store.handle.pool;
  const jsonBody = <T>(
    c: { req: { header(name: string): string | undefined } },
    read: () => T,
  ): T | object => (c.req.header("content-type")?.includes("application/json") ? read() : {});
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest })
    .openapi(listRoute, async (c) => {
      const query = c.req.valid("query");
      const rows = await listPaymentPlans(db, store.organisationId, {
        limit: query.limit + 1,
        ...(query.status !== undefined ? { statuses: valueList<PlanStatus>(query.status) } : {}),
        ...(query.customer !== undefined ? { customerRef: query.customer } : {}),
        ...(query.cursor !== undefined ? { afterId: decodeCursor(query.cursor)! } : {}),
      });
      const page = toPage(rows, query.limit, (row) => Number(row.id));
      return c.json({ items: page.rows, nextCursor: page.nextCursor }, 200);
    })
    .openapi(getRoute, async (c) => {
      const { id } = c.req.valid("param");
      const [found] = await listPaymentPlans(db, store.organisationId, { ids: [Number(id)], limit: 1 });
      if (!found) throw new RecoupError("PLAN_NOT_FOUND", `no payment plan ${id}`);
      return c.json(found, 200);
    })
    .openapi(agreementRoute, async (c) => {
      const { id } = c.req.valid("param");
      const document = await readPlanAgreement({ store, clock, actor: "api", planId: id });
      return c.body(new Uint8Array(document.content), 200, {
        "Content-Type": document.contentType,
        "Content-Disposition": `attachment; filename="${document.filename}"`,
      });
    })
    .openapi(createPlanRoute, async (c) => {
      const body = c.req.valid("json");
      const created = await withTransportsFromEnvironment((dispatch) =>
        createPaymentPlan({ store, clock, actor: "api", ...body, dispatch }),
      );
      return c.json(created, 201);
    })
    .openapi(signRoute, async (c) => {
      const { id } = c.req.valid("param");
      const body = jsonBody(c, () => c.req.valid("json"));
      return c.json(await signPaymentPlan({ store, clock, actor: "api", planId: id, ...body }), 200);
    })
    .openapi(cancelRoute, async (c) => {
      const { id } = c.req.valid("param");
      const body = jsonBody(c, () => c.req.valid("json"));
      return c.json(await cancelPaymentPlan({ store, clock, actor: "api", planId: id, ...body }), 200);
    });
}
