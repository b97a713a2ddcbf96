import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { listCustomerTimeline } from "../../collections/list-customer-timeline.js";
import { rejectInvalidRequest } from "../http-errors.js";
import { errorResponses, jsonContent, LimitSchema, RefParamSchema } from "../schemas.js";
import type { ServerDeps } from "../server-deps.js";

export const TimelineEntrySchema = z
  .object({
    id: z.string().openapi({ description: "event:<seq>, invoice:<id>, payment:<id> or credit_note:<id>" }),
    kind: z.enum(["event", "invoice", "payment", "credit_note"]),
    at: z.string().openapi({ format: "date-time" }),
    date: z
      .string()
      .openapi({ format: "date", description: "The business date in the organisation's time zone" }),
    action: z.string().openapi({ example: "collection.message_sent" }),
    actor: z.string(),
    summary: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi("TimelineEntry");

export const TimelinePageSchema = z
  .object({
    customerRef: z.string(),
    entries: z.array(TimelineEntrySchema),
    nextCursor: z.string().nullable().openapi({ description: "Pass as `before` for older entries" }),
  })
  .openapi("CustomerTimeline");

const timelineRoute = createRoute({
  method: "get",
  path: "/customers/{ref}/timeline",
  tags: ["customers"],
  summary: "Everything that happened with a customer, newest first",
  description:
    "Audit events about the customer, its invoices and everything that names it (messages, tasks, disputes, promises, plans, escalations), and the ledger's documents (invoices, payments, credit notes).",
  request: {
    params: z.object({ ref: RefParamSchema }),
    query: z.object({
      limit: LimitSchema,
      before: z.string().max(100).optional().openapi({ description: "The nextCursor of the previous page" }),
    }),
  },
  responses: {
    200: jsonContent(TimelinePageSchema, "The customer's timeline, newest first"),
    ...errorResponses(400, 404, 500),
  },
});

/** The customer timeline (issue 4: every state transition on the customer's timeline). */
export function timelineRoutes(deps: ServerDeps): OpenAPIHono {
  const { store } = deps;
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest }).openapi(timelineRoute, async (c) => {
    const { ref } = c.req.valid("param");
    const query = c.req.valid("query");
    const page = await listCustomerTimeline(store.handle.pool, {
      organisationId: store.organisationId,
      customerRef: ref,
      timeZone: store.timeZone,
      limit: query.limit,
      ...(query.before ? { before: query.before } : {}),
    });
    return c.json(page, 200);
  });
}
