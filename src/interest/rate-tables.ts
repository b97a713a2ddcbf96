/**
 * Loads the reference-rate tables: the CSVs shipped in data/rates/, then same-named CSVs from any extra
 * folders (the embedded data directory's `rates/`, `RECOUP_RATES_DIR`, …), whose rows add to or replace
 * shipped rows with the same effective_date. Users extend the tables this way without a release.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCalendarDate } from "../domain/calendar-date.js";
import { createRateSeries, isRatePercent, type RateRow, type RateTables } from "../domain/interest.js";
import { RecoupError } from "../errors.js";

/** The file behind each table; an extra folder overrides a table by holding a file of the same name. */
export const RATE_TABLE_FILES = {
  boeBankRate: "boe-bank-rate.csv",
  ecbMainRefinancingRate: "ecb-main-refinancing-rate.csv",
  deBasiszinssatz: "de-basiszinssatz.csv",
} as const satisfies Record<keyof RateTables, string>;

const SERIES_NAMES: Record<keyof RateTables, string> = {
  boeBankRate: "Bank of England Bank Rate",
  ecbMainRefinancingRate: "ECB main refinancing operations rate",
  deBasiszinssatz: "Bundesbank Basiszinssatz",
};

/** data/rates, found from this file whether it runs as src/interest/*.ts or dist/interest/*.js. */
export const SHIPPED_RATES_DIR = fileURLToPath(new URL("../../data/rates/", import.meta.url));

const COLUMNS = ["effective_date", "rate_percent"] as const;

export interface RateFileProblem {
  readonly file: string;
  readonly line: number;
  readonly column: string;
  readonly message: string;
}

export interface LoadRateTablesOptions {
  /** Folders searched after the shipped tables, in order; later folders win. Missing folders are skipped. */
  readonly extraDirs?: readonly string[];
}

function unquote(field: string): string {
  const trimmed = field.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1).trim()
    : trimmed;
}

/**
 * Parses one rate CSV (header `effective_date,rate_percent`, in either order, case-insensitive; blank
 * lines ignored). Pure: returns the rows and every problem found, each with its file, line and column.
 * @example parseRateCsv("effective_date,rate_percent\n2024-08-01,5.00\n", "boe-bank-rate.csv").rows
 * // [{ effectiveDate: "2024-08-01", ratePercent: "5.00" }]
 */
export function parseRateCsv(text: string, file: string): { rows: RateRow[]; problems: RateFileProblem[] } {
  const rows: RateRow[] = [];
  const problems: RateFileProblem[] = [];
  const problem = (line: number, column: string, message: string) =>
    problems.push({ file, line, column, message });

  const physical = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  const headerIndex = physical.findIndex((line) => line.trim() !== "");
  if (headerIndex < 0) {
    problem(1, "header", `the file is empty; expected the header "${COLUMNS.join(",")}"`);
    return { rows, problems };
  }
  const header = physical[headerIndex]!.split(",").map((name) => unquote(name).toLowerCase());
  const headerLine = headerIndex + 1;
  const unknown = header.filter((name) => !(COLUMNS as readonly string[]).includes(name));
  const missing = COLUMNS.filter((name) => !header.includes(name));
  const duplicated = header.filter((name, index) => header.indexOf(name) !== index);
  if (unknown.length > 0 || missing.length > 0 || duplicated.length > 0) {
    const parts = [
      missing.length > 0 ? `missing ${missing.join(", ")}` : "",
      unknown.length > 0 ? `unknown ${unknown.map((name) => `"${name}"`).join(", ")}` : "",
      duplicated.length > 0 ? `repeated ${duplicated.join(", ")}` : "",
    ].filter(Boolean);
    problem(headerLine, "header", `expected the columns ${COLUMNS.join(",")}; ${parts.join("; ")}`);
    return { rows, problems };
  }
  const dateIndex = header.indexOf("effective_date");
  const rateIndex = header.indexOf("rate_percent");
  const firstLineOfDate = new Map<string, number>();

  for (let index = headerIndex + 1; index < physical.length; index++) {
    const raw = physical[index]!;
    if (raw.trim() === "") continue;
    const line = index + 1;
    const fields = raw.split(",").map(unquote);
    if (fields.length !== COLUMNS.length) {
      problem(line, "row", `expected ${COLUMNS.length} fields (${header.join(",")}), found ${fields.length}`);
      continue;
    }
    const dateText = fields[dateIndex]!;
    const rateText = fields[rateIndex]!;
    let ok = true;
    try {
      parseCalendarDate(dateText);
    } catch (error) {
      problem(line, "effective_date", (error as Error).message);
      ok = false;
    }
    if (!isRatePercent(rateText)) {
      problem(
        line,
        "rate_percent",
        `"${rateText}" is not a percentage (digits with an optional "-" and "." and at most 8 decimals, e.g. 5.25)`,
      );
      ok = false;
    } else if (Math.abs(Number(rateText)) >= 100) {
      problem(
        line,
        "rate_percent",
        `${rateText} is not a plausible reference rate (expected a percentage below 100)`,
      );
      ok = false;
    }
    if (!ok) continue;
    const earlier = firstLineOfDate.get(dateText);
    if (earlier !== undefined) {
      problem(line, "effective_date", `${dateText} appears twice in this file (also on line ${earlier})`);
      continue;
    }
    firstLineOfDate.set(dateText, line);
    rows.push({ effectiveDate: parseCalendarDate(dateText), ratePercent: rateText });
  }
  return { rows, problems };
}

export function formatRateFileProblem(problem: RateFileProblem): string {
  return `${problem.file}:${problem.line}: ${problem.column}: ${problem.message}`;
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * Reads the shipped rate tables and overlays same-named CSVs from `extraDirs`. Synchronous (three small
 * files) so callers cannot forget to await it. Throws RecoupError("VALIDATION_FAILED") listing every
 * malformed row as `file:line: column: message` (also in `details.problems`).
 * @example loadRateTables({ extraDirs: [join(dataDir, "rates"), ...ratesDirsFromEnv()] })
 */
export function loadRateTables(options: LoadRateTablesOptions = {}): RateTables {
  const problems: RateFileProblem[] = [];
  const extraDirs = (options.extraDirs ?? []).filter((dir) => dir !== "");
  for (const dir of extraDirs) {
    if (existsSync(dir) && !isDirectory(dir)) {
      throw new RecoupError("VALIDATION_FAILED", `${dir}: expected a folder of rate tables, found a file`);
    }
  }

  const load = (key: keyof RateTables) => {
    const fileName = RATE_TABLE_FILES[key];
    const merged = new Map<string, RateRow>();
    const files = [join(SHIPPED_RATES_DIR, fileName)];
    for (const dir of extraDirs) {
      const candidate = join(dir, fileName);
      if (isDirectory(dir) && existsSync(candidate)) files.push(candidate);
    }
    for (const file of files) {
      const parsed = parseRateCsv(readFileSync(file, "utf8"), file);
      problems.push(...parsed.problems);
      for (const row of parsed.rows) merged.set(row.effectiveDate, row);
    }
    return createRateSeries(SERIES_NAMES[key], [...merged.values()]);
  };

  const tables: RateTables = {
    boeBankRate: load("boeBankRate"),
    ecbMainRefinancingRate: load("ecbMainRefinancingRate"),
    deBasiszinssatz: load("deBasiszinssatz"),
  };
  if (problems.length > 0) {
    throw new RecoupError("VALIDATION_FAILED", problems.map(formatRateFileProblem).join("\n"), { problems });
  }
  return tables;
}

/** The folders named by `RECOUP_RATES_DIR` (several allowed, separated like PATH). */
export function ratesDirsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.RECOUP_RATES_DIR ?? "").split(delimiter).filter((dir) => dir.trim() !== "");
}
