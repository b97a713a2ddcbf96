import type { Command } from "commander";
import { loadDemoPortfolio } from "../../demo/load-demo-portfolio.js";
import { printJson } from "../output.js";
import { EXIT_USER_ERROR, UserError, withStore, type GlobalOptions } from "../run-command.js";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("load the deterministic demo portfolio (600 customers, 20,000 invoices, USD/EUR/GBP)")
    .option("--as-of <date>", "last day of the demo ledger (default: today)")
    .option("--seed <n>", "random seed", "1")
    .option("--customers <n>", "number of customers", "600")
    .option("--invoices <n>", "number of invoices", "20000")
    .action(
      async (
        options: { asOf?: string; seed: string; customers: string; invoices: string },
        command: Command,
      ) => {
        const global = command.optsWithGlobals<GlobalOptions>();
        await withStore(global, async (store, clock) => {
          const number = (flag: string, text: string) => {
            if (!/^\d+$/.test(text) || Number(text) < 1)
              throw new UserError(`--${flag} must be a positive whole number`);
            return Number(text);
          };
          const result = await loadDemoPortfolio({
            store,
            clock,
            ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
            seed: number("seed", options.seed),
            customers: number("customers", options.customers),
            invoices: number("invoices", options.invoices),
          });
          if (global.json) printJson(result);
          else if (result.errors.length === 0) {
            console.log(
              `Demo portfolio up to ${result.asOf}: ${result.created.customers} customers, ${result.created.invoices} invoices, ` +
                `${result.created.payments} payments, ${result.created.creditNotes} credit notes created ` +
                `(${result.unchanged.invoices} invoices already present).`,
            );
          } else
            for (const e of result.errors)
              process.stderr.write(`${e.file}:${e.line}: ${e.column}: ${e.message}\n`);
          return result.errors.length > 0 ? EXIT_USER_ERROR : 0;
        });
      },
    );
}
