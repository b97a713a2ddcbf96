import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { rejectInvalidRequest } from "../http-errors.js";
import { templateSource } from "../../channels/message-templates.js";
import { saveMessageTemplate, templatesInForce } from "../../collections/message-template-store.js";
import { RecoupError } from "../../errors.js";
import { errorResponses, jsonContent } from "../schemas.js";
import type { ServerDeps } from "../server-deps.js";

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

/** Message templates in force, and putting an organisation's own wording in force (standards-checked). */
export function templateRoutes(deps: ServerDeps): OpenAPIHono {
  const { store } = deps;
  const db = store.handle.pool;
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest })
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
    });
}
