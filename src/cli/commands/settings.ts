import type { Command } from "commander";
import {
  updateCollectionSettings,
  type CollectionSettingsChanges,
} from "../../collections/collection-settings.js";
import {
  describeCollectionSettings,
  type CollectionSettingsView,
} from "../../collections/describe-collection-settings.js";
import { parseWeekendDays, type IsoWeekday } from "../../domain/business-calendar.js";
import { parseLocalTime } from "../../domain/zoned-time.js";
import { addHoliday, removeHoliday, updateEntityCalendar } from "../../organisation/entity-calendar.js";
import { printJson, renderTable } from "../output.js";
import { UserError, withStore, type GlobalOptions } from "../run-command.js";

interface SetOptions {
  testMode?: string;
  senderName?: string;
  senderEmail?: string;
  senderPhone?: string;
  schedule?: string;
  cycleTime?: string;
  quietHours?: string;
  timeZone?: string;
  weekend?: string;
}

const actor = () => `cli:${process.env.USER ?? "unknown"}`;

export function registerSettings(program: Command): void {
  const settings = program
    .command("settings")
    .description(
      "the organisation's collections settings: test mode, sender, schedule, quiet hours, calendar",
    );

  settings
    .command("show", { isDefault: true })
    .description("print the settings")
    .action(async (_options: unknown, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store) => {
        const view = await describeCollectionSettings(store);
        if (global.json) return printJson(view);
        printSettings(view);
      });
    });

  settings
    .command("set")
    .description("change some settings (the others keep their value); every change is audited")
    .option("--test-mode <on|off>", "plan and record everything, send nothing")
    .option("--sender-name <name>", "who messages come from")
    .option(
      "--sender-email <address>",
      "the From and Reply-To of email; shown in every message ('' to clear)",
    )
    .option("--sender-phone <number>", "shown in every message ('' to clear)")
    .option("--schedule <on|off>", "run the daily cycle automatically (recoup worker)")
    .option("--cycle-time <HH:MM>", "local time from which a business day's cycle runs")
    .option(
      "--quiet-hours <HH:MM-HH:MM|off>",
      "no email or SMS between these local times (may wrap midnight)",
    )
    .option("--time-zone <zone>", "IANA time zone of the default entity (e.g. Europe/Paris)")
    .option("--weekend <days>", "non-working weekdays, e.g. sat,sun or fri,sat ('' for none)")
    .action(async (options: SetOptions, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const changes = settingsChanges(options);
      const weekendDays = options.weekend === undefined ? undefined : weekend(options.weekend);
      if (Object.keys(changes).length === 0 && options.timeZone === undefined && weekendDays === undefined) {
        throw new UserError("nothing to change: give at least one option (see recoup settings set --help)");
      }
      await withStore(global, async (store, clock) => {
        if (Object.keys(changes).length > 0) {
          await updateCollectionSettings({ store, clock, actor: actor(), changes });
        }
        if (options.timeZone !== undefined || weekendDays !== undefined) {
          await updateEntityCalendar({
            store,
            clock,
            actor: actor(),
            ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}),
            ...(weekendDays !== undefined ? { weekendDays } : {}),
          });
        }
        const view = await describeCollectionSettings(store);
        if (global.json) return printJson(view);
        printSettings(view);
      });
    });

  const holiday = program
    .command("holiday")
    .description("public holidays: no cycle runs and nothing is sent");
  holiday
    .command("add <date> <name...>")
    .description("declare a holiday (declaring it again renames it)")
    .action(async (date: string, name: string[], _options: unknown, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store, clock) => {
        await addHoliday({ store, clock, actor: actor(), day: date, name: name.join(" ") });
        const view = await describeCollectionSettings(store);
        if (global.json) return printJson(view.schedule.holidays);
        console.log(`Holiday ${date} (${name.join(" ")}) declared.`);
      });
    });
  holiday
    .command("remove <date>")
    .description("withdraw a declared holiday")
    .action(async (date: string, _options: unknown, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store, clock) => {
        await removeHoliday({ store, clock, actor: actor(), day: date });
        const view = await describeCollectionSettings(store);
        if (global.json) return printJson(view.schedule.holidays);
        console.log(`Holiday ${date} withdrawn.`);
      });
    });
  holiday
    .command("list", { isDefault: true })
    .description("the declared holidays")
    .action(async (_options: unknown, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store) => {
        const { holidays } = (await describeCollectionSettings(store)).schedule;
        if (global.json) return printJson(holidays);
        if (holidays.length === 0) return void console.log("No holidays declared.");
        console.log(
          renderTable(
            ["date", "name"],
            holidays.map((h) => [h.day, h.name]),
          ),
        );
      });
    });
}

function settingsChanges(options: SetOptions): CollectionSettingsChanges {
  const changes: CollectionSettingsChanges = {};
  if (options.testMode !== undefined) changes.testMode = onOff(options.testMode, "--test-mode");
  if (options.schedule !== undefined) changes.scheduleEnabled = onOff(options.schedule, "--schedule");
  if (options.senderName !== undefined) changes.senderName = options.senderName;
  if (options.senderEmail !== undefined) changes.senderEmail = options.senderEmail || null;
  if (options.senderPhone !== undefined) changes.senderPhone = options.senderPhone || null;
  if (options.cycleTime !== undefined) changes.cycleMinute = localTime(options.cycleTime, "--cycle-time");
  if (options.quietHours !== undefined) {
    if (options.quietHours === "off") {
      changes.quietHours = null;
    } else {
      const [start, end, ...rest] = options.quietHours.split("-");
      if (start === undefined || end === undefined || rest.length > 0) {
        throw new UserError(`--quiet-hours: "${options.quietHours}" is not HH:MM-HH:MM or off`);
      }
      changes.quietHours = {
        startMinute: localTime(start, "--quiet-hours"),
        endMinute: localTime(end, "--quiet-hours"),
      };
    }
  }
  return changes;
}

function onOff(text: string, flag: string): boolean {
  if (text === "on" || text === "true") return true;
  if (text === "off" || text === "false") return false;
  throw new UserError(`${flag}: "${text}" is not on or off`);
}

function localTime(text: string, flag: string): number {
  const minute = parseLocalTime(text);
  if (minute === null) throw new UserError(`${flag}: "${text}" is not a 24-hour time HH:MM`);
  return minute;
}

function weekend(text: string): IsoWeekday[] {
  const parsed = parseWeekendDays(text);
  if ("error" in parsed) throw new UserError(`--weekend: ${parsed.error}`);
  return parsed.days;
}

function printSettings(view: CollectionSettingsView): void {
  const { schedule } = view;
  console.log(
    renderTable(
      ["setting", "value"],
      [
        ["test mode", view.testMode ? "on (nothing is sent)" : "off"],
        ["sender", view.sender.name],
        ["sender email", view.sender.email ?? "—"],
        ["sender phone", view.sender.phone ?? "—"],
        ["scheduled cycle", schedule.enabled ? `on, from ${schedule.cycleTime} on business days` : "off"],
        [
          "quiet hours",
          schedule.quietHours ? `${schedule.quietHours.start}–${schedule.quietHours.end}` : "none",
        ],
        ["time zone", schedule.timeZone],
        ["weekend", schedule.weekendDays.join(", ") || "none"],
        ["holidays", schedule.holidays.map((h) => h.day).join(", ") || "none"],
      ],
    ),
  );
}
