import { appendAuditEvents } from "../audit/append-audit-events.js";
import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { fromKysely, type Queryable } from "../db/queryable.js";
import type { QuietHours } from "../domain/collections-schedule.js";
import { RecoupError } from "../errors.js";

/** Per-organisation collections settings that are not policy. */
export interface CollectionSettings {
  /** Plan and record everything, send nothing (skips with reason `test_mode`). */
  testMode: boolean;
  /** Who the messages come from, and how customers reach us: shown in every template. */
  sender: { name: string; email: string | null; phone: string | null };
  /** The scheduled daily cycle (src/worker): whether it runs, from what local time, and quiet hours. */
  schedule: { enabled: boolean; cycleMinute: number; quietHours: QuietHours | null };
}

export interface CollectionSettingsChanges {
  testMode?: boolean;
  senderName?: string | null;
  senderEmail?: string | null;
  senderPhone?: string | null;
  scheduleEnabled?: boolean;
  cycleMinute?: number;
  quietHours?: QuietHours | null;
}

/** Without a settings row: test mode off, the cycle at 06:00, no email or SMS from 20:00 to 08:00. */
export const DEFAULT_SCHEDULE: CollectionSettings["schedule"] = {
  enabled: true,
  cycleMinute: 6 * 60,
  quietHours: { startMinute: 20 * 60, endMinute: 8 * 60 },
};

interface SettingsRow {
  name: string;
  has_row: boolean;
  test_mode: boolean | null;
  sender_name: string | null;
  sender_email: string | null;
  sender_phone: string | null;
  schedule_enabled: boolean | null;
  cycle_minute: number | null;
  quiet_start_minute: number | null;
  quiet_end_minute: number | null;
}

/**
 * The organisation's collections settings; without a row, the defaults above and the
 * organisation's name as sender with no contact details (templates then omit those lines).
 *
 * @example const { testMode } = await loadCollectionSettings(db, store.organisationId)
 */
export async function loadCollectionSettings(
  db: Queryable,
  organisationId: number,
): Promise<CollectionSettings> {
  const { rows } = await db.query<SettingsRow>(
    `SELECT o.name, s.organisation_id IS NOT NULL AS has_row, s.test_mode, s.sender_name, s.sender_email,
       s.sender_phone, s.schedule_enabled, s.cycle_minute, s.quiet_start_minute, s.quiet_end_minute
     FROM organisations o LEFT JOIN collection_settings s ON s.organisation_id = o.id WHERE o.id = $1`,
    [organisationId],
  );
  const row = rows[0]!;
  if (!row.has_row) {
    return {
      testMode: false,
      sender: { name: row.name, email: null, phone: null },
      schedule: DEFAULT_SCHEDULE,
    };
  }
  return {
    testMode: row.test_mode!,
    sender: { name: row.sender_name ?? row.name, email: row.sender_email, phone: row.sender_phone },
    schedule: {
      enabled: row.schedule_enabled!,
      cycleMinute: row.cycle_minute!,
      quietHours:
        row.quiet_start_minute === null || row.quiet_end_minute === null
          ? null
          : { startMinute: row.quiet_start_minute, endMinute: row.quiet_end_minute },
    },
  };
}

/**
 * Changes the settings given (others keep their value) with an audit event naming each change,
 * in its own transaction.
 *
 * @example await updateCollectionSettings({ store, clock, actor: "cli:ana", changes: { testMode: true } })
 */
export async function updateCollectionSettings(options: {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  changes: CollectionSettingsChanges;
}): Promise<CollectionSettings> {
  return options.store.handle.db
    .transaction()
    .execute((trx) =>
      saveCollectionSettings(
        fromKysely(trx),
        options.store.organisationId,
        options.changes,
        options.clock.now(),
        options.actor,
      ),
    );
}

/** {@link updateCollectionSettings} in the caller's transaction. */
export async function saveCollectionSettings(
  db: Queryable,
  organisationId: number,
  changes: CollectionSettingsChanges,
  at: Date,
  actor: string,
): Promise<CollectionSettings> {
  validateChanges(changes);
  // Serialise writers so each audit event's "before" is what the row held.
  await db.query(`SELECT id FROM organisations WHERE id = $1 FOR UPDATE`, [organisationId]);
  const before = await loadCollectionSettings(db, organisationId);
  const after: CollectionSettings = {
    testMode: changes.testMode ?? before.testMode,
    sender: {
      name:
        changes.senderName !== undefined ? (changes.senderName ?? before.sender.name) : before.sender.name,
      email: changes.senderEmail !== undefined ? changes.senderEmail : before.sender.email,
      phone: changes.senderPhone !== undefined ? changes.senderPhone : before.sender.phone,
    },
    schedule: {
      enabled: changes.scheduleEnabled ?? before.schedule.enabled,
      cycleMinute: changes.cycleMinute ?? before.schedule.cycleMinute,
      quietHours: changes.quietHours !== undefined ? changes.quietHours : before.schedule.quietHours,
    },
  };
  await db.query(
    `INSERT INTO collection_settings (organisation_id, test_mode, sender_name, sender_email, sender_phone,
       schedule_enabled, cycle_minute, quiet_start_minute, quiet_end_minute, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (organisation_id) DO UPDATE SET
       test_mode = EXCLUDED.test_mode, sender_name = EXCLUDED.sender_name, sender_email = EXCLUDED.sender_email,
       sender_phone = EXCLUDED.sender_phone, schedule_enabled = EXCLUDED.schedule_enabled,
       cycle_minute = EXCLUDED.cycle_minute, quiet_start_minute = EXCLUDED.quiet_start_minute,
       quiet_end_minute = EXCLUDED.quiet_end_minute, updated_at = EXCLUDED.updated_at`,
    [
      organisationId,
      after.testMode,
      after.sender.name,
      after.sender.email,
      after.sender.phone,
      after.schedule.enabled,
      after.schedule.cycleMinute,
      after.schedule.quietHours?.startMinute ?? null,
      after.schedule.quietHours?.endMinute ?? null,
      at,
    ],
  );
  await appendAuditEvents(db, { organisationId, actor, occurredAt: at }, [
    {
      action: "collection.settings_changed",
      subjectType: "organisation",
      subjectId: organisationId,
      data: { before: settingsForAudit(before), after: settingsForAudit(after) },
    },
  ]);
  return after;
}

function validateChanges(changes: CollectionSettingsChanges): void {
  const minute = (value: number, what: string) => {
    if (!Number.isInteger(value) || value < 0 || value > 1439) {
      throw new RecoupError("VALIDATION_FAILED", `${what} must be a local time from 00:00 to 23:59`);
    }
  };
  if (changes.cycleMinute !== undefined) minute(changes.cycleMinute, "the cycle time");
  if (changes.quietHours) {
    minute(changes.quietHours.startMinute, "the start of the quiet hours");
    minute(changes.quietHours.endMinute, "the end of the quiet hours");
    if (changes.quietHours.startMinute === changes.quietHours.endMinute) {
      throw new RecoupError("VALIDATION_FAILED", "quiet hours must start and end at different times");
    }
  }
  if (changes.senderEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(changes.senderEmail)) {
    throw new RecoupError("VALIDATION_FAILED", `"${changes.senderEmail}" is not an email address`);
  }
  if (changes.senderName !== undefined && changes.senderName !== null && changes.senderName.trim() === "") {
    throw new RecoupError("VALIDATION_FAILED", "the sender name cannot be empty");
  }
}

function settingsForAudit(settings: CollectionSettings) {
  return {
    testMode: settings.testMode,
    sender: settings.sender,
    schedule: {
      enabled: settings.schedule.enabled,
      cycleMinute: settings.schedule.cycleMinute,
      quietHours: settings.schedule.quietHours,
    },
  };
}
