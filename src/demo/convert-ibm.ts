/**
 * Converts the IBM Watson Analytics "Accounts Receivable" sample (2,466 invoices of 100 customers,
 * 2012–2013, all settled) into ledger files, format v1 (DESIGN 5.1): customers.csv, invoices.csv and
 * payments.csv.
 *
 * Input columns: countryCode, customerID, PaperlessDate, invoiceNumber, InvoiceDate, DueDate,
 * InvoiceAmount, Disputed, SettledDate, PaperlessBill, DaysToSettle, DaysLate — dates US-style M/D/YYYY.
 * Public copies differ only in row order and the zero-padding of invoiceNumber, so refs drop leading
 * zeros and every output file is sorted: any copy converts to the same bytes.
 */
import { createReadStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse";
import { parseCalendarDate, type CalendarDate } from "../domain/calendar-date.js";
import { formatMinorUnits, parseMinorUnits } from "../domain/money.js";
import { RecoupError } from "../errors.js";
import { CsvFileWriter } from "./generate-portfolio.js";

export interface ConvertIbmOptions {
  /** One of the IBM sample CSV files. */
  inputCsv: string;
  /** Folder to write customers.csv, invoices.csv and payments.csv into (created if missing). */
  outDir: string;
}

export interface ConvertIbmResult {
  counts: { customers: number; invoices: number; payments: number };
  /** Absolute paths of customers.csv, invoices.csv, payments.csv. */
  files: string[];
}

const CURRENCY = "USD";
const REQUIRED = [
  "customerID",
  "invoiceNumber",
  "InvoiceDate",
  "DueDate",
  "InvoiceAmount",
  "SettledDate",
] as const;
type Column = (typeof REQUIRED)[number];

interface IbmInvoice {
  ref: string;
  customerRef: string;
  issueDate: CalendarDate;
  dueDate: CalendarDate | "";
  /** Minor units (cents). */
  amount: number;
  settledDate: CalendarDate | "";
  line: number;
}

export async function convertIbmDataset(options: ConvertIbmOptions): Promise<ConvertIbmResult> {
  const inputName = path.basename(options.inputCsv);
  const invoices = await readIbmInvoices(options.inputCsv, inputName);
  const outDir = path.resolve(options.outDir);
  await mkdir(outDir, { recursive: true });

  const customerRefs = [...new Set(invoices.map((invoice) => invoice.customerRef))].sort(compareText);
  invoices.sort((a, b) => compareText(a.issueDate, b.issueDate) || compareRefs(a.ref, b.ref));
  const settled = invoices
    .filter((invoice) => invoice.settledDate !== "")
    .sort((a, b) => compareText(a.settledDate, b.settledDate) || compareRefs(a.ref, b.ref));

  const files = {
    customers: path.join(outDir, "customers.csv"),
    invoices: path.join(outDir, "invoices.csv"),
    payments: path.join(outDir, "payments.csv"),
  };
  const writers = [
    CsvFileWriter.open(files.customers, ["customer_ref", "name", "country", "currency"]),
    CsvFileWriter.open(files.invoices, [
      "invoice_ref",
      "customer_ref",
      "issue_date",
      "due_date",
      "amount",
      "currency",
    ]),
    CsvFileWriter.open(files.payments, [
      "payment_ref",
      "customer_ref",
      "date",
      "amount",
      "currency",
      "invoice_ref",
    ]),
  ] as const;
  const [customersOut, invoicesOut, paymentsOut] = writers;
  try {
    for (const ref of customerRefs) {
      customersOut.writeRow([ref, `Customer ${ref}`, "", CURRENCY]);
      await customersOut.flushIfFull();
    }
    for (const invoice of invoices) {
      const amount = formatMinorUnits(invoice.amount, CURRENCY);
      invoicesOut.writeRow([
        invoice.ref,
        invoice.customerRef,
        invoice.issueDate,
        invoice.dueDate,
        amount,
        CURRENCY,
      ]);
      await invoicesOut.flushIfFull();
    }
    for (const invoice of settled) {
      const amount = formatMinorUnits(invoice.amount, CURRENCY);
      paymentsOut.writeRow([
        `P-${invoice.ref}`,
        invoice.customerRef,
        invoice.settledDate,
        amount,
        CURRENCY,
        invoice.ref,
      ]);
      await paymentsOut.flushIfFull();
    }
    await Promise.all(writers.map((writer) => writer.close()));
  } catch (error) {
    for (const writer of writers) writer.destroy();
    throw error;
  }
  return {
    counts: { customers: customerRefs.length, invoices: invoices.length, payments: settled.length },
    files: [files.customers, files.invoices, files.payments],
  };
}

async function readIbmInvoices(inputCsv: string, inputName: string): Promise<IbmInvoice[]> {
  const parser = createReadStream(inputCsv).pipe(
    parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }),
  );
  const problems: { file: string; line: number; column: string; message: string }[] = [];
  const problem = (line: number, column: string, message: string) =>
    problems.push({ file: inputName, line, column, message });
  const byRef = new Map<string, IbmInvoice>();
  let index: Record<Column, number> | undefined;

  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    const line = info.lines;
    if (!index) {
      const lower = record.map((name) => name.toLowerCase());
      const missing = REQUIRED.filter((name) => !lower.includes(name.toLowerCase()));
      if (missing.length > 0) {
        throw new RecoupError(
          "IMPORT_REJECTED",
          `${inputName}:${line}: header: missing column(s) ${missing.join(", ")}; is this the IBM accounts-receivable sample?`,
        );
      }
      index = Object.fromEntries(REQUIRED.map((name) => [name, lower.indexOf(name.toLowerCase())])) as Record<
        Column,
        number
      >;
      continue;
    }
    const field = (column: Column) => record[index![column]] ?? "";
    const before = problems.length;

    const customerRef = field("customerID");
    if (customerRef === "") problem(line, "customerID", "is blank");
    const number = field("invoiceNumber");
    if (!/^\d+$/.test(number))
      problem(line, "invoiceNumber", `"${number}" is not an invoice number (digits)`);
    const ref = number.replace(/^0+(?=\d)/, "");

    const date = (column: Column, required: boolean): CalendarDate | "" => {
      const text = field(column);
      if (text === "" && !required) return "";
      try {
        return usDate(text);
      } catch (error) {
        problem(line, column, (error as Error).message);
        return "";
      }
    };
    const issueDate = date("InvoiceDate", true);
    const dueDate = date("DueDate", false);
    const settledDate = date("SettledDate", false);

    let amount = 0;
    try {
      amount = parseMinorUnits(field("InvoiceAmount"), CURRENCY);
      if (amount <= 0) problem(line, "InvoiceAmount", `"${field("InvoiceAmount")}" must be greater than 0`);
    } catch (error) {
      problem(line, "InvoiceAmount", (error as Error).message);
    }
    if (problems.length > before || issueDate === "") continue;

    const invoice: IbmInvoice = { ref, customerRef, issueDate, dueDate, amount, settledDate, line };
    const seen = byRef.get(ref);
    if (seen) {
      // A repeated row is harmless; the same number with other content is not.
      const same =
        seen.customerRef === customerRef &&
        seen.issueDate === issueDate &&
        seen.dueDate === dueDate &&
        seen.amount === amount &&
        seen.settledDate === settledDate;
      if (!same)
        problem(
          line,
          "invoiceNumber",
          `invoice ${ref} already appears on line ${seen.line} with other values`,
        );
      continue;
    }
    byRef.set(ref, invoice);
  }
  if (!index) throw new RecoupError("IMPORT_REJECTED", `${inputName}:1: header: the file is empty`);
  if (problems.length > 0) {
    const shown = problems
      .slice(0, 20)
      .map((p) => `${p.file}:${p.line}: ${p.column}: ${p.message}`)
      .join("\n");
    throw new RecoupError(
      "IMPORT_REJECTED",
      `${problems.length} problem(s) in ${inputName}:\n${shown}${problems.length > 20 ? "\n…" : ""}`,
      problems,
    );
  }
  return [...byRef.values()];
}

/** "1/2/2013" (month/day/year) → "2013-01-02". */
function usDate(text: string): CalendarDate {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a date in the form M/D/YYYY`);
  return parseCalendarDate(`${match[3]}-${match[1]!.padStart(2, "0")}-${match[2]!.padStart(2, "0")}`);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Numeric order for digit refs without leading zeros: shorter first, then by text. */
function compareRefs(a: string, b: string): number {
  return a.length - b.length || compareText(a, b);
}
