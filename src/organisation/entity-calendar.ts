import { appendAuditEvents } from "../audit/append-audit-events.js";
import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { fromKysely, type Queryable } from "../db/queryable.js";
import { isCalendarDate } from "../domain/calendar-date.js";
import type { BusinessCalendar, IsoWeekday } from "../domain/business-calendar.js";
import { isTimeZone } from "../domain/zoned-time.js";
import { RecoupError } from "../errors.js";

/** A legal entity's time zone and business-day calendar (weekend days and public holidays). */
export interface EntityCalendar {
  entityCode: string;
  timeZone: string;
  calendar: BusinessCalendar;
  holidays: { day: string; name: string }[];
}

/**
 * The calendar of an entity (the organisation's default one unless named).
 *
 * @example const { timeZone, calendar } = await loadEntityCalendar(db, store.entityId)
 */
export async function loadEntityCalendar(db: Queryable, entityId: number): Promise<EntityCalendar> {
  const { rows } = await db.query<{ code: string; time_zone: string; weekend_days: number[] }>(
    `SELECT code, time_zone, weekend_days FROM entities WHERE id = $1`,
    [entityId],
  );
  const entity = rows[0];
  if (!entity) throw new RecoupError("NOT_FOUND", `no legal entity ${entityId}`);
  const { rows: holidays } = await db.query<{ day: string; name: string }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, name FROM business_holidays WHERE entity_id = $1 ORDER BY day`,
    [entityId],
  );
  return {
    entityCode: entity.code,
    timeZone: entity.time_zone,
    calendar: {
      weekendDays: new Set(entity.weekend_days.map(Number) as IsoWeekday[]),
      holidays: new Set(holidays.map((h) => h.day)),
    },
    holidays,
  };
}

interface CalendarChange {
  store: RecoupStore;
  clock: Clock;
  actor: string;
}

/**
 * Sets the default entity's time zone and/or weekend days, audited.
 *
 * @example await updateEntityCalendar({ store, clock, actor, timeZone: "Europe/Paris", weekendDays: [6, 7] })
 */
export async function updateEntityCalendar(
  options: CalendarChange & { timeZone?: string; weekendDays?: readonly IsoWeekday[] },
): Promise<EntityCalendar> {
  if (options.timeZone !== undefined && !isTimeZone(options.timeZone)) {
    throw new RecoupError(
      "VALIDATION_FAILED",
      `"${options.timeZone}" is not an IANA time zone (e.g. Europe/Paris)`,
    );
  }
  if (options.weekendDays !== undefined) {
    const days = new Set(options.weekendDays);
    if ([...days].some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        "weekend days are ISO weekdays from 1 (Monday) to 7 (Sunday)",
      );
    }
    if (days.size >= 7) throw new RecoupError("VALIDATION_FAILED", "the weekend cannot be the whole week");
  }
  return inTransaction(options, async (db, at) => {
    const before = await loadEntityCalendar(db, options.store.entityId);
    const weekend = options.weekendDays ? [...new Set(options.weekendDays)].sort() : null;
    await db.query(
      `UPDATE entities SET time_zone = coalesce($2, time_zone), weekend_days = coalesce($3::smallint[], weekend_days)
       WHERE id = $1`,
      [options.store.entityId, options.timeZone ?? null, weekend],
    );
    const after = await loadEntityCalendar(db, options.store.entityId);
    await audit(db, options, at, "entity.calendar_changed", {
      before: { timeZone: before.timeZone, weekendDays: [...before.calendar.weekendDays].sort() },
      after: { timeZone: after.timeZone, weekendDays: [...after.calendar.weekendDays].sort() },
    });
    return after;
  });
}

/**
 * Declares a public holiday (no cycle runs, nothing is sent); declaring it again renames it.
 *
 * @example await addHoliday({ store, clock, actor, day: "2026-12-25", name: "Christmas Day" })
 */
export async function addHoliday(options: CalendarChange & { day: string; name: string }): Promise<void> {
  if (!isCalendarDate(options.day)) {
    throw new RecoupError("INVALID_DATE", `"${options.day}" is not a calendar date (YYYY-MM-DD)`);
  }
  if (options.name.trim() === "") throw new RecoupError("VALIDATION_FAILED", "a holiday needs a name");
  await inTransaction(options, async (db, at) => {
    await db.query(
      `INSERT INTO business_holidays (entity_id, day, name, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (entity_id, day) DO UPDATE SET name = EXCLUDED.name`,
      [options.store.entityId, options.day, options.name.trim(), at],
    );
    await audit(db, options, at, "entity.holiday_added", { day: options.day, name: options.name.trim() });
  });
}

/** @example await removeHoliday({ store, clock, actor, day: "2026-12-25" }) */
export async function removeHoliday(options: CalendarChange & { day: string }): Promise<void> {
  if (!isCalendarDate(options.day)) {
    throw new RecoupError("INVALID_DATE", `"${options.day}" is not a calendar date (YYYY-MM-DD)`);
  }
  await inTransaction(options, async (db, at) => {
    const { rows } = await db.query<{ name: string }>(
      `DELETE FROM business_holidays WHERE entity_id = $1 AND day = $2 RETURNING name`,
      [options.store.entityId, options.day],
    );
    if (rows.length === 0) throw new RecoupError("NOT_FOUND", `${options.day} is not a declared holiday`);
    await audit(db, options, at, "entity.holiday_removed", { day: options.day, name: rows[0]!.name });
  });
}

async function inTransaction<T>(
  options: CalendarChange,
  work: (db: Queryable, at: Date) => Promise<T>,
): Promise<T> {
  const at = options.clock.now();
  return options.store.handle.db.transaction().execute((trx) => work(fromKysely(trx), at));
}

async function audit(
  db: Queryable,
  options: CalendarChange,
  at: Date,
  action: string,
  data: unknown,
): Promise<void> {
  const { rows } = await db.query<{ code: string }>(`SELECT code FROM entities WHERE id = $1`, [
    options.store.entityId,
  ]);
  await appendAuditEvents(
    db,
    { organisationId: options.store.organisationId, actor: options.actor, occurredAt: at },
    [{ action, subjectType: "entity", subjectId: rows[0]!.code, data }],
  );
}
