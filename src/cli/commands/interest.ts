import path from "node:path";
import type { Command } from "commander";
import { computeInterestForCli } from "../../interest/compute-interest.js";
import { ratesDirsFromEnv } from "../../interest/rate-tables.js";
import { DEFAULT_DATA_DIR } from "../../db/connect.js";
import { amountText, printJson } from "../output.js";
import { databaseTarget, reportFailure, type GlobalOptions } from "../run-command.js";

export function registerInterest(program: Command): void {
  program
    .command("interest")
    .description("statutory late-payment interest and fixed compensation (UK, EU, DE, FR regimes)")
    .requiredOption("--amount <decimal>", "the debt in major units, e.g. 1000.00")
    .requiredOption("--currency <code>", "ISO 4217 code")
    .requiredOption("--due <date>", "due date, YYYY-MM-DD")
    .requiredOption("--paid <date>", "payment date (or the date to compute to), YYYY-MM-DD")
    .requiredOption("--regime <regime>", "uk | eu | de | fr | contract | none")
    .option("--rate <percent>", "contractual annual rate in percent, overriding the regime's")
    .action(
      (
        options: {
          amount: string;
          currency: string;
          due: string;
          paid: string;
          regime: string;
          rate?: string;
        },
        command: Command,
      ) => {
        const global = command.optsWithGlobals<GlobalOptions>();
        try {
          // Users extend the shipped rate tables with files in <data dir>/rates or RECOUP_RATES_DIR.
          const target = databaseTarget(global);
          const dataDir = target && !/^postgres(ql)?:/.test(target) ? target : DEFAULT_DATA_DIR;
          const result = computeInterestForCli({
            ...options,
            ratesDirs: [path.join(dataDir, "rates"), ...ratesDirsFromEnv()],
          });
          if (global.json) return printJson(result);
          const money = (m: { amount: number; currency: string }) =>
            `${amountText(m.amount, m.currency)} ${m.currency}`;
          console.log(`Regime ${result.regime}: ${result.rate}% a year over ${result.days} days`);
          console.log(`Interest      ${money(result.interest)}`);
          console.log(`Compensation  ${money(result.compensation)}`);
          console.log(`Total         ${money(result.total)}`);
        } catch (error) {
          reportFailure(error);
        }
      },
    );
}
