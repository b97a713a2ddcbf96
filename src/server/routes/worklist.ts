import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { rejectInvalidRequest } from "../http-errors.js";
import { listWorklist } from "../../collections/list-worklist.js";
import { assignTask, CALL_OUTCOMES, completeTask, snoozeTask } from "../../collections/update-task.js";
import { CalendarDateSchema, errorResponses, jsonContent, LimitSchema, MoneySchema } from "../schemas.js";
import { today, type ServerDeps } from "../server-deps.js";

export const WorkItemSchema = z
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
    200: jsonContent(
      z.object({ asOf: z.string().openapi({ format: "date" }), items: z.array(WorkItemSchema) }),
      "The worklist",
    ),
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

const snoozeTaskRoute = createRoute({
  method: "post",
  path: "/tasks/{id}/snooze",
  tags: ["collections"],
  summary: "Put an open task off until a later day (it leaves the worklist until then)",
  request: {
    params: TaskIdParam,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({ until: CalendarDateSchema, note: z.string().max(4000).optional() }),
        },
      },
    },
  },
  responses: {
    200: jsonContent(z.object({ taskId: z.string(), dueOn: z.string() }), "The task's new due date"),
    ...errorResponses(400, 404, 409, 500),
  },
});

/** The collector worklist and its tasks: ranked items with their next action, assignment, completion. */
export function worklistRoutes(deps: ServerDeps): OpenAPIHono {
  const { store } = deps;
  const db = store.handle.pool;
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest })
    .openapi(worklistRoute, async (c) => {
      const query = c.req.valid("query");
      const asOf = query.asOf ?? today(deps);
      const items = await listWorklist(db, store.organisationId, {
        asOf,
        limit: query.limit,
        ...(query.collector !== undefined ? { collector: query.collector } : {}),
      });
      return c.json({ asOf, items }, 200);
    })
    .openapi(assignTaskRoute, async (c) => {
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      return c.json(
        await assignTask({ store, clock: deps.clock, actor: "api", taskId: id, assignee: body.assignee }),
        200,
      );
    })
    .openapi(snoozeTaskRoute, async (c) => {
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      const snoozed = await snoozeTask({
        store,
        clock: deps.clock,
        actor: "api",
        taskId: id,
        until: body.until,
        today: today(deps),
        ...(body.note !== undefined ? { note: body.note } : {}),
      });
      return c.json(snoozed, 200);
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
    });
}
