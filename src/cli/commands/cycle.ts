import type { Command } from "commander";
import { transportsFromEnvironment } from "../../channels/transports-from-environment.js";
import { listOutbox } from "../../collections/list-outbox.js";
import { runCollectionsCycle } from "../../collections/run-collections-cycle.js";
import { todayIn } from "../../domain/calendar-date.js";
import { printJson, renderTable } from "../output.js";
import { UserError, withStore, type GlobalOptions } from "../run-command.js";

export function registerCycle(program: Command): void {
  program
    .command("cycle")
    .description("run the daily collections cycle: plan every customer's actions for the day, then send them")
    .option("--as-of <date>", "the business day (default: today in the organisation's time zone)")
    .option("--dry-run", "plan and report only; change nothing")
    .action(async (options: { asOf?: string; dryRun?: boolean }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store, clock) => {
        // With RECOUP_SMTP_URL (RECOUP_SMS_WEBHOOK_URL) set, email (text messages) is delivered;
        // otherwise it stays in the outbox.
        const transports = transportsFromEnvironment(process.env, !options.dryRun);
        let result;
        try {
          result = await runCollectionsCycle({
            store,
            clock,
            actor: `cli:${process.env.USER ?? "unknown"}`,
            asOf: options.asOf ?? todayIn(clock.now(), store.timeZone),
            dryRun: options.dryRun ?? false,
            dispatch: transports,
          });
        } finally {
          await transports.close();
        }
        if (global.json) return printJson(result);
        console.log(
          `Collections cycle for ${result.asOf}${result.dryRun ? " (dry run: nothing recorded or sent)" : ""}: ` +
            `${result.actions.length} actions, ${result.skipped.length} skips` +
            (result.dispatchedEarlier > 0 ? `, ${result.dispatchedEarlier} earlier actions dispatched` : "") +
            (result.delivery
              ? `; delivered ${result.delivery.delivered}, retrying ${result.delivery.retrying}, failed ${result.delivery.failed}`
              : ""),
        );
        const byChannel = new Map<string, Map<string, number>>();
        for (const action of result.actions) {
          const statuses = byChannel.get(action.channel) ?? new Map<string, number>();
          statuses.set(action.status, (statuses.get(action.status) ?? 0) + 1);
          byChannel.set(action.channel, statuses);
        }
        if (byChannel.size > 0) {
          console.log("");
          console.log(
            renderTable(
              ["channel", "status", "actions"],
              [...byChannel].flatMap(([channel, statuses]) =>
                [...statuses].map(([status, n]) => [channel, status, String(n)]),
              ),
            ),
          );
        }
        const reasons = new Map<string, number>();
        for (const skip of result.skipped)
          reasons.set(skip.reason, (reasons.get(skip.reason) ?? 0) + skip.invoiceRefs.length);
        if (reasons.size > 0) {
          console.log("");
          console.log(
            renderTable(
              ["skip reason", "invoices"],
              [...reasons].map(([reason, n]) => [reason, String(n)]),
            ),
          );
        }
      });
    });

  program
    .command("outbox")
    .description("messages Recoup produced, newest first (the outbox)")
    .option("--limit <n>", "how many", "50")
    .option("--customer <ref>", "one customer only")
    .option("--body", "include each message's text")
    .action(async (options: { limit: string; customer?: string; body?: boolean }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store) => {
        const limit = Number(options.limit);
        if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) {
          throw new UserError(`--limit must be a whole number from 1 to 10000, not "${options.limit}"`);
        }
        const entries = await listOutbox(store.handle.pool, store.organisationId, {
          limit,
          withBody: options.body ?? false,
          ...(options.customer !== undefined ? { customerRef: options.customer } : {}),
        });
        if (global.json) return printJson(entries);
        if (options.body) {
          for (const e of entries) {
            console.log(
              `#${e.id} ${e.createdAt} ${e.channel} to ${e.to.join(", ")}\nSubject: ${e.subject}\n\n${e.body}\n${"-".repeat(72)}`,
            );
          }
          return;
        }
        console.log(
          renderTable(
            ["id", "created", "channel", "customer", "to", "subject"],
            entries.map((e) => [
              e.id,
              e.createdAt.slice(0, 16),
              e.channel,
              e.customerRef,
              e.to.join(", "),
              e.subject,
            ]),
          ),
        );
      });
    });
}
