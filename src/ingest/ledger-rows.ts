import { parseCalendarDate } from "../domain/calendar-date.js";
import { parseCountry } from "../domain/country.js";
import { parseCurrency } from "../domain/currency.js";
import { parseMinorUnits } from "../domain/money.js";
import type { LedgerFileKind } from "./ledger-files.js";

/** What the row checks need to know about a customer: from the database or this import. */
export interface KnownCustomer {
  currency: string;
  paymentTermsDays: number;
  requiresPo: boolean;
}

export interface RowContext {
  baseCurrency: string;
  customers: Map<string, KnownCustomer>;
}

export interface FieldProblem {
  column: string;
  message: string;
}

export interface RowWarning {
  column: string;
  message: string;
}

/** A validated row: its values in the staging table's column order (after `line`). */
export type StageValues = (string | number | boolean | null)[];

export interface RowOutcome {
  values?: StageValues;
  problems: FieldProblem[];
  warnings: RowWarning[];
}

/** Reads named, trimmed fields of one record; an absent column reads as "". */
export class RowFields {
  readonly problems: FieldProblem[] = [];
  readonly warnings: RowWarning[] = [];

  constructor(
    private readonly columnIndex: ReadonlyMap<string, number>,
    private readonly fields: readonly string[],
  ) {}

  text(column: string): string {
    const index = this.columnIndex.get(column);
    return index === undefined ? "" : (this.fields[index] ?? "").trim();
  }

  optionalText(column: string, maxLength = 500): string | null {
    const value = this.text(column);
    if (value === "") return null;
    if (value.length > maxLength) return this.fail(column, `longer than ${maxLength} characters`);
    return value;
  }

  requiredText(column: string, maxLength = 200): string | null {
    const value = this.text(column);
    if (value === "") return this.fail(column, "is required");
    if (value.length > maxLength) return this.fail(column, `longer than ${maxLength} characters`);
    return value;
  }

  date(column: string, required: boolean): string | null {
    const value = this.text(column);
    if (value === "") return required ? this.fail(column, "is required (YYYY-MM-DD)") : null;
    return this.attempt(column, () => parseCalendarDate(value));
  }

  /** A positive amount in the currency's minor units. */
  positiveAmount(column: string, currency: string | null, required: boolean): number | null {
    const value = this.text(column);
    if (value === "") return required ? this.fail(column, "is required") : null;
    if (currency === null) return null;
    const amount = this.attempt(column, () => parseMinorUnits(value, currency));
    if (amount === null) return null;
    if (amount <= 0) return this.fail(column, `must be greater than zero (got "${value}")`);
    return amount;
  }

  nonNegativeAmount(column: string, currency: string | null): number | null {
    const value = this.text(column);
    if (value === "" || currency === null) return null;
    const amount = this.attempt(column, () => parseMinorUnits(value, currency));
    if (amount !== null && amount < 0) return this.fail(column, `must not be negative (got "${value}")`);
    return amount;
  }

  currency(column: string): string | null {
    const value = this.text(column);
    if (value === "") return null;
    return this.attempt(column, () => parseCurrency(value));
  }

  integer(column: string, min: number, max: number): number | null {
    const value = this.text(column);
    if (value === "") return null;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      return this.fail(column, `"${value}" is not a whole number from ${min} to ${max}`);
    }
    return Number(value);
  }

  boolean(column: string): boolean | null {
    const value = this.text(column).toLowerCase();
    if (value === "") return null;
    if (["true", "yes", "y", "1"].includes(value)) return true;
    if (["false", "no", "n", "0"].includes(value)) return false;
    return this.fail(column, `"${this.text(column)}" is not true or false`);
  }

  email(column: string): string | null {
    const value = this.text(column);
    if (value === "") return null;
    if (!/^[^\s@,;<>]+@[^\s@,;<>]+\.[^\s@,;<>]+$/.test(value) || value.length > 254) {
      return this.fail(column, `"${value}" is not an email address`);
    }
    return value;
  }

  language(column: string): string | null {
    const value = this.text(column);
    if (value === "") return null;
    if (!/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(value)) {
      return this.fail(column, `"${value}" is not a language tag such as en, de or fr-CA`);
    }
    return value;
  }

  country(column: string): string | null {
    const value = this.text(column);
    if (value === "") return null;
    return this.attempt(column, () => parseCountry(value));
  }

  fail(column: string, message: string): null {
    this.problems.push({ column, message });
    return null;
  }

  warn(column: string, message: string): void {
    this.warnings.push({ column, message });
  }

  private attempt<T>(column: string, parse: () => T): T | null {
    try {
      return parse();
    } catch (error) {
      return this.fail(column, (error as Error).message);
    }
  }
}

function outcome(row: RowFields, values: StageValues): RowOutcome {
  return row.problems.length > 0
    ? { problems: row.problems, warnings: row.warnings }
    : { values, problems: [], warnings: row.warnings };
}

/** The customer a document names, with its currency; reports an unknown customer or currency clash. */
function documentCustomer(row: RowFields, context: RowContext) {
  const customerRef = row.requiredText("customer_ref");
  const customer = customerRef === null ? undefined : context.customers.get(customerRef);
  if (customerRef !== null && !customer) {
    row.fail("customer_ref", `unknown customer "${customerRef}" (not in the database nor in customers.csv)`);
  }
  const given = row.currency("currency");
  let currency: string | null = given ?? customer?.currency ?? null;
  if (given !== null && customer && given !== customer.currency) {
    row.fail("currency", `customer "${customerRef}" is billed in ${customer.currency}, not ${given}`);
    currency = null;
  }
  return { customerRef, customer, currency };
}

export function validateCustomerRow(row: RowFields, context: RowContext): RowOutcome {
  const customerRef = row.requiredText("customer_ref");
  const name = row.requiredText("name", 500);
  const country = row.country("country");
  const currency = row.currency("currency");
  const terms = row.integer("payment_terms_days", 0, 3650);
  const existing = customerRef === null ? undefined : context.customers.get(customerRef);
  const limitCurrency = currency ?? existing?.currency ?? context.baseCurrency;
  const creditLimit = row.nonNegativeAmount("credit_limit", limitCurrency);
  const values: StageValues = [
    customerRef,
    name,
    country,
    currency,
    terms,
    creditLimit,
    row.optionalText("parent_ref", 200),
    row.email("email"),
    row.optionalText("phone", 50),
    row.optionalText("contact_name", 200),
    row.language("language"),
    row.email("owner_email"),
    row.email("collector_email"),
    row.boolean("requires_po"),
  ];
  return outcome(row, values);
}

export function validateInvoiceRow(row: RowFields, context: RowContext): RowOutcome {
  const invoiceRef = row.requiredText("invoice_ref");
  const { customerRef, customer, currency } = documentCustomer(row, context);
  const issueDate = row.date("issue_date", true);
  let dueDate = row.date("due_date", false);
  if (issueDate !== null && dueDate !== null && dueDate < issueDate) {
    dueDate = row.fail("due_date", `${dueDate} is before the issue date ${issueDate}`);
  }
  const amount = row.positiveAmount("amount", currency, true);
  const poNumber = row.optionalText("po_number", 100);
  if (customer?.requiresPo && poNumber === null) {
    row.warn("po_number", `customer "${customerRef}" requires a PO number; this invoice has none`);
  }
  // A blank due date stays null here: new invoices get issue date + the customer's terms in SQL,
  // posted ones keep theirs.
  return outcome(row, [
    invoiceRef,
    customerRef,
    issueDate,
    dueDate,
    amount,
    currency,
    poNumber,
    row.optionalText("description", 2000),
  ]);
}

function validateReceiptRow(row: RowFields, context: RowContext, refColumn: string): RowOutcome {
  const ref = row.requiredText(refColumn);
  const { customerRef, currency } = documentCustomer(row, context);
  const date = row.date("date", true);
  const amount = row.positiveAmount("amount", currency, true);
  const invoiceRef = row.optionalText("invoice_ref", 200);
  return outcome(row, [ref, customerRef, date, amount, currency, invoiceRef]);
}

export function validateRow(kind: LedgerFileKind, row: RowFields, context: RowContext): RowOutcome {
  switch (kind) {
    case "customers":
      return validateCustomerRow(row, context);
    case "invoices":
      return validateInvoiceRow(row, context);
    case "creditNotes":
      return validateReceiptRow(row, context, "credit_note_ref");
    case "payments":
      return validateReceiptRow(row, context, "payment_ref");
  }
}
