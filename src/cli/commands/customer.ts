import type { Command } from "commander";
import { readCustomerProfile } from "../../collections/read-customer-profile.js";
import { amountText, printJson, renderTable } from "../output.js";
import { planTable } from "./plan.js";
import { promiseTable } from "./promise.js";
import { UserError, withStore, type GlobalOptions } from "../run-command.js";

export function registerCustomer(program: Command): void {
  const customer = program.command("customer").description("one customer");
  customer
    .command("show <ref>")
    .description(
      "balances, risk rating with its factors, segment with its reason, their history, promises to pay and payment plans",
    )
    .action(async (ref: string, _options: unknown, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store) => {
        const profile = await readCustomerProfile(store.handle.pool, store.organisationId, ref);
        if (profile === null) {
          throw new UserError(
            `customer "${ref}" has no profile yet: run \`recoup segment\` (or the daily cycle) first`,
          );
        }
        if (global.json) return printJson(profile);
        const money = (m: { amount: number; currency: string }) =>
          `${amountText(m.amount, m.currency)} ${m.currency}`;
        const b = profile.behaviour;
        const days = (value: number | null) => (value === null ? "n/a" : `${value} days`);
        console.log(`${profile.customerRef}  ${profile.name}   (as of ${profile.asOf})`);
        console.log(
          `open ${money(profile.open)}, overdue ${money(profile.overdue)}, billed in 365 days ${money(profile.annualBilling)}`,
        );
        if (profile.creditLimit) {
          console.log(
            `credit limit ${money(profile.creditLimit)} (${Math.round((profile.creditUtilisation ?? 0) * 100)}% used)`,
          );
        }
        console.log(`risk ${profile.risk.rating} (score ${profile.risk.score}/100)`);
        console.log(
          `segment ${profile.segment.key} since ${profile.segment.since}: ${profile.segment.reason}`,
        );
        console.log(
          `pays ${days(b.avgDaysLate)} late on average (last 90 days: ${days(b.recentAvgDaysLate)}, the year before: ${days(b.baselineAvgDaysLate)}); ` +
            `${b.settledLate} of ${b.settledInvoices} settled late`,
        );
        console.log("");
        console.log(
          renderTable(
            ["factor", "points", "of", "why"],
            profile.risk.factors.map((f) => [f.key, f.points.toFixed(2), String(f.maxPoints), f.explanation]),
          ),
        );
        if (profile.history.length > 0) {
          console.log("");
          console.log(
            renderTable(
              ["as of", "rating", "segment", "moved by"],
              profile.history.map((h) => [
                h.asOf,
                `${h.rating.from ?? "-"} → ${h.rating.to}`,
                `${h.segment.from ?? "-"} → ${h.segment.to}`,
                h.factorsMoved.map((f) => `${f.key} ${f.delta > 0 ? "+" : ""}${f.delta}`).join(", ") ||
                  "policy change",
              ]),
            ),
          );
        }
        const kept = profile.promiseKeptRate;
        const judged = kept.kept + kept.partiallyKept + kept.broken;
        console.log("");
        console.log(
          judged === 0
            ? `no promise to pay judged from ${kept.from} to ${kept.to}`
            : `promises kept from ${kept.from} to ${kept.to}: ${kept.kept} of ${judged} (${kept.keptRate}%), ` +
                `${kept.partiallyKept} partly, ${kept.broken} broken`,
        );
        if (profile.promises.length > 0) console.log(`\n${promiseTable(profile.promises)}`);
        if (profile.plans.length > 0) console.log(`\n${planTable(profile.plans)}`);
      });
    });
}
