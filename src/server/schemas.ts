import { z } from "@hono/zod-openapi";
import type { CustomerFilter } from "../analytics/customer-filter.js";
import { parseBucketBounds } from "../domain/aging.js";
import { isCalendarDate } from "../domain/calendar-date.js";
import { ERROR_CATALOGUE, type ErrorCode } from "../errors.js";
import { decodeCursor } from "./pagination.js";

/** Shared request and response schemas of the HTTP API; each named one is a component of the OpenAPI document. */

export const MoneySchema = z
  .object({
    amount: z.number().int().openapi({ description: "Integer count of the currency's minor unit" }),
    currency: z.string().openapi({ example: "USD" }),
  })
  .openapi("Money");

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

/** Response entries for the error statuses a route can answer with. */
export function errorResponses<S extends number>(...statuses: S[]) {
  const descriptions: Record<number, string> = {
    400: "The request is invalid (VALIDATION_FAILED)",
    404: "Not found",
    409: "Conflict",
    413: "The body is too large (PAYLOAD_TOO_LARGE)",
    415: "Unsupported media type",
    422: "The request was understood but refused",
    500: "Internal error (INTERNAL)",
  };
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: descriptions[status] ?? "Error",
        content: { "application/json": { schema: ErrorSchema } },
      },
    ]),
  ) as Record<S, { description: string; content: { "application/json": { schema: typeof ErrorSchema } } }>;
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export const CalendarDateSchema = z
  .string()
  .refine(isCalendarDate, { message: "must be a calendar date written YYYY-MM-DD" })
  .openapi({ format: "date", example: "2026-04-15" });

export const CurrencyCodeSchema = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: "must be an ISO 4217 code such as USD" })
  .openapi({ example: "USD" });

export const TrueFalseSchema = z.enum(["true", "false"]);

export const LimitSchema = z.coerce
  .number()
  .int()
  .min(1)
  .max(500)
  .default(50)
  .openapi({ type: "integer", minimum: 1, maximum: 500, default: 50, description: "Page size" });

export const CursorSchema = z
  .string()
  .refine((text) => decodeCursor(text) !== undefined, { message: "is not a cursor this API returned" })
  .openapi({ description: "The nextCursor of the previous page (opaque)" });

export const BucketBoundsSchema = z
  .string()
  .superRefine((text, ctx) => {
    try {
      parseBucketBounds(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  })
  .openapi({ example: "30,60,90", description: "Bucket bounds in days, increasing" });

export const RefParamSchema = z.string().min(1).max(200);

const SEGMENT_VALUES = [
  "high-value-low-risk",
  "high-value-high-risk",
  "low-value-low-risk",
  "low-value-high-risk",
  "chronic-delinquent",
] as const;

/** The dashboard's filters, as query parameters of the reports (all optional, all together). */
export const CustomerFilterQuery = {
  entity: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: "Only this entity's customers (code)" }),
  segment: z.enum(SEGMENT_VALUES).optional().openapi({ description: "Only customers in this segment" }),
  collector: z
    .string()
    .min(3)
    .max(320)
    .optional()
    .openapi({ description: "Only this collector's customers" }),
  owner: z.string().min(3).max(320).optional().openapi({ description: "Only this sales owner's customers" }),
};

/** The customer filter of a report from its query parameters; undefined when none is given. */
export function customerFilterFrom(query: {
  entity?: string | undefined;
  segment?: (typeof SEGMENT_VALUES)[number] | undefined;
  collector?: string | undefined;
  owner?: string | undefined;
}): CustomerFilter | undefined {
  const filter: CustomerFilter = {};
  if (query.entity !== undefined) filter.entity = query.entity;
  if (query.segment !== undefined) filter.segment = query.segment;
  if (query.collector !== undefined) filter.collector = query.collector;
  if (query.owner !== undefined) filter.owner = query.owner;
  return Object.keys(filter).length > 0 ? filter : undefined;
}

/** A numeric id in a path (promises, plans, tasks). */
export const IdParamSchema = z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/, "must be an id") });

/** A comma-separated list of values from a closed set, e.g. `status=open,broken`. */
export function valueListSchema(values: readonly string[], example: string) {
  return z
    .string()
    .refine((text) => text.split(",").every((value) => values.includes(value.trim())), {
      message: `must be values separated by commas: ${values.join(", ")}`,
    })
    .openapi({ example });
}

/** The values of a list checked by `valueListSchema`. */
export function valueList<T extends string>(text: string): T[] {
  return text.split(",").map((value) => value.trim()) as T[];
}
