import type { Queryable } from "../db/queryable.js";
import type { AuditEventInput } from "../audit/append-audit-events.js";
import { deferIndexesAndForeignKeys } from "./bulk-load.js";
import type { LedgerFileKind } from "./ledger-files.js";

export interface MergeContext {
  organisationId: number;
  entityId: number;
  baseCurrency: string;
  importId: number;
  /** ISO instant of the import, stamped on created rows. */
  at: string;
  /**
   * New invoices from which a load counts as bulk (when it also at least doubles the ledger):
   * secondary indexes and foreign keys are then restored after the load instead of maintained
   * and checked row by row (see bulk-load.ts).
   */
  bulkLoadInvoices?: number;
}

const DEFAULT_BULK_LOAD_INVOICES = 100_000;

export type KindCounts = Record<LedgerFileKind, number>;

export interface MergeOutcome {
  created: KindCounts;
  updated: KindCounts;
  unchanged: KindCounts;
  /** One audit event per changed posted record; created records are covered by the import event. */
  auditEvents: AuditEventInput[];
  /** Human-readable notes of what changed, for the import report. */
  notes: { file: string; line: number; column: string; message: string }[];
}

export function zeroCounts(): KindCounts {
  return { customers: 0, invoices: 0, creditNotes: 0, payments: 0 };
}

/**
 * Writes the staged, checked rows into the ledger with set-based statements: new records are
 * inserted, safe changes to existing ones are applied and audited, identical rows are counted as
 * unchanged. Open amounts of invoices are maintained in the same statements as their allocations.
 */
export async function mergeStagedLedger(db: Queryable, context: MergeContext): Promise<MergeOutcome> {
  const outcome: MergeOutcome = {
    created: zeroCounts(),
    updated: zeroCounts(),
    unchanged: zeroCounts(),
    auditEvents: [],
    notes: [],
  };
  await mergeCustomers(db, context, outcome);
  const deferred = (await isBulkLoad(db, context)) ? await deferIndexesAndForeignKeys(db) : undefined;
  await mergeInvoices(db, context, outcome);
  await mergeCreditNotes(db, context, outcome);
  await mergePayments(db, context, outcome);
  await deferred?.restore();
  return outcome;
}

/** A load that brings at least the bulk threshold of new invoices and at least doubles the ledger. */
async function isBulkLoad(db: Queryable, c: MergeContext): Promise<boolean> {
  const { rows } = await db.query<{ new_invoices: string; existing: number }>(
    `SELECT (SELECT count(*) FROM stage_invoices s
             WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.organisation_id = $1 AND i.invoice_ref = s.invoice_ref))
              AS new_invoices,
            greatest((SELECT reltuples FROM pg_class WHERE oid = 'invoices'::regclass), 0) AS existing`,
    [c.organisationId],
  );
  const newInvoices = Number(rows[0]!.new_invoices);
  return (
    newInvoices >= (c.bulkLoadInvoices ?? DEFAULT_BULK_LOAD_INVOICES) &&
    newInvoices >= Number(rows[0]!.existing)
  );
}

async function count(db: Queryable, text: string, values: readonly unknown[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(text, values);
  return Number(rows[0]?.n ?? 0);
}

async function mergeCustomers(db: Queryable, c: MergeContext, outcome: MergeOutcome): Promise<void> {
  const { rows: changes } = await db.query<{
    customer_ref: string;
    line: number;
    changes: Record<string, unknown>;
  }>(
    `WITH diff AS (
       SELECT c.id, s.customer_ref, s.line, jsonb_strip_nulls(jsonb_build_object(
         'name', CASE WHEN s.name <> c.name THEN jsonb_build_array(c.name, s.name) END,
         'country', CASE WHEN s.country IS DISTINCT FROM c.country AND s.country IS NOT NULL THEN jsonb_build_array(c.country, s.country) END,
         'payment_terms_days', CASE WHEN s.payment_terms_days <> c.payment_terms_days THEN jsonb_build_array(c.payment_terms_days, s.payment_terms_days) END,
         'credit_limit', CASE WHEN s.credit_limit IS DISTINCT FROM c.credit_limit AND s.credit_limit IS NOT NULL THEN jsonb_build_array(c.credit_limit, s.credit_limit) END,
         'parent_ref', CASE WHEN s.parent_ref IS DISTINCT FROM c.parent_ref AND s.parent_ref IS NOT NULL THEN jsonb_build_array(c.parent_ref, s.parent_ref) END,
         'owner_email', CASE WHEN s.owner_email IS DISTINCT FROM c.owner_email AND s.owner_email IS NOT NULL THEN jsonb_build_array(c.owner_email, s.owner_email) END,
         'collector_email', CASE WHEN s.collector_email IS DISTINCT FROM c.collector_email AND s.collector_email IS NOT NULL THEN jsonb_build_array(c.collector_email, s.collector_email) END,
         'language', CASE WHEN s.language IS DISTINCT FROM c.language AND s.language IS NOT NULL THEN jsonb_build_array(c.language, s.language) END,
         'requires_po', CASE WHEN s.requires_po <> c.requires_po THEN jsonb_build_array(c.requires_po, s.requires_po) END
       )) AS changes
       FROM stage_customers s JOIN customers c ON c.organisation_id = $1 AND c.customer_ref = s.customer_ref
     ), updated AS (
       UPDATE customers c SET
         name = s.name,
         country = coalesce(s.country, c.country),
         payment_terms_days = coalesce(s.payment_terms_days, c.payment_terms_days),
         credit_limit = coalesce(s.credit_limit, c.credit_limit),
         parent_ref = coalesce(s.parent_ref, c.parent_ref),
         owner_email = coalesce(s.owner_email, c.owner_email),
         collector_email = coalesce(s.collector_email, c.collector_email),
         language = coalesce(s.language, c.language),
         requires_po = coalesce(s.requires_po, c.requires_po),
         updated_at = $2
       FROM diff d JOIN stage_customers s ON s.customer_ref = d.customer_ref
       WHERE c.id = d.id AND d.changes <> '{}'::jsonb
       RETURNING c.id
     )
     SELECT customer_ref, line, changes FROM diff`,
    [c.organisationId, c.at],
  );
  for (const change of changes) {
    const fields = Object.keys(change.changes);
    if (fields.length === 0) {
      outcome.unchanged.customers += 1;
      continue;
    }
    outcome.updated.customers += 1;
    outcome.auditEvents.push({
      action: "customer.updated",
      subjectType: "customer",
      subjectId: change.customer_ref,
      data: { importId: c.importId, line: change.line, changes: change.changes },
    });
    outcome.notes.push({
      file: "customers.csv",
      line: change.line,
      column: fields.join(","),
      message: `customer "${change.customer_ref}" updated: ${fields.join(", ")}`,
    });
  }

  outcome.created.customers = await count(
    db,
    `WITH inserted AS (
       INSERT INTO customers (organisation_id, entity_id, customer_ref, name, country, currency, payment_terms_days,
         credit_limit, parent_ref, owner_email, collector_email, language, requires_po, import_id, created_at, updated_at)
       SELECT $1, $2, s.customer_ref, s.name, s.country, coalesce(s.currency, $3), coalesce(s.payment_terms_days, 30),
         s.credit_limit, s.parent_ref, s.owner_email, s.collector_email, s.language, coalesce(s.requires_po, false), $4, $5, $5
       FROM stage_customers s
       WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.organisation_id = $1 AND c.customer_ref = s.customer_ref)
       RETURNING 1)
     SELECT count(*) AS n FROM inserted`,
    [c.organisationId, c.entityId, c.baseCurrency, c.importId, c.at],
  );

  // The contact columns of customers.csv describe the customer's primary contact.
  await db.query(
    `UPDATE contacts k SET
       name = coalesce(s.contact_name, k.name), email = coalesce(s.email, k.email),
       phone = coalesce(s.phone, k.phone), language = coalesce(s.language, k.language)
     FROM stage_customers s JOIN customers c ON c.organisation_id = $1 AND c.customer_ref = s.customer_ref
     WHERE k.customer_id = c.id AND k.is_primary
       AND (s.contact_name IS NOT NULL OR s.email IS NOT NULL OR s.phone IS NOT NULL OR s.language IS NOT NULL)
       AND (k.name, k.email, k.phone, k.language) IS DISTINCT FROM
           (coalesce(s.contact_name, k.name), coalesce(s.email, k.email), coalesce(s.phone, k.phone), coalesce(s.language, k.language))`,
    [c.organisationId],
  );
  await db.query(
    `INSERT INTO contacts (organisation_id, customer_id, name, email, phone, language, is_primary, created_at)
     SELECT $1, c.id, s.contact_name, s.email, s.phone, s.language, true, $2
     FROM stage_customers s JOIN customers c ON c.organisation_id = $1 AND c.customer_ref = s.customer_ref
     WHERE (s.contact_name IS NOT NULL OR s.email IS NOT NULL OR s.phone IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = c.id AND k.is_primary)`,
    [c.organisationId, c.at],
  );
}

async function mergeInvoices(db: Queryable, c: MergeContext, outcome: MergeOutcome): Promise<void> {
  const { rows: changes } = await db.query<{
    invoice_ref: string;
    line: number;
    invoice_id: number;
    old_amount: number;
    new_amount: number;
    changes: Record<string, unknown>;
  }>(
    `SELECT i.id AS invoice_id, s.invoice_ref, s.line, i.amount AS old_amount, s.amount AS new_amount,
       jsonb_strip_nulls(jsonb_build_object(
         'amount', CASE WHEN s.amount <> i.amount THEN jsonb_build_array(i.amount, s.amount) END,
         'due_date', CASE WHEN s.due_date <> i.due_date THEN jsonb_build_array(i.due_date, s.due_date) END,
         'po_number', CASE WHEN s.po_number IS DISTINCT FROM i.po_number AND s.po_number IS NOT NULL THEN jsonb_build_array(i.po_number, s.po_number) END,
         'description', CASE WHEN s.description IS DISTINCT FROM i.description AND s.description IS NOT NULL THEN jsonb_build_array(i.description, s.description) END
       )) AS changes
     FROM stage_invoices s JOIN invoices i ON i.organisation_id = $1 AND i.invoice_ref = s.invoice_ref`,
    [c.organisationId],
  );
  const changed = changes.filter((row) => Object.keys(row.changes).length > 0);
  outcome.unchanged.invoices += changes.length - changed.length;
  outcome.updated.invoices += changed.length;
  if (changed.length > 0) {
    // An amount that changed is an adjustment: a new ledger entry beside the original posting.
    await db.query(
      `INSERT INTO invoice_adjustments (organisation_id, invoice_id, amount_delta, reason, import_id, created_at)
       SELECT $1, i.id, s.amount - i.amount, 'amount changed on re-import', $2, $3
       FROM stage_invoices s JOIN invoices i ON i.organisation_id = $1 AND i.invoice_ref = s.invoice_ref
       WHERE s.amount <> i.amount`,
      [c.organisationId, c.importId, c.at],
    );
    await db.query(
      `UPDATE invoices i SET
         amount = s.amount,
         open_amount = i.open_amount + (s.amount - i.amount),
         due_date = coalesce(s.due_date, i.due_date),
         po_number = coalesce(s.po_number, i.po_number),
         description = coalesce(s.description, i.description)
       FROM stage_invoices s
       WHERE i.organisation_id = $1 AND i.invoice_ref = s.invoice_ref
         AND (s.amount <> i.amount OR s.due_date <> i.due_date
              OR (s.po_number IS NOT NULL AND s.po_number IS DISTINCT FROM i.po_number)
              OR (s.description IS NOT NULL AND s.description IS DISTINCT FROM i.description))`,
      [c.organisationId],
    );
  }
  for (const change of changed) {
    const fields = Object.keys(change.changes);
    const adjusted = change.old_amount !== change.new_amount;
    outcome.auditEvents.push({
      action: adjusted ? "invoice.adjusted" : "invoice.updated",
      subjectType: "invoice",
      subjectId: change.invoice_ref,
      data: {
        importId: c.importId,
        line: change.line,
        changes: change.changes,
        ...(adjusted ? { amountDelta: change.new_amount - change.old_amount } : {}),
      },
    });
    outcome.notes.push({
      file: "invoices.csv",
      line: change.line,
      column: fields.join(","),
      message: adjusted
        ? `invoice "${change.invoice_ref}" amount changed from ${change.old_amount} to ${change.new_amount} minor units: adjustment recorded`
        : `invoice "${change.invoice_ref}" updated: ${fields.join(", ")}`,
    });
  }

  outcome.created.invoices = await count(
    db,
    `WITH inserted AS (
       INSERT INTO invoices (organisation_id, customer_id, invoice_ref, issue_date, due_date, currency, amount,
         open_amount, po_number, description, import_id, created_at, last_allocation_date)
       SELECT $1, c.id, s.invoice_ref, s.issue_date, coalesce(s.due_date, s.issue_date + c.payment_terms_days),
         s.currency, s.amount, s.amount - coalesce(a.amount, 0), s.po_number, s.description, $2, $3, a.last_date
       FROM stage_invoices s
       JOIN customers c ON c.organisation_id = $1 AND c.customer_ref = s.customer_ref
       LEFT JOIN (${STAGED_ALLOCATIONS}) a ON a.invoice_ref = s.invoice_ref
       WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.organisation_id = $1 AND i.invoice_ref = s.invoice_ref)
       RETURNING 1)
     SELECT count(*) AS n FROM inserted`,
    [c.organisationId, c.importId, c.at],
  );
  await analyzeAfterBulkInsert(db, "invoices", outcome.created.invoices);
}

/**
 * Every allocation in the staged files, by invoice ref. New invoices are inserted with these already
 * deducted (a staged payment or credit note that points at a new invoice is itself new, since a
 * posted one may not change), so a large first import never rewrites the invoices it just wrote.
 */
const STAGED_ALLOCATIONS = `
  SELECT invoice_ref, sum(amount) AS amount, max(date) AS last_date FROM (
    SELECT invoice_ref, amount, date FROM stage_payments WHERE invoice_ref IS NOT NULL
    UNION ALL
    SELECT invoice_ref, amount, date FROM stage_credit_notes WHERE invoice_ref IS NOT NULL
  ) staged GROUP BY invoice_ref`;

/**
 * Inserts the allocations listed by a `targets` CTE (payment_id or credit_note_id, invoice_id,
 * date, amount, invoice_import) and applies them to the open amounts of invoices posted by earlier
 * imports ($2 is this import; new invoices were written with them already deducted). Inserting in
 * source order keeps the foreign-key probes sequential.
 */
function insertAllocations(kind: "payment" | "credit_note"): string {
  const source = kind === "payment" ? "payment_id" : "credit_note_id";
  return `
  allocated AS (
    INSERT INTO allocations (organisation_id, invoice_id, kind, ${source}, date, amount, created_at)
    SELECT $1, invoice_id, '${kind}', ${source}, date, amount, $3 FROM targets ORDER BY ${source}
    RETURNING 1),
  applied AS (
    UPDATE invoices i SET open_amount = i.open_amount - a.amount,
      last_allocation_date = greatest(i.last_allocation_date, a.last_date)
    FROM (SELECT invoice_id, sum(amount) AS amount, max(date) AS last_date FROM targets
          WHERE invoice_import IS DISTINCT FROM $2 GROUP BY invoice_id) a
    WHERE i.id = a.invoice_id
    RETURNING 1)
  SELECT (SELECT count(*) FROM allocated) AS n`;
}

async function mergeCreditNotes(db: Queryable, c: MergeContext, outcome: MergeOutcome): Promise<void> {
  const { rows } = await db.query<{ created: number; staged: number }>(
    `WITH inserted AS (
       INSERT INTO credit_notes (organisation_id, customer_id, credit_note_ref, date, currency, amount, invoice_id,
         import_id, created_at)
       SELECT $1, c.id, s.credit_note_ref, s.date, s.currency, s.amount, i.id, $2, $3
       FROM stage_credit_notes s
       JOIN customers c ON c.organisation_id = $1 AND c.customer_ref = s.customer_ref
       LEFT JOIN invoices i ON i.organisation_id = $1 AND i.invoice_ref = s.invoice_ref
       WHERE NOT EXISTS (SELECT 1 FROM credit_notes x WHERE x.organisation_id = $1 AND x.credit_note_ref = s.credit_note_ref)
       RETURNING 1)
     SELECT (SELECT count(*) FROM inserted) AS created, (SELECT count(*) FROM stage_credit_notes) AS staged`,
    [c.organisationId, c.importId, c.at],
  );
  outcome.created.creditNotes = Number(rows[0]!.created);
  outcome.unchanged.creditNotes = Number(rows[0]!.staged) - outcome.created.creditNotes;
  if (outcome.created.creditNotes === 0) return;
  await db.query(
    `WITH targets AS MATERIALIZED (
       SELECT cn.id AS credit_note_id, cn.invoice_id, cn.date, cn.amount, i.import_id AS invoice_import
       FROM credit_notes cn JOIN invoices i ON i.id = cn.invoice_id
       WHERE cn.organisation_id = $1 AND cn.import_id = $2),
     ${insertAllocations("credit_note")}`,
    [c.organisationId, c.importId, c.at],
  );
}

async function mergePayments(db: Queryable, c: MergeContext, outcome: MergeOutcome): Promise<void> {
  const { rows } = await db.query<{ created: number; staged: number }>(
    `WITH receipts AS (
       SELECT payment_ref, min(customer_ref) AS customer_ref, min(date) AS date, min(currency) AS currency,
              sum(amount) AS amount, coalesce(sum(amount) FILTER (WHERE invoice_ref IS NOT NULL), 0) AS allocated
       FROM stage_payments GROUP BY payment_ref),
     inserted AS (
       INSERT INTO payments (organisation_id, customer_id, payment_ref, date, currency, amount, unapplied_amount,
         import_id, created_at)
       SELECT $1, c.id, r.payment_ref, r.date, r.currency, r.amount, r.amount - r.allocated, $2, $3
       FROM receipts r JOIN customers c ON c.organisation_id = $1 AND c.customer_ref = r.customer_ref
       WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.organisation_id = $1 AND p.payment_ref = r.payment_ref)
       RETURNING 1)
     SELECT (SELECT count(*) FROM inserted) AS created, (SELECT count(*) FROM receipts) AS staged`,
    [c.organisationId, c.importId, c.at],
  );
  outcome.created.payments = Number(rows[0]!.created);
  outcome.unchanged.payments = Number(rows[0]!.staged) - outcome.created.payments;
  if (outcome.created.payments === 0) return;
  await analyzeAfterBulkInsert(db, "payments", outcome.created.payments);
  await db.query(
    `WITH targets AS MATERIALIZED (
       SELECT p.id AS payment_id, i.id AS invoice_id, p.date, s.amount, i.import_id AS invoice_import
       FROM stage_payments s
       JOIN payments p ON p.organisation_id = $1 AND p.payment_ref = s.payment_ref AND p.import_id = $2
       JOIN invoices i ON i.organisation_id = $1 AND i.invoice_ref = s.invoice_ref
       WHERE s.invoice_ref IS NOT NULL),
     ${insertAllocations("payment")}`,
    [c.organisationId, c.importId, c.at],
  );
}

/**
 * A table that just grew by many rows still has the statistics of its old size; the statements
 * that follow join it by ref and would be planned for a handful of rows.
 */
async function analyzeAfterBulkInsert(
  db: Queryable,
  table: "invoices" | "payments",
  inserted: number,
): Promise<void> {
  if (inserted >= BULK_ROWS) await db.query(`ANALYZE ${table}`);
}

const BULK_ROWS = 10_000;
