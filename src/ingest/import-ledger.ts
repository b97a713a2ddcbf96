import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { appendAuditEvents } from "../audit/append-audit-events.js";
import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { RecoupError } from "../errors.js";
import { CsvSyntaxError, readCsvBatches } from "./csv-records.js";
import {
  LEDGER_FILES,
  STAGE_INDEXES_DDL,
  STAGE_TABLES_DDL,
  type LedgerFileKind,
  type LedgerFileSpec,
} from "./ledger-files.js";
import { LEDGER_INTEGRITY_CHECKS } from "./ledger-integrity-checks.js";
import { RowFields, validateRow, type KnownCustomer, type RowContext } from "./ledger-rows.js";
import { mergeStagedLedger, zeroCounts, type KindCounts } from "./merge-ledger.js";
import { openStageWriter } from "./stage-writer.js";
import { Stopwatch } from "../stopwatch.js";

export interface ImportProblem {
  file: string;
  line: number;
  column: string;
  message: string;
}

export interface ImportResult {
  created: KindCounts;
  updated: KindCounts;
  unchanged: KindCounts;
  errors: ImportProblem[];
  /** Problems beyond those listed in `errors`. */
  moreErrors?: number;
  warnings: ImportProblem[];
  /** Warnings beyond those listed in `warnings`. */
  moreWarnings?: number;
  dryRun: boolean;
  importId?: number;
  /** Milliseconds spent streaming and staging the files, checking the set, and merging it. */
  timings?: ImportTimings;
}

export interface ImportTimings {
  stageMs: number;
  checkMs: number;
  mergeMs: number;
}

export interface ImportProgress {
  file: string;
  bytesRead: number;
  totalBytes: number;
}

export interface ImportLedgerOptions {
  store: RecoupStore;
  folder: string;
  clock: Clock;
  actor: string;
  dryRun?: boolean;
  onProgress?: (progress: ImportProgress) => void;
  /** See MergeContext.bulkLoadInvoices; tests lower it. */
  bulkLoadInvoices?: number;
}

const MAX_REPORTED = 1000;
// Any constant: one import at a time per organisation, so the merge sees a stable ledger.
const IMPORT_LOCK_CLASS = 4_732_002;

/**
 * Imports a folder of ledger files (DESIGN 5.1) atomically: rows are validated while they stream,
 * copied into staging tables, checked as a set, then merged; any error rolls everything back.
 * Importing the same files again creates nothing.
 *
 * @example const result = await importLedger({ store, folder: "./erp-export", clock, actor: "cli" });
 */
export async function importLedger(options: ImportLedgerOptions): Promise<ImportResult> {
  const files = findLedgerFiles(options.folder);
  const { store } = options;
  const client = await store.handle.pool.connect();
  const errors = new ProblemList();
  const warnings = new ProblemList();
  const stopwatch = new Stopwatch();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [IMPORT_LOCK_CLASS, store.organisationId]);
    // An import is a batch job: let its hash joins, aggregates and index builds work in memory.
    await client.query("SET LOCAL work_mem = '64MB'");
    await client.query("SET LOCAL maintenance_work_mem = '256MB'");
    await client.query(STAGE_TABLES_DDL);
    const context: RowContext = {
      baseCurrency: store.baseCurrency,
      customers: await loadKnownCustomers(client, store.organisationId),
    };

    const fileRecords: { name: string; sha256: string; rows: number }[] = [];
    for (const { spec, filePath } of files) {
      const staged = await stageFile(options, client, spec, filePath, context, errors, warnings);
      fileRecords.push({ name: spec.fileName, sha256: staged.sha256, rows: staged.rows });
    }
    const stageMs = stopwatch.lap();
    // Temporary tables are never analysed automatically; the checks and the merge join them by ref.
    await client.query(STAGE_INDEXES_DDL);
    for (const spec of LEDGER_FILES) await client.query(`ANALYZE ${spec.stageTable}`);

    if (errors.total === 0) {
      for (const check of LEDGER_INTEGRITY_CHECKS) {
        const { rows } = await client.query<ImportProblem>(
          `SELECT * FROM (${check}) AS problem (file, line, "column", message) ORDER BY file, line`,
          check.includes("$1") ? [store.organisationId] : [],
        );
        for (const row of rows) errors.add({ ...row, line: Number(row.line) });
      }
    }
    const checkMs = stopwatch.lap();
    if (errors.total > 0) {
      await client.query("ROLLBACK");
      return failed(errors, warnings, options.dryRun ?? false);
    }

    const at = options.clock.now();
    const { rows: importRows } = await client.query<{ id: number }>(
      `INSERT INTO imports (organisation_id, source, files, summary, actor, created_at)
       VALUES ($1, $2, $3, '{}', $4, $5) RETURNING id`,
      [
        store.organisationId,
        path.resolve(options.folder),
        JSON.stringify(fileRecords),
        options.actor,
        at.toISOString(),
      ],
    );
    const importId = importRows[0]!.id;
    const merged = await mergeStagedLedger(client, {
      organisationId: store.organisationId,
      entityId: store.entityId,
      baseCurrency: store.baseCurrency,
      importId,
      at: at.toISOString(),
      ...(options.bulkLoadInvoices !== undefined ? { bulkLoadInvoices: options.bulkLoadInvoices } : {}),
    });
    for (const note of merged.notes) warnings.add(note);
    const summary = { created: merged.created, updated: merged.updated, unchanged: merged.unchanged };
    const changedAnything = [merged.created, merged.updated].some((counts) =>
      Object.values(counts).some((n) => n > 0),
    );
    if (!changedAnything) {
      // Importing the same files again changes nothing, not even the import log.
      await client.query("ROLLBACK");
      return { ...summary, errors: [], ...warningList(warnings), dryRun: options.dryRun ?? false };
    }
    await client.query(`UPDATE imports SET summary = $2 WHERE id = $1`, [importId, JSON.stringify(summary)]);
    await appendAuditEvents(
      client,
      { organisationId: store.organisationId, actor: options.actor, occurredAt: at },
      [
        {
          action: "ledger.imported",
          subjectType: "import",
          subjectId: importId,
          data: { source: path.resolve(options.folder), files: fileRecords, ...summary },
        },
        ...merged.auditEvents,
      ],
    );
    await client.query(options.dryRun ? "ROLLBACK" : "COMMIT");
    return {
      ...summary,
      errors: [],
      ...warningList(warnings),
      dryRun: options.dryRun ?? false,
      ...(options.dryRun ? {} : { importId }),
      timings: { stageMs, checkMs, mergeMs: stopwatch.lap() },
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function failed(errors: ProblemList, warnings: ProblemList, dryRun: boolean): ImportResult {
  return {
    created: zeroCounts(),
    updated: zeroCounts(),
    unchanged: zeroCounts(),
    errors: errors.list,
    ...(errors.total > errors.list.length ? { moreErrors: errors.total - errors.list.length } : {}),
    ...warningList(warnings),
    dryRun,
  };
}

function warningList(warnings: ProblemList): Pick<ImportResult, "warnings" | "moreWarnings"> {
  const more = warnings.total - warnings.list.length;
  return more > 0 ? { warnings: warnings.list, moreWarnings: more } : { warnings: warnings.list };
}

class ProblemList {
  readonly list: ImportProblem[] = [];
  total = 0;
  add(problem: ImportProblem): void {
    this.total += 1;
    if (this.list.length < MAX_REPORTED) this.list.push(problem);
  }
}

/** The ledger files in a folder, in the order they are imported (customers first). */
export function findLedgerFiles(folder: string): { spec: LedgerFileSpec; filePath: string }[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new RecoupError("VALIDATION_FAILED", `${folder}: not a folder`);
  }
  const names = new Map(readdirSync(folder).map((name) => [name.toLowerCase(), name]));
  const found = LEDGER_FILES.flatMap((spec) => {
    const name = names.get(spec.fileName);
    return name ? [{ spec, filePath: path.join(folder, name) }] : [];
  });
  if (found.length === 0) {
    throw new RecoupError(
      "VALIDATION_FAILED",
      `${folder}: no ledger files found (expected any of ${LEDGER_FILES.map((f) => f.fileName).join(", ")})`,
    );
  }
  return found;
}

async function loadKnownCustomers(
  client: pg.PoolClient,
  organisationId: number,
): Promise<Map<string, KnownCustomer>> {
  const { rows } = await client.query<{
    customer_ref: string;
    currency: string;
    payment_terms_days: number;
    requires_po: boolean;
  }>(
    `SELECT customer_ref, currency, payment_terms_days, requires_po FROM customers WHERE organisation_id = $1`,
    [organisationId],
  );
  return new Map(
    rows.map((r) => [
      r.customer_ref,
      { currency: r.currency, paymentTermsDays: r.payment_terms_days, requiresPo: r.requires_po },
    ]),
  );
}

/** Streams one file: header checks, row checks, COPY of the valid rows into its staging table. */
async function stageFile(
  options: ImportLedgerOptions,
  client: pg.PoolClient,
  spec: LedgerFileSpec,
  filePath: string,
  context: RowContext,
  errors: ProblemList,
  warnings: ProblemList,
): Promise<{ sha256: string; rows: number }> {
  const file = spec.fileName;
  const totalBytes = statSync(filePath).size;
  const hash = createHash("sha256");
  const writer = openStageWriter(options.store.handle, client, spec.stageTable, spec.stageColumns);
  let headerSeen = false;
  let columnIndex: Map<string, number> | undefined;
  let headerWidth = 0;
  let rows = 0;
  let lastReport = 0;
  let bytesRead = 0;
  const onChunk = (chunk: Buffer) => {
    hash.update(chunk);
    bytesRead += chunk.length;
    if (bytesRead - lastReport >= 1 << 20 || bytesRead === totalBytes) {
      lastReport = bytesRead;
      options.onProgress?.({ file, bytesRead, totalBytes });
    }
  };
  try {
    batches: for await (const batch of readCsvBatches(filePath, onChunk)) {
      for (const record of batch) {
        if (!headerSeen) {
          headerSeen = true;
          columnIndex = readHeader(spec, record.fields, errors, warnings);
          headerWidth = record.fields.length;
          continue;
        }
        if (!columnIndex) break batches;
        rows += 1;
        if (record.fields.length !== headerWidth) {
          errors.add({
            file,
            line: record.line,
            column: "",
            message: `has ${record.fields.length} fields; the header has ${headerWidth}`,
          });
          continue;
        }
        const outcome = validateRow(spec.kind, new RowFields(columnIndex, record.fields), context);
        for (const warning of outcome.warnings) warnings.add({ file, line: record.line, ...warning });
        if (!outcome.values) {
          for (const problem of outcome.problems) errors.add({ file, line: record.line, ...problem });
          continue;
        }
        if (spec.kind === "customers") rememberCustomer(context, outcome.values);
        // Once the import is known to fail, rows are still checked but no longer copied.
        if (errors.total === 0) writer.write(record.line, outcome.values);
      }
      await writer.flushIfFull();
    }
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    errors.add({ file, line: error.line, column: "", message: error.message });
  } finally {
    await writer.end();
  }
  if (!headerSeen) {
    errors.add({ file, line: 1, column: "", message: "the file is empty; a header row is required" });
  }
  return { sha256: hash.digest("hex"), rows };
}

function readHeader(
  spec: LedgerFileSpec,
  header: readonly string[],
  errors: ProblemList,
  warnings: ProblemList,
): Map<string, number> | undefined {
  const file = spec.fileName;
  const index = new Map<string, number>();
  const known = new Set(spec.columns);
  let ok = true;
  header.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (index.has(name)) {
      errors.add({ file, line: 1, column: name, message: `column "${name}" appears twice in the header` });
      ok = false;
    } else if (!known.has(name)) {
      warnings.add({ file, line: 1, column: name, message: `unknown column "${raw}" ignored` });
    }
    index.set(name, i);
  });
  for (const required of spec.required) {
    if (!index.has(required)) {
      errors.add({
        file,
        line: 1,
        column: required,
        message: `required column "${required}" is missing from the header`,
      });
      ok = false;
    }
  }
  return ok ? index : undefined;
}

function rememberCustomer(context: RowContext, values: readonly unknown[]): void {
  // Stage column order: customer_ref, name, country, currency, payment_terms_days, credit_limit, …, requires_po
  const ref = values[0] as string;
  const existing = context.customers.get(ref);
  context.customers.set(ref, {
    currency: (values[3] as string | null) ?? existing?.currency ?? context.baseCurrency,
    paymentTermsDays: (values[4] as number | null) ?? existing?.paymentTermsDays ?? 30,
    requiresPo: (values[13] as boolean | null) ?? existing?.requiresPo ?? false,
  });
}

export type { LedgerFileKind };
