import type { Command } from "commander";
import { migrationReport } from "../../analytics/migration-report.js";
import { parseBucketBounds } from "../../domain/aging.js";
import { amountText, printJson, renderTable } from "../output.js";
import { UserError, withStore, type GlobalOptions } from "../run-command.js";

export function registerMigration(program: Command): void {
  program
    .command("migration")
    .description("aging migration: balances by bucket at each month-end and roll rates between them")
    .requiredOption("--from <date>", "first day, YYYY-MM-DD")
    .requiredOption("--to <date>", "last day, YYYY-MM-DD")
    .option("--step <step>", "snapshot interval (month)", "month")
    .option("--buckets <bounds>", "bucket bounds in days", "30,60,90")
    .action(
      async (options: { from: string; to: string; step: string; buckets: string }, command: Command) => {
        const global = command.optsWithGlobals<GlobalOptions>();
        await withStore(global, async (store) => {
          if (options.step !== "month") throw new UserError(`--step must be "month", not "${options.step}"`);
          const report = await migrationReport(store.handle.pool, {
            organisationId: store.organisationId,
            from: options.from,
            to: options.to,
            bounds: parseBucketBounds(options.buckets),
          });
          if (global.json) return printJson(report);
          for (const c of report.byCurrency) {
            const keys = c.snapshots[0]?.buckets.map((b) => b.key) ?? [];
            console.log(`\n${c.currency}: balances at month-end`);
            console.log(
              renderTable(
                ["month-end", ...keys],
                c.snapshots.map((s) => [s.asOf, ...s.buckets.map((b) => amountText(b.amount, c.currency))]),
              ),
            );
            console.log(`\n${c.currency}: roll rates (% of a bucket that moved to the next one)`);
            const pairs = c.transitions[0]?.rollRates.map((r) => `${r.from}→${r.to}`) ?? [];
            console.log(
              renderTable(
                ["month-end", ...pairs],
                c.transitions.map((t) => [
                  t.to,
                  ...t.rollRates.map((r) => (r.rate === null ? "n/a" : (r.rate * 100).toFixed(2))),
                ]),
              ),
            );
          }
        });
      },
    );
}
