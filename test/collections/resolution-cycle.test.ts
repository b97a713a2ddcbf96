import { expect, it } from "vitest";
import { verifyAuditChain } from "../../src/audit/verify-audit-chain.js";
import { fixedClock } from "../../src/clock.js";
import { applyCollectionPolicy } from "../../src/collections/apply-collection-policy.js";
import { updateCollectionSettings } from "../../src/collections/collection-settings.js";
import { listOutbox } from "../../src/collections/list-outbox.js";
import { listWorklist } from "../../src/collections/list-worklist.js";
import { listCustomerTimeline } from "../../src/collections/list-customer-timeline.js";
import { readCustomerProfile } from "../../src/collections/read-customer-profile.js";
import { runCollectionsCycle, type CycleResult } from "../../src/collections/run-collections-cycle.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { addDays } from "../../src/domain/calendar-date.js";
import { defaultCollectionPolicy } from "../../src/domain/collection-policy.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { createPaymentPlan } from "../../src/plans/create-payment-plan.js";
import { listPaymentPlans } from "../../src/plans/list-payment-plans.js";
import { signPaymentPlan } from "../../src/plans/sign-payment-plan.js";
import { listPromises } from "../../src/promises/list-promises.js";
import { recordPromise } from "../../src/promises/record-promise.js";
import { describeEachDatabase } from "../support/databases.js";
import { ledgerFolder } from "../support/ledger-folder.js";

/** The shipped `standard` workflow for everyone, without a contact-frequency cap. */
async function standardPolicy(store: RecoupStore, at: string): Promise<void> {
  const policy = defaultCollectionPolicy();
  policy.workflows = policy.workflows.filter((w) => w.key === "standard");
  policy.workflows[0]!.minDaysBetweenMessages = 0;
  policy.assignments = [{ default: true, workflow: "standard" }];
  await applyCollectionPolicy({ store, clock: fixedClock(at), actor: "test", policy });
  await updateCollectionSettings({
    store,
    clock: fixedClock(at),
    actor: "test",
    changes: { senderName: "Recoup Test Co", senderEmail: "ar@recoup.test", quietHours: null },
  });
}

async function cycle(store: RecoupStore, asOf: string): Promise<CycleResult> {
  return runCollectionsCycle({ store, clock: fixedClock(`${asOf}T06:00:00Z`), actor: "sim", asOf });
}

async function pay(store: RecoupStore, on: string, rows: string): Promise<void> {
  const folder = ledgerFolder({
    "payments.csv": `payment_ref,customer_ref,date,amount,invoice_ref\n${rows}`,
  });
  const result = await importLedger({ store, folder, clock: fixedClock(`${on}T05:00:00Z`), actor: "erp" });
  expect(result.errors).toEqual([]);
}

const line = (result: CycleResult) => [
  ...result.actions.map(
    (a) => `${a.customerRef} ${a.step} ${a.channel} ${a.invoiceRefs.join(",")} ${a.status}`,
  ),
  ...result.skipped.map((s) => `${s.customerRef} ${s.step} skipped:${s.reason} ${s.invoiceRefs.join(",")}`),
];

describeEachDatabase("promises and plans in the daily cycle", (database) => {
  it("pauses dunning for a promise, closes a kept one, and for a broken one creates a task and resumes dunning the day after the grace period", async () => {
    const store = await database.freshStore();
    const folder = ledgerFolder({
      "customers.csv":
        "customer_ref,name,currency,email,collector_email\n" +
        "K,Keeps Ltd,EUR,ap@keeps.test,col@recoup.test\n" +
        "B,Breaks Ltd,EUR,ap@breaks.test,col@recoup.test\n" +
        "H,Half Ltd,EUR,ap@half.test,col@recoup.test\n",
      "invoices.csv":
        "invoice_ref,customer_ref,issue_date,due_date,amount\n" +
        "K1,K,2026-02-01,2026-03-02,100.00\n" +
        "B1,B,2026-02-01,2026-03-02,200.00\n" +
        "H1,H,2026-02-01,2026-03-02,100.00\n",
    });
    expect(
      (await importLedger({ store, folder, clock: fixedClock("2026-03-01T06:00:00Z"), actor: "erp" })).errors,
    ).toEqual([]);
    await standardPolicy(store, "2026-03-01T06:00:00Z");
    expect(line(await cycle(store, "2026-03-03"))).toEqual(
      expect.arrayContaining([
        "K overdue-1 email K1 sent",
        "B overdue-1 email B1 sent",
        "H overdue-1 email H1 sent",
      ]),
    );

    const promises: Record<string, string> = {};
    for (const [ref, amount] of [
      ["K", "100.00"],
      ["B", "200.00"],
      ["H", "100.00"],
    ] as const) {
      const promise = await recordPromise({
        store,
        clock: fixedClock("2026-03-04T10:00:00Z"),
        actor: "col",
        customerRef: ref,
        amount,
        promisedOn: "2026-03-10",
        asOf: "2026-03-04",
      });
      expect(promise).toMatchObject({ deadline: "2026-03-13", confirmation: { status: "sent" } });
      promises[ref] = promise.id;
    }

    const days = new Map<string, string[]>();
    for (let asOf = "2026-03-04"; asOf <= "2026-03-16"; asOf = addDays(asOf, 1)) {
      if (asOf === "2026-03-09") await pay(store, asOf, "PK1,K,2026-03-09,100.00,K1\n");
      if (asOf === "2026-03-11") await pay(store, asOf, "PH1,H,2026-03-11,40.00,H1\n");
      const result = await cycle(store, asOf);
      days.set(asOf, line(result).sort());
      if (asOf === "2026-03-09") expect(result.resolution.promises).toMatchObject({ kept: 1, broken: 0 });
      if (asOf === "2026-03-14") {
        expect(result.resolution.promises).toEqual({
          kept: 0,
          partiallyKept: 1,
          broken: 1,
          cancelled: 0,
          tasks: 2,
        });
        // a re-run of the day judges nothing again and sends nothing new
        const again = await cycle(store, asOf);
        expect(again.actions).toEqual([]);
        expect(again.resolution.promises).toEqual({
          kept: 0,
          partiallyKept: 0,
          broken: 0,
          cancelled: 0,
          tasks: 0,
        });
      }
    }
    // overdue-2 is due on 12 March: held back by the promises through the last grace day…
    expect(days.get("2026-03-12")).toEqual([
      "B overdue-2 skipped:promise B1",
      "H overdue-2 skipped:promise H1",
    ]);
    expect(days.get("2026-03-13")).toEqual([
      "B overdue-2 skipped:promise B1",
      "H overdue-2 skipped:promise H1",
    ]);
    // …and sent the day after, once the broken and the partly kept promise are judged
    expect(days.get("2026-03-14")).toEqual(["B overdue-2 email B1 sent", "H overdue-2 email H1 sent"]);
    for (const asOf of ["2026-03-05", "2026-03-10", "2026-03-15", "2026-03-16"])
      expect(days.get(asOf)).toEqual([]);

    const judged = await listPromises(store.handle.pool, store.organisationId, { limit: 10 });
    expect(judged.map((p) => [p.customerRef, p.status, p.evaluatedOn, p.paid?.amount])).toEqual([
      ["K", "kept", "2026-03-09", 10_000],
      ["B", "broken", "2026-03-14", 0],
      ["H", "partially_kept", "2026-03-14", 4_000],
    ]);
    const tasks = (
      await store.handle.pool.query<{
        id: string;
        promise_id: string;
        kind: string;
        assignee: string;
        due_on: string;
        note: string;
      }>(
        `SELECT id::text, promise_id::text, kind, assignee, due_on, note FROM collection_tasks
         WHERE promise_id IS NOT NULL ORDER BY id`,
      )
    ).rows;
    expect(tasks.map((t) => [t.promise_id, t.kind, t.assignee, t.due_on])).toEqual([
      [promises.B, "call", "col@recoup.test", "2026-03-14"],
      [promises.H, "call", "col@recoup.test", "2026-03-14"],
    ]);
    expect(tasks[0]!.note).toContain(
      "promised 200.00 EUR by 2026-03-10 (3 grace days) on B1 and nothing was paid",
    );
    expect(tasks[1]!.note).toContain("paid 40.00 EUR; 60.00 EUR is still owed");
    expect(judged.find((p) => p.customerRef === "B")!.taskId).toBe(tasks[0]!.id);
    const events = (
      await store.handle.pool.query<{ action: string; n: string }>(
        `SELECT action, count(*) AS n FROM audit_events WHERE action LIKE 'promise.%' GROUP BY action ORDER BY action`,
      )
    ).rows;
    expect(events.map((e) => `${e.action} ${e.n}`)).toEqual([
      "promise.broken 1",
      "promise.kept 1",
      "promise.partially_kept 1",
      "promise.recorded 3",
    ]);
    // and on the customer's timeline
    const timeline = await listCustomerTimeline(store.handle.pool, {
      organisationId: store.organisationId,
      customerRef: "B",
      timeZone: store.timeZone,
      limit: 50,
    });
    expect(timeline.entries.map((e) => e.summary)).toEqual(
      expect.arrayContaining([
        `Promise ${promises.B} to pay 200.00 EUR by 2026-03-10 recorded (B1)`,
        `Promise ${promises.B} broken: 0.00 EUR of 200.00 EUR paid by 2026-03-13`,
      ]),
    );
    // the broken promise lowers the rating: an explainable factor of the risk score
    const broken = await readCustomerProfile(store.handle.pool, store.organisationId, "B");
    expect(broken!.risk.factors.find((f) => f.key === "broken_commitments")).toMatchObject({
      points: 10,
      explanation: "1 broken promise to pay in the last 365 days",
    });
    // the task is on the collector's worklist, ranked up by the broken promise
    const work = await listWorklist(store.handle.pool, store.organisationId, { asOf: "2026-03-16" });
    const item = work.find((w) => w.taskId === tasks[0]!.id)!;
    expect(item.nextAction).toMatch(new RegExp(`^Promise ${promises.B} was not kept: call`));
    expect(item.why.find((part) => part.key === "broken_promises")).toMatchObject({ points: 5 });
    const half = await readCustomerProfile(store.handle.pool, store.organisationId, "H");
    expect(half!.risk.factors.find((f) => f.key === "broken_commitments")!.points).toBe(5);
    expect((await verifyAuditChain(store.handle.pool, store.organisationId)).ok).toBe(true);
  });

  it("keeps a plan's instalments to the cent, reminds before each, and defaults after the grace period and the configured misses", async () => {
    const store = await database.freshStore();
    const folder = ledgerFolder({
      "customers.csv":
        "customer_ref,name,currency,email,phone,collector_email\n" +
        "L,Late Ltd,EUR,ap@late.test,+4411,col@recoup.test\n" +
        "M,Makes It Ltd,EUR,ap@makes.test,+4412,col@recoup.test\n" +
        "N,Never Signs Ltd,EUR,ap@never.test,+4413,col@recoup.test\n",
      "invoices.csv":
        "invoice_ref,customer_ref,issue_date,due_date,amount\n" +
        "L1,L,2026-01-01,2026-01-31,1000.00\n" +
        "L2,L,2026-01-01,2026-01-31,500.01\n" +
        "M1,M,2026-01-01,2026-01-31,300.00\n" +
        "N1,N,2026-01-01,2026-01-31,200.00\n",
    });
    expect(
      (await importLedger({ store, folder, clock: fixedClock("2026-01-31T06:00:00Z"), actor: "erp" })).errors,
    ).toEqual([]);
    await standardPolicy(store, "2026-01-31T06:00:00Z");
    await cycle(store, "2026-02-01");
    const at = fixedClock("2026-02-02T10:00:00Z");
    const plan = (
      customerRef: string,
      invoiceRefs: string[],
      instalments: number,
      first: string,
      every?: "week",
    ) =>
      createPaymentPlan({
        store,
        clock: at,
        actor: "col",
        customerRef,
        invoiceRefs,
        instalments,
        first,
        asOf: "2026-02-02",
        ...(every ? { every } : {}),
      });
    const late = await plan("L", ["L1", "L2"], 3, "2026-02-15");
    expect(late.instalments.map((i) => [i.dueOn, i.amount.amount])).toEqual([
      ["2026-02-15", 50_001],
      ["2026-03-15", 50_000],
      ["2026-04-15", 50_000],
    ]);
    expect(late.instalments.reduce((sum, i) => sum + i.amount.amount, 0)).toBe(150_001);
    const makes = await plan("M", ["M1"], 2, "2026-02-10", "week");
    const never = await plan("N", ["N1"], 2, "2026-02-28");
    expect(never.signBy).toBe("2026-02-16");
    for (const id of [late.id, makes.id]) {
      await signPaymentPlan({ store, clock: at, actor: "col", planId: id, asOf: "2026-02-03" });
    }

    const days = new Map<string, string[]>();
    const resolution = new Map<string, CycleResult["resolution"]["plans"]>();
    for (let asOf = "2026-02-02"; asOf <= "2026-04-20"; asOf = addDays(asOf, 1)) {
      if (asOf === "2026-02-09") await pay(store, asOf, "PM1,M,2026-02-09,300.00,M1\n");
      if (asOf === "2026-02-14") await pay(store, asOf, "PL1,L,2026-02-14,500.01,L1\n");
      const result = await cycle(store, asOf);
      days.set(asOf, line(result).sort());
      resolution.set(asOf, result.resolution.plans);
      if (asOf === "2026-04-19") {
        const again = await cycle(store, asOf);
        expect(again.actions).toEqual([]);
        expect(again.resolution.plans).toMatchObject({
          defaulted: 0,
          instalmentsMissed: 0,
          tasks: 0,
          reminders: 0,
        });
      }
    }

    // M pays everything on 9 February: completed, nothing more happens for it
    expect(resolution.get("2026-02-09")).toMatchObject({ completed: 1, instalmentsPaid: 2 });
    // N never signs: the plan lapses the day after its signature deadline and dunning resumes
    expect(resolution.get("2026-02-17")).toMatchObject({ lapsed: 1, tasks: 1 });
    expect(days.get("2026-02-10")).toEqual([
      "L overdue-2 skipped:payment_plan L1,L2",
      "N overdue-2 skipped:payment_plan N1",
    ]);
    expect(days.get("2026-02-17")).toEqual([
      "L overdue-2 skipped:payment_plan L1,L2",
      "N overdue-2 email N1 sent",
    ]);
    // one reminder three days before each of L's instalments, each naming what is still due
    expect(days.get("2026-02-12")).toEqual([
      "L instalment-reminder email L1,L2 sent",
      "L overdue-2 skipped:payment_plan L1,L2",
      "N overdue-2 skipped:payment_plan N1",
    ]);
    for (const asOf of ["2026-03-12", "2026-04-12"]) {
      expect(days.get(asOf)).toEqual([
        "L final-notice skipped:payment_plan L1,L2",
        "L instalment-reminder email L1,L2 sent",
      ]);
    }
    const reminderDays = (ref: string) =>
      [...days]
        .filter(([, lines]) => lines.some((l) => l.startsWith(`${ref} instalment-reminder`)))
        .map(([asOf]) => asOf);
    expect(reminderDays("L")).toEqual(["2026-02-12", "2026-03-12", "2026-04-12"]);
    // M paid both weekly instalments before the second one's reminder was due
    expect(reminderDays("M")).toEqual(["2026-02-07"]);
    const reminders = (
      await listOutbox(store.handle.pool, store.organisationId, { limit: 50, withBody: true })
    ).filter((m) => m.step === "instalment-reminder" && m.customerRef === "L");
    expect(reminders.map((m) => m.body!.match(/- Instalment \d: due [^\n]+/)![0]).reverse()).toEqual([
      "- Instalment 1: due 15 February 2026, €500.01",
      "- Instalment 2: due 15 March 2026, €500.00",
      "- Instalment 3: due 15 April 2026, €500.00",
    ]);
    // instalment 1 paid on the 14th; instalment 2 missed the day after its grace period (15 + 3)
    expect(resolution.get("2026-02-14")).toMatchObject({ instalmentsPaid: 1 });
    expect(resolution.get("2026-03-18")).toMatchObject({ instalmentsMissed: 0 });
    expect(resolution.get("2026-03-19")).toMatchObject({ instalmentsMissed: 1, defaulted: 0, tasks: 1 });
    // instalment 3 missed: the second miss defaults the plan, and dunning resumes that day
    expect(resolution.get("2026-04-19")).toMatchObject({ instalmentsMissed: 1, defaulted: 1, tasks: 1 });
    expect(days.get("2026-04-18")).toEqual(["L final-notice skipped:payment_plan L1,L2"]);
    expect(days.get("2026-04-19")).toEqual(["L final-notice letter L1,L2 sent"]);

    const plans = await listPaymentPlans(store.handle.pool, store.organisationId, { limit: 10 });
    expect(
      plans.map((p) => [p.customerRef, p.status, p.completedOn ?? p.defaultedOn ?? p.cancelledOn]),
    ).toEqual([
      ["L", "defaulted", "2026-04-19"],
      ["M", "completed", "2026-02-09"],
      ["N", "cancelled", "2026-02-17"],
    ]);
    const defaulted = plans[0]!;
    expect(defaulted).toMatchObject({ missedInstalments: 2, paid: { amount: 50_001, currency: "EUR" } });
    expect(
      defaulted.instalments.map((i) => [i.number, i.status, i.paid.amount, i.paidOn, i.missedOn]),
    ).toEqual([
      [1, "paid", 50_001, "2026-02-14", null],
      [2, "missed", 0, null, "2026-03-19"],
      [3, "missed", 0, null, "2026-04-19"],
    ]);
    expect(defaulted.taskIds).toHaveLength(2);
    const notes = (
      await store.handle.pool.query<{ note: string }>(
        `SELECT note FROM collection_tasks WHERE plan_id = $1 ORDER BY id`,
        [defaulted.id],
      )
    ).rows.map((r) => r.note);
    expect(notes[0]).toContain("Instalment 2 of payment plan");
    expect(notes[1]).toContain(
      "is in default: 2 instalments missed (the policy allows 1); 1000.00 EUR is still owed",
    );
    const profile = await readCustomerProfile(store.handle.pool, store.organisationId, "L");
    expect(profile!.risk.factors.find((f) => f.key === "broken_commitments")!.explanation).toBe(
      "1 payment plan in default in the last 365 days",
    );
    expect((await verifyAuditChain(store.handle.pool, store.organisationId)).ok).toBe(true);
  }, 300_000);
});
