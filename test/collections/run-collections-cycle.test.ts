import { expect, it } from "vitest";
import { applyCollectionPolicy } from "../../src/collections/apply-collection-policy.js";
import { dispatchCollectionActions } from "../../src/collections/dispatch-collection-actions.js";
import { updateCollectionSettings } from "../../src/collections/collection-settings.js";
import { listOutbox } from "../../src/collections/list-outbox.js";
import { runCollectionsCycle } from "../../src/collections/run-collections-cycle.js";
import { verifyAuditChain } from "../../src/audit/verify-audit-chain.js";
import { fixedClock } from "../../src/clock.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { defaultCollectionPolicy } from "../../src/domain/collection-policy.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { describeEachDatabase } from "../support/databases.js";
import { ledgerFolder } from "../support/ledger-folder.js";

const clock = fixedClock("2026-12-03T07:00:00Z");

/**
 * As of 2026-12-03, with the shipped "standard" workflow assigned to everyone:
 * courtesy −5 email, overdue-1 +1 email, overdue-2 +10 email, sms +20, call +25 (≥ 250.00),
 * final-notice +35 letter).
 */
const CYCLE_LEDGER = {
  "customers.csv":
    "customer_ref,name,currency,email,phone,owner_email,collector_email\n" +
    "A,Alpha Ltd,USD,ap@alpha.test,+441234,owner@recoup.test,col@recoup.test\n" +
    "B,Beta Ltd,USD,ap@beta.test,,,\n" +
    "P,Paused Ltd,USD,ap@paused.test,,,\n" +
    "N,Nocontact Ltd,USD,ap@nocontact.test,,,\n",
  "invoices.csv":
    "invoice_ref,customer_ref,issue_date,due_date,amount\n" +
    // A: due in 5 days (courtesy), due yesterday (overdue-1), due 10 days ago (overdue-2): one email
    "A1,A,2026-11-08,2026-12-08,100.00\n" +
    "A2,A,2026-11-02,2026-12-02,200.00\n" +
    "A3,A,2026-10-24,2026-11-23,300.00\n" +
    // B: 60 days past due and never chased: only the final notice fires, the rest is superseded
    "B1,B,2026-09-04,2026-10-04,400.00\n" +
    // B: due in 3 days: its courtesy day (−5) passed while not yet due, so it still fires today
    "B2,B,2026-11-06,2026-12-06,50.00\n" +
    "P1,P,2026-11-02,2026-12-02,10.00\n" +
    "N1,N,2026-11-02,2026-12-02,10.00\n",
};

describeEachDatabase("runCollectionsCycle", (database) => {
  async function storeWithLedger(): Promise<RecoupStore> {
    const store = await database.freshStore();
    await importLedger({ store, folder: ledgerFolder(CYCLE_LEDGER), clock, actor: "test" });
    const standardOnly = defaultCollectionPolicy();
    standardOnly.workflows = standardOnly.workflows.filter((w) => w.key === "standard");
    standardOnly.workflows[0]!.minDaysBetweenMessages = 0;
    standardOnly.assignments = [{ default: true, workflow: "standard" }];
    await applyCollectionPolicy({ store, clock, actor: "test", policy: standardOnly });
    await store.handle.pool.query(
      `UPDATE customers SET paused_until = '2026-12-10' WHERE customer_ref = 'P'`,
    );
    await store.handle.pool.query(`UPDATE customers SET do_not_contact = true WHERE customer_ref = 'N'`);
    await updateCollectionSettings({
      store: store,
      clock: clock,
      actor: "test",
      changes: {
        senderName: "Recoup Test Co",
        senderEmail: "ar@recoup.test",
        senderPhone: "+44 20 0000 0000",
      },
    });
    return store;
  }
  const count = async (store: RecoupStore, table: string) =>
    Number((await store.handle.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

  it("consolidates, catches up without spam, skips paused and do-not-contact customers, and sends to the outbox", async () => {
    const store = await storeWithLedger();
    const result = await runCollectionsCycle({ store, clock, actor: "test", asOf: "2026-12-03" });
    const actions = result.actions
      .map(({ id: _id, ...rest }) => rest)
      .sort((a, b) => (a.customerRef + a.channel).localeCompare(b.customerRef + b.channel));
    expect(actions).toEqual([
      {
        customerRef: "A",
        workflow: "standard",
        step: "overdue-2",
        channel: "email",
        invoiceRefs: ["A1", "A2", "A3"],
        status: "sent",
      },
      {
        customerRef: "B",
        workflow: "standard",
        step: "courtesy",
        channel: "email",
        invoiceRefs: ["B2"],
        status: "sent",
      },
      {
        customerRef: "B",
        workflow: "standard",
        step: "final-notice",
        channel: "letter",
        invoiceRefs: ["B1"],
        status: "sent",
      },
    ]);
    const skipped = result.skipped
      .map((s) => `${s.customerRef} ${s.invoiceRefs.join(",")} ${s.step} ${s.reason}`)
      .sort();
    expect(skipped).toEqual(
      [
        "A A3 overdue-1 superseded",
        "B B1 call superseded",
        "B B1 courtesy superseded",
        "B B1 overdue-1 superseded",
        "B B1 overdue-2 superseded",
        "B B1 sms-reminder superseded",
        "N N1 overdue-1 do_not_contact",
        "P P1 overdue-1 paused",
        "A A2,A3 courtesy superseded",
        "N N1 courtesy superseded",
        "P P1 courtesy superseded",
      ].sort(),
    );

    const outbox = await listOutbox(store.handle.pool, store.organisationId, { limit: 10, withBody: true });
    const email = outbox.find((m) => m.customerRef === "A")!;
    expect(email).toMatchObject({
      to: ["ap@alpha.test"],
      channel: "email",
      step: "overdue-2",
      invoiceRefs: ["A1", "A2", "A3"],
    });
    for (const ref of ["A1", "A2", "A3"]) expect(email.body).toContain(ref);
    expect(email.body).toContain("ar@recoup.test");
    expect((await verifyAuditChain(store.handle.pool, store.organisationId)).ok).toBe(true);
  });

  it("plans nothing new when run again for the same day, and a dry run changes nothing", async () => {
    const store = await storeWithLedger();
    const dry = await runCollectionsCycle({ store, clock, actor: "test", asOf: "2026-12-03", dryRun: true });
    expect(dry.actions.map((a) => a.status)).toEqual(["planned", "planned", "planned"]);
    for (const table of [
      "collection_actions",
      "outbox_messages",
      "invoice_step_events",
      "customer_profiles",
    ]) {
      expect(await count(store, table)).toBe(0);
    }
    await runCollectionsCycle({ store, clock, actor: "test", asOf: "2026-12-03" });
    const tables = [
      "collection_actions",
      "outbox_messages",
      "invoice_step_events",
      "collection_skips",
      "audit_events",
    ];
    const before = await Promise.all(tables.map((t) => count(store, t)));
    const again = await runCollectionsCycle({ store, clock, actor: "test", asOf: "2026-12-03" });
    expect(again.actions).toEqual([]);
    // the audit trail gets the second run's summary event, nothing else
    const after = await Promise.all(tables.map((t) => count(store, t)));
    expect(after.slice(0, 4)).toEqual(before.slice(0, 4));
  });

  it("moves each invoice on by its own due date over the following days", async () => {
    const store = await storeWithLedger();
    await runCollectionsCycle({ store, clock, actor: "test", asOf: "2026-12-03" });
    const fired: string[] = [];
    for (let day = 4; day <= 12; day++) {
      const asOf = `2026-12-${String(day).padStart(2, "0")}`;
      const result = await runCollectionsCycle({ store, clock, actor: "test", asOf });
      for (const a of result.actions)
        fired.push(`${asOf} ${a.customerRef} ${a.step} ${a.invoiceRefs.join(",")}`);
    }
    expect(fired).toEqual([
      // B2 due 6 Dec: overdue-1 the day after
      "2026-12-07 B overdue-1 B2",
      // A2 due 2 Dec, A1 due 8 Dec: A1's overdue-1 on 9 Dec; A2's overdue-2 waits for 12 Dec
      "2026-12-09 A overdue-1 A1",
      // P is paused until 10 Dec: on the 11th its latest due step fires
      "2026-12-11 P overdue-1 P1",
      "2026-12-12 A overdue-2 A2",
      "2026-12-12 P overdue-2 P1",
    ]);
  });

  it("sends nothing in test mode and keeps the steps pending", async () => {
    const store = await storeWithLedger();
    await updateCollectionSettings({
      store: store,
      clock: clock,
      actor: "test",
      changes: { testMode: true },
    });
    const result = await runCollectionsCycle({ store, clock, actor: "test", asOf: "2026-12-03" });
    expect(result.actions).toEqual([]);
    expect(
      result.skipped
        .filter((s) => s.reason === "test_mode")
        .map((s) => `${s.customerRef} ${s.step} ${s.invoiceRefs.join(",")}`)
        .sort(),
    ).toEqual(["A courtesy A1", "A overdue-1 A2", "A overdue-2 A3", "B courtesy B2", "B final-notice B1"]);
    expect(await count(store, "outbox_messages")).toBe(0);
    await updateCollectionSettings({
      store: store,
      clock: clock,
      actor: "test",
      changes: { testMode: false },
    });
    expect(
      (await runCollectionsCycle({ store, clock, actor: "test", asOf: "2026-12-03" })).actions,
    ).toHaveLength(3);
  });

  it("records a message without a recipient as failed, visibly", async () => {
    const store = await storeWithLedger();
    await store.handle.pool.query(
      `UPDATE contacts SET email = NULL WHERE customer_id = (SELECT id FROM customers WHERE customer_ref = 'A')`,
    );
    const result = await runCollectionsCycle({ store, clock, actor: "test", asOf: "2026-12-03" });
    expect(result.actions.find((a) => a.customerRef === "A")!.status).toBe("failed");
    const { rows } = await store.handle.pool.query(
      `SELECT status, last_error FROM collection_actions WHERE status = 'failed'`,
    );
    expect(rows).toEqual([{ status: "failed", last_error: "no recipient for a email to A" }]);
  });

  it("dispatches each planned action once when two dispatchers run at the same time", async () => {
    const store = await storeWithLedger();
    const planned = await runCollectionsCycle({
      store,
      clock,
      actor: "test",
      asOf: "2026-12-03",
      planOnly: true,
    });
    expect(planned.actions.map((a) => a.status)).toEqual(["planned", "planned", "planned"]);
    const runs = await Promise.all([
      dispatchCollectionActions({ store, clock, actor: "w1", upTo: "2026-12-03", batchSize: 1 }),
      dispatchCollectionActions({ store, clock, actor: "w2", upTo: "2026-12-03", batchSize: 1 }),
    ]);
    const done = runs.flat().filter((r) => r.status === "sent");
    expect(done).toHaveLength(3);
    expect(new Set(done.map((r) => r.id)).size).toBe(3);
    expect(await count(store, "outbox_messages")).toBe(3);
  });
});
