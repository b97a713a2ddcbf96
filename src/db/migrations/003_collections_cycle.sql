-- The daily collections cycle (DESIGN 5.5): the actions it plans (one per customer, channel and
-- day), the progress of each invoice through its workflow's steps, the skips it reported, and what
-- dispatch produced: collector tasks and outbound messages (the outbox).

CREATE TABLE collection_actions (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id bigint NOT NULL REFERENCES organisations (id),
  customer_id     bigint NOT NULL REFERENCES customers (id),
  as_of           date NOT NULL,
  workflow        text NOT NULL,
  step            text NOT NULL,
  channel         text NOT NULL CHECK (channel IN ('email', 'letter', 'call', 'sms', 'notify_owner')),
  template        text,
  invoice_ids     bigint[] NOT NULL,
  status          text NOT NULL CHECK (status IN ('planned', 'sent', 'task_created', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  next_attempt_at timestamptz,
  created_at      timestamptz NOT NULL,
  completed_at    timestamptz,
  -- at most one action per customer, channel and day: the idempotency key of the cycle
  UNIQUE (organisation_id, customer_id, channel, as_of)
);
CREATE INDEX collection_actions_pending ON collection_actions (organisation_id, as_of) WHERE status = 'planned';
CREATE INDEX collection_actions_customer ON collection_actions (customer_id, as_of);

-- Steps an invoice is done with: fired (with its action), or skipped for good (superseded by a
-- later step, below the step's minimum). Temporary skips (paused, do-not-contact, frequency cap,
-- test mode…) are not recorded here, so the step can still fire when the reason ends.
CREATE TABLE invoice_step_events (
  invoice_id      bigint NOT NULL REFERENCES invoices (id),
  workflow        text NOT NULL,
  step            text NOT NULL,
  organisation_id bigint NOT NULL,
  as_of           date NOT NULL,
  outcome         text NOT NULL CHECK (outcome IN ('fired', 'superseded', 'below_minimum')),
  action_id       bigint REFERENCES collection_actions (id),
  PRIMARY KEY (invoice_id, workflow, step),
  CHECK ((outcome = 'fired') = (action_id IS NOT NULL))
);

-- What each cycle day reported as skipped, once per customer, step and reason.
CREATE TABLE collection_skips (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id bigint NOT NULL REFERENCES organisations (id),
  customer_id     bigint NOT NULL REFERENCES customers (id),
  as_of           date NOT NULL,
  workflow        text NOT NULL,
  step            text NOT NULL,
  reason          text NOT NULL CHECK (reason IN ('paused', 'do_not_contact', 'disputed', 'promise', 'payment_plan',
                    'frequency_cap', 'below_minimum', 'superseded', 'test_mode', 'no_recipient')),
  invoice_ids     bigint[] NOT NULL,
  created_at      timestamptz NOT NULL,
  UNIQUE (organisation_id, as_of, customer_id, workflow, step, reason)
);

-- Work for people: call tasks from `call` steps, reviews of messages that could not be sent
-- (later also approvals).
CREATE TABLE collection_tasks (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id bigint NOT NULL REFERENCES organisations (id),
  customer_id     bigint NOT NULL REFERENCES customers (id),
  action_id       bigint UNIQUE REFERENCES collection_actions (id),
  kind            text NOT NULL CHECK (kind IN ('call', 'review')),
  status          text NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
  assignee        text,
  due_on          date NOT NULL,
  invoice_ids     bigint[] NOT NULL,
  note            text NOT NULL,
  created_at      timestamptz NOT NULL,
  completed_at    timestamptz,
  completed_by    text,
  outcome         text
);
CREATE INDEX collection_tasks_open ON collection_tasks (organisation_id, assignee, due_on) WHERE status = 'open';

-- Every message Recoup produced, rendered: the outbox (DESIGN 5.5 `recoup outbox`). One per action.
CREATE TABLE outbox_messages (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id bigint NOT NULL REFERENCES organisations (id),
  customer_id     bigint NOT NULL REFERENCES customers (id),
  action_id       bigint NOT NULL UNIQUE REFERENCES collection_actions (id),
  channel         text NOT NULL,
  recipients      text[] NOT NULL,
  subject         text NOT NULL,
  body            text NOT NULL,
  language        text NOT NULL,
  template        text NOT NULL,
  invoice_refs    text[] NOT NULL,
  step            text NOT NULL,
  -- 'outbox' (kept here: no transport configured), 'print' (letters), or the transport's name
  delivered_by    text NOT NULL,
  -- stable per action, so that a resend after a crash carries the same Message-ID
  message_id      text NOT NULL UNIQUE,
  -- stored: nothing more to do; queued → sending → delivered | failed (a transport delivers it)
  delivery_status text NOT NULL CHECK (delivery_status IN ('stored', 'queued', 'sending', 'delivered', 'failed')),
  delivery_attempts integer NOT NULL DEFAULT 0,
  next_delivery_at timestamptz,
  claimed_at      timestamptz,
  delivered_at    timestamptz,
  delivery_error  text,
  created_at      timestamptz NOT NULL
);
CREATE INDEX outbox_messages_created ON outbox_messages (organisation_id, id);
CREATE INDEX outbox_messages_customer ON outbox_messages (customer_id, id);
CREATE INDEX outbox_messages_to_deliver ON outbox_messages (organisation_id, id)
  WHERE delivery_status IN ('queued', 'sending');

-- PDFs that go with a message: the letter itself, or the statement attached to an email.
CREATE TABLE outbox_attachments (
  message_id      bigint NOT NULL REFERENCES outbox_messages (id),
  filename        text NOT NULL,
  content_type    text NOT NULL,
  content         bytea NOT NULL,
  PRIMARY KEY (message_id, filename)
);

-- Per-organisation collections settings that are not policy: test mode, sender details.
CREATE TABLE collection_settings (
  organisation_id bigint PRIMARY KEY REFERENCES organisations (id),
  test_mode       boolean NOT NULL DEFAULT false,
  sender_name     text,
  sender_email    text,
  sender_phone    text,
  updated_at      timestamptz NOT NULL
);
