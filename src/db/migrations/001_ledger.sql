-- The receivables ledger: organisations, entities, customers, contacts, invoices, credit notes,
-- payments with allocations, write-offs, adjustments, imports and the hash-chained audit trail.
-- Money is bigint minor units beside a char(3) ISO 4217 code; business dates are `date`;
-- instants are timestamptz. Runs on PostgreSQL 15 (CI server) and PGlite (PostgreSQL 18).
--
-- Foreign keys tie ledger rows to their parents (invoice → customer, allocation → invoice and
-- payment). The high-volume tables carry organisation_id and import_id without a foreign key: the
-- code writes them from the parent row, and the per-row trigger checks cost a third of a bulk
-- import (docs/decisions/0003-import-throughput.md).

CREATE TABLE organisations (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE entities (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id bigint NOT NULL REFERENCES organisations (id),
  code            text NOT NULL,
  name            text NOT NULL,
  base_currency   char(3) NOT NULL,
  country         char(2),
  time_zone       text NOT NULL DEFAULT 'UTC',
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, code)
);

CREATE TABLE imports (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id bigint NOT NULL REFERENCES organisations (id),
  source          text NOT NULL,
  files           jsonb NOT NULL,
  summary         jsonb NOT NULL,
  actor           text NOT NULL,
  created_at      timestamptz NOT NULL
);

CREATE TABLE customers (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id    bigint NOT NULL REFERENCES organisations (id),
  entity_id          bigint NOT NULL REFERENCES entities (id),
  customer_ref       text NOT NULL,
  name               text NOT NULL,
  country            char(2),
  currency           char(3) NOT NULL,
  payment_terms_days integer NOT NULL DEFAULT 30 CHECK (payment_terms_days >= 0),
  credit_limit       bigint CHECK (credit_limit >= 0),
  parent_ref         text,
  owner_email        text,
  collector_email    text,
  language           text,
  requires_po        boolean NOT NULL DEFAULT false,
  do_not_contact     boolean NOT NULL DEFAULT false,
  paused_until       date,
  import_id          bigint,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  UNIQUE (organisation_id, customer_ref)
);

CREATE TABLE contacts (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id   bigint NOT NULL REFERENCES organisations (id),
  customer_id       bigint NOT NULL REFERENCES customers (id),
  name              text,
  email             text,
  phone             text,
  role              text,
  language          text,
  preferred_channel text,
  is_primary        boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL
);
CREATE INDEX contacts_customer ON contacts (customer_id);
-- The first contact of a customer comes from customers.csv and is kept in step with it.
CREATE UNIQUE INDEX contacts_one_primary ON contacts (customer_id) WHERE is_primary;

CREATE TABLE invoices (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id bigint NOT NULL,
  customer_id     bigint NOT NULL REFERENCES customers (id),
  invoice_ref     text NOT NULL,
  issue_date      date NOT NULL,
  due_date        date NOT NULL,
  currency        char(3) NOT NULL,
  -- amount as posted plus every adjustment; the history is in invoice_adjustments.
  amount          bigint NOT NULL,
  -- maintained on write: amount − every allocation (payments, credit notes, write-offs).
  open_amount     bigint NOT NULL,
  -- the latest date of any allocation; open as of D ≥ last_allocation_date equals open_amount.
  last_allocation_date date,
  po_number       text,
  description     text,
  import_id       bigint,
  created_at      timestamptz NOT NULL,
  UNIQUE (organisation_id, invoice_ref)
);
CREATE INDEX invoices_customer ON invoices (customer_id, due_date);
CREATE INDEX invoices_issued ON invoices (organisation_id, currency, issue_date) INCLUDE (amount);
-- "Aging as of today" reads open invoices only.
CREATE INDEX invoices_open ON invoices (organisation_id, currency, customer_id)
  INCLUDE (id, due_date, issue_date, open_amount) WHERE open_amount <> 0;
-- Aging as of a past date also reads invoices settled after that date.
CREATE INDEX invoices_settled ON invoices (organisation_id, last_allocation_date) WHERE open_amount = 0;

CREATE TABLE invoice_adjustments (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id bigint NOT NULL,
  invoice_id      bigint NOT NULL REFERENCES invoices (id),
  amount_delta    bigint NOT NULL CHECK (amount_delta <> 0),
  reason          text NOT NULL,
  import_id       bigint,
  created_at      timestamptz NOT NULL
);
CREATE INDEX invoice_adjustments_invoice ON invoice_adjustments (invoice_id);

CREATE TABLE credit_notes (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id bigint NOT NULL,
  customer_id     bigint NOT NULL REFERENCES customers (id),
  credit_note_ref text NOT NULL,
  date            date NOT NULL,
  currency        char(3) NOT NULL,
  amount          bigint NOT NULL CHECK (amount > 0),
  invoice_id      bigint REFERENCES invoices (id),
  import_id       bigint,
  created_at      timestamptz NOT NULL,
  UNIQUE (organisation_id, credit_note_ref)
);
CREATE INDEX credit_notes_issued ON credit_notes (organisation_id, currency, date) INCLUDE (amount);
CREATE INDEX credit_notes_unapplied ON credit_notes (organisation_id, customer_id, date) WHERE invoice_id IS NULL;

CREATE TABLE payments (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id bigint NOT NULL,
  customer_id     bigint NOT NULL REFERENCES customers (id),
  payment_ref     text NOT NULL,
  date            date NOT NULL,
  currency        char(3) NOT NULL,
  amount          bigint NOT NULL CHECK (amount > 0),
  -- maintained on write: amount − allocations; the unapplied cash of this receipt.
  unapplied_amount bigint NOT NULL,
  import_id       bigint,
  created_at      timestamptz NOT NULL,
  UNIQUE (organisation_id, payment_ref)
);
CREATE INDEX payments_customer ON payments (customer_id, date);
CREATE INDEX payments_unapplied ON payments (organisation_id, customer_id, date) WHERE unapplied_amount <> 0;

CREATE TABLE write_offs (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id bigint NOT NULL,
  invoice_id      bigint NOT NULL REFERENCES invoices (id),
  date            date NOT NULL,
  amount          bigint NOT NULL CHECK (amount > 0),
  reason          text NOT NULL,
  actor           text NOT NULL,
  created_at      timestamptz NOT NULL
);

-- Every reduction of an invoice's open amount, dated: payment allocations, applied credit notes
-- and write-offs. Aging as of a past date adds back the rows dated after it.
CREATE TABLE allocations (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id bigint NOT NULL,
  invoice_id      bigint NOT NULL REFERENCES invoices (id),
  kind            text NOT NULL CHECK (kind IN ('payment', 'credit_note', 'write_off')),
  payment_id      bigint REFERENCES payments (id),
  credit_note_id  bigint REFERENCES credit_notes (id),
  write_off_id    bigint REFERENCES write_offs (id),
  date            date NOT NULL,
  amount          bigint NOT NULL CHECK (amount > 0),
  created_at      timestamptz NOT NULL,
  CHECK ((kind = 'payment') = (payment_id IS NOT NULL)),
  CHECK ((kind = 'credit_note') = (credit_note_id IS NOT NULL)),
  CHECK ((kind = 'write_off') = (write_off_id IS NOT NULL))
);
CREATE UNIQUE INDEX allocations_payment_invoice ON allocations (payment_id, invoice_id) WHERE payment_id IS NOT NULL;
CREATE INDEX allocations_invoice ON allocations (invoice_id, date);
CREATE INDEX allocations_dated ON allocations (organisation_id, date) INCLUDE (invoice_id, amount);

-- The audit trail: one hash chain per organisation. hash = sha256(prev_hash || canonical event).
CREATE TABLE audit_events (
  organisation_id bigint NOT NULL REFERENCES organisations (id),
  seq             bigint NOT NULL,
  occurred_at     timestamptz NOT NULL,
  actor           text NOT NULL,
  action          text NOT NULL,
  subject_type    text NOT NULL,
  subject_id      text NOT NULL,
  data            jsonb NOT NULL,
  prev_hash       text NOT NULL,
  hash            text NOT NULL,
  PRIMARY KEY (organisation_id, seq)
);
CREATE INDEX audit_events_subject ON audit_events (organisation_id, subject_type, subject_id);

-- The chain head is the serialisation point for appends (SELECT … FOR UPDATE) and remembers the
-- last sequence number, so that deleting the newest events is detected too.
CREATE TABLE audit_heads (
  organisation_id bigint PRIMARY KEY REFERENCES organisations (id),
  seq             bigint NOT NULL,
  hash            text NOT NULL
);

CREATE TABLE idempotency_keys (
  organisation_id bigint NOT NULL REFERENCES organisations (id),
  key             text NOT NULL,
  method          text NOT NULL,
  path            text NOT NULL,
  request_hash    text NOT NULL,
  status          integer,
  response        jsonb,
  created_at      timestamptz NOT NULL,
  PRIMARY KEY (organisation_id, key)
);

-- A fresh install works for one organisation with one entity; more can be added later.
INSERT INTO organisations (name) VALUES ('Default organisation');
INSERT INTO entities (organisation_id, code, name, base_currency)
  SELECT id, 'default', 'Default entity', 'USD' FROM organisations;
INSERT INTO audit_heads (organisation_id, seq, hash) SELECT id, 0, repeat('0', 64) FROM organisations;
