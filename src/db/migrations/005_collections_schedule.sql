-- The scheduled daily cycle (issue 3): when it runs, on which days, and when messages may go out.

-- Each legal entity's business-day calendar: its weekend (ISO weekdays, 1 = Monday … 7 = Sunday)
-- and its public holidays. The organisation's default entity also gives the scheduler its time zone.
ALTER TABLE entities ADD COLUMN weekend_days smallint[] NOT NULL DEFAULT '{6,7}';

CREATE TABLE business_holidays (
  entity_id  bigint NOT NULL REFERENCES entities (id),
  day        date NOT NULL,
  name       text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (entity_id, day)
);

-- Local times in the organisation's time zone, in minutes after midnight. Quiet hours may wrap
-- midnight (20:00 → 08:00); both null means none.
ALTER TABLE collection_settings
  ADD COLUMN schedule_enabled boolean NOT NULL DEFAULT true,
  ADD COLUMN cycle_minute     smallint NOT NULL DEFAULT 360 CHECK (cycle_minute BETWEEN 0 AND 1439),
  ADD COLUMN quiet_start_minute smallint DEFAULT 1200 CHECK (quiet_start_minute BETWEEN 0 AND 1439),
  ADD COLUMN quiet_end_minute   smallint DEFAULT 480 CHECK (quiet_end_minute BETWEEN 0 AND 1439),
  ADD CONSTRAINT collection_settings_quiet_both CHECK ((quiet_start_minute IS NULL) = (quiet_end_minute IS NULL));

-- One scheduled cycle per organisation and business day: the row is the claim that keeps two
-- workers (or a worker restarted mid-run) from running the same day twice at once.
CREATE TABLE scheduled_cycle_runs (
  organisation_id bigint NOT NULL REFERENCES organisations (id),
  business_date   date NOT NULL,
  status          text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  attempts        integer NOT NULL DEFAULT 1,
  started_at      timestamptz NOT NULL,
  finished_at     timestamptz,
  retry_after     timestamptz,
  summary         jsonb,
  error           text,
  PRIMARY KEY (organisation_id, business_date)
);
