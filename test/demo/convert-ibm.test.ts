import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convertIbmDataset } from "../../src/demo/convert-ibm.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const external = path.resolve(repoRoot, "../shared/data/external");
const DATAMINING = path.join(external, "ibm_ar_datamining.csv");
const PBIFINANCEML = path.join(external, "ibm_ar_pbifinanceml.csv");
const available = existsSync(DATAMINING) && existsSync(PBIFINANCEML);
if (!available) {
  console.warn(
    `convert-ibm tests skipped: the IBM sample is not at ${external} (ibm_ar_datamining.csv, ibm_ar_pbifinanceml.csv)`,
  );
}

const FILES = ["customers.csv", "invoices.csv", "payments.csv"] as const;

/** Sums decimal strings exactly in cents, by string arithmetic (no floats, no parser under test). */
function sumCents(amounts: readonly string[]): bigint {
  let total = 0n;
  for (const text of amounts) {
    const [whole, fraction = ""] = text.split(".");
    if (!/^\d+$/.test(whole!) || !/^\d{0,2}$/.test(fraction)) throw new Error(`unexpected amount "${text}"`);
    total += BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, "0"));
  }
  return total;
}

/** The IBM files and the converted ones hold no quoted fields, so a plain split reads them. */
function column(text: string, name: string): string[] {
  const [header, ...lines] = text
    .replace(/^\uFEFF/, "")
    .trimEnd()
    .split(/\r?\n/);
  const index = header!.split(",").indexOf(name);
  if (index < 0) throw new Error(`no column ${name}`);
  return lines.map((line) => line.split(",")[index]!);
}

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "recoup-ibm-"));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("convertIbmDataset", () => {
  it.skipIf(!available)(
    "converts the 2,466 invoices, totals to the cent against the raw column",
    async () => {
      const outDir = path.join(tmp, "datamining");
      const result = await convertIbmDataset({ inputCsv: DATAMINING, outDir });
      expect(result.counts).toEqual({ customers: 100, invoices: 2_466, payments: 2_466 });
      expect(result.files.map((f) => path.basename(f))).toEqual([...FILES]);

      const raw = await readFile(DATAMINING, "utf8");
      const rawTotal = sumCents(column(raw, "InvoiceAmount"));
      const invoices = await readFile(path.join(outDir, "invoices.csv"), "utf8");
      const payments = await readFile(path.join(outDir, "payments.csv"), "utf8");
      const customers = await readFile(path.join(outDir, "customers.csv"), "utf8");

      expect(invoices.split("\n")[0]).toBe("invoice_ref,customer_ref,issue_date,due_date,amount,currency");
      expect(payments.split("\n")[0]).toBe("payment_ref,customer_ref,date,amount,currency,invoice_ref");
      expect(customers.split("\n")[0]).toBe("customer_ref,name,country,currency");
      expect(column(invoices, "amount")).toHaveLength(2_466);
      expect(sumCents(column(invoices, "amount"))).toBe(rawTotal);
      expect(sumCents(column(payments, "amount"))).toBe(rawTotal);
      expect(rawTotal).toBeGreaterThan(0n);

      expect(column(invoices, "amount").filter((amount) => !/^\d+\.\d{2}$/.test(amount))).toEqual([]);
      expect(column(invoices, "invoice_ref").filter((ref) => !/^[1-9]\d*$/.test(ref))).toEqual([]);
      const dates = [
        ...column(invoices, "issue_date"),
        ...column(invoices, "due_date"),
        ...column(payments, "date"),
      ];
      expect(dates.filter((date) => !/^20\d{2}-\d{2}-\d{2}$/.test(date))).toEqual([]);
      const paidInvoices = column(payments, "invoice_ref");
      expect(column(payments, "payment_ref")).toEqual(paidInvoices.map((ref) => `P-${ref}`));
      expect(customers).toContain("0379-NEVHP,Customer 0379-NEVHP,,USD\n");
      // The first raw row: invoice 0000611365 issued 1/2/2013, due 2/1/2013, settled 1/15/2013.
      expect(invoices).toContain("611365,0379-NEVHP,2013-01-02,2013-02-01,55.94,USD\n");
      expect(payments).toContain("P-611365,0379-NEVHP,2013-01-15,55.94,USD,611365\n");
    },
  );

  it.skipIf(!available)("gives byte-identical files for both public copies of the sample", async () => {
    await convertIbmDataset({ inputCsv: DATAMINING, outDir: path.join(tmp, "a") });
    await convertIbmDataset({ inputCsv: PBIFINANCEML, outDir: path.join(tmp, "b") });
    for (const file of FILES) {
      const a = await readFile(path.join(tmp, "a", file), "utf8");
      const b = await readFile(path.join(tmp, "b", file), "utf8");
      expect(a === b, `${file} differs between the two copies`).toBe(true);
    }
  });

  it("rejects bad rows with file:line: column: message, never rounding an amount", async () => {
    const input = path.join(tmp, "bad.csv");
    await writeFile(
      input,
      "countryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate,PaperlessBill,DaysToSettle,DaysLate\n" +
        "391,0379-NEVHP,4/6/2013,0000611365,1/2/2013,2/1/2013,55.945,No,1/15/2013,Paper,13,0\n" +
        "391,0379-NEVHP,4/6/2013,0000611366,2013-01-02,2/1/2013,55.94,No,1/15/2013,Paper,13,0\n",
    );
    const attempt = convertIbmDataset({ inputCsv: input, outDir: path.join(tmp, "bad") });
    await expect(attempt).rejects.toThrow(/bad\.csv:2: InvoiceAmount: .*3 decimals/);
    await expect(attempt).rejects.toThrow(/bad\.csv:3: InvoiceDate: .*M\/D\/YYYY/);
  });

  it("rejects a file that is not the IBM sample", async () => {
    const input = path.join(tmp, "other.csv");
    await writeFile(input, "invoice_ref,amount\nA1,10.00\n");
    await expect(convertIbmDataset({ inputCsv: input, outDir: path.join(tmp, "other") })).rejects.toThrow(
      /missing column/,
    );
  });

  it("writes unsettled invoices without a payment", async () => {
    const input = path.join(tmp, "open.csv");
    await writeFile(
      input,
      "\uFEFFcountryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate,PaperlessBill,DaysToSettle,DaysLate\r\n" +
        "391,A,,007,12/31/2013,1/30/2014,94,No,,Paper,,\r\n" +
        "391,A,,008,12/30/2013,1/29/2014,5.5,No,1/2/2014,Paper,3,0\r\n",
    );
    const outDir = path.join(tmp, "open");
    const result = await convertIbmDataset({ inputCsv: input, outDir });
    expect(result.counts).toEqual({ customers: 1, invoices: 2, payments: 1 });
    expect(await readFile(path.join(outDir, "invoices.csv"), "utf8")).toBe(
      "invoice_ref,customer_ref,issue_date,due_date,amount,currency\n" +
        "8,A,2013-12-30,2014-01-29,5.50,USD\n" +
        "7,A,2013-12-31,2014-01-30,94.00,USD\n",
    );
    expect(await readFile(path.join(outDir, "payments.csv"), "utf8")).toBe(
      "payment_ref,customer_ref,date,amount,currency,invoice_ref\nP-8,A,2014-01-02,5.50,USD,8\n",
    );
  });
});
