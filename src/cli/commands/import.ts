import type { Command } from "commander";
import { SingleBar } from "cli-progress";
import { findLedgerFiles, importLedger, type ImportResult } from "../../ingest/import-ledger.js";
import { printJson, renderTable } from "../output.js";
import { EXIT_USER_ERROR, withStore, type GlobalOptions } from "../run-command.js";

export function registerImport(program: Command): void {
  program
    .command("import <folder>")
    .description(
      "import customers.csv, invoices.csv, credit_notes.csv and payments.csv from a folder (atomic, idempotent)",
    )
    .option("--dry-run", "check and count, then write nothing")
    .action(async (folder: string, options: { dryRun?: boolean }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store, clock) => {
        const bar =
          process.stderr.isTTY && !global.json
            ? new SingleBar({ format: " {file} [{bar}] {percentage}% | {value}/{total} MB" })
            : undefined;
        let currentFile = "";
        const lastFile = lastLedgerFile(folder);
        const result = await importLedger({
          store,
          folder,
          clock,
          actor: `cli:${process.env.USER ?? "unknown"}`,
          dryRun: options.dryRun ?? false,
          onProgress: bar
            ? ({ file, bytesRead, totalBytes }) => {
                const mb = (n: number) => Math.round(n / 1e5) / 10;
                if (file !== currentFile) {
                  if (currentFile) bar.stop();
                  currentFile = file;
                  bar.start(mb(totalBytes), 0, { file });
                }
                bar.update(mb(bytesRead), { file });
                if (bytesRead === totalBytes && file === lastFile) {
                  bar.stop();
                  process.stderr.write("Checking the whole set and merging it into the ledger…\n");
                }
              }
            : undefined,
        });
        bar?.stop();
        if (global.json) printJson(result);
        else printImportSummary(result, folder);
        return result.errors.length > 0 ? EXIT_USER_ERROR : 0;
      });
    });
}

const WARNINGS_SHOWN = 20;

function printImportSummary(result: ImportResult, folder: string): void {
  for (const e of result.errors)
    process.stderr.write(`${folder}/${e.file}:${e.line}: ${e.column}: ${e.message}\n`);
  if (result.moreErrors) process.stderr.write(`… and ${result.moreErrors} more errors\n`);
  // Errors are all listed (each must be fixed); warnings are summarised past the first screenful.
  for (const w of result.warnings.slice(0, WARNINGS_SHOWN))
    process.stderr.write(`warning: ${w.file}:${w.line}: ${w.column}: ${w.message}\n`);
  const hidden = result.warnings.length - WARNINGS_SHOWN + (result.moreWarnings ?? 0);
  if (hidden > 0) process.stderr.write(`… and ${hidden} more warnings (--json lists the first 1000)\n`);
  if (result.errors.length > 0) {
    process.stderr.write(
      `Nothing was imported: ${result.errors.length + (result.moreErrors ?? 0)} error(s).\n`,
    );
    return;
  }
  const kinds = ["customers", "invoices", "creditNotes", "payments"] as const;
  console.log(
    renderTable(
      ["", "created", "updated", "unchanged"],
      kinds.map((k) => [
        k,
        String(result.created[k]),
        String(result.updated[k]),
        String(result.unchanged[k]),
      ]),
    ),
  );
  console.log(result.dryRun ? "Dry run: nothing was written." : "Import committed.");
}

/** The last ledger file the import will read from the folder. */
function lastLedgerFile(folder: string): string | undefined {
  try {
    return findLedgerFiles(folder).at(-1)?.spec.fileName;
  } catch {
    return undefined; // the import itself reports the folder's problem
  }
}
