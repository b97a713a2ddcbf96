import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import {
  PLAN_FREQUENCIES,
  PLAN_STATUSES,
  type PlanFrequency,
  type PlanStatus,
} from "../../domain/payment-plan.js";
import { cancelPaymentPlan } from "../../plans/cancel-payment-plan.js";
import { createPaymentPlan } from "../../plans/create-payment-plan.js";
import { listPaymentPlans, type PaymentPlanRecord } from "../../plans/list-payment-plans.js";
import { readPlanAgreement } from "../../plans/read-plan-agreement.js";
import { signPaymentPlan } from "../../plans/sign-payment-plan.js";
import { withTransportsFromEnvironment } from "../../channels/transports-from-environment.js";
import { refList, wholeNumber } from "../option-values.js";
import { moneyText, printJson, renderTable } from "../output.js";
import { UserError, withStore, type GlobalOptions } from "../run-command.js";

const actor = () => `cli:${process.env.USER ?? "unknown"}`;

const money = moneyText;

function printPlan(plan: PaymentPlanRecord): void {
  const dates = [
    plan.signBy && plan.status === "proposed" ? `to be signed by ${plan.signBy}` : null,
    plan.signedOn ? `signed on ${plan.signedOn}${plan.signedBy ? ` by ${plan.signedBy}` : ""}` : null,
    plan.completedOn ? `completed on ${plan.completedOn}` : null,
    plan.defaultedOn ? `in default since ${plan.defaultedOn}` : null,
    plan.cancelledOn
      ? `cancelled on ${plan.cancelledOn}${plan.cancelReason ? ` (${plan.cancelReason})` : ""}`
      : null,
  ].filter((part) => part !== null);
  const agreement =
    plan.agreement.status === "skipped"
      ? `no agreement sent (${plan.agreement.reason.replace("_", " ")})`
      : `agreement ${plan.agreement.status} by ${plan.agreement.channel}`;
  console.log(
    `Payment plan ${plan.id} (${plan.status}): ${plan.customerRef} pays ${money(plan.total)} on ` +
      `${plan.invoices.map((i) => i.invoiceRef).join(", ")} in ${plan.instalments.length} instalments ` +
      `(every ${plan.frequency}, ${plan.graceDays} grace days, default after ${plan.missesToDefault} misses); ` +
      [...dates, agreement].join("; ") +
      `. Paid ${money(plan.paid)}, ${money(plan.openOnInvoices)} open on its invoices.`,
  );
  console.log("");
  console.log(
    renderTable(
      ["#", "kind", "due", "amount", "paid", "status", "paid on", "missed on"],
      plan.instalments.map((i) => [
        String(i.number),
        i.kind === "down_payment" ? "down payment" : "instalment",
        i.dueOn,
        money(i.amount),
        money(i.paid),
        i.status,
        i.paidOn ?? "-",
        i.missedOn ?? "-",
      ]),
    ),
  );
}

export function registerPlan(program: Command): void {
  const plan = program.command("plan").description("payment plans (instalments)");
  plan
    .command("create")
    .description("agree a payment plan and send the agreement to sign (DESIGN 5.6)")
    .requiredOption("--customer <ref>", "the customer")
    .requiredOption("--invoices <refs>", "the invoices it pays, comma-separated")
    .option("--instalments <n>", "how many instalments (the down payment not counted)")
    .requiredOption("--first <date>", "the first instalment's date, YYYY-MM-DD")
    .option("--every <period>", PLAN_FREQUENCIES.join(" | "), "month")
    .option("--amounts <decimals>", "custom instalment amounts, comma-separated, adding up to the balance")
    .option("--down-payment <decimal>", "an amount paid first")
    .option("--down-payment-on <date>", "when the down payment is due (default: the business day)")
    .option("--grace-days <n>", "days after each date before an instalment is missed (default: the policy's)")
    .option(
      "--misses-to-default <n>",
      "missed instalments after which the plan is in default (default: the policy's)",
    )
    .option(
      "--reminder-days <n|none>",
      "days before each instalment the customer is reminded (default: the policy's)",
    )
    .option("--collector <email>", "the collector who follows it (default: the customer's collector)")
    .option("--note <text>", "what was agreed")
    .option("--as-of <date>", "the business day it is agreed on (default: today)")
    .action(
      async (
        options: {
          customer: string;
          invoices: string;
          instalments?: string;
          first: string;
          every: string;
          amounts?: string;
          downPayment?: string;
          downPaymentOn?: string;
          graceDays?: string;
          missesToDefault?: string;
          reminderDays?: string;
          collector?: string;
          note?: string;
          asOf?: string;
        },
        command: Command,
      ) => {
        const global = command.optsWithGlobals<GlobalOptions>();
        await withStore(global, async (store, clock) => {
          if (options.instalments === undefined && options.amounts === undefined) {
            throw new UserError("give --instalments or --amounts");
          }
          const created = await withTransportsFromEnvironment((dispatch) =>
            createPaymentPlan({
              store,
              clock,
              actor: actor(),
              customerRef: options.customer,
              invoiceRefs: refList(options.invoices, "--invoices"),
              first: options.first,
              every: options.every as PlanFrequency,
              dispatch,
              ...(options.instalments !== undefined
                ? { instalments: wholeNumber(options.instalments, "--instalments") }
                : {}),
              ...(options.amounts !== undefined ? { amounts: refList(options.amounts, "--amounts") } : {}),
              ...(options.downPayment !== undefined ? { downPayment: options.downPayment } : {}),
              ...(options.downPaymentOn !== undefined ? { downPaymentOn: options.downPaymentOn } : {}),
              ...(options.graceDays !== undefined
                ? { graceDays: wholeNumber(options.graceDays, "--grace-days") }
                : {}),
              ...(options.missesToDefault !== undefined
                ? { missesToDefault: wholeNumber(options.missesToDefault, "--misses-to-default") }
                : {}),
              ...(options.reminderDays !== undefined
                ? {
                    reminderDaysBefore:
                      options.reminderDays === "none"
                        ? null
                        : wholeNumber(options.reminderDays, "--reminder-days"),
                  }
                : {}),
              ...(options.collector !== undefined ? { collectorEmail: options.collector } : {}),
              ...(options.note !== undefined ? { note: options.note } : {}),
              ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
            }),
          );
          if (global.json) return printJson(created);
          printPlan(created);
        });
      },
    );
  plan
    .command("sign <id>")
    .description("record the customer's signature on the agreement (a proposed plan becomes active)")
    .option("--signed-by <name>", "who signed for the customer")
    .option("--as-of <date>", "the business day the signed agreement came back (default: today)")
    .action(async (id: string, options: { signedBy?: string; asOf?: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store, clock) => {
        const signed = await signPaymentPlan({
          store,
          clock,
          actor: actor(),
          planId: id,
          ...(options.signedBy !== undefined ? { signedBy: options.signedBy } : {}),
          ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
        });
        if (global.json) return printJson(signed);
        printPlan(signed);
      });
    });
  plan
    .command("cancel <id>")
    .description("cancel a proposed or active plan (dunning of its invoices resumes)")
    .option("--reason <text>", "why")
    .option("--as-of <date>", "the business day (default: today)")
    .action(async (id: string, options: { reason?: string; asOf?: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store, clock) => {
        const cancelled = await cancelPaymentPlan({
          store,
          clock,
          actor: actor(),
          planId: id,
          ...(options.reason !== undefined ? { reason: options.reason } : {}),
          ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
        });
        if (global.json) return printJson(cancelled);
        printPlan(cancelled);
      });
    });
  plan
    .command("show <id>")
    .description("one plan with its instalments, payments and agreement")
    .option("--agreement <file>", "also write the agreement letter (PDF) to this file")
    .action(async (id: string, options: { agreement?: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store, clock) => {
        if (!/^[1-9]\d{0,17}$/.test(id)) throw new UserError(`"${id}" is not a plan id`);
        if (options.agreement !== undefined) {
          const document = await readPlanAgreement({ store, clock, actor: actor(), planId: id });
          writeFileSync(options.agreement, document.content);
          if (!global.json) console.error(`Wrote ${document.filename} to ${options.agreement}.`);
        }
        const [found] = await listPaymentPlans(store.handle.pool, store.organisationId, {
          ids: [Number(id)],
          limit: 1,
        });
        if (!found) throw new UserError(`no payment plan ${id}`);
        if (global.json) return printJson(found);
        printPlan(found);
      });
    });

  program
    .command("plans")
    .description("payment plans, oldest first")
    .option("--status <statuses>", `only these, comma-separated: ${PLAN_STATUSES.join(", ")}`)
    .option("--customer <ref>", "one customer only")
    .option("--limit <n>", "at most this many", "200")
    .action(async (options: { status?: string; customer?: string; limit: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store) => {
        const statuses = options.status === undefined ? undefined : refList(options.status, "--status");
        for (const status of statuses ?? []) {
          if (!(PLAN_STATUSES as readonly string[]).includes(status)) {
            throw new UserError(`--status: "${status}" is not one of ${PLAN_STATUSES.join(", ")}`);
          }
        }
        const plans = await listPaymentPlans(store.handle.pool, store.organisationId, {
          limit: wholeNumber(options.limit, "--limit"),
          ...(statuses !== undefined ? { statuses: statuses as PlanStatus[] } : {}),
          ...(options.customer !== undefined ? { customerRef: options.customer } : {}),
        });
        if (global.json) return printJson(plans);
        console.log(planTable(plans));
      });
    });
}

/** Plans as a table: the list of `recoup plans` and the customer view. */
export function planTable(plans: readonly PaymentPlanRecord[]): string {
  return renderTable(
    ["plan", "customer", "status", "total", "paid", "open", "instalments", "missed", "next due"],
    plans.map((p) => [
      p.id,
      p.customerRef,
      p.status,
      money(p.total),
      money(p.paid),
      money(p.openOnInvoices),
      String(p.instalments.length),
      String(p.missedInstalments),
      p.instalments.find((i) => i.status === "pending")?.dueOn ?? "-",
    ]),
  );
}
