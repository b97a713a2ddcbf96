import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { rejectInvalidRequest } from "../http-errors.js";
import { jsonContent } from "../schemas.js";

const healthRoute = createRoute({
  method: "get",
  path: "/health",
  tags: ["system"],
  summary: "Liveness: answers once the server is ready",
  responses: {
    200: jsonContent(z.object({ status: z.literal("ok") }).openapi("Health"), "The server is up"),
  },
});

export function healthRoutes(): OpenAPIHono {
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest }).openapi(healthRoute, (c) =>
    c.json({ status: "ok" as const }, 200),
  );
}
