import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { rejectInvalidRequest } from "../http-errors.js";
import { applyCollectionPolicy } from "../../collections/apply-collection-policy.js";
import { loadCollectionPolicy } from "../../collections/load-collection-policy.js";
import { knownTemplateKeys } from "../../collections/message-template-store.js";
import { validatePolicy } from "../../collections/policy-document.js";
import { errorResponses, jsonContent } from "../schemas.js";
import type { ServerDeps } from "../server-deps.js";

const PolicyDocumentSchema = z.record(z.string(), z.unknown()).openapi("CollectionPolicy", {
  description:
    "Workflows, assignments and segmentation thresholds (DESIGN 5.5); the same document `recoup policy export --json` prints",
});

export const StoredPolicySchema = z
  .object({
    version: z.number().int().openapi({ description: "0 = the shipped defaults, nothing applied yet" }),
    updatedBy: z.string().nullable(),
    updatedAt: z.string().nullable(),
    policy: PolicyDocumentSchema,
  })
  .openapi("StoredCollectionPolicy");

export const AppliedPolicySchema = z
  .object({ version: z.number().int(), changed: z.boolean(), workflows: z.array(z.string()) })
  .openapi("AppliedCollectionPolicy");

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

/** The collections policy as a document (DESIGN 5.5): read it, replace it (validated, versioned, audited). */
export function policyRoutes(deps: ServerDeps): OpenAPIHono {
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
    });
}
