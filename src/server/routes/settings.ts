import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  updateCollectionSettings,
  type CollectionSettingsChanges,
} from "../../collections/collection-settings.js";
import { describeCollectionSettings } from "../../collections/describe-collection-settings.js";
import { parseWeekendDays } from "../../domain/business-calendar.js";
import { isTimeZone, parseLocalTime } from "../../domain/zoned-time.js";
import { RecoupError } from "../../errors.js";
import { addHoliday, removeHoliday, updateEntityCalendar } from "../../organisation/entity-calendar.js";
import { listScheduledRuns } from "../../worker/run-scheduled-collections.js";
import { rejectInvalidRequest } from "../http-errors.js";
import { errorResponses, jsonContent } from "../schemas.js";
import type { ServerDeps } from "../server-deps.js";

const LocalTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a 24-hour local time HH:MM")
  .openapi({ example: "06:00" });
const Weekday = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);

export const SettingsSchema = z
  .object({
    testMode: z.boolean().openapi({ description: "Plan and record everything, send nothing" }),
    sender: z.object({ name: z.string(), email: z.string().nullable(), phone: z.string().nullable() }),
    schedule: z.object({
      enabled: z.boolean(),
      cycleTime: LocalTime,
      quietHours: z.object({ start: LocalTime, end: LocalTime }).nullable(),
      timeZone: z.string().openapi({ example: "Europe/Paris" }),
      weekendDays: z.array(Weekday),
      holidays: z.array(z.object({ day: z.string(), name: z.string() })),
    }),
  })
  .openapi("CollectionSettings");

export const SettingsChangeSchema = z
  .object({
    testMode: z.boolean().optional(),
    sender: z
      .object({
        name: z.string().min(1).optional(),
        email: z.string().nullable().optional(),
        phone: z.string().nullable().optional(),
      })
      .optional(),
    schedule: z
      .object({
        enabled: z.boolean().optional(),
        cycleTime: LocalTime.optional(),
        quietHours: z.object({ start: LocalTime, end: LocalTime }).nullable().optional(),
        timeZone: z.string().optional(),
        weekendDays: z.array(Weekday).optional(),
      })
      .optional(),
  })
  .openapi("CollectionSettingsChange");

export const ScheduledRunSchema = z
  .object({
    businessDate: z.string(),
    status: z.enum(["running", "done", "failed"]),
    attempts: z.number().int(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    retryAfter: z.string().nullable(),
    summary: z.record(z.string(), z.unknown()).nullable(),
    error: z.string().nullable(),
  })
  .openapi("ScheduledCycleRun");

const DayParam = z.object({
  day: z.string().openapi({ param: { name: "day", in: "path" }, example: "2026-12-25" }),
});

const getSettingsRoute = createRoute({
  method: "get",
  path: "/settings",
  tags: ["settings"],
  summary: "Collections settings: test mode, sender, scheduled cycle, quiet hours, time zone and calendar",
  responses: { 200: jsonContent(SettingsSchema, "The settings"), ...errorResponses(500) },
});

const patchSettingsRoute = createRoute({
  method: "patch",
  path: "/settings",
  tags: ["settings"],
  summary: "Change some settings; the others keep their value. Every change is audited.",
  request: { body: { required: true, content: { "application/json": { schema: SettingsChangeSchema } } } },
  responses: { 200: jsonContent(SettingsSchema, "The settings now"), ...errorResponses(400, 500) },
});

const putHolidayRoute = createRoute({
  method: "put",
  path: "/settings/holidays/{day}",
  tags: ["settings"],
  summary: "Declare a public holiday (no cycle runs, nothing is sent); again to rename it",
  request: {
    params: DayParam,
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ name: z.string().min(1) }) } },
    },
  },
  responses: { 200: jsonContent(SettingsSchema, "The settings now"), ...errorResponses(400, 500) },
});

const deleteHolidayRoute = createRoute({
  method: "delete",
  path: "/settings/holidays/{day}",
  tags: ["settings"],
  summary: "Withdraw a declared holiday",
  request: { params: DayParam },
  responses: { 200: jsonContent(SettingsSchema, "The settings now"), ...errorResponses(400, 404, 500) },
});

const listRunsRoute = createRoute({
  method: "get",
  path: "/schedule/runs",
  tags: ["collections"],
  summary: "The latest scheduled cycle runs, newest first",
  request: {
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(14) }),
  },
  responses: {
    200: jsonContent(z.object({ items: z.array(ScheduledRunSchema) }), "Runs"),
    ...errorResponses(400, 500),
  },
});

/** Settings that are not policy, and the scheduled cycle's record of runs. */
export function settingsRoutes(deps: ServerDeps): OpenAPIHono {
  const { store, clock } = deps;
  return new OpenAPIHono({ defaultHook: rejectInvalidRequest })
    .openapi(getSettingsRoute, async (c) => c.json(await describeCollectionSettings(store), 200))
    .openapi(patchSettingsRoute, async (c) => {
      const body = c.req.valid("json");
      const changes: CollectionSettingsChanges = {};
      if (body.testMode !== undefined) changes.testMode = body.testMode;
      if (body.sender?.name !== undefined) changes.senderName = body.sender.name;
      if (body.sender?.email !== undefined) changes.senderEmail = body.sender.email;
      if (body.sender?.phone !== undefined) changes.senderPhone = body.sender.phone;
      const schedule = body.schedule;
      if (schedule?.enabled !== undefined) changes.scheduleEnabled = schedule.enabled;
      if (schedule?.cycleTime !== undefined) changes.cycleMinute = parseLocalTime(schedule.cycleTime)!;
      if (schedule?.quietHours !== undefined) {
        changes.quietHours = schedule.quietHours && {
          startMinute: parseLocalTime(schedule.quietHours.start)!,
          endMinute: parseLocalTime(schedule.quietHours.end)!,
        };
      }
      let weekendDays;
      if (schedule?.weekendDays !== undefined) {
        const parsed = parseWeekendDays(schedule.weekendDays.join(","));
        if ("error" in parsed) throw new RecoupError("VALIDATION_FAILED", parsed.error);
        weekendDays = parsed.days;
      }
      // Nothing changes unless everything is valid: the zone is checked up front, the settings
      // (checked as they are saved) go first, and the calendar, already checked, last.
      if (schedule?.timeZone !== undefined && !isTimeZone(schedule.timeZone)) {
        throw new RecoupError(
          "VALIDATION_FAILED",
          `"${schedule.timeZone}" is not an IANA time zone (e.g. Europe/Paris)`,
        );
      }
      if (Object.keys(changes).length > 0) {
        await updateCollectionSettings({ store, clock, actor: "api", changes });
      }
      if (schedule?.timeZone !== undefined || weekendDays !== undefined) {
        await updateEntityCalendar({
          store,
          clock,
          actor: "api",
          ...(schedule?.timeZone !== undefined ? { timeZone: schedule.timeZone } : {}),
          ...(weekendDays !== undefined ? { weekendDays } : {}),
        });
      }
      return c.json(await describeCollectionSettings(store), 200);
    })
    .openapi(putHolidayRoute, async (c) => {
      const { day } = c.req.valid("param");
      await addHoliday({ store, clock, actor: "api", day, name: c.req.valid("json").name });
      return c.json(await describeCollectionSettings(store), 200);
    })
    .openapi(deleteHolidayRoute, async (c) => {
      await removeHoliday({ store, clock, actor: "api", day: c.req.valid("param").day });
      return c.json(await describeCollectionSettings(store), 200);
    })
    .openapi(listRunsRoute, async (c) => {
      const { limit } = c.req.valid("query");
      return c.json({ items: await listScheduledRuns(store.handle.pool, store.organisationId, limit) }, 200);
    });
}
