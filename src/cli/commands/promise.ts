import type { Command } from "commander";
import { todayIn } from "../../domain/calendar-date.js";
import {
  PROMISE_SOURCES,
  PROMISE_STATUSES,
  type PromiseSource,
  type PromiseStatus,
} from "../../domain/promise-to-pay.js";
import { cancelPromise } from "../../promises/cancel-promise.js";
import { calendarDate } from "../../promises/commitment-input.js";
import { listPromises, type PromiseRecord } from "../../promises/list-promises.js";
import { recordPromise } from "../../promises/record-promise.js";
import { withTransportsFromEnvironment } from "../../channels/transports-from-environment.js";
import { refList, wholeNumber } from "../option-values.js";
import { moneyText, printJson, renderTable } from "../output.js";
import { UserError, withStore, type GlobalOptions } from "../run-command.js";

const actor = () => `cli:${process.env.USER ?? "unknown"}`;

const money = moneyText;

function describePromise(promise: PromiseRecord): string {
  const confirmation =
    promise.confirmation.status === "skipped"
      ? `no confirmation sent (${promise.confirmation.reason.replace("_", " ")})`
      : `confirmation ${promise.confirmation.status} by ${promise.confirmation.channel}`;
  const judged =
    promise.evaluatedOn !== null
      ? `; judged ${promise.status.replace("_", " ")} on ${promise.evaluatedOn} (${money(promise.paid!)} paid)`
      : promise.cancelledOn !== null
        ? `; cancelled on ${promise.cancelledOn}${promise.cancelReason ? ` (${promise.cancelReason})` : ""}`
        : "";
  return (
    `Promise ${promise.id} (${promise.status}): ${promise.customerRef} to pay ${money(promise.amount)} by ` +
    `${promise.promisedOn} on ${promise.invoices.map((i) => i.invoiceRef).join(", ")}; dunning paused until ` +
    `${promise.deadline} (${promise.graceDays} grace days); ${confirmation}${judged}` +
    (promise.taskId ? `; task ${promise.taskId}` : "") +
    "."
  );
}

export function registerPromise(program: Command): void {
  const promise = program.command("promise").description("promises to pay (written commitments)");
  promise
    .command("record")
    .description("record a customer's promise to pay and send its written confirmation (DESIGN 5.6)")
    .requiredOption("--customer <ref>", "the customer")
    .requiredOption("--amount <decimal>", "the promised amount in major units, e.g. 100.00")
    .requiredOption("--date <date>", "the day it promised to pay by, YYYY-MM-DD")
    .option(
      "--invoices <refs>",
      "the invoices it covers, comma-separated (default: the oldest open ones up to the amount)",
    )
    .option("--grace-days <n>", "days after the date before it is judged (default: the policy's, 3)")
    .option("--source <source>", PROMISE_SOURCES.join(" | "), "call")
    .option("--contact <name>", "who at the customer made it (default: its primary contact)")
    .option("--collector <email>", "the collector who took it (default: the customer's collector)")
    .option("--note <text>", "what was said")
    .option("--as-of <date>", "the business day it is recorded on (default: today)")
    .action(
      async (
        options: {
          customer: string;
          amount: string;
          date: string;
          invoices?: string;
          graceDays?: string;
          source: string;
          contact?: string;
          collector?: string;
          note?: string;
          asOf?: string;
        },
        command: Command,
      ) => {
        const global = command.optsWithGlobals<GlobalOptions>();
        await withStore(global, async (store, clock) => {
          const recorded = await withTransportsFromEnvironment((dispatch) =>
            recordPromise({
              store,
              clock,
              actor: actor(),
              customerRef: options.customer,
              amount: options.amount,
              promisedOn: options.date,
              source: options.source as PromiseSource,
              dispatch,
              ...(options.invoices !== undefined
                ? { invoiceRefs: refList(options.invoices, "--invoices") }
                : {}),
              ...(options.graceDays !== undefined
                ? { graceDays: wholeNumber(options.graceDays, "--grace-days") }
                : {}),
              ...(options.contact !== undefined ? { contact: options.contact } : {}),
              ...(options.collector !== undefined ? { collectorEmail: options.collector } : {}),
              ...(options.note !== undefined ? { note: options.note } : {}),
              ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
            }),
          );
          if (global.json) return printJson(recorded);
          console.log(describePromise(recorded));
        });
      },
    );
  promise
    .command("cancel <id>")
    .description("cancel an open promise (dunning of its invoices resumes)")
    .option("--reason <text>", "why")
    .option("--as-of <date>", "the business day (default: today)")
    .action(async (id: string, options: { reason?: string; asOf?: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store, clock) => {
        const cancelled = await cancelPromise({
          store,
          clock,
          actor: actor(),
          promiseId: id,
          ...(options.reason !== undefined ? { reason: options.reason } : {}),
          ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
        });
        if (global.json) return printJson(cancelled);
        console.log(describePromise(cancelled));
      });
    });
  promise
    .command("show <id>")
    .description("one promise with its invoices, confirmation and outcome")
    .action(async (id: string, _options: unknown, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store) => {
        if (!/^[1-9]\d{0,17}$/.test(id)) throw new UserError(`"${id}" is not a promise id`);
        const [found] = await listPromises(store.handle.pool, store.organisationId, {
          ids: [Number(id)],
          limit: 1,
        });
        if (!found) throw new UserError(`no promise ${id}`);
        if (global.json) return printJson(found);
        console.log(describePromise(found));
      });
    });

  program
    .command("promises")
    .description("promises to pay, oldest first")
    .option("--status <statuses>", `only these, comma-separated: ${PROMISE_STATUSES.join(", ")}`)
    .option("--due-today", "open promises whose promised date is the business day")
    .option("--broken", "broken promises only")
    .option("--customer <ref>", "one customer only")
    .option("--collector <email>", "the promises one collector took")
    .option("--as-of <date>", "the business day for --due-today (default: today)")
    .option("--limit <n>", "at most this many", "200")
    .action(
      async (
        options: {
          status?: string;
          dueToday?: boolean;
          broken?: boolean;
          customer?: string;
          collector?: string;
          asOf?: string;
          limit: string;
        },
        command: Command,
      ) => {
        const global = command.optsWithGlobals<GlobalOptions>();
        await withStore(global, async (store, clock) => {
          const statuses = options.status === undefined ? [] : refList(options.status, "--status");
          for (const status of statuses) {
            if (!(PROMISE_STATUSES as readonly string[]).includes(status)) {
              throw new UserError(`--status: "${status}" is not one of ${PROMISE_STATUSES.join(", ")}`);
            }
          }
          if (options.broken) statuses.push("broken");
          const asOf =
            options.asOf === undefined
              ? todayIn(clock.now(), store.timeZone)
              : calendarDate(options.asOf, "--as-of");
          const promises = await listPromises(store.handle.pool, store.organisationId, {
            limit: wholeNumber(options.limit, "--limit"),
            ...(statuses.length > 0 ? { statuses: [...new Set(statuses)] as PromiseStatus[] } : {}),
            ...(options.dueToday ? { dueOn: asOf } : {}),
            ...(options.customer !== undefined ? { customerRef: options.customer } : {}),
            ...(options.collector !== undefined ? { collectorEmail: options.collector } : {}),
          });
          if (global.json) return printJson(promises);
          console.log(promiseTable(promises));
        });
      },
    );
}

/** Promises as a table: the list of `recoup promises` and the customer view. */
export function promiseTable(promises: readonly PromiseRecord[]): string {
  return renderTable(
    ["promise", "customer", "status", "amount", "promised", "deadline", "paid", "collector", "invoices"],
    promises.map((p) => [
      p.id,
      p.customerRef,
      p.status,
      money(p.amount),
      p.promisedOn,
      p.deadline,
      p.paid === null ? "-" : money(p.paid),
      p.collectorEmail ?? "-",
      p.invoices.map((i) => i.invoiceRef).join(","),
    ]),
  );
}
