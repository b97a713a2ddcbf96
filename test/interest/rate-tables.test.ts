import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { computeLateInterest, referenceRateOn, type RateTables } from "../../src/domain/interest.js";
import { isRecoupError, RecoupError } from "../../src/errors.js";
import { computeInterestForCli } from "../../src/interest/compute-interest.js";
import {
  loadRateTables,
  parseRateCsv,
  RATE_TABLE_FILES,
  ratesDirsFromEnv,
  SHIPPED_RATES_DIR,
} from "../../src/interest/rate-tables.js";

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), "recoup-rates-"));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function writeTable(dir: string, file: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
}

function errorOf(run: () => unknown): RecoupError {
  try {
    run();
  } catch (error) {
    if (isRecoupError(error)) return error;
    throw error;
  }
  throw new Error("expected a RecoupError");
}

describe("loadRateTables: shipped tables", () => {
  const tables = loadRateTables();

  it("finds data/rates from the source tree", () => {
    expect(SHIPPED_RATES_DIR.replace(/\\/g, "/")).toMatch(/\/data\/rates\/?$/);
  });

  it("covers 2008 onwards in every table, sorted, one row per date", () => {
    for (const series of Object.values(tables) as RateTables[keyof RateTables][]) {
      expect(series.rows[0]!.effectiveDate <= "2008-01-01").toBe(true);
      const dates = series.rows.map((row) => row.effectiveDate);
      expect([...dates].sort()).toEqual(dates);
      expect(new Set(dates).size).toBe(dates.length);
    }
  });

  it("holds known Bank of England Bank Rate history", () => {
    const boe = tables.boeBankRate;
    expect(referenceRateOn(boe, "2008-12-31")).toBe("2.00");
    expect(referenceRateOn(boe, "2009-03-05")).toBe("0.50");
    expect(referenceRateOn(boe, "2020-03-19")).toBe("0.10");
    expect(referenceRateOn(boe, "2023-06-30")).toBe("5.00");
    expect(referenceRateOn(boe, "2023-12-31")).toBe("5.25");
    expect(referenceRateOn(boe, "2024-12-31")).toBe("4.75");
    expect(referenceRateOn(boe, "2025-12-31")).toBe("3.75");
  });

  it("holds the ECB MRO rate including the September 2024 spread change and the 2022-2025 cycle", () => {
    const ecb = tables.ecbMainRefinancingRate;
    expect(referenceRateOn(ecb, "2016-03-16")).toBe("0.00");
    expect(referenceRateOn(ecb, "2022-07-27")).toBe("0.50");
    expect(referenceRateOn(ecb, "2023-09-20")).toBe("4.50");
    expect(referenceRateOn(ecb, "2024-09-17")).toBe("4.25");
    // Deposit rate cut by 25 bp to 3.50, MRO spread narrowed to 15 bp: MRO 4.25 → 3.65.
    expect(referenceRateOn(ecb, "2024-09-18")).toBe("3.65");
    expect(referenceRateOn(ecb, "2025-06-11")).toBe("2.15");
  });

  it("holds the Basiszinssatz on each 1 January and 1 July", () => {
    const de = tables.deBasiszinssatz;
    expect(referenceRateOn(de, "2008-01-01")).toBe("3.32");
    expect(referenceRateOn(de, "2016-07-01")).toBe("-0.88");
    expect(referenceRateOn(de, "2023-01-01")).toBe("1.62");
    expect(referenceRateOn(de, "2025-07-01")).toBe("1.27");
    expect(referenceRateOn(de, "2026-01-01")).toBe("1.27");
    for (const row of de.rows) expect(row.effectiveDate.slice(5)).toMatch(/^(01|07)-01$/);
  });

  it("gives the hand-computed £21.78 for £1,000.00 due 2024-01-15 paid 2024-03-15 under uk", () => {
    const result = computeLateInterest({
      amount: 100_000,
      currency: "GBP",
      dueDate: "2024-01-15",
      paidDate: "2024-03-15",
      regime: "uk",
      tables,
    });
    expect(result.rate).toBe(13.25);
    expect(result.interest.amount).toBe(2178);
  });
});

describe("loadRateTables: user extension", () => {
  it("adds and overrides rows from a same-named CSV in an extra folder", () => {
    writeTable(
      tmp,
      RATE_TABLE_FILES.boeBankRate,
      "effective_date,rate_percent\n2025-12-18,3.70\n2030-02-07,3.00\n",
    );
    const tables = loadRateTables({ extraDirs: [tmp] });
    expect(referenceRateOn(tables.boeBankRate, "2025-12-31")).toBe("3.70"); // overridden
    expect(referenceRateOn(tables.boeBankRate, "2030-02-07")).toBe("3.00"); // added
    expect(referenceRateOn(tables.boeBankRate, "2023-12-31")).toBe("5.25"); // shipped row kept
    expect(referenceRateOn(tables.ecbMainRefinancingRate, "2025-06-11")).toBe("2.15"); // other tables untouched
  });

  it("lets later folders win and skips folders that do not exist", () => {
    const first = join(tmp, "first");
    const second = join(tmp, "second");
    writeTable(first, RATE_TABLE_FILES.deBasiszinssatz, "effective_date,rate_percent\n2031-01-01,2.00\n");
    writeTable(
      second,
      RATE_TABLE_FILES.deBasiszinssatz,
      "rate_percent,effective_date\r\n2.50,2031-01-01\r\n",
    );
    const tables = loadRateTables({ extraDirs: [first, join(tmp, "missing"), second] });
    expect(referenceRateOn(tables.deBasiszinssatz, "2031-01-01")).toBe("2.50");
  });

  it("accepts a BOM, quoted fields, upper-case headers and blank lines", () => {
    const { rows, problems } = parseRateCsv(
      '\uFEFFEFFECTIVE_DATE,"RATE_PERCENT"\n\n"2031-07-01","1.5"\n\n',
      "x.csv",
    );
    expect(problems).toEqual([]);
    expect(rows).toEqual([{ effectiveDate: "2031-07-01", ratePercent: "1.5" }]);
  });

  it("reads RECOUP_RATES_DIR as a PATH-like list", () => {
    expect(ratesDirsFromEnv({ RECOUP_RATES_DIR: ["/a", "/b"].join(delimiter) })).toEqual(["/a", "/b"]);
    expect(ratesDirsFromEnv({})).toEqual([]);
  });
});

describe("loadRateTables: malformed files", () => {
  it("names file:line: column: message for each bad row", () => {
    const path = writeTable(
      tmp,
      RATE_TABLE_FILES.ecbMainRefinancingRate,
      [
        "effective_date,rate_percent",
        "2031-01-01,2.00",
        "2031-02-30,2.00",
        "2031-03-01,2,5",
        "2031-04-01,2,50",
        "2031-05-01,abc",
        "2031-01-01,2.10",
      ].join("\n"),
    );
    const error = errorOf(() => loadRateTables({ extraDirs: [tmp] }));
    expect(error.code).toBe("VALIDATION_FAILED");
    const lines = error.message.split("\n");
    expect(lines).toEqual([
      `${path}:3: effective_date: "2031-02-30" has day 30; 2031-02 has 28 days`,
      `${path}:4: row: expected 2 fields (effective_date,rate_percent), found 3`,
      `${path}:5: row: expected 2 fields (effective_date,rate_percent), found 3`,
      expect.stringMatching(
        new RegExp(`^${path.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}:6: rate_percent: "abc" is not`),
      ),
      `${path}:7: effective_date: 2031-01-01 appears twice in this file (also on line 2)`,
    ]);
    expect((error.details as { problems: unknown[] }).problems).toHaveLength(5);
  });

  it("rejects a wrong header and an empty file", () => {
    const bad = parseRateCsv("date,rate\n2031-01-01,1\n", "bad.csv").problems;
    expect(bad).toEqual([
      {
        file: "bad.csv",
        line: 1,
        column: "header",
        message:
          'expected the columns effective_date,rate_percent; missing effective_date, rate_percent; unknown "date", "rate"',
      },
    ]);
    expect(parseRateCsv("", "empty.csv").problems[0]).toMatchObject({ line: 1, column: "header" });
  });

  it("rejects an implausible rate such as basis points", () => {
    const { problems } = parseRateCsv("effective_date,rate_percent\n2031-01-01,525\n", "bp.csv");
    expect(problems).toMatchObject([{ line: 2, column: "rate_percent" }]);
  });

  it("rejects an extra dir that is a file", () => {
    const file = writeTable(tmp, "not-a-dir", "x");
    expect(errorOf(() => loadRateTables({ extraDirs: [file] })).code).toBe("VALIDATION_FAILED");
  });
});

describe("computeInterestForCli", () => {
  it("returns the contract JSON for the documented example", () => {
    expect(
      computeInterestForCli({
        amount: "1000.00",
        currency: "gbp",
        due: "2024-01-15",
        paid: "2024-03-15",
        regime: "uk",
      }),
    ).toEqual({
      regime: "uk",
      rate: 13.25,
      days: 60,
      interest: { amount: 2178, currency: "GBP" },
      compensation: { amount: 7000, currency: "GBP" },
      total: { amount: 9178, currency: "GBP" },
    });
  });

  it("applies --rate and user rate folders", () => {
    writeTable(tmp, RATE_TABLE_FILES.boeBankRate, "effective_date,rate_percent\n2023-12-01,6.00\n");
    const overridden = computeInterestForCli({
      amount: "1000.00",
      currency: "GBP",
      due: "2024-01-15",
      paid: "2024-03-15",
      regime: "uk",
      ratesDirs: [tmp],
    });
    expect(overridden.rate).toBe(14);
    const contractual = computeInterestForCli({
      amount: "100000",
      currency: "JPY",
      due: "2024-01-15",
      paid: "2024-03-15",
      regime: "contract",
      rate: "8.5",
    });
    // ¥100,000 × 8.5% × 60/365 = 51000000/36500 = 1397.26… → ¥1,397.
    expect(contractual.interest).toEqual({ amount: 1397, currency: "JPY" });
  });

  it.each([
    [{ amount: "1000.001" }, "INVALID_MONEY", '--amount: "1000.001" has 3 decimals; GBP has at most 2'],
    [{ amount: "1,000.00" }, "INVALID_MONEY", /^--amount: "1,000.00" is not a decimal amount/],
    [{ amount: "0" }, "INVALID_MONEY", '--amount: "0" must be greater than 0'],
    [
      { currency: "GBX" },
      "UNKNOWN_CURRENCY",
      '--currency: unknown currency "GBX" (expected an ISO 4217 code)',
    ],
    [{ due: "15/01/2024" }, "INVALID_DATE", '--due: "15/01/2024" is not a date in the form YYYY-MM-DD'],
    [{ paid: "2023-02-29" }, "INVALID_DATE", '--paid: "2023-02-29" has day 29; 2023-02 has 28 days'],
    [
      { regime: "us" },
      "UNKNOWN_REGIME",
      '--regime: unknown regime "us" (expected one of uk, eu, de, fr, contract, none)',
    ],
    [{ rate: "8,5" }, "VALIDATION_FAILED", /^--rate: "8,5" is not an annual percentage/],
    [
      { regime: "contract" },
      "VALIDATION_FAILED",
      "--regime contract needs --rate <annual %>, e.g. --rate 8.5",
    ],
    [{ regime: "none", rate: "5" }, "VALIDATION_FAILED", /^--rate cannot be used with --regime none/],
    [{ currency: "USD" }, "VALIDATION_FAILED", /^regime "uk" applies to GBP debts/],
    [{ due: "2006-01-15" }, "RATE_NOT_AVAILABLE", /starts on 2007-12-06/],
  ])("rejects %o with %s", (override, code, message) => {
    const error = errorOf(() =>
      computeInterestForCli({
        amount: "1000.00",
        currency: "GBP",
        due: "2024-01-15",
        paid: "2024-03-15",
        regime: "uk",
        ...override,
      }),
    );
    expect(error.code).toBe(code);
    if (typeof message === "string") expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });
});
