import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { applyCollectionPolicy } from "../../collections/apply-collection-policy.js";
import { loadCollectionPolicy } from "../../collections/load-collection-policy.js";
import { validatePolicy } from "../../collections/policy-document.js";
import { readCustomerProfile } from "../../collections/read-customer-profile.js";
import { refreshCustomerProfiles } from "../../collections/refresh-customer-profiles.js";
import { listOutbox } from "../../collections/list-outbox.js";
import { runCollectionsCycle } from "../../collections/run-collections-cycle.js";
import { listWorklist } from "../../collections/list-worklist.js";
import { assignTask, CALL_OUTCOMES, completeTask } from "../../collections/update-task.js";
import { saveMessageTemplate, templatesInForce } from "../../collections/message-template-store.js";
import { templateSource } from "../../channels/message-templates.js";
import { createSmtpTransport, smtpConfigFromEnvironment } from "../../channels/email-transport.js";
import { knownTemplateKeys } from "../../collections/message-template-store.js";
import { RecoupError } from "../../errors.js";
import { rejectInvalidRequest } from "../http-errors.js";
import { decodeCursor, toPage } from "../pagination.js";
import {
  CalendarDateSchema,
  CursorSchema,
  errorResponses,
  jsonContent,
  LimitSchema,
  MoneySchema,
  RefParamSchema,
} from "../schemas.js";
import { today, type ServerDeps } from "../server-deps.js";

const PolicyDocumentSchema = z.record(z.string(), z.unknown()).openapi("CollectionPolicy", {
  description:
    "Workflows, assignments and segmentation thresholds (DESIGN 5.5); the same document `recoup policy export --json` prints",
});

const StoredPolicySchema = z
  .object({
    version: z.number().int().openapi({ description: "0 = the shipped defaults, nothing applied yet" }),
    updatedBy: z.string().nullable(),
    updatedAt: z.string().nullable(),
    policy: PolicyDocumentSchema,
  })
  .openapi("StoredCollectionPolicy");

const AppliedPolicySchema = z
  .object({ version: z.number().int(), changed: z.boolean(), workflows: z.array(z.string()) })
  .openapi("AppliedCollectionPolicy");

const RATING = z.enum(["A", "B", "C", "D"]);
const SEGMENT = z.enum([
  "high-value-low-risk",
  "high-value-high-risk",
  "low-value-low-risk",
  "low-value-high-risk",
  "chronic-delinquent",
]);

const RefreshSummarySchema = z
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

const CustomerProfileSchema = z
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
  })
  .openapi("CustomerProfile");

const getPolicyRoute = createRoute({
  method: "get",
  path: "/policy",
  tags: ["collections"],
  summary: "The organisation's collections policy (the shipped defaults until one is applied)",
  responses: { 200: jsonContent(StoredPolicySchema, "The policy and its version"), ...errorResponses(500) },
});

const putPolicyRoute = createRoute({
  method: "put",
  path: "/policy",
  tags: ["collections"],
  summary: "Replace the workflows, assignments and segmentation thresholds (validated, atomic, audited)",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            policy: PolicyDocumentSchema,
            expectedVersion: z.number().int().min(0).optional().openapi({
              description: "Refuse with POLICY_VERSION_CONFLICT unless the stored policy is at this version",
            }),
          }),
        },
      },
    },
  },
  responses: {
    200: jsonContent(AppliedPolicySchema, "The version now in force"),
    ...errorResponses(400, 409, 422, 500),
  },
});

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

const CHANNEL = z.enum(["email", "letter", "call", "sms", "notify_owner"]);

const CycleResultSchema = z
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
    timings: z.object({
      refreshMs: z.number().int(),
      selectMs: z.number().int(),
      planMs: z.number().int(),
      recordMs: z.number().int(),
      dispatchMs: z.number().int(),
    }),
  })
  .openapi("CycleResult");

const OutboxEntrySchema = z
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

const WorkItemSchema = z
  .object({
    taskId: z.string().nullable(),
    kind: z.enum(["call", "review", "monitor"]),
    customerRef: z.string(),
    customerName: z.string(),
    assignee: z.string().nullable(),
    dueOn: z.string(),
    priority: z.number().int(),
    nextAction: z.string(),
    why: z.array(z.object({ key: z.string(), points: z.number(), why: z.string() })),
    overdue: MoneySchema,
    invoiceRefs: z.array(z.string()),
    note: z.string().nullable(),
  })
  .openapi("WorkItem");

const worklistRoute = createRoute({
  method: "get",
  path: "/worklist",
  tags: ["collections"],
  summary: "The collector worklist, highest priority first, each item with its next action and why",
  request: {
    query: z.object({
      asOf: CalendarDateSchema.optional(),
      collector: z.string().min(3).max(320).optional(),
      limit: LimitSchema,
    }),
  },
  responses: {
    200: jsonContent(z.object({ items: z.array(WorkItemSchema) }), "The worklist"),
    ...errorResponses(400, 500),
  },
});

const TaskIdParam = z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/) });

const assignTaskRoute = createRoute({
  method: "post",
  path: "/tasks/{id}/assignment",
  tags: ["collections"],
  summary: "Give a task to a collector (null: unassign)",
  request: {
    params: TaskIdParam,
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ assignee: z.string().nullable() }) } },
    },
  },
  responses: {
    200: jsonContent(
      z.object({ taskId: z.string(), assignee: z.string().nullable() }),
      "The task's assignee",
    ),
    ...errorResponses(400, 404, 409, 500),
  },
});

const completeTaskRoute = createRoute({
  method: "post",
  path: "/tasks/{id}/completion",
  tags: ["collections"],
  summary: "Close a task with its outcome and a note",
  request: {
    params: TaskIdParam,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({ outcome: z.enum(CALL_OUTCOMES), note: z.string().max(4000).optional() }),
        },
      },
    },
  },
  responses: {
    200: jsonContent(
      z.object({ taskId: z.string(), status: z.literal("done"), outcome: z.enum(CALL_OUTCOMES) }),
      "The closed task",
    ),
    ...errorResponses(400, 404, 409, 500),
  },
});

const TemplateParams = z.object({
  language: z.enum(["en", "de", "fr"]),
  key: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/),
});

const getTemplateRoute = createRoute({
  method: "get",
  path: "/templates/{language}/{key}",
  tags: ["collections"],
  summary: "The template in force: the organisation's own wording, else the shipped one",
  request: { params: TemplateParams },
  responses: {
    200: jsonContent(
      z.object({
        key: z.string(),
        language: z.string(),
        subject: z.string(),
        body: z.string(),
        source: z.string(),
      }),
      "The template",
    ),
    ...errorResponses(404, 500),
  },
});

const putTemplateRoute = createRoute({
  method: "put",
  path: "/templates/{language}/{key}",
  tags: ["collections"],
  summary:
    "Put a template in force after the communication-standards check (refused with the findings otherwise)",
  request: {
    params: TemplateParams,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            source: z
              .string()
              .min(1)
              .max(100_000)
              .openapi({ description: "The .liquid text: front matter with subject, then the body" }),
          }),
        },
      },
    },
  },
  responses: {
    200: jsonContent(
      z.object({ key: z.string(), language: z.string(), version: z.number().int(), changed: z.boolean() }),
      "The version in force",
    ),
    ...errorResponses(400, 422, 500),
  },
});

export function collectionsRoutes(deps: ServerDeps): OpenAPIHono {
  const { store } = deps;
  const db = store.handle.pool;
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest })
    .openapi(getPolicyRoute, async (c) => {
      const stored = await loadCollectionPolicy(db, store.organisationId);
      return c.json(
        {
          version: stored.version,
          updatedBy: stored.updatedBy,
          updatedAt: stored.updatedAt?.toISOString() ?? null,
          policy: stored.policy as unknown as Record<string, unknown>,
        },
        200,
      );
    })
    .openapi(putPolicyRoute, async (c) => {
      const body = c.req.valid("json");
      const policy = validatePolicy(body.policy, {
        knownTemplates: await knownTemplateKeys(db, store.organisationId),
        source: "policy",
      });
      const applied = await applyCollectionPolicy({
        store,
        clock: deps.clock,
        actor: "api",
        policy,
        ...(body.expectedVersion !== undefined ? { expectedVersion: body.expectedVersion } : {}),
      });
      return c.json(applied, 200);
    })
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
    .openapi(runCycleRoute, async (c) => {
      const body = c.req.header("content-type")?.includes("application/json") ? c.req.valid("json") : {};
      // With RECOUP_SMTP_URL set, email is delivered; otherwise it stays in the outbox.
      const smtp = smtpConfigFromEnvironment();
      const transport = smtp && !body.dryRun ? createSmtpTransport({ url: smtp.url }) : null;
      try {
        const result = await runCollectionsCycle({
          store,
          clock: deps.clock,
          actor: "api",
          asOf: body.asOf ?? today(deps),
          dryRun: body.dryRun ?? false,
          dispatch: { transport, emailFrom: smtp?.from ?? null },
        });
        return c.json(result, 200);
      } finally {
        await transport?.close();
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
    })
    .openapi(worklistRoute, async (c) => {
      const query = c.req.valid("query");
      const items = await listWorklist(db, store.organisationId, {
        asOf: query.asOf ?? today(deps),
        limit: query.limit,
        ...(query.collector !== undefined ? { collector: query.collector } : {}),
      });
      return c.json({ items }, 200);
    })
    .openapi(assignTaskRoute, async (c) => {
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      return c.json(
        await assignTask({ store, clock: deps.clock, actor: "api", taskId: id, assignee: body.assignee }),
        200,
      );
    })
    .openapi(completeTaskRoute, async (c) => {
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      const done = await completeTask({
        store,
        clock: deps.clock,
        actor: "api",
        taskId: id,
        outcome: body.outcome,
        ...(body.note !== undefined ? { note: body.note } : {}),
      });
      return c.json(done, 200);
    })
    .openapi(getTemplateRoute, async (c) => {
      const { language, key } = c.req.valid("param");
      const template = (await templatesInForce(db, store.organisationId)).get(`${language}/${key}`);
      if (!template) throw new RecoupError("NOT_FOUND", `there is no template ${language}/${key}`);
      return c.json({ ...template, source: templateSource(template) }, 200);
    })
    .openapi(putTemplateRoute, async (c) => {
      const { language, key } = c.req.valid("param");
      const body = c.req.valid("json");
      const saved = await saveMessageTemplate({
        store,
        clock: deps.clock,
        actor: "api",
        key,
        language,
        source: body.source,
      });
      return c.json(saved, 200);
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
