-- An organisation's own wording of message templates (a shipped key reworded, or a new key), in
-- force over the shipped ones. Each save is checked against the communication standards first and
-- audited with the full text, so the audit trail holds every version that was ever in force.
CREATE TABLE message_templates (
  organisation_id bigint NOT NULL REFERENCES organisations (id),
  key             text NOT NULL,
  language        text NOT NULL CHECK (language IN ('en', 'de', 'fr')),
  subject         text NOT NULL,
  body            text NOT NULL,
  version         integer NOT NULL CHECK (version > 0),
  updated_by      text NOT NULL,
  updated_at      timestamptz NOT NULL,
  PRIMARY KEY (organisation_id, key, language)
);
