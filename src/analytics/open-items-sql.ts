/**
 * SQL for "the open invoices as of a date" (DESIGN 5.3): an invoice issued on or before D whose
 * amount minus allocations dated ≤ D is not zero. The open amount kept on each invoice is its
 * balance after every allocation, so the balance as of D adds back the allocations dated after D;
 * only invoices still open today or settled after D can be open as of D, and each of those two
 * sets has its own partial index.
 *
 * Parameters: $1 organisation, `asOf` (default $2) the as-of date. Columns: id, customer_id,
 * currency, issue_date, due_date, open_amount (as of D).
 */
export function openItemsAsOfSql(asOf = "$2"): string {
  return OPEN_ITEMS_TEMPLATE.replaceAll("$2", asOf);
}

const OPEN_ITEMS_TEMPLATE = `
  SELECT c.id, c.customer_id, c.currency, c.issue_date, c.due_date, c.open_amount + coalesce(l.amount, 0) AS open_amount
  FROM (
    SELECT id, customer_id, currency, issue_date, due_date, open_amount FROM invoices
    WHERE organisation_id = $1 AND open_amount <> 0 AND issue_date <= $2::date
    UNION ALL
    SELECT id, customer_id, currency, issue_date, due_date, open_amount FROM invoices
    WHERE organisation_id = $1 AND open_amount = 0 AND last_allocation_date > $2::date AND issue_date <= $2::date
  ) c
  LEFT JOIN (
    SELECT invoice_id, sum(amount) AS amount FROM allocations
    WHERE organisation_id = $1 AND date > $2::date GROUP BY invoice_id
  ) l ON l.invoice_id = c.id
  WHERE c.open_amount + coalesce(l.amount, 0) <> 0`;

export const OPEN_ITEMS_AS_OF = openItemsAsOfSql("$2");

/**
 * Unapplied cash and unapplied credit notes as of D, as negative amounts (they reduce what the
 * customer owes but are not netted into the invoice buckets).
 */
export const UNAPPLIED_AS_OF = `
  SELECT customer_id, currency, -sum(amount) AS amount FROM (
    SELECT customer_id, currency, unapplied_amount AS amount FROM payments
    WHERE organisation_id = $1 AND unapplied_amount <> 0 AND date <= $2::date
    UNION ALL
    SELECT customer_id, currency, amount FROM credit_notes
    WHERE organisation_id = $1 AND invoice_id IS NULL AND date <= $2::date
  ) u GROUP BY customer_id, currency`;

/**
 * The bucket index of an item as a SQL CASE over `dateExpr` (due_date or issue_date), for
 * validated integer bounds. Mirrors bucketIndexFor in domain/aging.ts.
 */
export function bucketIndexSql(bounds: readonly number[], basis: "due" | "issue", asOfParam = "$2"): string {
  for (const bound of bounds) if (!Number.isInteger(bound)) throw new RangeError(`bad bucket bound ${bound}`);
  const days = `(${asOfParam}::date - ${basis === "due" ? "due_date" : "issue_date"})`;
  const limits = basis === "due" ? [0, ...bounds] : bounds;
  const whens = limits.map((limit, index) => `WHEN ${days} <= ${limit} THEN ${index}`).join(" ");
  return `CASE ${whens} ELSE ${limits.length} END`;
}

/**
 * AR and its not-yet-due part at several dates in one pass (the KPI trend's month-ends), the same
 * sums as the open items as of each date, rearranged so that no date rescans the ledger: an
 * invoice's open amount as of D is its open amount now plus the allocations dated after D, so
 *   AR(D) = Σ open now of the invoices issued by D  +  Σ allocations dated after D of invoices issued by D.
 * The first sum reads only the invoices open now (their partial index); the second joins each
 * allocation to the few dates between its invoice's issue and its own date. Invoices whose open
 * amount as of D is zero add nothing, as in OPEN_ITEMS_AS_OF. Current AR: the same over invoices
 * with due_date ≥ D.
 *
 * Parameters: $1 organisation, $2 the dates (date[], in increasing order). `customerCondition` narrows on
 * `i.customer_id` (see customer-filter.ts). Columns: as_of (text), currency, ar, current_ar.
 */
export function arAtDatesSql(customerCondition = ""): string {
  return `
  WITH d AS (SELECT unnest($2::date[]) AS as_of),
  parts AS (
    SELECT d.as_of, i.currency, i.due_date, i.open_amount AS amount
    FROM invoices i JOIN d ON i.issue_date <= d.as_of
    WHERE i.organisation_id = $1 AND i.open_amount <> 0 ${customerCondition}
    UNION ALL
    SELECT d.as_of, i.currency, i.due_date, a.amount
    FROM allocations a
    JOIN invoices i ON i.id = a.invoice_id
    JOIN d ON i.issue_date <= d.as_of AND a.date > d.as_of
    -- only allocations after the earliest date can count (allocations_dated); $2 is sorted
    WHERE a.organisation_id = $1 AND a.date > ($2::date[])[1] ${customerCondition}
  )
  SELECT as_of::text AS as_of, currency, sum(amount) AS ar,
    coalesce(sum(amount) FILTER (WHERE due_date >= as_of), 0) AS current_ar
  FROM parts GROUP BY 1, 2`;
}
