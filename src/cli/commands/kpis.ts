import type { Command } from "commander";
import { kpiReport } from "../../analytics/kpi-report.js";
import { amountText, printJson, ratioText, renderTable } from "../output.js";
import { withStore, type GlobalOptions } from "../run-command.js";

export function registerKpis(program: Command): void {
  program
    .command("kpis")
    .description(
      "DSO (simple, countback), best-possible DSO, ADD, CEI and the promise-kept rate for a period",
    )
    .requiredOption("--from <date>", "first day, YYYY-MM-DD")
    .requiredOption("--to <date>", "last day, YYYY-MM-DD")
    .action(async (options: { from: string; to: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store) => {
        const report = await kpiReport(store.handle.pool, {
          organisationId: store.organisationId,
          from: options.from,
          to: options.to,
        });
        if (global.json) return printJson(report);
        const list = "byCurrency" in report ? report.byCurrency : [report];
        console.log(`KPIs ${options.from} … ${options.to}\n`);
        console.log(
          renderTable(
            [
              "ccy",
              "credit sales",
              "begin AR",
              "end AR",
              "end current AR",
              "DSO",
              "DSO countback",
              "best DSO",
              "ADD",
              "CEI %",
            ],
            list.map((k) => [
              k.currency,
              amountText(k.creditSales, k.currency),
              amountText(k.beginAr, k.currency),
              amountText(k.endAr, k.currency),
              amountText(k.endCurrentAr, k.currency),
              ratioText(k.dso.simple),
              ratioText(k.dso.countback),
              ratioText(k.bestPossibleDso),
              ratioText(k.add),
              ratioText(k.cei),
            ]),
          ),
        );
        for (const k of list) {
          if (!k.promises) continue;
          const p = k.promises;
          const collectors = p.byCollector
            .map((c) => `${c.collector ?? "unassigned"} ${c.kept}/${c.judged} (${ratioText(c.keptRate)}%)`)
            .join(", ");
          console.log(
            `\npromises to pay judged (${k.currency}): ${p.judged}, kept ${p.kept} (${ratioText(p.keptRate)}%), ` +
              `partly ${p.partiallyKept}, broken ${p.broken}; ${amountText(p.collected, k.currency)} of ` +
              `${amountText(p.promised, k.currency)} promised came in (${ratioText(p.amountKeptRate)}%); by collector: ${collectors}`,
          );
        }
        for (const k of list)
          for (const w of k.warnings ?? []) process.stderr.write(`warning: ${k.currency}: ${w}\n`);
      });
    });
}
