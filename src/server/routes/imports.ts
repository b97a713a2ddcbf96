import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { RecoupError } from "../../errors.js";
import { importLedger, type ImportResult } from "../../ingest/import-ledger.js";
import { rejectInvalidRequest } from "../http-errors.js";
import { IDEMPOTENCY_KEY_HEADER } from "../idempotency.js";
import { errorResponses, jsonContent, TrueFalseSchema } from "../schemas.js";
import type { ServerDeps } from "../server-deps.js";

/** An uploaded part of a multipart body (a `File`), checked by shape so that any File class passes. */
interface UploadedFile {
  name: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

function isUploadedFile(value: unknown): value is UploadedFile {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as UploadedFile).name === "string" &&
    typeof (value as UploadedFile).arrayBuffer === "function"
  );
}

const FileSchema = z
  .custom<UploadedFile>(isUploadedFile, { message: "must be a file part, sent once" })
  .openapi({ type: "string", format: "binary" });

const LEDGER_FILE_NAMES = ["customers.csv", "invoices.csv", "credit_notes.csv", "payments.csv"] as const;

const ImportFormSchema = z
  .strictObject({
    "customers.csv": FileSchema.optional(),
    "invoices.csv": FileSchema.optional(),
    "credit_notes.csv": FileSchema.optional(),
    "payments.csv": FileSchema.optional(),
    dryRun: TrueFalseSchema.optional().openapi({ description: "true: check and count, write nothing" }),
  })
  .openapi("ImportForm", {
    description: "One or more ledger files (DESIGN 5.1), each in a part named after the file",
  });

const KindCountsSchema = z.object({
  customers: z.number().int(),
  invoices: z.number().int(),
  creditNotes: z.number().int(),
  payments: z.number().int(),
});

const ImportProblemSchema = z
  .object({ file: z.string(), line: z.number().int(), column: z.string(), message: z.string() })
  .openapi("ImportProblem");

const ImportResultSchema = z
  .object({
    created: KindCountsSchema,
    updated: KindCountsSchema,
    unchanged: KindCountsSchema,
    errors: z.array(ImportProblemSchema),
    moreErrors: z.number().int().optional(),
    warnings: z.array(ImportProblemSchema),
    moreWarnings: z.number().int().optional(),
    dryRun: z.boolean(),
    importId: z.number().int().optional(),
    timings: z
      .object({ stageMs: z.number().int(), checkMs: z.number().int(), mergeMs: z.number().int() })
      .optional()
      .openapi({ description: "Milliseconds spent staging, checking and merging" }),
  })
  .openapi("ImportResult", { description: "The JSON of `recoup import --json`" });

const importRoute = createRoute({
  method: "post",
  path: "/imports",
  tags: ["ledger"],
  summary: "Import ledger files atomically",
  description:
    "Validates every row, then writes all files or nothing. When any row is invalid the answer is 422 " +
    "IMPORT_REJECTED with the import result, listing the problems by file, line and column, in `details`. " +
    `Send an ${IDEMPOTENCY_KEY_HEADER} header to make retries safe.`,
  request: {
    headers: z.object({
      "idempotency-key": z
        .string()
        .optional()
        .openapi({ description: "Makes a retry return the first answer" }),
    }),
    body: { required: true, content: { "multipart/form-data": { schema: ImportFormSchema } } },
  },
  responses: {
    200: jsonContent(ImportResultSchema, "Imported (or, with dryRun, checked)"),
    ...errorResponses(400, 409, 413, 415, 422, 500),
  },
});

function rejection(result: ImportResult): RecoupError {
  const total = result.errors.length + (result.moreErrors ?? 0);
  const first = result.errors[0]!;
  return new RecoupError(
    "IMPORT_REJECTED",
    `import rejected, nothing was written: ${total} problem${total === 1 ? "" : "s"}, the first ` +
      `${first.file}:${first.line}:${first.column || "-"}: ${first.message}`,
    result,
  );
}

export function importRoutes(deps: ServerDeps): OpenAPIHono {
  const { store, clock } = deps;
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest }).openapi(importRoute, async (c) => {
    const form = c.req.valid("form");
    const files = LEDGER_FILE_NAMES.flatMap((name) => {
      const file = form[name];
      return file ? [{ name, file }] : [];
    });
    if (files.length === 0) {
      throw new RecoupError("VALIDATION_FAILED", `send at least one of ${LEDGER_FILE_NAMES.join(", ")}`, {
        issues: [{ in: "form", path: "", code: "custom", message: "no ledger file" }],
      });
    }
    const folder = await mkdtemp(path.join(tmpdir(), "recoup-api-import-"));
    try {
      for (const { name, file } of files) {
        await writeFile(path.join(folder, name), new Uint8Array(await file.arrayBuffer()));
      }
      const result = await importLedger({
        store,
        folder,
        clock,
        actor: "api",
        dryRun: form.dryRun === "true",
      });
      if (result.errors.length > 0) throw rejection(result);
      return c.json(result, 200);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
}
