import type { ColumnType, Generated } from "kysely";

/** A `date` column: a calendar date string `YYYY-MM-DD`. */
type DateColumn = string;
/** A timestamptz column: read as Date, written as Date or ISO string. */
type Instant = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;

export interface OrganisationsTable {
  id: Generated<number>;
  name: string;
  created_at: Generated<Date>;
}

export interface EntitiesTable {
  id: Generated<number>;
  organisation_id: number;
  code: string;
  name: string;
  base_currency: string;
  country: string | null;
  time_zone: Generated<string>;
  created_at: Generated<Date>;
}

export interface ImportsTable {
  id: Generated<number>;
  organisation_id: number;
  source: string;
  files: Json;
  summary: Json;
  actor: string;
  created_at: Instant;
}

export interface CustomersTable {
  id: Generated<number>;
  organisation_id: number;
  entity_id: number;
  customer_ref: string;
  name: string;
  country: string | null;
  currency: string;
  payment_terms_days: number;
  credit_limit: number | null;
  parent_ref: string | null;
  owner_email: string | null;
  collector_email: string | null;
  language: string | null;
  requires_po: boolean;
  do_not_contact: Generated<boolean>;
  paused_until: DateColumn | null;
  import_id: number | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface ContactsTable {
  id: Generated<number>;
  organisation_id: number;
  customer_id: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  role: string | null;
  language: string | null;
  preferred_channel: string | null;
  is_primary: boolean;
  created_at: Instant;
}

export interface InvoicesTable {
  id: Generated<number>;
  organisation_id: number;
  customer_id: number;
  invoice_ref: string;
  issue_date: DateColumn;
  due_date: DateColumn;
  currency: string;
  amount: number;
  open_amount: number;
  last_allocation_date: DateColumn | null;
  po_number: string | null;
  description: string | null;
  import_id: number | null;
  created_at: Instant;
}

export interface InvoiceAdjustmentsTable {
  id: Generated<number>;
  organisation_id: number;
  invoice_id: number;
  amount_delta: number;
  reason: string;
  import_id: number | null;
  created_at: Instant;
}

export interface CreditNotesTable {
  id: Generated<number>;
  organisation_id: number;
  customer_id: number;
  credit_note_ref: string;
  date: DateColumn;
  currency: string;
  amount: number;
  invoice_id: number | null;
  import_id: number | null;
  created_at: Instant;
}

export interface PaymentsTable {
  id: Generated<number>;
  organisation_id: number;
  customer_id: number;
  payment_ref: string;
  date: DateColumn;
  currency: string;
  amount: number;
  unapplied_amount: number;
  import_id: number | null;
  created_at: Instant;
}

export interface WriteOffsTable {
  id: Generated<number>;
  organisation_id: number;
  invoice_id: number;
  date: DateColumn;
  amount: number;
  reason: string;
  actor: string;
  created_at: Instant;
}

export interface AllocationsTable {
  id: Generated<number>;
  organisation_id: number;
  invoice_id: number;
  kind: "payment" | "credit_note" | "write_off";
  payment_id: number | null;
  credit_note_id: number | null;
  write_off_id: number | null;
  date: DateColumn;
  amount: number;
  created_at: Instant;
}

export interface AuditEventsTable {
  organisation_id: number;
  seq: number;
  occurred_at: Instant;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  data: Json;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  organisation_id: number;
  seq: number;
  hash: string;
}

export interface IdempotencyKeysTable {
  organisation_id: number;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  status: number | null;
  response: ColumnType<unknown, string | null, string | null>;
  created_at: Instant;
}

export interface CustomerProfilesTable {
  customer_id: number;
  organisation_id: number;
  as_of: DateColumn;
  currency: string;
  settled_invoices: number;
  settled_late: number;
  settled_severely_late: number;
  /** numeric: read as a decimal string */
  avg_days_late: string | null;
  recent_avg_days_late: string | null;
  baseline_avg_days_late: string | null;
  open_amount: number;
  overdue_amount: number;
  overdue_invoices: number;
  severely_overdue_invoices: number;
  overdue_avg_days_past_due: string | null;
  oldest_days_past_due: number | null;
  credit_limit: number | null;
  annual_billing: number;
  risk_score: number;
  risk_rating: string;
  risk_factors: Json;
  segment: string;
  segment_reason: string;
  segment_since: DateColumn;
  updated_at: Instant;
}

export interface CustomerClassificationChangesTable {
  id: Generated<number>;
  organisation_id: number;
  customer_id: number;
  as_of: DateColumn;
  rating_from: string | null;
  rating_to: string;
  score_from: number | null;
  score_to: number;
  segment_from: string | null;
  segment_to: string;
  segment_reason: string;
  factors_moved: Json;
  created_at: Instant;
}

export interface CollectionPoliciesTable {
  organisation_id: number;
  document: Json;
  version: number;
  updated_by: string;
  updated_at: Instant;
}

/** A customer's written commitment to pay (migration 007). */
export interface PromisesToPayTable {
  id: Generated<number>;
  organisation_id: number;
  customer_id: number;
  status: "open" | "kept" | "partially_kept" | "broken" | "cancelled";
  recorded_on: DateColumn;
  promised_on: DateColumn;
  grace_days: number;
  amount: number;
  currency: string;
  source: "call" | "email" | "letter" | "portal";
  contact: string | null;
  collector_email: string | null;
  note: string | null;
  confirmation_skipped: "test_mode" | "do_not_contact" | null;
  ledger_watermark: number;
  paid_amount: number | null;
  evaluated_on: DateColumn | null;
  cancelled_on: DateColumn | null;
  cancel_reason: string | null;
  recorded_by: string;
  created_at: Instant;
  closed_at: Instant | null;
}

export interface PromiseInvoicesTable {
  promise_id: number;
  invoice_id: number;
  open_at_record: number;
}

/** Instalments paying the covered balance of some invoices (migration 007). */
export interface PaymentPlansTable {
  id: Generated<number>;
  organisation_id: number;
  customer_id: number;
  status: "proposed" | "active" | "completed" | "defaulted" | "cancelled";
  currency: string;
  total: number;
  frequency: "week" | "2weeks" | "month";
  grace_days: number;
  misses_to_default: number;
  reminder_days_before: number | null;
  created_on: DateColumn;
  sign_by: DateColumn | null;
  signed_on: DateColumn | null;
  signed_by: string | null;
  activated_on: DateColumn | null;
  completed_on: DateColumn | null;
  defaulted_on: DateColumn | null;
  cancelled_on: DateColumn | null;
  cancel_reason: string | null;
  ledger_watermark: number;
  paid_amount: Generated<number>;
  missed_instalments: Generated<number>;
  evaluated_on: DateColumn | null;
  collector_email: string | null;
  note: string | null;
  agreement_skipped: "test_mode" | "do_not_contact" | null;
  created_by: string;
  created_at: Instant;
  updated_at: Instant;
}

export interface PaymentPlanInvoicesTable {
  plan_id: number;
  invoice_id: number;
  open_at_start: number;
}

export interface PaymentPlanInstalmentsTable {
  plan_id: number;
  number: number;
  kind: "down_payment" | "instalment";
  due_on: DateColumn;
  amount: number;
  status: Generated<"pending" | "paid" | "missed">;
  paid_amount: Generated<number>;
  paid_on: DateColumn | null;
  missed_on: DateColumn | null;
  reminder_action_id: number | null;
  reminded_amount: number | null;
}

export interface Database {
  organisations: OrganisationsTable;
  entities: EntitiesTable;
  imports: ImportsTable;
  customers: CustomersTable;
  contacts: ContactsTable;
  invoices: InvoicesTable;
  invoice_adjustments: InvoiceAdjustmentsTable;
  credit_notes: CreditNotesTable;
  payments: PaymentsTable;
  write_offs: WriteOffsTable;
  allocations: AllocationsTable;
  audit_events: AuditEventsTable;
  audit_heads: AuditHeadsTable;
  idempotency_keys: IdempotencyKeysTable;
  customer_profiles: CustomerProfilesTable;
  customer_classification_changes: CustomerClassificationChangesTable;
  collection_policies: CollectionPoliciesTable;
  promises_to_pay: PromisesToPayTable;
  promise_invoices: PromiseInvoicesTable;
  payment_plans: PaymentPlansTable;
  payment_plan_invoices: PaymentPlanInvoicesTable;
  payment_plan_instalments: PaymentPlanInstalmentsTable;
}
