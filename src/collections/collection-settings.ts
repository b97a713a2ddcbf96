import type { Queryable } from "../db/queryable.js";

export interface CollectionSettings {
  /** Plan and record everything, send nothing (skips with reason `test_mode`). */
  testMode: boolean;
  /** Who the messages come from, and how customers reach us: shown in every template. */
  sender: { name: string; email: string | null; phone: string | null };
}

/**
 * The organisation's collections settings; without a row, test mode is off and the sender is the
 * organisation's name with no contact details (templates then omit those lines).
 *
 * @example const { testMode } = await loadCollectionSettings(db, store.organisationId)
 */
export async function loadCollectionSettings(
  db: Queryable,
  organisationId: number,
): Promise<CollectionSettings> {
  const { rows } = await db.query<{
    name: string;
    test_mode: boolean | null;
    sender_name: string | null;
    sender_email: string | null;
    sender_phone: string | null;
  }>(
    `SELECT o.name, s.test_mode, s.sender_name, s.sender_email, s.sender_phone
     FROM organisations o LEFT JOIN collection_settings s ON s.organisation_id = o.id WHERE o.id = $1`,
    [organisationId],
  );
  const row = rows[0]!;
  return {
    testMode: row.test_mode ?? false,
    sender: { name: row.sender_name ?? row.name, email: row.sender_email, phone: row.sender_phone },
  };
}

/**
 * Changes the settings given (others keep their value), in the caller's transaction.
 *
 * @example await saveCollectionSettings(db, 1, { testMode: true }, clock.now())
 */
export async function saveCollectionSettings(
  db: Queryable,
  organisationId: number,
  changes: {
    testMode?: boolean;
    senderName?: string | null;
    senderEmail?: string | null;
    senderPhone?: string | null;
  },
  at: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO collection_settings (organisation_id, test_mode, sender_name, sender_email, sender_phone, updated_at)
     VALUES ($1, coalesce($2, false), $3, $4, $5, $6)
     ON CONFLICT (organisation_id) DO UPDATE SET
       test_mode = coalesce($2, collection_settings.test_mode),
       sender_name = CASE WHEN $7 THEN $3 ELSE collection_settings.sender_name END,
       sender_email = CASE WHEN $8 THEN $4 ELSE collection_settings.sender_email END,
       sender_phone = CASE WHEN $9 THEN $5 ELSE collection_settings.sender_phone END,
       updated_at = $6`,
    [
      organisationId,
      changes.testMode ?? null,
      changes.senderName ?? null,
      changes.senderEmail ?? null,
      changes.senderPhone ?? null,
      at,
      changes.senderName !== undefined,
      changes.senderEmail !== undefined,
      changes.senderPhone !== undefined,
    ],
  );
}
