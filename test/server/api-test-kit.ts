import type { OpenAPIHono } from "@hono/zod-openapi";
import { fixedClock } from "../../src/clock.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { createApp } from "../../src/server/app.js";

/** Every API test runs at this instant; "today" is 2026-04-15 in the store's zone (UTC). */
export const NOW = "2026-04-15T09:00:00Z";

export function testApp(store: RecoupStore): OpenAPIHono {
  return createApp({ store, clock: fixedClock(NOW) });
}

export interface JsonResponse<Body = unknown> {
  status: number;
  headers: Headers;
  body: Body;
}

/** A GET answered in-process, with its JSON body parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read bodies freely
export async function getJson<Body = any>(app: OpenAPIHono, url: string): Promise<JsonResponse<Body>> {
  const response = await app.request(url);
  return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
}

/** A multipart form carrying ledger files, each in a part named after the file. */
export function ledgerForm(files: Record<string, string>, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [name, content] of Object.entries(files)) form.append(name, new Blob([content]), name);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
}

/** POST /api/v1/imports with the files (and optional fields and Idempotency-Key). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read bodies freely
export async function postImport<Body = any>(
  app: OpenAPIHono,
  files: Record<string, string>,
  options: { fields?: Record<string, string>; idempotencyKey?: string } = {},
): Promise<JsonResponse<Body>> {
  const response = await app.request("/api/v1/imports", {
    method: "POST",
    body: ledgerForm(files, options.fields),
    headers: options.idempotencyKey === undefined ? {} : { "Idempotency-Key": options.idempotencyKey },
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
}

/** A second batch for SMALL_LEDGER: customer C3 (EUR) with twelve invoices G01…G12, G01 paid in full. */
export const GAMMA_LEDGER = {
  "customers.csv": "customer_ref,name,currency,email\nC3,Gamma GmbH,EUR,billing@gamma.test\n",
  "invoices.csv":
    "invoice_ref,customer_ref,issue_date,due_date,amount\n" +
    Array.from({ length: 12 }, (_, index) => {
      const n = String(index + 1).padStart(2, "0");
      // G01…G06 fell due in February; G07…G12 fall due in May, after "today".
      const due = index < 6 ? `2026-02-${n}` : `2026-05-${n}`;
      return `G${n},C3,2026-01-${n},${due},${index + 1}00.00\n`;
    }).join(""),
  "payments.csv": "payment_ref,customer_ref,date,amount,invoice_ref\nPG1,C3,2026-02-15,100.00,G01\n",
};
