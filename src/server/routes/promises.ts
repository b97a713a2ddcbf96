import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { withTransportsFromEnvironment } from "../../channels/transports-from-environment.js";
import { PROMISE_SOURCES, PROMISE_STATUSES, type PromiseStatus } from "../../domain/promise-to-pay.js";
import { RecoupError } from "../../errors.js";
import { cancelPromise } from "../../promises/cancel-promise.js";
import { listPromises } from "../../promises/list-promises.js";
import { recordPromise } from "../../promises/record-promise.js";
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

const OutboxLinkSchema = z.union([
  z.object({
    status: z.enum(["planned", "sent", "failed"]),
    actionId: z.string(),
    channel: z.string(),
    messageId: z.string().nullable().openapi({ description: "The outbox message, once dispatched" }),
  }),
  z.object({ status: z.literal("skipped"), reason: z.enum(["test_mode", "do_not_contact"]) }),
]);

export const PromiseSchema = z
  .object({
    id: z.string(),
    customerRef: z.string(),
    customerName: z.string(),
    status: z.enum(PROMISE_STATUSES),
    amount: MoneySchema,
    promisedOn: z.string().openapi({ format: "date" }),
    graceDays: z.number().int(),
    deadline: z
      .string()
      .openapi({ format: "date", description: "promisedOn + graceDays: dunning resumes the day after" }),
    recordedOn: z.string().openapi({ format: "date" }),
    source: z.enum(PROMISE_SOURCES),
    contact: z.string().nullable(),
    collectorEmail: z.string().nullable(),
    note: z.string().nullable(),
    invoices: z.array(z.object({ invoiceRef: z.string(), openAtRecord: MoneySchema })),
    paid: z
      .union([MoneySchema, z.null()])
      .openapi({ description: "What counted towards it when it was judged" }),
    evaluatedOn: z.string().nullable(),
    cancelledOn: z.string().nullable(),
    cancelReason: z.string().nullable(),
    confirmation: OutboxLinkSchema,
    taskId: z.string().nullable(),
    recordedBy: z.string(),
  })
  .openapi("PromiseToPay");

const IdParam = IdParamSchema;

const StatusListSchema = valueListSchema(PROMISE_STATUSES, "open,broken");

const listRoute = createRoute({
  method: "get",
  path: "/promises",
  tags: ["resolution"],
  summary: "Promises to pay, oldest first, in pages",
  request: {
    query: z.object({
      status: StatusListSchema.optional(),
      customer: RefParamSchema.optional().openapi({ description: "Customer ref" }),
      collector: z.string().min(3).max(320).optional(),
      dueOn: CalendarDateSchema.optional().openapi({
        description: "Open promises whose promised date is this day",
      }),
      evaluatedFrom: CalendarDateSchema.optional().openapi({ description: "Judged on or after this day" }),
      evaluatedTo: CalendarDateSchema.optional().openapi({ description: "Judged on or before this day" }),
      limit: LimitSchema,
      cursor: CursorSchema.optional(),
    }),
  },
  responses: {
    200: jsonContent(
      z.object({ items: z.array(PromiseSchema), nextCursor: z.string().nullable() }),
      "A page",
    ),
    ...errorResponses(400, 500),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/promises/{id}",
  tags: ["resolution"],
  summary: "One promise to pay with its invoices, confirmation and outcome",
  request: { params: IdParam },
  responses: { 200: jsonContent(PromiseSchema, "The promise"), ...errorResponses(400, 404, 500) },
});

const recordRoute = createRoute({
  method: "post",
  path: "/promises",
  tags: ["resolution"],
  summary: "Record a promise to pay and send its written confirmation (DESIGN 5.6)",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            customerRef: RefParamSchema,
            amount: z
              .string()
              .min(1)
              .max(30)
              .openapi({ description: 'Decimal in major units, e.g. "100.00"' }),
            promisedOn: CalendarDateSchema,
            invoiceRefs: z
              .array(RefParamSchema)
              .min(1)
              .max(500)
              .optional()
              .openapi({ description: "Default: the customer's oldest open invoices up to the amount" }),
            graceDays: z.number().int().min(0).max(60).optional(),
            source: z.enum(PROMISE_SOURCES).optional(),
            contact: z.string().max(200).optional(),
            collectorEmail: z.string().max(320).optional(),
            note: z.string().max(4000).optional(),
            asOf: CalendarDateSchema.optional().openapi({ description: "Business date; default today" }),
          }),
        },
      },
    },
  },
  responses: {
    201: jsonContent(PromiseSchema, "The promise recorded"),
    ...errorResponses(400, 404, 409, 500),
  },
});

const cancelRoute = createRoute({
  method: "post",
  path: "/promises/{id}/cancellation",
  tags: ["resolution"],
  summary: "Cancel an open promise (refused once it is judged or past its deadline)",
  request: {
    params: IdParam,
    body: {
      required: false,
      content: {
        "application/json": {
          schema: z.object({
            reason: z.string().max(500).optional(),
            asOf: CalendarDateSchema.optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: jsonContent(PromiseSchema, "The cancelled promise"),
    ...errorResponses(400, 404, 409, 500),
  },
});

/** Promises to pay (DESIGN 5.6): record, list, read, cancel. */
export function promiseRoutes(deps: ServerDeps): OpenAPIHono {
  const { store, clock } = deps;
  const db = store.handle.pool;
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest })
    .openapi(listRoute, async (c) => {
      const query = c.req.valid("query");
      const rows = await listPromises(db, store.organisationId, {
        limit: query.limit + 1,
        ...(query.status !== undefined ? { statuses: valueList<PromiseStatus>(query.status) } : {}),
        ...(query.customer !== undefined ? { customerRef: query.customer } : {}),
        ...(query.collector !== undefined ? { collectorEmail: query.collector } : {}),
        ...(query.dueOn !== undefined ? { dueOn: query.dueOn } : {}),
        ...(query.evaluatedFrom !== undefined ? { evaluatedFrom: query.evaluatedFrom } : {}),
        ...(query.evaluatedTo !== undefined ? { evaluatedTo: query.evaluatedTo } : {}),
        ...(query.cursor !== undefined ? { afterId: decodeCursor(query.cursor)! } : {}),
      });
      const page = toPage(rows, query.limit, (row) => Number(row.id));
      return c.json({ items: page.rows, nextCursor: page.nextCursor }, 200);
    })
    .openapi(getRoute, async (c) => {
      const { id } = c.req.valid("param");
      const [found] = await listPromises(db, store.organisationId, { ids: [Number(id)], limit: 1 });
      if (!found) throw new RecoupError("PROMISE_NOT_FOUND", `no promise ${id}`);
      return c.json(found, 200);
    })
    .openapi(recordRoute, async (c) => {
      const body = c.req.valid("json");
      const recorded = await withTransportsFromEnvironment((dispatch) =>
        recordPromise({ store, clock, actor: "api", ...body, dispatch }),
      );
      return c.json(recorded, 201);
    })
    .openapi(cancelRoute, async (c) => {
      const { id } = c.req.valid("param");
      const body = c.req.header("content-type")?.includes("application/json") ? c.req.valid("json") : {};
      return c.json(await cancelPromise({ store, clock, actor: "api", promiseId: id, ...body }), 200);
    });
}
