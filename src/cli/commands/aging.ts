import type { Command } from "commander";
import { agingReport } from "../../analytics/aging-report.js";
import { todayIn } from "../../domain/calendar-date.js";
import { parseBucketBounds, type AgingBasis } from "../../domain/aging.js";
import { amountText, printJson, renderTable } from "../output.js";
import { UserError, withStore, type GlobalOptions } from "../run-command.js";

export function registerAging(program: Command): void {
  program
    .command("aging")
    .description("aging of open receivables by customer and bucket")
    .option("--as-of <date>", "YYYY-MM-DD (default: today in the organisation's time zone)")
    .option("--buckets <bounds>", "bucket bounds in days", "30,60,90")
    .option("--basis <basis>", "due or issue", "due")
    .option("--customer <ref>", "one customer only")
    .action(
      async (
        options: { asOf?: string; buckets: string; basis: string; customer?: string },
        command: Command,
      ) => {
        const global = command.optsWithGlobals<GlobalOptions>();
        await withStore(global, async (store, clock) => {
          if (options.basis !== "due" && options.basis !== "issue") {
            throw new UserError(`--basis must be "due" or "issue", not "${options.basis}"`);
          }
          const report = await agingReport(store.handle.pool, {
            organisationId: store.organisationId,
            asOf: options.asOf ?? todayIn(clock.now(), store.timeZone),
            bounds: parseBucketBounds(options.buckets),
            basis: options.basis as AgingBasis,
            ...(options.customer !== undefined ? { customerRef: options.customer } : {}),
          });
          if (global.json) return printJson(report);
          const keys = report.totals[0]?.buckets.map((b) => b.key) ?? [];
          console.log(`Aging as of ${report.asOf} (basis: ${report.basis})\n`);
          console.log(
            renderTable(
              ["customer", "name", "ccy", ...keys, "total", "unapplied"],
              report.customers.map((c) => [
                c.customerRef,
                c.name.length > 28 ? c.name.slice(0, 27) + "…" : c.name,
                c.currency,
                ...c.buckets.map((b) => amountText(b.amount, c.currency)),
                amountText(c.total, c.currency),
                amountText(c.unapplied, c.currency),
              ]),
            ),
          );
          console.log("");
          console.log(
            renderTable(
              ["ccy", ...keys, "total", "unapplied"],
              report.totals.map((t) => [
                t.currency,
                ...t.buckets.map((b) => amountText(b.amount, t.currency)),
                amountText(t.total, t.currency),
                amountText(t.unapplied, t.currency),
              ]),
            ),
          );
        });
      },
    );
}
