/**
 * The ledger files of DESIGN 5.1 (format v1): which columns each has, which are required, and the
 * staging table its validated rows are copied into.
 */
export type LedgerFileKind = "customers" | "invoices" | "creditNotes" | "payments";

export interface LedgerFileSpec {
  kind: LedgerFileKind;
  fileName: string;
  /** Every column of the file, in the order DESIGN 5.1 lists them. */
  columns: readonly string[];
  required: readonly string[];
  /** Temporary table the validated rows go to, and its columns in COPY order. */
  stageTable: string;
  /** `line`, then every column of the file in order: the row validators produce values in this order. */
  stageColumns: readonly string[];
}

export const LEDGER_FILES: readonly LedgerFileSpec[] = (
  [
    {
      kind: "customers",
      fileName: "customers.csv",
      columns: [
        "customer_ref",
        "name",
        "country",
        "currency",
        "payment_terms_days",
        "credit_limit",
        "parent_ref",
        "email",
        "phone",
        "contact_name",
        "language",
        "owner_email",
        "collector_email",
        "requires_po",
      ],
      required: ["customer_ref", "name"],
      stageTable: "stage_customers",
    },
    {
      kind: "invoices",
      fileName: "invoices.csv",
      columns: [
        "invoice_ref",
        "customer_ref",
        "issue_date",
        "due_date",
        "amount",
        "currency",
        "po_number",
        "description",
      ],
      required: ["invoice_ref", "customer_ref", "issue_date", "amount"],
      stageTable: "stage_invoices",
    },
    {
      kind: "creditNotes",
      fileName: "credit_notes.csv",
      columns: ["credit_note_ref", "customer_ref", "date", "amount", "currency", "invoice_ref"],
      required: ["credit_note_ref", "customer_ref", "date", "amount"],
      stageTable: "stage_credit_notes",
    },
    {
      kind: "payments",
      fileName: "payments.csv",
      columns: ["payment_ref", "customer_ref", "date", "amount", "currency", "invoice_ref"],
      required: ["payment_ref", "customer_ref", "date", "amount"],
      stageTable: "stage_payments",
    },
  ] satisfies Omit<LedgerFileSpec, "stageColumns">[]
).map((spec) => ({ ...spec, stageColumns: ["line", ...spec.columns] }));

export function ledgerFileSpec(kind: LedgerFileKind): LedgerFileSpec {
  return LEDGER_FILES.find((spec) => spec.kind === kind)!;
}

export const STAGE_TABLES_DDL = `
CREATE TEMP TABLE stage_customers (
  line int NOT NULL, customer_ref text NOT NULL, name text NOT NULL, country text, currency text,
  payment_terms_days int, credit_limit bigint, parent_ref text, email text, phone text, contact_name text,
  language text, owner_email text, collector_email text, requires_po boolean
) ON COMMIT DROP;
CREATE TEMP TABLE stage_invoices (
  line int NOT NULL, invoice_ref text NOT NULL, customer_ref text NOT NULL, issue_date date NOT NULL,
  due_date date, amount bigint NOT NULL, currency text NOT NULL, po_number text, description text
) ON COMMIT DROP;
CREATE TEMP TABLE stage_credit_notes (
  line int NOT NULL, credit_note_ref text NOT NULL, customer_ref text NOT NULL, date date NOT NULL,
  amount bigint NOT NULL, currency text NOT NULL, invoice_ref text
) ON COMMIT DROP;
CREATE TEMP TABLE stage_payments (
  line int NOT NULL, payment_ref text NOT NULL, customer_ref text NOT NULL, date date NOT NULL,
  amount bigint NOT NULL, currency text NOT NULL, invoice_ref text
) ON COMMIT DROP;
`;

/**
 * The checks and the merge join the staging tables by hash (or probe the ledger's own indexes), so
 * indexes on their refs are not built: at 1M invoices they cost 2–3 s and made the checks no faster.
 * The one kept serves the merge's grouping of payment rows into receipts, which reads it in order.
 */
export const STAGE_INDEXES_DDL = `CREATE INDEX ON stage_payments (payment_ref)`;
