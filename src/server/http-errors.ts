import type { Hook } from "@hono/zod-openapi";
import type { Context, Env, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { ERROR_CATALOGUE, isRecoupError, RecoupError, type ErrorCode } from "../errors.js";

/** The body of every error response (DESIGN 5.7). */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** A JSON error response with the status the catalogue maps `code` to. */
export function errorResponse(c: Context, code: ErrorCode, message: string, details?: unknown): Response {
  return c.json(errorBody(code, message, details), ERROR_CATALOGUE[code] as ContentfulStatusCode);
}

export interface ValidationIssue {
  /** Where the value came from: query, param, header, form or json. */
  in: string;
  /** Dotted path of the offending value, e.g. "asOf" or "items.0.amount". */
  path: string;
  code: string;
  message: string;
}

/** A zod failure as the VALIDATION_FAILED error the API reports. */
export function validationError(target: string, error: ZodError): RecoupError {
  const issues: ValidationIssue[] = error.issues.map((issue) => ({
    in: target,
    path: issue.path.map(String).join("."),
    code: issue.code,
    message: issue.message,
  }));
  const summary = issues
    .slice(0, 3)
    .map((issue) =>
      issue.path ? `${issue.in} ${issue.path}: ${issue.message}` : `${issue.in}: ${issue.message}`,
    )
    .join("; ");
  return new RecoupError("VALIDATION_FAILED", `invalid request: ${summary}`, { issues });
}

/**
 * The OpenAPIHono `defaultHook`: a request that fails its route's schema becomes a 400
 * VALIDATION_FAILED error listing the zod issues.
 */
export const rejectInvalidRequest: Hook<unknown, Env, string, void> = (result) => {
  if (!result.success) throw validationError(result.target, result.error);
};

/** Hono's own exceptions (malformed bodies, wrong media types) mapped onto the catalogue. */
const HTTP_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = {
  400: "VALIDATION_FAILED",
  404: "NOT_FOUND",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

/**
 * Every failure leaves as `{"error":{"code","message","details?"}}`. Unexpected errors are logged
 * to stderr with their stack and reported as INTERNAL without it.
 */
export const handleError: ErrorHandler = (error, c) => {
  if (isRecoupError(error)) return errorResponse(c, error.code, error.message, error.details);
  if (error instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[error.status];
    if (code) return errorResponse(c, code, error.message || `request failed with status ${error.status}`);
  }
  console.error(`recoup api: internal error on ${c.req.method} ${c.req.path}:`, error);
  return errorResponse(c, "INTERNAL", "internal error; the server log has the details");
};

export const handleNotFound: NotFoundHandler = (c) =>
  errorResponse(c, "NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`);
