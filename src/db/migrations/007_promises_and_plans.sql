-- Promises to pay and payment plans (issue 4; DESIGN 4, 5.5, 5.6; docs/decisions/0005), and what
-- the outbox and the task list need to carry them: a collection action may now be a resolution
-- message (a promise's confirmation, a plan's agreement, an instalment reminder) besides the
-- cycle's dunning steps, and a task may come from a broken promise or a plan.

-- A customer's written commitment to pay `amount` by `promised_on` towards the covered invoices.
-- Dunning of those invoices pauses from `recorded_on` through promised_on + grace_days.
CREATE TABLE promises_to_pay (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id  bigint NOT NULL REFERENCES organisations (id),
  customer_id      bigint NOT NULL REFERENCES customers (id),
  status           text NOT NULL CHECK (status IN ('open', 'kept', 'partially_kept', 'broken', 'cancelled')),
  -- the business day it was taken (--as-of)
  recorded_on      date NOT NULL,
  promised_on      date NOT NULL CHECK (promised_on >= recorded_on),
  grace_days       integer NOT NULL CHECK (grace_days BETWEEN 0 AND 60),
  amount           bigint NOT NULL CHECK (amount > 0),
  currency         char(3) NOT NULL,
  source           text NOT NULL CHECK (source IN ('call', 'email', 'letter', 'portal')),
  -- who at the customer made the commitment
  contact          text,
  -- the collector who took it
  collector_email  text,
  note             text,
  -- why no written confirmation was queued (null: it was)
  confirmation_skipped text CHECK (confirmation_skipped IN ('test_mode', 'do_not_contact')),
  -- the highest allocations.id when it was recorded: allocations above it were not yet known
  ledger_watermark bigint NOT NULL,
  -- what counted towards it when it was judged, and the cycle day that judged it
  paid_amount      bigint,
  evaluated_on     date,
  cancelled_on     date,
  cancel_reason    text,
  recorded_by      text NOT NULL,
  created_at       timestamptz NOT NULL,
  closed_at        timestamptz,
  CHECK ((status IN ('kept', 'partially_kept', 'broken')) = (evaluated_on IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_on IS NOT NULL))
);
CREATE INDEX promises_to_pay_open ON promises_to_pay (organisation_id, promised_on) WHERE status = 'open';
CREATE INDEX promises_to_pay_customer ON promises_to_pay (customer_id, id);
-- the escalation ladder and the risk rating count judged promises per customer by evaluated_on
CREATE INDEX promises_to_pay_judged ON promises_to_pay (organisation_id, evaluated_on)
  WHERE evaluated_on IS NOT NULL;

CREATE TABLE promise_invoices (
  promise_id      bigint NOT NULL REFERENCES promises_to_pay (id),
  invoice_id      bigint NOT NULL REFERENCES invoices (id),
  -- the invoice's open amount as of the recording day
  open_at_record  bigint NOT NULL,
  PRIMARY KEY (promise_id, invoice_id)
);
CREATE INDEX promise_invoices_invoice ON promise_invoices (invoice_id);

-- Instalments that pay the covered balance of some invoices. `proposed` waits for the signed
-- agreement (until sign_by), `active` is being paid, the other three are closed.
CREATE TABLE payment_plans (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id      bigint NOT NULL REFERENCES organisations (id),
  customer_id          bigint NOT NULL REFERENCES customers (id),
  status               text NOT NULL CHECK (status IN ('proposed', 'active', 'completed', 'defaulted', 'cancelled')),
  currency             char(3) NOT NULL,
  -- the covered balance (open amounts as of created_on), which the instalments add up to exactly
  total                bigint NOT NULL CHECK (total > 0),
  frequency            text NOT NULL CHECK (frequency IN ('week', '2weeks', 'month')),
  grace_days           integer NOT NULL CHECK (grace_days BETWEEN 0 AND 60),
  misses_to_default    integer NOT NULL CHECK (misses_to_default >= 1),
  -- null: no reminders
  reminder_days_before integer CHECK (reminder_days_before BETWEEN 0 AND 60),
  created_on           date NOT NULL,
  sign_by              date,
  signed_on            date,
  signed_by            text,
  activated_on         date,
  completed_on         date,
  defaulted_on         date,
  cancelled_on         date,
  cancel_reason        text,
  -- the highest allocations.id when it was created (see promises_to_pay)
  ledger_watermark     bigint NOT NULL,
  -- as of the last evaluation by the cycle
  paid_amount          bigint NOT NULL DEFAULT 0,
  missed_instalments   integer NOT NULL DEFAULT 0,
  evaluated_on         date,
  collector_email      text,
  note                 text,
  -- why no agreement was queued (null: it was)
  agreement_skipped    text CHECK (agreement_skipped IN ('test_mode', 'do_not_contact')),
  created_by           text NOT NULL,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  CHECK ((status = 'completed') = (completed_on IS NOT NULL)),
  CHECK ((status = 'defaulted') = (defaulted_on IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_on IS NOT NULL)),
  CHECK (status <> 'proposed' OR sign_by IS NOT NULL)
);
CREATE INDEX payment_plans_live ON payment_plans (organisation_id) WHERE status IN ('proposed', 'active');
CREATE INDEX payment_plans_customer ON payment_plans (customer_id, id);
-- the escalation ladder and the risk rating count defaults per customer by defaulted_on
CREATE INDEX payment_plans_defaulted ON payment_plans (organisation_id, defaulted_on) WHERE defaulted_on IS NOT NULL;

CREATE TABLE payment_plan_invoices (
  plan_id        bigint NOT NULL REFERENCES payment_plans (id),
  invoice_id     bigint NOT NULL REFERENCES invoices (id),
  open_at_start  bigint NOT NULL,
  PRIMARY KEY (plan_id, invoice_id)
);
CREATE INDEX payment_plan_invoices_invoice ON payment_plan_invoices (invoice_id);

CREATE TABLE payment_plan_instalments (
  plan_id            bigint NOT NULL REFERENCES payment_plans (id),
  number             integer NOT NULL CHECK (number >= 1),
  kind               text NOT NULL CHECK (kind IN ('down_payment', 'instalment')),
  due_on             date NOT NULL,
  amount             bigint NOT NULL CHECK (amount > 0),
  status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'missed')),
  -- payments fill the instalments in order; as of the last evaluation
  paid_amount        bigint NOT NULL DEFAULT 0,
  paid_on            date,
  missed_on          date,
  -- the reminder that named it, and the amount it asked for
  reminder_action_id bigint REFERENCES collection_actions (id),
  reminded_amount    bigint,
  PRIMARY KEY (plan_id, number),
  UNIQUE (plan_id, due_on),
  CHECK ((status = 'missed') = (missed_on IS NOT NULL))
);
CREATE INDEX payment_plan_instalments_reminder ON payment_plan_instalments (reminder_action_id)
  WHERE reminder_action_id IS NOT NULL;

-- Resolution messages in the outbox. A dunning action (the cycle's step messages) keeps its key,
-- one per customer, channel and day; a resolution message has its own `action_key` instead (one
-- confirmation per promise, one agreement per plan, one reminder per customer and day), so that
-- a customer who agrees a plan on the day a reminder goes out about another invoice gets both.
ALTER TABLE collection_actions
  ADD COLUMN purpose text NOT NULL DEFAULT 'dunning',
  ADD COLUMN action_key text,
  ADD COLUMN promise_id bigint REFERENCES promises_to_pay (id),
  ADD COLUMN plan_id bigint REFERENCES payment_plans (id),
  ADD CONSTRAINT collection_actions_purpose_check
    CHECK (purpose IN ('dunning', 'promise_confirmation', 'plan_agreement', 'plan_reminder')),
  ADD CONSTRAINT collection_actions_keyed_check CHECK ((purpose = 'dunning') = (action_key IS NULL));

-- The per-day key of 003 becomes the key of dunning actions only (found by its columns: its name
-- was generated by PostgreSQL).
DO $$
DECLARE
  existing text;
BEGIN
  SELECT c.conname INTO existing
  FROM pg_constraint c
  WHERE c.conrelid = 'collection_actions'::regclass AND c.contype = 'u'
    AND (SELECT array_agg(a.attname::text ORDER BY a.attname)
         FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey))
        = ARRAY['as_of', 'channel', 'customer_id', 'organisation_id'];
  IF existing IS NOT NULL THEN
    EXECUTE format('ALTER TABLE collection_actions DROP CONSTRAINT %I', existing);
  END IF;
END $$;
CREATE UNIQUE INDEX collection_actions_dunning_day ON collection_actions (organisation_id, customer_id, channel, as_of)
  WHERE action_key IS NULL;
CREATE UNIQUE INDEX collection_actions_key ON collection_actions (organisation_id, action_key)
  WHERE action_key IS NOT NULL;

-- Tasks from promises and plans: a call after a broken or partly kept promise, a missed
-- instalment, a default, a plan left unsigned. `task_key` makes creating one idempotent.
ALTER TABLE collection_tasks
  ADD COLUMN promise_id bigint REFERENCES promises_to_pay (id),
  ADD COLUMN plan_id bigint REFERENCES payment_plans (id),
  ADD COLUMN task_key text;
CREATE UNIQUE INDEX collection_tasks_key ON collection_tasks (organisation_id, task_key) WHERE task_key IS NOT NULL;
CREATE INDEX collection_tasks_promise ON collection_tasks (promise_id) WHERE promise_id IS NOT NULL;
CREATE INDEX collection_tasks_plan ON collection_tasks (plan_id) WHERE plan_id IS NOT NULL;
