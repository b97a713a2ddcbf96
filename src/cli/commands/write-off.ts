import type { Command } from "commander";
import { writeOffInvoice } from "../../ledger/write-off-invoice.js";
import { amountText, printJson } from "../output.js";
import { withStore, type GlobalOptions } from "../run-command.js";

export function registerWriteOff(program: Command): void {
  program
    .command("write-off")
    .description("write off part or all of an invoice's open amount (a new, audited ledger entry)")
    .requiredOption("--invoice <ref>", "the invoice")
    .requiredOption("--reason <text>", "why (kept in the ledger and the audit trail)")
    .option("--amount <decimal>", "amount in major units (default: all that is open)")
    .option("--as-of <date>", "business date of the write-off (default: today)")
    .action(
      async (
        options: { invoice: string; reason: string; amount?: string; asOf?: string },
        command: Command,
      ) => {
        const global = command.optsWithGlobals<GlobalOptions>();
        await withStore(global, async (store, clock) => {
          const writeOff = await writeOffInvoice({
            store,
            clock,
            actor: `cli:${process.env.USER ?? "unknown"}`,
            invoiceRef: options.invoice,
            reason: options.reason,
            ...(options.amount !== undefined ? { amount: options.amount } : {}),
            ...(options.asOf !== undefined ? { date: options.asOf } : {}),
          });
          if (global.json) return printJson(writeOff);
          const money = (m: { amount: number; currency: string }) =>
            `${amountText(m.amount, m.currency)} ${m.currency}`;
          console.log(
            `Wrote off ${money(writeOff.amount)} of ${writeOff.invoiceRef} on ${writeOff.date}; ${money(writeOff.openAfter)} remains open.`,
          );
        });
      },
    );
}
