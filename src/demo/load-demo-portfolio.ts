import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { addMonths, todayIn } from "../domain/calendar-date.js";
import { updateCollectionSettings } from "../collections/collection-settings.js";
import { importLedger, type ImportResult } from "../ingest/import-ledger.js";
import { generatePortfolio } from "./generate-portfolio.js";

export interface LoadDemoOptions {
  store: RecoupStore;
  clock: Clock;
  /** Last day of the demo ledger; default yesterday in the organisation's time zone. */
  asOf?: string;
  seed?: number;
  customers?: number;
  invoices?: number;
}

/**
 * Generates the deterministic demo portfolio (two years up to `asOf`, three currencies) and
 * imports it through the ordinary import path, so the demo exercises what a real ERP feed does.
 */
export async function loadDemoPortfolio(options: LoadDemoOptions): Promise<ImportResult & { asOf: string }> {
  const today = todayIn(options.clock.now(), options.store.timeZone);
  const asOf = options.asOf ?? today;
  const folder = mkdtempSync(path.join(tmpdir(), "recoup-demo-"));
  try {
    await generatePortfolio({
      outDir: folder,
      seed: options.seed ?? 1,
      customers: options.customers ?? 600,
      invoices: options.invoices ?? 20_000,
      from: addMonths(asOf, -24),
      asOf,
    });
    const result = await importLedger({ store: options.store, folder, clock: options.clock, actor: "demo" });
    // Messages name who sends them and how to reach them; a real organisation sets its own.
    await updateCollectionSettings({
      store: options.store,
      clock: options.clock,
      actor: "demo",
      changes: {
        senderName: "Northwind Components Ltd",
        senderEmail: "receivables@northwind.example",
        senderPhone: "+44 20 7946 0321",
      },
    });
    return { ...result, asOf };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** True when the ledger holds no invoice yet (a fresh install). */
export async function isLedgerEmpty(store: RecoupStore): Promise<boolean> {
  const { rows } = await store.handle.pool.query(
    `SELECT 1 FROM invoices WHERE organisation_id = $1 LIMIT 1`,
    [store.organisationId],
  );
  return rows.length === 0;
}
