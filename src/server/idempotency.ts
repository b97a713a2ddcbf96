import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { RecoupError } from "../errors.js";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyKey,
  releaseIdempotencyKey,
} from "./repositories/idempotency-keys.js";
import type { ServerDeps } from "./server-deps.js";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
export const REPLAYED_HEADER = "Idempotent-Replayed";

const MUTATING_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * The fingerprint of a request: sha256 over the method, the path with its query string, and the
 * body bytes. In a multipart body the boundary is left out (it is random per serialisation, so a
 * client that rebuilds the same form on retry sends the same parts under a new boundary); every
 * other byte counts.
 *
 * @example idempotencyRequestHash("POST", "/api/v1/imports", body, "multipart/form-data; boundary=x")
 */
export function idempotencyRequestHash(
  method: string,
  path: string,
  body: Uint8Array,
  contentType: string | undefined,
): string {
  const hash = createHash("sha256");
  hash.update(`${method.toUpperCase()}\n${path}\n`);
  const boundary = multipartBoundary(contentType);
  if (!boundary) {
    hash.update(body);
    return hash.digest("hex");
  }
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const marker = Buffer.from(`--${boundary}`, "latin1");
  let start = 0;
  for (let at = bytes.indexOf(marker, start); at !== -1; at = bytes.indexOf(marker, start)) {
    hash.update(bytes.subarray(start, at));
    hash.update("--<boundary>");
    start = at + marker.length;
  }
  hash.update(bytes.subarray(start));
  return hash.digest("hex");
}

function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\//i.test(contentType.trim())) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/**
 * Idempotency for mutating requests (DESIGN 5.7). A request with an `Idempotency-Key` claims the
 * key (a row with a null status) before its handler runs, and stores its status and JSON body
 * after. A retry with the same key and the same request gets the stored response again with
 * `Idempotent-Replayed: true`; the same key on a different request is refused with 422
 * IDEMPOTENCY_KEY_REUSED, and while the first request runs, with 409
 * IDEMPOTENCY_REQUEST_IN_PROGRESS. When the handler fails inside the server (5xx) the claim is
 * released so that a retry runs afresh.
 *
 * @example app.use("/api/v1/*", idempotency({ store, clock }))
 */
export function idempotency({ store, clock }: ServerDeps): MiddlewareHandler {
  const db = store.handle.pool;
  const organisationId = store.organisationId;
  return async (c, next) => {
    const key = c.req.header(IDEMPOTENCY_KEY_HEADER);
    if (key === undefined || !MUTATING_METHODS.has(c.req.method)) return next();
    if (!KEY_PATTERN.test(key)) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `the ${IDEMPOTENCY_KEY_HEADER} header must be 1 to 255 visible ASCII characters`,
        {
          issues: [
            { in: "header", path: IDEMPOTENCY_KEY_HEADER, code: "invalid_format", message: "bad key" },
          ],
        },
      );
    }
    const url = new URL(c.req.url);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const requestHash = idempotencyRequestHash(
      c.req.method,
      url.pathname + url.search,
      body,
      c.req.header("content-type"),
    );

    const claim = {
      organisationId,
      key,
      method: c.req.method,
      path: url.pathname,
      requestHash,
      at: clock.now(),
    };
    // A claim released between our insert and our read is claimed again; twice is enough.
    for (let attempt = 0; ; attempt += 1) {
      if (await claimIdempotencyKey(db, claim)) break;
      const existing = await findIdempotencyKey(db, organisationId, key);
      if (!existing) {
        if (attempt < 2) continue;
        throw new RecoupError(
          "IDEMPOTENCY_REQUEST_IN_PROGRESS",
          `a request with this ${IDEMPOTENCY_KEY_HEADER} is running`,
        );
      }
      if (existing.requestHash !== requestHash) {
        throw new RecoupError(
          "IDEMPOTENCY_KEY_REUSED",
          `this ${IDEMPOTENCY_KEY_HEADER} was used for a different request; use a new key for a new request`,
        );
      }
      if (existing.status === null) {
        throw new RecoupError(
          "IDEMPOTENCY_REQUEST_IN_PROGRESS",
          `the first request with this ${IDEMPOTENCY_KEY_HEADER} is still running; retry later`,
        );
      }
      return new Response(existing.response === null ? null : JSON.stringify(existing.response), {
        status: existing.status as ContentfulStatusCode,
        headers: { "content-type": "application/json", [REPLAYED_HEADER]: "true" },
      });
    }

    await next();

    try {
      if (c.res.status >= 500) {
        await releaseIdempotencyKey(db, organisationId, key);
        return;
      }
      const text = await c.res.clone().text();
      const isJson = /^application\/([\w.-]+\+)?json/i.test(c.res.headers.get("content-type") ?? "");
      await completeIdempotencyKey(db, organisationId, key, {
        status: c.res.status,
        body: text === "" ? null : isJson ? (JSON.parse(text) as unknown) : text,
      });
    } catch (error) {
      // The response still goes out; the key must not stay claimed forever.
      console.error(`recoup api: could not store the response for ${IDEMPOTENCY_KEY_HEADER} ${key}:`, error);
      await releaseIdempotencyKey(db, organisationId, key).catch(() => undefined);
    }
  };
}
