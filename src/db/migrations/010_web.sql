-- The web app's customer timeline reads a customer's audit events: those whose subject is the
-- customer use audit_events_subject; events about something else that belongs to a customer (an
-- invoice's write-off, a dispute) carry data.customerRef, found through this index.
CREATE INDEX audit_events_customer_ref ON audit_events (organisation_id, (data ->> 'customerRef'), seq)
  WHERE data ? 'customerRef';
