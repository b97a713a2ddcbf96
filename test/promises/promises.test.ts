import { expect, it } from "vitest";
import { verifyAuditChain } from "../../src/audit/verify-audit-chain.js";
import { fixedClock } from "../../src/clock.js";
import { updateCollectionSettings } from "../../src/collections/collection-settings.js";
import { listOutbox } from "../../src/collections/list-outbox.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import type { ErrorCode } from "../../src/errors.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { cancelPromise } from "../../src/promises/cancel-promise.js";
import { listPromises } from "../../src/promises/list-promises.js";
import { recordPromise, type RecordPromiseOptions } from "../../src/promises/record-promise.js";
import { describeEachDatabase } from "../support/databases.js";
import { ledgerFolder } from "../support/ledger-folder.js";

const clock = fixedClock("2026-04-15T09:00:00Z");

/**
 * As of 2026-04-15. C1 (USD) owes A1 80.00 of 100.00 (20.00 paid), A2 200.00, A3 300.00 (not yet
 * due), and F1 is issued later; C2 has no email address; C3 is another customer.
 */
const LEDGER = {
  "customers.csv":
    "customer_ref,name,currency,email,contact_name,collector_email\n" +
    "C1,Acme Ltd,USD,ap@acme.test,Jane Roe,col@recoup.test\n" +
    "C2,Nomail Ltd,USD,,,\n" +
    "C3,Other Ltd,USD,ap@other.test,,\n",
  "invoices.csv":
    "invoice_ref,customer_ref,issue_date,due_date,amount,currency\n" +
    "A1,C1,2026-01-29,2026-02-28,100.00,USD\n" +
    "A2,C1,2026-03-01,2026-03-31,200.00,USD\n" +
    "A3,C1,2026-03-31,2026-04-30,300.00,USD\n" +
    "B1,C2,2026-02-13,2026-03-15,500.00,USD\n" +
    "O1,C3,2026-02-13,2026-03-15,70.00,USD\n" +
    "F1,C1,2026-05-01,2026-05-31,10.00,USD\n",
  "payments.csv": "payment_ref,customer_ref,date,amount,invoice_ref\nPA1,C1,2026-03-10,20.00,A1\n",
};

describeEachDatabase("promises to pay", (database) => {
  async function storeWithLedger(): Promise<RecoupStore> {
    const store = await database.freshStore();
    expect(
      (await importLedger({ store, folder: ledgerFolder(LEDGER), clock, actor: "test" })).errors,
    ).toEqual([]);
    await updateCollectionSettings({
      store,
      clock,
      actor: "test",
      changes: { senderName: "Recoup Test Co", senderEmail: "ar@recoup.test" },
    });
    return store;
  }
  const record = (store: RecoupStore, overrides: Partial<RecordPromiseOptions> = {}) =>
    recordPromise({
      store,
      clock,
      actor: "test",
      customerRef: "C1",
      amount: "150.00",
      promisedOn: "2026-04-20",
      ...overrides,
    });
  const TABLES = [
    "promises_to_pay",
    "promise_invoices",
    "collection_actions",
    "outbox_messages",
    "audit_events",
  ];
  const counts = async (store: RecoupStore) =>
    Promise.all(
      TABLES.map(async (table) =>
        Number((await store.handle.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n),
      ),
    );

  it("records a promise over the oldest open invoices up to the amount and sends its written confirmation", async () => {
    const store = await storeWithLedger();
    const promise = await record(store);
    expect(promise).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      customerRef: "C1",
      status: "open",
      amount: { amount: 15_000, currency: "USD" },
      promisedOn: "2026-04-20",
      graceDays: 3,
      deadline: "2026-04-23",
      recordedOn: "2026-04-15",
      source: "call",
      contact: "Jane Roe",
      collectorEmail: "col@recoup.test",
      // A1 has 80.00 open: not enough, so A2 is added; A3 is not needed
      invoices: [
        { invoiceRef: "A1", openAtRecord: { amount: 8_000, currency: "USD" } },
        { invoiceRef: "A2", openAtRecord: { amount: 20_000, currency: "USD" } },
      ],
      paid: null,
      evaluatedOn: null,
      confirmation: { status: "sent", channel: "email", messageId: expect.any(String) },
      taskId: null,
    });
    const [message] = await listOutbox(store.handle.pool, store.organisationId, { limit: 5, withBody: true });
    expect(message).toMatchObject({
      to: ["ap@acme.test"],
      channel: "email",
      step: "promise-confirmation",
      customerRef: "C1",
      invoiceRefs: ["A1", "A2"],
      subject: "Thank you: confirming your payment of US$150.00 by 20 April 2026 — Acme Ltd",
    });
    expect(message!.body).toContain("Dear Jane Roe");
    expect(message!.body).toContain("Invoice A1");
    expect(message!.body).toContain("ar@recoup.test");
    const events = (
      await store.handle.pool.query<{ action: string; subject_type: string; data: Record<string, unknown> }>(
        `SELECT action, subject_type, data FROM audit_events WHERE action LIKE 'promise.%' OR action IN ('collection.action_planned', 'collection.message_sent') ORDER BY seq`,
      )
    ).rows;
    expect(events.map((e) => e.action)).toEqual([
      "collection.action_planned",
      "promise.recorded",
      "collection.message_sent",
    ]);
    expect(events[1]!.data).toMatchObject({ customerRef: "C1", amount: 15_000, invoiceRefs: ["A1", "A2"] });
    expect((await verifyAuditChain(store.handle.pool, store.organisationId)).ok).toBe(true);
  });

  it("covers the invoices the collector names, and confirms by letter when the customer has no email", async () => {
    const store = await storeWithLedger();
    const named = await record(store, {
      invoiceRefs: ["A3", "A2"],
      amount: "500",
      graceDays: 0,
      source: "email",
    });
    expect(named.invoices.map((i) => i.invoiceRef)).toEqual(["A2", "A3"]);
    expect(named).toMatchObject({ graceDays: 0, deadline: "2026-04-20", source: "email" });
    const letter = await record(store, { customerRef: "C2", amount: "500.00", contact: "Ap Clerk" });
    expect(letter.confirmation).toMatchObject({ status: "sent", channel: "letter" });
    const outbox = await listOutbox(store.handle.pool, store.organisationId, { limit: 5 });
    expect(outbox.find((m) => m.customerRef === "C2")).toMatchObject({
      channel: "letter",
      deliveredBy: "print",
    });
  });

  it("refuses bad promises precisely and writes nothing", async () => {
    const store = await storeWithLedger();
    await record(store, { invoiceRefs: ["A1"], amount: "80.00" });
    const before = await counts(store);
    const cases: [Partial<RecordPromiseOptions>, ErrorCode, string][] = [
      [{ customerRef: "NOPE" }, "CUSTOMER_NOT_FOUND", 'no customer with ref "NOPE"'],
      [{ invoiceRefs: ["ZZ"] }, "INVOICE_NOT_FOUND", 'no invoice with ref "ZZ"'],
      [{ invoiceRefs: ["O1"] }, "VALIDATION_FAILED", 'invoice "O1" does not belong to customer "C1"'],
      [
        { invoiceRefs: ["F1"] },
        "VALIDATION_FAILED",
        'invoice "F1" is issued on 2026-05-01, after 2026-04-15',
      ],
      [
        { invoiceRefs: ["A1"], amount: "10.00" },
        "INVOICE_ALREADY_COVERED",
        "already covered by open promise",
      ],
      [{ invoiceRefs: ["A2"], amount: "200.01" }, "VALIDATION_FAILED", "exceeds the 200.00 USD open on A2"],
      [{ amount: "500.01" }, "VALIDATION_FAILED", "exceeds the 500.00 USD open as of 2026-04-15"],
      [{ amount: "1.001" }, "INVALID_MONEY", "USD has at most 2"],
      [{ amount: "0" }, "INVALID_MONEY", "more than zero"],
      [{ promisedOn: "2026-04-14" }, "VALIDATION_FAILED", "before the day the promise is recorded"],
      [{ promisedOn: "2026-07-15" }, "VALIDATION_FAILED", "more than 90 days after 2026-04-15"],
      [{ promisedOn: "2026-02-30" }, "INVALID_DATE", "the promised date"],
      [{ asOf: "15/04/2026" }, "INVALID_DATE", "--as-of"],
      [{ source: "fax" as never }, "VALIDATION_FAILED", "call, email, letter, portal"],
      [{ graceDays: 61 }, "VALIDATION_FAILED", "from 0 to 60"],
      [{ collectorEmail: "tom" }, "VALIDATION_FAILED", "not an email address"],
    ];
    for (const [overrides, code, message] of cases) {
      const failure = await record(store, overrides).catch((error: unknown) => error);
      expect(failure, JSON.stringify(overrides)).toMatchObject({
        code,
        message: expect.stringContaining(message),
      });
    }
    expect(await counts(store)).toEqual(before);
  });

  it("records without a confirmation in test mode or for a do-not-contact customer, and says why", async () => {
    const store = await storeWithLedger();
    await store.handle.pool.query(`UPDATE customers SET do_not_contact = true WHERE customer_ref = 'C2'`);
    expect((await record(store, { customerRef: "C2", amount: "10.00" })).confirmation).toEqual({
      status: "skipped",
      reason: "do_not_contact",
    });
    await updateCollectionSettings({ store, clock, actor: "test", changes: { testMode: true } });
    expect((await record(store)).confirmation).toEqual({ status: "skipped", reason: "test_mode" });
    expect(await listOutbox(store.handle.pool, store.organisationId, { limit: 5 })).toEqual([]);
  });

  it("cancels an open promise once, and refuses a closed one or one past its deadline, changing nothing", async () => {
    const store = await storeWithLedger();
    const promise = await record(store);
    const cancelled = await cancelPromise({
      store,
      clock,
      actor: "test",
      promiseId: promise.id,
      reason: "recorded twice",
      asOf: "2026-04-16",
    });
    expect(cancelled).toMatchObject({
      status: "cancelled",
      cancelledOn: "2026-04-16",
      cancelReason: "recorded twice",
    });
    const late = await record(store, { promisedOn: "2026-04-16", graceDays: 1 });
    const before = await counts(store);
    await expect(cancelPromise({ store, clock, actor: "test", promiseId: promise.id })).rejects.toMatchObject(
      {
        code: "PROMISE_CLOSED",
        message: expect.stringContaining(
          "is cancelled (since 2026-04-16); a closed promise cannot be cancelled",
        ),
      },
    );
    await expect(
      cancelPromise({ store, clock, actor: "test", promiseId: late.id, asOf: "2026-04-18" }),
    ).rejects.toMatchObject({
      code: "PROMISE_CLOSED",
      message: expect.stringContaining("deadline (2026-04-17) has passed"),
    });
    await expect(cancelPromise({ store, clock, actor: "test", promiseId: "999" })).rejects.toMatchObject({
      code: "PROMISE_NOT_FOUND",
    });
    await expect(cancelPromise({ store, clock, actor: "test", promiseId: "x1" })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    expect(await counts(store)).toEqual(before);
    const listed = await listPromises(store.handle.pool, store.organisationId, {
      statuses: ["open"],
      limit: 10,
    });
    expect(listed.map((p) => p.id)).toEqual([late.id]);
  });
});
