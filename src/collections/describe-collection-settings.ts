import type { RecoupStore } from "../db/open-recoup.js";
import { WEEKDAY_NAMES } from "../domain/business-calendar.js";
import { formatLocalTime } from "../domain/zoned-time.js";
import { loadEntityCalendar } from "../organisation/entity-calendar.js";
import { loadCollectionSettings } from "./collection-settings.js";

/** The settings as people read and write them (`recoup settings --json`, `GET /settings`). */
export interface CollectionSettingsView {
  testMode: boolean;
  sender: { name: string; email: string | null; phone: string | null };
  schedule: {
    enabled: boolean;
    /** Local "HH:MM" from which a business day's cycle runs. */
    cycleTime: string;
    /** Local "HH:MM" times; null: messages may go out at any hour of a business day. */
    quietHours: { start: string; end: string } | null;
    timeZone: string;
    weekendDays: (typeof WEEKDAY_NAMES)[number][];
    holidays: { day: string; name: string }[];
  };
}

/** @example const view = await describeCollectionSettings(store) */
export async function describeCollectionSettings(store: RecoupStore): Promise<CollectionSettingsView> {
  const db = store.handle.pool;
  const settings = await loadCollectionSettings(db, store.organisationId);
  const entity = await loadEntityCalendar(db, store.entityId);
  const quiet = settings.schedule.quietHours;
  return {
    testMode: settings.testMode,
    sender: settings.sender,
    schedule: {
      enabled: settings.schedule.enabled,
      cycleTime: formatLocalTime(settings.schedule.cycleMinute),
      quietHours: quiet
        ? { start: formatLocalTime(quiet.startMinute), end: formatLocalTime(quiet.endMinute) }
        : null,
      timeZone: entity.timeZone,
      weekendDays: [...entity.calendar.weekendDays].sort().map((d) => WEEKDAY_NAMES[d - 1]!),
      holidays: entity.holidays,
    },
  };
}
