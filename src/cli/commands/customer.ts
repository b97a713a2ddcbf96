import type { Command } from "commander";
import { listCustomerTimeline, type TimelineEntry } from "../../collections/list-customer-timeline.js";
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
      "balances, risk rating with its factors, segment with its reason, their history, promises to pay, payment plans and the latest of the timeline",
    )
    .option("--timeline <n>", "how many of the latest timeline entries to show", "20")
    .action(async (ref: string, options: { timeline: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const timelineLimit = positiveCount(options.timeline, "--timeline");
      await withStore(global, async (store) => {
        const profile = await readCustomerProfile(store.handle.pool, store.organisationId, ref);
        if (profile === null) {
          throw new UserError(
            `customer "${ref}" has no profile yet: run \`recoup segment\` (or the daily cycle) first`,
          );
        }
        const timeline = await listCustomerTimeline(store.handle.pool, {
          organisationId: store.organisationId,
          customerRef: ref,
          timeZone: store.timeZone,
          limit: timelineLimit,
        });
        if (global.json) return printJson({ ...profile, timeline: timeline.entries });
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
        printTimeline(timeline.entries);
      });
    });

  customer
    .command("timeline <ref>")
    .description(
      "everything that happened with the customer, newest first: messages, calls, tasks, changes, documents",
    )
    .option("--limit <n>", "entries per page", "50")
    .option("--before <cursor>", "the cursor a previous page printed: older entries")
    .action(async (ref: string, options: { limit: string; before?: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const limit = positiveCount(options.limit, "--limit");
      await withStore(global, async (store) => {
        const page = await listCustomerTimeline(store.handle.pool, {
          organisationId: store.organisationId,
          customerRef: ref,
          timeZone: store.timeZone,
          limit,
          ...(options.before ? { before: options.before } : {}),
        });
        if (global.json) return printJson(page);
        printTimeline(page.entries);
        if (page.nextCursor)
          console.log(`\nolder entries: recoup customer timeline ${ref} --before ${page.nextCursor}`);
      });
    });
}

function positiveCount(text: string, option: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 1000)
    throw new UserError(`${option}: "${text}" is not a number from 1 to 1000`);
  return Number(text);
}

function printTimeline(entries: readonly TimelineEntry[]): void {
  if (entries.length === 0) return;
  console.log("");
  console.log(
    renderTable(
      ["date", "by", "what"],
      entries.map((e) => [e.date, e.actor, e.summary]),
    ),
  );
}
