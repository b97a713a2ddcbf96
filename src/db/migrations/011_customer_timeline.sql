-- A customer's timeline (recoup customer show, GET /customers/{ref}/timeline) is a view over the
-- audit trail and the ledger. Events about things that belong to a customer (a dispute, a promise,
-- a message) carry its ref in data.customerRef; this index finds them without scanning the trail.
CREATE INDEX audit_events_customer ON audit_events (organisation_id, (data ->> 'customerRef'), seq)
  WHERE data ? 'customerRef';
CREATE INDEX credit_notes_customer ON credit_notes (customer_id, date);
