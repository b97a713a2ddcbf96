/**
 * Keyset pagination: pages are ordered by id and the cursor is the base64url text of the last id
 * a page returned. Clients treat it as opaque.
 */

/** @example encodeCursor(42) // "NDI" */
export function encodeCursor(id: number): string {
  return Buffer.from(String(id), "utf8").toString("base64url");
}

/** The id inside a cursor, or undefined when the text is not a cursor this API could have issued. */
export function decodeCursor(cursor: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{1,24}$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^[1-9]\d{0,15}$/.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) && encodeCursor(id) === cursor ? id : undefined;
}

/**
 * Cuts a result fetched with `limit + 1` rows down to one page and names the cursor of the next.
 *
 * @example toPage(rows, 50, (row) => row.id) // { rows: first 50, nextCursor: "…" or null }
 */
export function toPage<Row>(
  rows: Row[],
  limit: number,
  idOf: (row: Row) => number,
): { rows: Row[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: encodeCursor(idOf(page[page.length - 1]!)) };
}
