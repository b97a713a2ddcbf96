import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { RecoupError } from "../errors.js";
import { handleError, handleNotFound, rejectInvalidRequest } from "./http-errors.js";
import { idempotency, IDEMPOTENCY_KEY_HEADER } from "./idempotency.js";
import { analyticsRoutes } from "./routes/analytics.js";
import { auditRoutes } from "./routes/audit.js";
import { cycleRoutes } from "./routes/cycle.js";
import { policyRoutes } from "./routes/policy.js";
import { profileRoutes } from "./routes/profiles.js";
import { templateRoutes } from "./routes/templates.js";
import { worklistRoutes } from "./routes/worklist.js";
import { settingsRoutes } from "./routes/settings.js";
import { customerRoutes } from "./routes/customers.js";
import { timelineRoutes } from "./routes/timeline.js";
import { healthRoutes } from "./routes/health.js";
import { importRoutes } from "./routes/imports.js";
import { invoiceRoutes } from "./routes/invoices.js";
import { reportRoutes } from "./routes/reports.js";
import { BUILT_WEB_APP_DIR, webAppRoutes } from "./web-app.js";
import { promiseRoutes } from "./routes/promises.js";
import { planRoutes } from "./routes/plans.js";

export const API_BASE = "/api/v1";

export interface CreateAppOptions {
  store: RecoupStore;
  clock: Clock;
  /** Largest accepted `POST /imports` body; default 256 MB. */
  maxUploadBytes?: number;
  /** The built web app served at `/` (default web/dist); null serves the API alone. */
  webRoot?: string | null;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

/**
 * The HTTP API (DESIGN 5.7) under /api/v1, with its OpenAPI 3.1 document at
 * /api/v1/openapi.json. It does not listen: `startServer` serves it, tests call `app.request`.
 *
 * @example
 * const app = createApp({ store, clock: fixedClock("2026-04-15T09:00:00Z") });
 * const res = await app.request("/api/v1/health"); // 200 {"status":"ok"}
 */
export function createApp({
  store,
  clock,
  maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES,
  webRoot = BUILT_WEB_APP_DIR,
}: CreateAppOptions): OpenAPIHono {
  const deps = { store, clock };
  const app = new OpenAPIHono({ defaultHook: rejectInvalidRequest });
  app.onError(handleError);
  app.notFound(handleNotFound);
  // Middleware runs in the order it is registered, so it comes before the routes.
  // Uploaded ledger files are held in memory while the form is parsed; larger files go through the CLI.
  app.use(
    `${API_BASE}/imports`,
    bodyLimit({
      maxSize: maxUploadBytes,
      onError: () => {
        throw new RecoupError(
          "PAYLOAD_TOO_LARGE",
          `the upload exceeds ${Math.round(maxUploadBytes / 1e6)} MB; import larger files with \`recoup import\``,
        );
      },
    }),
  );
  app.use(`${API_BASE}/*`, idempotency(deps));

  app.route(API_BASE, healthRoutes());
  app.route(API_BASE, policyRoutes(deps));
  app.route(API_BASE, profileRoutes(deps));
  app.route(API_BASE, cycleRoutes(deps));
  app.route(API_BASE, worklistRoutes(deps));
  app.route(API_BASE, promiseRoutes(deps));
  app.route(API_BASE, planRoutes(deps));
  app.route(API_BASE, templateRoutes(deps));
  app.route(API_BASE, settingsRoutes(deps));
  app.route(API_BASE, customerRoutes(deps));
  app.route(API_BASE, timelineRoutes(deps));
  app.route(API_BASE, invoiceRoutes(deps));
  app.route(API_BASE, reportRoutes(deps));
  app.route(API_BASE, analyticsRoutes(deps));
  app.route(API_BASE, importRoutes(deps));
  app.route(API_BASE, auditRoutes(deps));

  app.doc31(`${API_BASE}/openapi.json`, {
    openapi: "3.1.0",
    info: {
      title: "Recoup API",
      version: "1",
      description:
        "Accounts receivable: customers, invoices, aging, KPIs, ledger imports, the collections cycle, " +
        "promises to pay and payment plans. Money is " +
        "`{amount, currency}` with amount in integer minor units; dates are YYYY-MM-DD. Errors are " +
        '`{"error":{"code","message","details"}}`. Mutating requests accept an ' +
        `${IDEMPOTENCY_KEY_HEADER} header.`,
    },
  });
  // Last: the web app answers only what no API route did.
  if (webRoot !== null) app.route("/", webAppRoutes({ root: webRoot }));
  return app;
}
