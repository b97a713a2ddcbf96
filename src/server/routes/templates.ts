import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { rejectInvalidRequest } from "../http-errors.js";
import { templateSource } from "../../channels/message-templates.js";
import { saveMessageTemplate, templatesInForce } from "../../collections/message-template-store.js";
import { RecoupError } from "../../errors.js";
import { previewMessageTemplate } from "../../collections/preview-message-template.js";
import { errorResponses, jsonContent, RefParamSchema } from "../schemas.js";
import { today, type ServerDeps } from "../server-deps.js";

const TemplateParams = z.object({
  language: z.enum(["en", "de", "fr"]),
  key: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/),
});

export const TemplateSchema = z
  .object({
    key: z.string(),
    language: z.string(),
    subject: z.string(),
    body: z.string(),
    source: z.string().openapi({ description: "The .liquid text: front matter with subject, then the body" }),
  })
  .openapi("MessageTemplate");

export const TemplatePreviewSchema = z
  .object({
    key: z.string(),
    language: z.string(),
    customerRef: z.string(),
    customerName: z.string(),
    invoiceRefs: z.array(z.string()),
    subject: z.string(),
    text: z.string(),
    findings: z.array(z.object({ rule: z.string(), message: z.string(), excerpt: z.string().optional() })),
  })
  .openapi("TemplatePreview");

export const TemplateListSchema = z
  .object({
    items: z.array(
      z.object({
        key: z.string(),
        language: z.string(),
        subject: z.string(),
        customised: z.boolean().openapi({ description: "The organisation's own wording is in force" }),
      }),
    ),
  })
  .openapi("MessageTemplateList");

const listTemplatesRoute = createRoute({
  method: "get",
  path: "/templates",
  tags: ["collections"],
  summary: "Every template in force, by key and language",
  responses: { 200: jsonContent(TemplateListSchema, "The templates"), ...errorResponses(500) },
});

const previewTemplateRoute = createRoute({
  method: "post",
  path: "/templates/{language}/{key}/preview",
  tags: ["collections"],
  summary:
    "Render a draft template for a real customer and run the communication-standards check; saves nothing",
  request: {
    params: TemplateParams,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            source: z.string().min(1).max(100_000),
            customer: RefParamSchema.optional().openapi({
              description: "Customer ref; default: the customer with the most overdue",
            }),
          }),
        },
      },
    },
  },
  responses: {
    200: jsonContent(TemplatePreviewSchema, "The rendered message and the findings"),
    ...errorResponses(400, 404, 422, 500),
  },
});

const getTemplateRoute = createRoute({
  method: "get",
  path: "/templates/{language}/{key}",
  tags: ["collections"],
  summary: "The template in force: the organisation's own wording, else the shipped one",
  request: { params: TemplateParams },
  responses: {
    200: jsonContent(TemplateSchema, "The template"),
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
    .openapi(listTemplatesRoute, async (c) => {
      const [inForce, own] = await Promise.all([
        templatesInForce(db, store.organisationId),
        db.query<{ key: string; language: string }>(
          `SELECT key, language FROM message_templates WHERE organisation_id = $1`,
          [store.organisationId],
        ),
      ]);
      const customised = new Set(own.rows.map((row) => `${row.language}/${row.key}`));
      const items = [...inForce.values()]
        .map((t) => ({
          key: t.key,
          language: t.language,
          subject: t.subject,
          customised: customised.has(`${t.language}/${t.key}`),
        }))
        .sort((a, b) => a.key.localeCompare(b.key) || a.language.localeCompare(b.language));
      return c.json({ items }, 200);
    })
    .openapi(previewTemplateRoute, async (c) => {
      const { language, key } = c.req.valid("param");
      const body = c.req.valid("json");
      const preview = await previewMessageTemplate(db, {
        organisationId: store.organisationId,
        key,
        language,
        source: body.source,
        asOf: today(deps),
        ...(body.customer !== undefined ? { customerRef: body.customer } : {}),
      });
      return c.json(preview, 200);
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
    });
}
