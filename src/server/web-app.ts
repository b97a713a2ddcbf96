import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";

/** web/dist, found from this file whether it runs as src/server/*.ts or dist/server/*.js. */
export const BUILT_WEB_APP_DIR = fileURLToPath(new URL("../../web/dist/", import.meta.url));

/** Vite puts every content-hashed file under assets/: it never changes under its name. */
const HASHED_ASSET = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
const IMMUTABLE = "public, max-age=31536000, immutable";
/** index.html names the current hashed assets, so the browser asks for it again every time. */
const REVALIDATE = "no-cache";

/** Paths the single-page app never answers: the API keeps its own JSON 404. */
const API_PREFIX = "/api/";

/**
 * The built web app (web/dist) at `/`: hashed assets cached for a year as immutable, index.html
 * revalidated on every load, and every other GET that asks for HTML (a client route such as
 * `/customers/C-0042`) answered with index.html so that the app's router takes over. `/api/*`
 * is never shadowed. Without a build, `/` says how to make one.
 *
 * @example app.route("/", webAppRoutes({ root: BUILT_WEB_APP_DIR }))
 */
export function webAppRoutes({ root }: { root: string }): Hono {
  const app = new Hono();
  const indexFile = path.join(root, "index.html");
  if (!existsSync(indexFile)) {
    app.get("/", (c) =>
      c.text(
        "The web app is not built: run `npm run build` (npm ci does it), then restart `recoup serve`.\n" +
          "The API is at /api/v1 (OpenAPI: /api/v1/openapi.json).\n",
        503,
        { "Cache-Control": REVALIDATE },
      ),
    );
    return app;
  }
  const files = serveStatic({ root, precompressed: true });
  app.use("*", (c, next) => {
    if (c.req.path.startsWith(API_PREFIX)) return next();
    // Set before the file is served (a header set afterwards does not reach the response), and
    // taken back when there is no such file, so that no 404 is cached.
    c.header("Cache-Control", HASHED_ASSET.test(c.req.path) ? IMMUTABLE : REVALIDATE);
    return files(c, async () => {
      c.header("Cache-Control", undefined);
      await next();
    });
  });
  // Read once: index.html is small, and a rebuild comes with a restart.
  const indexHtml = readFileSync(indexFile, "utf8");
  app.get("*", (c, next) => {
    const wantsPage = c.req.header("accept")?.includes("text/html") ?? false;
    // A navigation asks for HTML; a missing script or image does not, and gets its 404.
    if (c.req.path.startsWith(API_PREFIX) || !wantsPage) return next();
    return c.html(indexHtml, 200, { "Cache-Control": REVALIDATE });
  });
  return app;
}
