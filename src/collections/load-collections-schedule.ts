import type { Queryable } from "../db/queryable.js";
import type { CollectionsSchedule } from "../domain/collections-schedule.js";
import { loadEntityCalendar } from "../organisation/entity-calendar.js";
import { loadCollectionSettings } from "./collection-settings.js";

/**
 * The schedule of an organisation's daily cycle: its settings (on or off, cycle time, quiet hours)
 * in the time zone and business-day calendar of its default entity, read fresh each time so a
 * change applies from the next tick without a restart.
 *
 * @example const { enabled, schedule } = await loadCollectionsSchedule(db, store.organisationId, store.entityId)
 */
export async function loadCollectionsSchedule(
  db: Queryable,
  organisationId: number,
  entityId: number,
): Promise<{ enabled: boolean; testMode: boolean; schedule: CollectionsSchedule }> {
  const settings = await loadCollectionSettings(db, organisationId);
  const entity = await loadEntityCalendar(db, entityId);
  return {
    enabled: settings.schedule.enabled,
    testMode: settings.testMode,
    schedule: {
      timeZone: entity.timeZone,
      calendar: entity.calendar,
      cycleMinute: settings.schedule.cycleMinute,
      quietHours: settings.schedule.quietHours,
    },
  };
}
