/**
 * The benchmark portfolio: generated once per size into bench/data/<size>/ and reused while its
 * marker (portfolio.json) names the same options.
 */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generatePortfolio, type PortfolioCounts } from "../src/demo/generate-portfolio.js";

/** Bump when the way the bench calls the generator changes, to force regeneration. */
const MARKER_VERSION = 1;

export const PORTFOLIO_FROM = "2024-12-01";
export const FILE_NAMES = ["customers.csv", "invoices.csv", "credit_notes.csv", "payments.csv"] as const;

export interface PortfolioOptions {
  invoices: number;
  seed: number;
  asOf: string;
}

export interface Portfolio extends PortfolioOptions {
  dir: string;
  customers: number;
  counts: PortfolioCounts;
  /** Data rows of the four files together (headers not counted). */
  rows: number;
  bytes: number;
  /** Whether the files were already there. */
  reused: boolean;
  generateSeconds: number | null;
}

interface Marker extends PortfolioOptions {
  version: number;
  customers: number;
  from: string;
  counts: PortfolioCounts;
}

/** About one customer per 20 invoices. */
export function customersFor(invoices: number): number {
  return Math.max(1, Math.round(invoices / 20));
}

export function rowsOf(counts: PortfolioCounts): number {
  return counts.customers + counts.invoices + counts.creditNotes + counts.payments;
}

export async function ensurePortfolio(dataRoot: string, options: PortfolioOptions): Promise<Portfolio> {
  const dir = path.join(dataRoot, String(options.invoices));
  const markerPath = path.join(dir, "portfolio.json");
  const customers = customersFor(options.invoices);
  const wanted = { version: MARKER_VERSION, ...options, customers, from: PORTFOLIO_FROM };
  const existing = readMarker(markerPath);
  const filesPresent = FILE_NAMES.every((name) => existsSync(path.join(dir, name)));
  const bytes = () => FILE_NAMES.reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
  if (
    existing &&
    filesPresent &&
    existing.version === wanted.version &&
    existing.invoices === wanted.invoices &&
    existing.seed === wanted.seed &&
    existing.asOf === wanted.asOf &&
    existing.customers === wanted.customers &&
    existing.from === wanted.from
  ) {
    return {
      ...options,
      dir,
      customers,
      counts: existing.counts,
      rows: rowsOf(existing.counts),
      bytes: bytes(),
      reused: true,
      generateSeconds: null,
    };
  }
  // No marker while the files are incomplete: an interrupted generation is redone next time.
  rmSync(markerPath, { force: true });
  const started = performance.now();
  let lastPrint = 0;
  const result = await generatePortfolio({
    outDir: dir,
    seed: options.seed,
    invoices: options.invoices,
    customers,
    from: PORTFOLIO_FROM,
    asOf: options.asOf,
    onProgress: (written, total) => {
      const now = performance.now();
      if (now - lastPrint > 5000) {
        lastPrint = now;
        process.stderr.write(`  generating: ${written}/${total} invoices\n`);
      }
    },
  });
  const generateSeconds = (performance.now() - started) / 1000;
  const marker: Marker = { ...wanted, counts: result.counts };
  writeFileSync(markerPath, JSON.stringify(marker, null, 2) + "\n");
  return {
    ...options,
    dir,
    customers,
    counts: result.counts,
    rows: rowsOf(result.counts),
    bytes: bytes(),
    reused: false,
    generateSeconds,
  };
}

function readMarker(markerPath: string): Marker | undefined {
  try {
    return JSON.parse(readFileSync(markerPath, "utf8")) as Marker;
  } catch {
    return undefined;
  }
}
