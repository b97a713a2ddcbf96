import type { Command } from "commander";
import { refreshCustomerProfiles } from "../../collections/refresh-customer-profiles.js";
import { todayIn } from "../../domain/calendar-date.js";
import { printJson, renderTable } from "../output.js";
import { withStore, type GlobalOptions } from "../run-command.js";

export function registerSegment(program: Command): void {
  program
    .command("segment")
    .description("measure payment behaviour, rate risk (A–D) and segment every customer as of a date")
    .option("--as-of <date>", "YYYY-MM-DD (default: today in the organisation's time zone)")
    .action(async (options: { asOf?: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store, clock) => {
        const summary = await refreshCustomerProfiles({
          store,
          clock,
          actor: `cli:${process.env.USER ?? "unknown"}`,
          asOf: options.asOf ?? todayIn(clock.now(), store.timeZone),
        });
        if (global.json) return printJson(summary);
        console.log(
          `Customers as of ${summary.asOf}: ${summary.customers}; rating or segment changed: ${summary.changed}\n`,
        );
        console.log(
          renderTable(
            ["rating", "customers"],
            Object.entries(summary.byRating).map(([k, n]) => [k, String(n)]),
          ),
        );
        console.log("");
        console.log(
          renderTable(
            ["segment", "customers"],
            Object.entries(summary.bySegment).map(([k, n]) => [k, String(n)]),
          ),
        );
      });
    });
}
