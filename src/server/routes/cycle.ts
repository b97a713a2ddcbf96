import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { rejectInvalidRequest } from "../http-errors.js";
import { transportsFromEnvironment } from "../../channels/transports-from-environment.js";
import { listOutbox } from "../../collections/list-outbox.js";
import { runCollectionsCycle } from "../../collections/run-collections-cycle.js";
import { knownTemplateKeys } from "../../collections/message-template-store.js";
import { validatePolicy } from "../../collections/policy-document.js";
import { decodeCursor, toPage } from "../pagination.js";
import {
  CalendarDateSchema,
  CursorSchema,
  errorResponses,
  jsonContent,
  LimitSchema,
  RefParamSchema,
} from "../schemas.js";
import { today, type ServerDeps } from "../server-deps.js";
import { RefreshSummarySchema } from "./profiles.js";

const CHANNEL = z.enum(["email", "letter", "call", "sms", "notify_owner"]);

export const CycleResultSchema = z
  .object({
    asOf: z.string(),
    dryRun: z.boolean(),
    actions: z.array(
      z.object({
        id: z.string().nullable().openapi({ description: "null in a dry run" }),
        customerRef: z.string(),
        workflow: z.string(),
        step: z.string(),
        channel: CHANNEL,
        invoiceRefs: z.array(z.string()),
        status: z.enum(["planned", "sent", "task_created", "failed"]),
      }),
    ),
    skipped: z.array(
      z.object({
        customerRef: z.string(),
        invoiceRefs: z.array(z.string()),
        step: z.string(),
        reason: z.enum([
          "paused",
          "do_not_contact",
          "disputed",
          "promise",
          "payment_plan",
          "frequency_cap",
          "below_minimum",
          "superseded",
          "test_mode",
        ]),
      }),
    ),
    profiles: RefreshSummarySchema,
    dispatchedEarlier: z.number().int(),
    delivery: z
      .object({ delivered: z.number().int(), retrying: z.number().int(), failed: z.number().int() })
      .optional(),
    resolution: z.object({
      promises: z.object({
        kept: z.number().int(),
        partiallyKept: z.number().int(),
        broken: z.number().int(),
        cancelled: z.number().int(),
        tasks: z.number().int(),
      }),
      plans: z.object({
        lapsed: z.number().int(),
        completed: z.number().int(),
        defaulted: z.number().int(),
        instalmentsPaid: z.number().int(),
        instalmentsMissed: z.number().int(),
        tasks: z.number().int(),
        reminders: z.number().int(),
      }),
    }),
    timings: z.object({
      resolutionMs: z.number().int(),
      refreshMs: z.number().int(),
      selectMs: z.number().int(),
      planMs: z.number().int(),
      recordMs: z.number().int(),
      dispatchMs: z.number().int(),
    }),
  })
  .openapi("CycleResult");

export const OutboxEntrySchema = z
  .object({
    id: z.string(),
    to: z.array(z.string()),
    subject: z.string(),
    customerRef: z.string(),
    invoiceRefs: z.array(z.string()),
    step: z.string(),
    channel: z.string(),
    language: z.string(),
    deliveredBy: z.string(),
    createdAt: z.string(),
    body: z.string().optional(),
  })
  .openapi("OutboxMessage");

const runCycleRoute = createRoute({
  method: "post",
  path: "/cycle/runs",
  tags: ["collections"],
  summary: "Run the daily collections cycle for a business day (DESIGN 5.5); a dry run changes nothing",
  request: {
    body: {
      required: false,
      content: {
        "application/json": {
          schema: z.object({
            asOf: CalendarDateSchema.optional().openapi({ description: "Default: today" }),
            dryRun: z.boolean().optional(),
            policy: z.record(z.string(), z.unknown()).optional().openapi({
              description:
                "Dry runs only: plan with this draft policy (the document of PUT /policy) instead of the one in force",
            }),
          }),
        },
      },
    },
  },
  responses: {
    200: jsonContent(CycleResultSchema, "What the cycle planned, sent and skipped"),
    ...errorResponses(400, 422, 500),
  },
});

const listOutboxRoute = createRoute({
  method: "get",
  path: "/outbox",
  tags: ["collections"],
  summary: "Messages Recoup produced, newest first, with their rendered text",
  request: {
    query: z.object({
      customer: RefParamSchema.optional(),
      limit: LimitSchema,
      cursor: CursorSchema.optional(),
    }),
  },
  responses: {
    200: jsonContent(
      z.object({ items: z.array(OutboxEntrySchema), nextCursor: z.string().nullable() }),
      "A page",
    ),
    ...errorResponses(400, 500),
  },
});

/** The daily collections cycle (DESIGN 5.5) and the outbox of what it produced. */
export function cycleRoutes(deps: ServerDeps): OpenAPIHono {
  const { store } = deps;
  const db = store.handle.pool;
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest })
    .openapi(runCycleRoute, async (c) => {
      const body = c.req.header("content-type")?.includes("application/json") ? c.req.valid("json") : {};
      const draft =
        body.policy === undefined
          ? undefined
          : validatePolicy(body.policy, {
              knownTemplates: await knownTemplateKeys(db, store.organisationId),
              source: "policy",
            });
      // With RECOUP_SMTP_URL (RECOUP_SMS_WEBHOOK_URL) set, email (text messages) is delivered;
      // otherwise it stays in the outbox.
      const transports = transportsFromEnvironment(process.env, !body.dryRun);
      try {
        const result = await runCollectionsCycle({
          store,
          clock: deps.clock,
          actor: "api",
          asOf: body.asOf ?? today(deps),
          dryRun: body.dryRun ?? false,
          ...(draft !== undefined ? { policy: draft } : {}),
          dispatch: transports,
        });
        return c.json(result, 200);
      } finally {
        await transports.close();
      }
    })
    .openapi(listOutboxRoute, async (c) => {
      const query = c.req.valid("query");
      const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const rows = await listOutbox(db, store.organisationId, {
        limit: query.limit + 1,
        withBody: true,
        ...(beforeId !== undefined ? { beforeId } : {}),
        ...(query.customer !== undefined ? { customerRef: query.customer } : {}),
      });
      const page = toPage(rows, query.limit, (row) => Number(row.id));
      return c.json({ items: page.rows, nextCursor: page.nextCursor }, 200);
    });
}
