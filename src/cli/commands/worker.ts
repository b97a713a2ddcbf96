import type { Command } from "commander";
import { transportsFromEnvironment } from "../../channels/transports-from-environment.js";
import { describeCollectionSettings } from "../../collections/describe-collection-settings.js";
import { clockFromEnvironment } from "../../clock.js";
import { openRecoup } from "../../db/open-recoup.js";
import {
  listScheduledRuns,
  runScheduledCollections,
  type ScheduledTickReport,
} from "../../worker/run-scheduled-collections.js";
import { startWorker } from "../../worker/start-worker.js";
import { printJson, renderTable } from "../output.js";
import { databaseTarget, reportFailure, UserError, withStore, type GlobalOptions } from "../run-command.js";

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description(
      "run the scheduler: each business day's cycle at its local time, retries, and delivery outside quiet hours",
    )
    .option("--once", "run one tick now and exit (for an external cron), instead of staying up")
    .action(async (options: { once?: boolean }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      // With RECOUP_SMTP_URL (RECOUP_SMS_WEBHOOK_URL) set, email (text messages) is delivered;
      // otherwise it stays in the outbox.
      const dispatch = transportsFromEnvironment();
      if (options.once) {
        await withStore(global, async (store, clock) => {
          try {
            const report = await runScheduledCollections({ store, clock, dispatch });
            if (global.json) return printJson(report);
            console.log(describeTick(report));
          } finally {
            await dispatch.close();
          }
        });
        return;
      }
      try {
        const store = await openRecoup(databaseTarget(global));
        const worker = await startWorker({
          store,
          clock: clockFromEnvironment(),
          dispatch,
          onTick: (report) => {
            if (report.cycle.ran || report.dispatched > 0 || (report.delivery?.delivered ?? 0) > 0) {
              console.log(global.json ? JSON.stringify(report) : describeTick(report));
            }
          },
        });
        console.log(`Recoup worker running (database: ${store.handle.location}); Ctrl-C stops it.`);
        const stop = async () => {
          await worker.stop();
          await dispatch.close();
          await store.close();
          process.exit(0);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      } catch (error) {
        reportFailure(error);
      }
    });

  program
    .command("schedule")
    .description("the scheduled cycle: when it runs, and its latest runs")
    .option("--limit <n>", "how many runs", "14")
    .action(async (options: { limit: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store) => {
        const limit = Number(options.limit);
        if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
          throw new UserError(`--limit must be a whole number from 1 to 1000, not "${options.limit}"`);
        }
        const { schedule } = await describeCollectionSettings(store);
        const runs = await listScheduledRuns(store.handle.pool, store.organisationId, limit);
        if (global.json) return printJson({ schedule, runs });
        console.log(
          schedule.enabled
            ? `The cycle runs from ${schedule.cycleTime} (${schedule.timeZone}) on business days` +
                ` (weekend: ${schedule.weekendDays.join(", ") || "none"}; ${schedule.holidays.length} holidays);` +
                ` quiet hours ${schedule.quietHours ? `${schedule.quietHours.start}–${schedule.quietHours.end}` : "none"}.`
            : "The scheduled cycle is off (recoup settings set --schedule on).",
        );
        if (runs.length === 0) return void console.log("No scheduled run yet.");
        console.log("");
        console.log(
          renderTable(
            ["day", "status", "attempts", "started", "actions", "skipped", "note"],
            runs.map((run) => [
              run.businessDate,
              run.status,
              String(run.attempts),
              run.startedAt.slice(0, 16).replace("T", " "),
              String(run.summary?.actions ?? ""),
              String(run.summary?.skipped ?? ""),
              run.error
                ? `${run.error}${run.retryAfter ? ` (retry after ${run.retryAfter.slice(0, 16)})` : ""}`
                : "",
            ]),
          ),
        );
      });
    });
}

function describeTick(report: ScheduledTickReport): string {
  const cycle = report.cycle;
  const head = cycle.ran
    ? `cycle for ${cycle.businessDate} (attempt ${cycle.attempt}): ${cycle.actions} actions, ${cycle.skipped} skips` +
      (cycle.failedActions > 0 ? `, ${cycle.failedActions} failed` : "")
    : `no cycle (${cycle.reason.replaceAll("_", " ")}${cycle.businessDate ? `, ${cycle.businessDate}` : ""})` +
      (cycle.error ? `: ${cycle.error}` : "");
  const delivery = report.delivery
    ? report.delivery.heldUntil
      ? `; sending held until ${report.delivery.heldUntil}`
      : `; delivered ${report.delivery.delivered}, retrying ${report.delivery.retrying}, failed ${report.delivery.failed}`
    : "";
  const retried = report.dispatched > 0 ? `; ${report.dispatched} pending actions dispatched` : "";
  return `[${report.local}] ${head}${retried}${delivery}`;
}
