import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { listAuditEvents } from "../../audit/list-audit-events.js";
import { verifyAuditChain } from "../../audit/verify-audit-chain.js";
import { rejectInvalidRequest } from "../http-errors.js";
import { decodeCursor, toPage } from "../pagination.js";
import { CursorSchema, errorResponses, jsonContent, LimitSchema } from "../schemas.js";
import type { ServerDeps } from "../server-deps.js";

export const AuditEventSchema = z
  .object({
    seq: z.number().int().openapi({ description: "Position in the organisation's hash chain" }),
    occurredAt: z.string().openapi({ format: "date-time" }),
    actor: z.string(),
    action: z.string().openapi({ example: "invoice.adjusted" }),
    subjectType: z.string(),
    subjectId: z.string(),
    data: z.unknown(),
    prevHash: z.string().openapi({ description: "The hash of the event before it in the chain" }),
    hash: z.string().openapi({ description: "sha256(previous hash ‖ canonical event), hex" }),
  })
  .openapi("AuditEvent");

const listRoute = createRoute({
  method: "get",
  path: "/audit/events",
  tags: ["audit"],
  summary: "The audit trail in chain order, optionally for one subject",
  request: {
    query: z.object({
      subjectType: z.string().max(50).optional().openapi({ description: "e.g. invoice, customer, import" }),
      subjectId: z.string().max(200).optional().openapi({ description: "e.g. an invoice ref" }),
      limit: LimitSchema,
      cursor: CursorSchema.optional(),
    }),
  },
  responses: {
    200: jsonContent(
      z
        .object({ items: z.array(AuditEventSchema), nextCursor: z.string().nullable() })
        .openapi("AuditEventPage"),
      "One page of events",
    ),
    ...errorResponses(400, 500),
  },
});

const verifyRoute = createRoute({
  method: "get",
  path: "/audit/verify",
  tags: ["audit"],
  summary: "Recompute the hash chain; name every changed or deleted event (as `recoup audit verify`)",
  responses: {
    200: jsonContent(
      z
        .object({
          ok: z.boolean(),
          events: z.number().int(),
          headSeq: z.number().int(),
          problems: z.array(
            z.object({
              seq: z.number().int(),
              problem: z.enum(["tampered", "missing", "relinked"]),
              message: z.string(),
            }),
          ),
        })
        .openapi("AuditChainReport"),
      "The verification; ok is false when anything was changed or deleted",
    ),
    ...errorResponses(500),
  },
});

export function auditRoutes({ store }: ServerDeps): OpenAPIHono {
  const db = store.handle.pool;
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest })
    .openapi(listRoute, async (c) => {
      const query = c.req.valid("query");
      const rows = await listAuditEvents(db, {
        organisationId: store.organisationId,
        subjectType: query.subjectType,
        subjectId: query.subjectId,
        afterSeq: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
        limit: query.limit + 1,
      });
      const page = toPage(rows, query.limit, (row) => row.seq);
      return c.json({ items: page.rows, nextCursor: page.nextCursor }, 200);
    })
    .openapi(verifyRoute, async (c) => c.json(await verifyAuditChain(db, store.organisationId), 200));
}
