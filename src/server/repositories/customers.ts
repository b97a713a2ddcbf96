import { toMinorUnits } from "../../db/minor-units.js";
import type { Queryable } from "../../db/queryable.js";
import { SqlParams } from "./sql-params.js";

export interface CustomerRecord {
  id: number;
  customerRef: string;
  name: string;
  currency: string;
  country: string | null;
  paymentTermsDays: number;
  creditLimit: number | null;
  parentRef: string | null;
  ownerEmail: string | null;
  collectorEmail: string | null;
  language: string | null;
  requiresPo: boolean;
  doNotContact: boolean;
  pausedUntil: string | null;
  /** Sum of the open amounts of its invoices, minor units of `currency`. */
  balance: number;
  /** The part of `balance` on invoices due before today. */
  overdue: number;
}

export interface CustomerListFilter {
  organisationId: number;
  today: string;
  /** Case-insensitive substring of the ref or the name. */
  q?: string;
  currency?: string;
  /** Only customers with an open invoice due before today. */
  overdue?: boolean;
  /** Keyset: ids greater than this one. */
  afterId?: number;
  limit: number;
}

interface CustomerRow {
  id: number;
  customer_ref: string;
  name: string;
  currency: string;
  country: string | null;
  payment_terms_days: number;
  credit_limit: number | null;
  parent_ref: string | null;
  owner_email: string | null;
  collector_email: string | null;
  language: string | null;
  requires_po: boolean;
  do_not_contact: boolean;
  paused_until: string | null;
  balance: string | number | null;
  overdue: string | number | null;
}

/**
 * Customers in id order with their balances. The page is chosen first; balances are then summed
 * in one grouped pass over the open invoices of that page only (the `invoices_open` rows).
 */
async function selectCustomers(
  db: Queryable,
  query: { params: SqlParams; orgParam: string; where: string[]; limit: number; today: string },
) {
  const { params, orgParam, where } = query;
  const todayParam = params.add(query.today);
  const limitParam = params.add(query.limit);
  const { rows } = await db.query<CustomerRow>(
    `WITH page AS (
       SELECT id, customer_ref, name, currency, country, payment_terms_days, credit_limit, parent_ref,
              owner_email, collector_email, language, requires_po, do_not_contact, paused_until
       FROM customers c
       WHERE ${where.join(" AND ")}
       ORDER BY id
       LIMIT ${limitParam}
     )
     SELECT p.*, b.balance, b.overdue
     FROM page p
     LEFT JOIN (
       SELECT customer_id, sum(open_amount) AS balance,
              sum(open_amount) FILTER (WHERE due_date < ${todayParam}::date) AS overdue
       FROM invoices
       WHERE organisation_id = ${orgParam} AND open_amount <> 0 AND customer_id IN (SELECT id FROM page)
       GROUP BY customer_id
     ) b ON b.customer_id = p.id
     ORDER BY p.id`,
    params.values,
  );
  return rows.map(toCustomerRecord);
}

function toCustomerRecord(row: CustomerRow): CustomerRecord {
  return {
    id: row.id,
    customerRef: row.customer_ref,
    name: row.name,
    currency: row.currency,
    country: row.country,
    paymentTermsDays: row.payment_terms_days,
    creditLimit: row.credit_limit,
    parentRef: row.parent_ref,
    ownerEmail: row.owner_email,
    collectorEmail: row.collector_email,
    language: row.language,
    requiresPo: row.requires_po,
    doNotContact: row.do_not_contact,
    pausedUntil: row.paused_until,
    balance: toMinorUnits(row.balance),
    overdue: toMinorUnits(row.overdue),
  };
}

/**
 * Up to `limit` customers matching the filter, ordered by id, after `afterId`.
 *
 * @example await listCustomers(pool, { organisationId: 1, today: "2026-04-15", overdue: true, limit: 51 })
 */
export async function listCustomers(db: Queryable, filter: CustomerListFilter): Promise<CustomerRecord[]> {
  const params = new SqlParams();
  const orgParam = params.add(filter.organisationId);
  const where = [`c.organisation_id = ${orgParam}`];
  if (filter.afterId !== undefined) where.push(`c.id > ${params.add(filter.afterId)}`);
  if (filter.q !== undefined && filter.q !== "") {
    const q = params.add(filter.q.toLowerCase());
    where.push(`(strpos(lower(c.customer_ref), ${q}) > 0 OR strpos(lower(c.name), ${q}) > 0)`);
  }
  if (filter.currency !== undefined) where.push(`c.currency = ${params.add(filter.currency)}`);
  if (filter.overdue) {
    where.push(
      `EXISTS (SELECT 1 FROM invoices i WHERE i.customer_id = c.id AND i.open_amount > 0
               AND i.due_date < ${params.add(filter.today)}::date)`,
    );
  }
  return selectCustomers(db, { params, orgParam, where, limit: filter.limit, today: filter.today });
}

export interface ContactRecord {
  name: string | null;
  email: string | null;
  phone: string | null;
  role: string | null;
  language: string | null;
  preferredChannel: string | null;
}

/** One customer by ref with its balances and contacts (the primary one first), or undefined. */
export async function findCustomer(
  db: Queryable,
  options: { organisationId: number; customerRef: string; today: string },
): Promise<
  (CustomerRecord & { primaryContact: ContactRecord | null; contacts: ContactRecord[] }) | undefined
> {
  const params = new SqlParams();
  const orgParam = params.add(options.organisationId);
  const where = [`c.organisation_id = ${orgParam}`, `c.customer_ref = ${params.add(options.customerRef)}`];
  const [customer] = await selectCustomers(db, { params, orgParam, where, limit: 1, today: options.today });
  if (!customer) return undefined;
  const { rows } = await db.query<{
    name: string | null;
    email: string | null;
    phone: string | null;
    role: string | null;
    language: string | null;
    preferred_channel: string | null;
    is_primary: boolean;
  }>(
    `SELECT name, email, phone, role, language, preferred_channel, is_primary FROM contacts
     WHERE customer_id = $1 ORDER BY is_primary DESC, id`,
    [customer.id],
  );
  const contacts = rows.map((contact) => ({
    name: contact.name,
    email: contact.email,
    phone: contact.phone,
    role: contact.role,
    language: contact.language,
    preferredChannel: contact.preferred_channel,
  }));
  const primary = rows[0]?.is_primary ? contacts[0]! : null;
  return { ...customer, primaryContact: primary, contacts };
}

/** The id of a customer by ref, or undefined. */
export async function findCustomerId(
  db: Queryable,
  organisationId: number,
  customerRef: string,
): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM customers WHERE organisation_id = $1 AND customer_ref = $2`,
    [organisationId, customerRef],
  );
  return rows[0]?.id;
}
