/**
 * Set-based checks over the staged rows of one import, each returning the offending rows as
 * (file, line, column, message). They need the whole import and the database at once: duplicate
 * references, documents pointing at unknown invoices, and changes to posted documents that would
 * rewrite history. Parameter $1 is the organisation.
 */
export const LEDGER_INTEGRITY_CHECKS: readonly string[] = [
  // A reference given twice in one file.
  ...[
    ["customers.csv", "stage_customers", "customer_ref"],
    ["invoices.csv", "stage_invoices", "invoice_ref"],
    ["credit_notes.csv", "stage_credit_notes", "credit_note_ref"],
  ].map(
    ([file, table, column]) => `
    SELECT '${file}' AS file, line, '${column}' AS column,
           format('${column} "%s" appears more than once (first on line %s)', ref, first_line) AS message
    FROM (SELECT line, ${column} AS ref, min(line) OVER (PARTITION BY ${column}) AS first_line FROM ${table}) s
    WHERE line > first_line`,
  ),
  `SELECT 'payments.csv' AS file, line, 'invoice_ref' AS column,
          CASE WHEN invoice_ref IS NULL
               THEN format('payment "%s" has more than one unapplied row (first on line %s); give one row with the total', payment_ref, first_line)
               ELSE format('payment "%s" is allocated to invoice "%s" twice (first on line %s)', payment_ref, invoice_ref, first_line)
          END AS message
   FROM (SELECT line, payment_ref, invoice_ref,
                min(line) OVER (PARTITION BY payment_ref, invoice_ref) AS first_line FROM stage_payments) s
   WHERE line > first_line`,

  // The rows of one payment must agree on who paid, when and in which currency. Only payments of
  // several rows can disagree, and most have one: the window then sorts those rows, not the file.
  `WITH rows AS (
     SELECT line, payment_ref, customer_ref, date, currency,
            first_value(line) OVER w AS first_line, first_value(customer_ref) OVER w AS first_customer,
            first_value(date) OVER w AS first_date, first_value(currency) OVER w AS first_currency
     FROM stage_payments
     WHERE payment_ref IN (SELECT payment_ref FROM stage_payments GROUP BY payment_ref HAVING count(*) > 1)
     WINDOW w AS (PARTITION BY payment_ref ORDER BY line))
   SELECT 'payments.csv', line, 'customer_ref',
          format('payment "%s" was given customer "%s" on line %s, here "%s"', payment_ref, first_customer, first_line, customer_ref)
   FROM rows WHERE customer_ref <> first_customer
   UNION ALL
   SELECT 'payments.csv', line, 'date',
          format('payment "%s" was dated %s on line %s, here %s', payment_ref, first_date, first_line, date)
   FROM rows WHERE date <> first_date
   UNION ALL
   SELECT 'payments.csv', line, 'currency',
          format('payment "%s" was in %s on line %s, here %s', payment_ref, first_currency, first_line, currency)
   FROM rows WHERE currency <> first_currency`,

  // Customers: the currency of an existing customer is fixed.
  `SELECT 'customers.csv', s.line, 'currency',
          format('customer "%s" is billed in %s; its currency cannot change', s.customer_ref, c.currency)
   FROM stage_customers s JOIN customers c ON c.organisation_id = $1 AND c.customer_ref = s.customer_ref
   WHERE s.currency IS NOT NULL AND s.currency <> c.currency::text`,

  // Invoices: a posted invoice keeps its customer and issue date.
  `SELECT 'invoices.csv', s.line, 'customer_ref',
          format('invoice "%s" is posted for customer "%s"; it cannot move to "%s"', s.invoice_ref, c.customer_ref, s.customer_ref)
   FROM stage_invoices s
   JOIN invoices i ON i.organisation_id = $1 AND i.invoice_ref = s.invoice_ref
   JOIN customers c ON c.id = i.customer_id
   WHERE c.customer_ref <> s.customer_ref
   UNION ALL
   SELECT 'invoices.csv', s.line, 'issue_date',
          format('invoice "%s" is posted with issue date %s, not %s; a posted issue date cannot change (credit the invoice and post a new one)', s.invoice_ref, i.issue_date, s.issue_date)
   FROM stage_invoices s JOIN invoices i ON i.organisation_id = $1 AND i.invoice_ref = s.invoice_ref
   WHERE i.issue_date <> s.issue_date`,

  // Credit notes and payments may only point at invoices of the same customer that exist.
  ...[
    ["credit_notes.csv", "stage_credit_notes"],
    ["payments.csv", "stage_payments"],
  ].map(
    ([file, table]) => `
    WITH targets AS (
      SELECT invoice_ref, customer_ref FROM stage_invoices
      UNION ALL
      SELECT i.invoice_ref, c.customer_ref FROM invoices i JOIN customers c ON c.id = i.customer_id
      WHERE i.organisation_id = $1 AND i.invoice_ref IN (SELECT invoice_ref FROM ${table} WHERE invoice_ref IS NOT NULL)
        AND i.invoice_ref NOT IN (SELECT invoice_ref FROM stage_invoices)
    )
    SELECT '${file}', s.line, 'invoice_ref',
           CASE WHEN t.invoice_ref IS NULL
                THEN format('unknown invoice "%s" (not in the database nor in invoices.csv)', s.invoice_ref)
                ELSE format('invoice "%s" belongs to customer "%s", not "%s"', s.invoice_ref, t.customer_ref, s.customer_ref)
           END
    FROM ${table} s LEFT JOIN targets t ON t.invoice_ref = s.invoice_ref
    WHERE s.invoice_ref IS NOT NULL AND (t.invoice_ref IS NULL OR t.customer_ref <> s.customer_ref)`,
  ),

  // Posted credit notes and payments never change: corrections are new documents.
  `SELECT 'credit_notes.csv', s.line, 'credit_note_ref',
          format('credit note "%s" is already posted with a different %s; post a correcting document instead', s.credit_note_ref,
                 concat_ws(', ',
                   CASE WHEN c.customer_ref <> s.customer_ref THEN 'customer' END,
                   CASE WHEN cn.date <> s.date THEN 'date' END,
                   CASE WHEN cn.amount <> s.amount THEN 'amount' END,
                   CASE WHEN i.invoice_ref IS DISTINCT FROM s.invoice_ref THEN 'invoice_ref' END))
   FROM stage_credit_notes s
   JOIN credit_notes cn ON cn.organisation_id = $1 AND cn.credit_note_ref = s.credit_note_ref
   JOIN customers c ON c.id = cn.customer_id
   LEFT JOIN invoices i ON i.id = cn.invoice_id
   WHERE c.customer_ref <> s.customer_ref OR cn.date <> s.date OR cn.amount <> s.amount
      OR i.invoice_ref IS DISTINCT FROM s.invoice_ref`,
  `WITH staged AS (
     SELECT payment_ref, min(line) AS line, min(customer_ref) AS customer_ref, min(date) AS date,
            string_agg(coalesce(invoice_ref, '') || '=' || amount, ',' ORDER BY coalesce(invoice_ref, '')) AS signature
     FROM (SELECT payment_ref, invoice_ref, min(line) AS line, min(customer_ref) AS customer_ref, min(date) AS date,
                  sum(amount) AS amount
           FROM stage_payments GROUP BY payment_ref, invoice_ref) per_invoice
     GROUP BY payment_ref),
   posted AS (
     SELECT p.payment_ref, c.customer_ref, p.date,
            (SELECT string_agg(ref || '=' || amount, ',' ORDER BY ref)
             FROM (SELECT i.invoice_ref AS ref, a.amount FROM allocations a JOIN invoices i ON i.id = a.invoice_id
                   WHERE a.payment_id = p.id
                   UNION ALL SELECT '', p.unapplied_amount WHERE p.unapplied_amount <> 0) parts) AS signature
     FROM payments p JOIN customers c ON c.id = p.customer_id
     WHERE p.organisation_id = $1 AND p.payment_ref IN (SELECT payment_ref FROM staged))
   SELECT 'payments.csv', s.line, 'payment_ref',
          format('payment "%s" is already posted with a different %s; post a correcting document instead', s.payment_ref,
                 concat_ws(', ',
                   CASE WHEN p.customer_ref <> s.customer_ref THEN 'customer' END,
                   CASE WHEN p.date <> s.date THEN 'date' END,
                   CASE WHEN p.signature IS DISTINCT FROM s.signature THEN 'amount or allocation' END))
   FROM staged s JOIN posted p ON p.payment_ref = s.payment_ref
   WHERE p.customer_ref <> s.customer_ref OR p.date <> s.date OR p.signature IS DISTINCT FROM s.signature`,
];
