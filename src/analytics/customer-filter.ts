import type { Segment } from "../domain/segmentation.js";

/**
 * Which customers a report covers: every one by default, or those of one legal entity, segment,
 * collector or sales owner (all the given conditions together). The dashboard's filters.
 */
export interface CustomerFilter {
  /** The entity's code (entities.code), e.g. "default". */
  entity?: string;
  /** The segment of the customer's latest profile; customers never profiled are in none. */
  segment?: Segment;
  /** The customer's collector (customers.collector_email), exactly. */
  collector?: string;
  /** The customer's sales owner (customers.owner_email), exactly. */
  owner?: string;
}

/** True when the filter narrows anything. */
export function isFiltered(filter: CustomerFilter | undefined): filter is CustomerFilter {
  return (
    filter !== undefined &&
    (filter.entity !== undefined ||
      filter.segment !== undefined ||
      filter.collector !== undefined ||
      filter.owner !== undefined)
  );
}

/**
 * A condition on `column` (a customer id expression) that keeps the filter's customers, its values
 * appended to `values` (which already holds $1 = the organisation). An empty string when the
 * filter keeps everyone, so callers write `WHERE true ${condition}`-style SQL.
 *
 * @example customerFilterCondition("o.customer_id", { segment: "chronic-delinquent" }, values)
 * // "AND o.customer_id IN (SELECT cf.id FROM customers cf … WHERE … AND p.segment = $3)"
 */
export function customerFilterCondition(
  column: string,
  filter: CustomerFilter | undefined,
  values: unknown[],
): string {
  if (!isFiltered(filter)) return "";
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const joins: string[] = [];
  const conditions = ["cf.organisation_id = $1"];
  if (filter.entity !== undefined) {
    joins.push("JOIN entities ef ON ef.id = cf.entity_id");
    conditions.push(`ef.code = ${param(filter.entity)}`);
  }
  if (filter.segment !== undefined) {
    joins.push("JOIN customer_profiles pf ON pf.customer_id = cf.id");
    conditions.push(`pf.segment = ${param(filter.segment)}`);
  }
  if (filter.collector !== undefined) conditions.push(`cf.collector_email = ${param(filter.collector)}`);
  if (filter.owner !== undefined) conditions.push(`cf.owner_email = ${param(filter.owner)}`);
  return `AND ${column} IN (SELECT cf.id FROM customers cf ${joins.join(" ")} WHERE ${conditions.join(" AND ")})`;
}
