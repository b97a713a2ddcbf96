-- Derived state of the collections engine: each customer's payment behaviour, risk rating and
-- segment as of the last refresh (src/collections/refresh-customer-profiles.ts), the history of
-- rating and segment changes with their reasons, and the organisation's collections policy.

CREATE TABLE customer_profiles (
  customer_id               bigint PRIMARY KEY REFERENCES customers (id),
  organisation_id           bigint NOT NULL REFERENCES organisations (id),
  as_of                     date NOT NULL,
  currency                  char(3) NOT NULL,
  settled_invoices          integer NOT NULL,
  settled_late              integer NOT NULL,
  settled_severely_late     integer NOT NULL,
  -- signed days, amount-weighted; NULL without payments in the window
  avg_days_late             numeric(9, 2),
  recent_avg_days_late      numeric(9, 2),
  baseline_avg_days_late    numeric(9, 2),
  open_amount               bigint NOT NULL,
  overdue_amount            bigint NOT NULL,
  overdue_invoices          integer NOT NULL,
  severely_overdue_invoices integer NOT NULL,
  overdue_avg_days_past_due numeric(9, 2),
  oldest_days_past_due      integer,
  credit_limit              bigint,
  annual_billing            bigint NOT NULL,
  risk_score                smallint NOT NULL CHECK (risk_score BETWEEN 0 AND 100),
  risk_rating               char(1) NOT NULL CHECK (risk_rating IN ('A', 'B', 'C', 'D')),
  risk_factors              jsonb NOT NULL,
  segment                   text NOT NULL CHECK (segment IN ('high-value-low-risk', 'high-value-high-risk',
                              'low-value-low-risk', 'low-value-high-risk', 'chronic-delinquent')),
  segment_reason            text NOT NULL,
  -- the as-of date of the refresh that put the customer in its segment
  segment_since             date NOT NULL,
  updated_at                timestamptz NOT NULL
);
CREATE INDEX customer_profiles_segment ON customer_profiles (organisation_id, segment, risk_rating);

-- One row per customer whose rating or segment changed in a refresh, with the reason in words
-- and the risk factors that moved (key, delta in points, explanation).
CREATE TABLE customer_classification_changes (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id  bigint NOT NULL REFERENCES organisations (id),
  customer_id      bigint NOT NULL REFERENCES customers (id),
  as_of            date NOT NULL,
  rating_from      char(1),
  rating_to        char(1) NOT NULL,
  score_from       smallint,
  score_to         smallint NOT NULL,
  segment_from     text,
  segment_to       text NOT NULL,
  segment_reason   text NOT NULL,
  factors_moved    jsonb NOT NULL,
  created_at       timestamptz NOT NULL
);
CREATE INDEX customer_classification_changes_customer ON customer_classification_changes (customer_id, id);

-- The collections policy as a document (DESIGN 5.5 `recoup policy apply|export`): workflows,
-- assignments and segmentation thresholds. No row means the shipped defaults.
CREATE TABLE collection_policies (
  organisation_id bigint PRIMARY KEY REFERENCES organisations (id),
  document        jsonb NOT NULL,
  version         integer NOT NULL CHECK (version > 0),
  updated_by      text NOT NULL,
  updated_at      timestamptz NOT NULL
);
