import type { Queryable } from "../db/queryable.js";

export interface ReportFilterOptions {
  entities: { code: string; name: string; baseCurrency: string }[];
  currencies: string[];
  segments: string[];
  collectors: string[];
  owners: string[];
}

/**
 * The values the dashboard's filters can take: the organisation's entities, the currencies it
 * invoices in, the segments in use, and every collector and sales owner named on a customer.
 *
 * @example await reportFilterOptions(db, 1) // { entities: [{ code: "default", … }], currencies: ["EUR", "GBP", "USD"], … }
 */
export async function reportFilterOptions(
  db: Queryable,
  organisationId: number,
): Promise<ReportFilterOptions> {
  const [entities, values] = await Promise.all([
    db.query<{ code: string; name: string; base_currency: string }>(
      `SELECT code, name, base_currency FROM entities WHERE organisation_id = $1 ORDER BY code`,
      [organisationId],
    ),
    db.query<{ kind: string; value: string }>(
      `SELECT DISTINCT 'currency' AS kind, currency::text AS value FROM customers WHERE organisation_id = $1
       UNION SELECT DISTINCT 'collector', collector_email FROM customers WHERE organisation_id = $1 AND collector_email IS NOT NULL
       UNION SELECT DISTINCT 'owner', owner_email FROM customers WHERE organisation_id = $1 AND owner_email IS NOT NULL
       UNION SELECT DISTINCT 'segment', segment FROM customer_profiles WHERE organisation_id = $1
       ORDER BY 1, 2`,
      [organisationId],
    ),
  ]);
  const of = (kind: string) => values.rows.filter((r) => r.kind === kind).map((r) => r.value);
  return {
    entities: entities.rows.map((e) => ({ code: e.code, name: e.name, baseCurrency: e.base_currency })),
    currencies: of("currency"),
    segments: of("segment"),
    collectors: of("collector"),
    owners: of("owner"),
  };
}
