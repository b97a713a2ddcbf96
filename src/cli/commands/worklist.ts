import type { Command } from "commander";
import { listWorklist } from "../../collections/list-worklist.js";
import { assignTask, CALL_OUTCOMES, completeTask, type TaskOutcome } from "../../collections/update-task.js";
import { todayIn } from "../../domain/calendar-date.js";
import { amountText, printJson, renderTable } from "../output.js";
import { UserError, withStore, type GlobalOptions } from "../run-command.js";

export function registerWorklist(program: Command): void {
  program
    .command("worklist")
    .description(
      "the collector worklist: call and review tasks and accounts to watch, highest priority first",
    )
    .option("--as-of <date>", "YYYY-MM-DD (default: today in the organisation's time zone)")
    .option("--collector <email>", "one collector's items only")
    .option("--limit <n>", "at most this many items", "50")
    .action(async (options: { asOf?: string; collector?: string; limit: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store, clock) => {
        const limit = Number(options.limit);
        if (!Number.isSafeInteger(limit) || limit < 1)
          throw new UserError(`--limit must be a positive whole number`);
        const items = await listWorklist(store.handle.pool, store.organisationId, {
          asOf: options.asOf ?? todayIn(clock.now(), store.timeZone),
          limit,
          ...(options.collector !== undefined ? { collector: options.collector } : {}),
        });
        if (global.json) return printJson(items);
        console.log(
          renderTable(
            ["prio", "task", "kind", "customer", "overdue", "assignee", "next action", "why"],
            items.map((item) => [
              String(item.priority),
              item.taskId ?? "-",
              item.kind,
              item.customerRef,
              `${amountText(item.overdue.amount, item.overdue.currency)} ${item.overdue.currency}`,
              item.assignee ?? "-",
              item.nextAction,
              item.why
                .slice(0, 3)
                .map((part) => part.why)
                .join("; "),
            ]),
          ),
        );
      });
    });

  const task = program.command("task").description("collector tasks");
  task
    .command("assign <id>")
    .description("give a task to a collector")
    .requiredOption("--to <email>", 'the collector ("none" to unassign)')
    .action(async (id: string, options: { to: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store, clock) => {
        const result = await assignTask({
          store,
          clock,
          actor: `cli:${process.env.USER ?? "unknown"}`,
          taskId: id,
          assignee: options.to === "none" ? null : options.to,
        });
        if (global.json) return printJson(result);
        console.log(
          `Task ${result.taskId} is now ${result.assignee ? `assigned to ${result.assignee}` : "unassigned"}.`,
        );
      });
    });
  task
    .command("done <id>")
    .description("close a task with its outcome")
    .requiredOption("--outcome <outcome>", CALL_OUTCOMES.join(" | "))
    .option("--note <text>", "what was said or done")
    .action(async (id: string, options: { outcome: string; note?: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store, clock) => {
        const result = await completeTask({
          store,
          clock,
          actor: `cli:${process.env.USER ?? "unknown"}`,
          taskId: id,
          outcome: options.outcome as TaskOutcome,
          ...(options.note !== undefined ? { note: options.note } : {}),
        });
        if (global.json) return printJson(result);
        console.log(`Task ${result.taskId} done (${result.outcome}).`);
      });
    });
}
