import { expect, it } from "vitest";
import { verifyAuditChain } from "../../src/audit/verify-audit-chain.js";
import { fixedClock } from "../../src/clock.js";
import { applyCollectionPolicy } from "../../src/collections/apply-collection-policy.js";
import { updateCollectionSettings } from "../../src/collections/collection-settings.js";
import { listOutbox } from "../../src/collections/list-outbox.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { defaultCollectionPolicy } from "../../src/domain/collection-policy.js";
import type { ErrorCode } from "../../src/errors.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { cancelPaymentPlan } from "../../src/plans/cancel-payment-plan.js";
import { createPaymentPlan, type CreatePaymentPlanOptions } from "../../src/plans/create-payment-plan.js";
import { listPaymentPlans } from "../../src/plans/list-payment-plans.js";
import { readPlanAgreement } from "../../src/plans/read-plan-agreement.js";
import { signPaymentPlan } from "../../src/plans/sign-payment-plan.js";
import { recordPromise } from "../../src/promises/record-promise.js";
import { describeEachDatabase } from "../support/databases.js";
import { ledgerFolder } from "../support/ledger-folder.js";

const clock = fixedClock("2026-01-15T09:00:00Z");

/** As of 2026-01-15: C1 owes A1 400.00 and A2 600.01 (1,000.01 in all), and A3 50.00. */
const LEDGER = {
  "customers.csv":
    "customer_ref,name,currency,email,contact_name,collector_email\n" +
    "C1,Acme Ltd,EUR,ap@acme.test,Jane Roe,col@recoup.test\n" +
    "C2,Other Ltd,EUR,ap@other.test,,\n",
  "invoices.csv":
    "invoice_ref,customer_ref,issue_date,due_date,amount\n" +
    "A1,C1,2025-10-01,2025-10-31,400.00\n" +
    "A2,C1,2025-11-01,2025-11-30,600.01\n" +
    "A3,C1,2025-12-01,2025-12-31,50.00\n" +
    "O1,C2,2025-12-01,2025-12-31,70.00\n",
};

describeEachDatabase("payment plans", (database) => {
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
  const create = (store: RecoupStore, overrides: Partial<CreatePaymentPlanOptions> = {}) =>
    createPaymentPlan({
      store,
      clock,
      actor: "test",
      customerRef: "C1",
      invoiceRefs: ["A1", "A2"],
      instalments: 3,
      first: "2026-01-31",
      ...overrides,
    });
  const TABLES = [
    "payment_plans",
    "payment_plan_invoices",
    "payment_plan_instalments",
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

  it("proposes a plan whose instalments add up to the cent and sends the agreement to sign", async () => {
    const store = await storeWithLedger();
    const plan = await create(store);
    expect(plan).toMatchObject({
      customerRef: "C1",
      status: "proposed",
      total: { amount: 100_001, currency: "EUR" },
      frequency: "month",
      graceDays: 3,
      missesToDefault: 2,
      reminderDaysBefore: 3,
      createdOn: "2026-01-15",
      // 14 days, but no later than the first instalment
      signBy: "2026-01-29",
      signedOn: null,
      invoices: [
        { invoiceRef: "A1", openAtStart: { amount: 40_000, currency: "EUR" } },
        { invoiceRef: "A2", openAtStart: { amount: 60_001, currency: "EUR" } },
      ],
      agreement: { status: "sent", channel: "email" },
      taskIds: [],
    });
    // 31 January, then the last day of February, then back to the 31st
    expect(plan.instalments.map((i) => [i.number, i.dueOn, i.amount.amount, i.status])).toEqual([
      [1, "2026-01-31", 33_334, "pending"],
      [2, "2026-02-28", 33_334, "pending"],
      [3, "2026-03-31", 33_333, "pending"],
    ]);
    const [message] = await listOutbox(store.handle.pool, store.organisationId, { limit: 5, withBody: true });
    expect(message).toMatchObject({ step: "plan-agreement", channel: "email", invoiceRefs: ["A1", "A2"] });
    expect(message!.subject).toBe("Your payment plan: 3 instalments — Acme Ltd (C1)");
    expect(message!.body).toContain("Instalment 2: due 28 February 2026, €333.34");
    expect(message!.body).toContain("return it to us by 29 January 2026");
    const pdf = await readPlanAgreement({ store, clock, actor: "test", planId: plan.id });
    expect(pdf.filename).toBe(`plan-agreement-C1-${plan.id}.pdf`);
    expect(pdf.content.subarray(0, 5).toString()).toBe("%PDF-");
    expect((await verifyAuditChain(store.handle.pool, store.organisationId)).ok).toBe(true);
  });

  it("takes custom amounts and a down payment, and refuses schedules that do not add up, writing nothing", async () => {
    const store = await storeWithLedger();
    const custom = await create(store, {
      invoiceRefs: ["A1"],
      amounts: ["100.00", "300.00"],
      instalments: undefined,
      every: "2weeks",
      first: "2026-01-20",
    });
    expect(custom.instalments.map((i) => [i.dueOn, i.amount.amount])).toEqual([
      ["2026-01-20", 10_000],
      ["2026-02-03", 30_000],
    ]);
    const down = await create(store, {
      invoiceRefs: ["A2"],
      downPayment: "100.01",
      instalments: 2,
      every: "week",
      first: "2026-01-22",
    });
    expect(down.instalments.map((i) => [i.kind, i.dueOn, i.amount.amount])).toEqual([
      ["down_payment", "2026-01-15", 10_001],
      ["instalment", "2026-01-22", 25_000],
      ["instalment", "2026-01-29", 25_000],
    ]);
    const before = await counts(store);
    const cases: [Partial<CreatePaymentPlanOptions>, ErrorCode, string][] = [
      [
        { invoiceRefs: ["A3"], amounts: ["10.00", "40.01"] },
        "VALIDATION_FAILED",
        "2 amounts given for 3 instalments",
      ],
      [
        { invoiceRefs: ["A3"], amounts: ["10.00", "39.99"], instalments: undefined },
        "VALIDATION_FAILED",
        "the amounts add up to 4999 minor units but 5000 are owed (short by 1)",
      ],
      [
        { invoiceRefs: ["A3"], instalments: 1 },
        "VALIDATION_FAILED",
        "a plan of one payment is a promise to pay",
      ],
      [{ invoiceRefs: ["A1"] }, "INVOICE_ALREADY_COVERED", "already covered by payment plan"],
      [{ invoiceRefs: ["O1"] }, "VALIDATION_FAILED", 'does not belong to customer "C1"'],
      [{ invoiceRefs: ["A3"], first: "2026-01-14" }, "VALIDATION_FAILED", "is before the plan is agreed"],
      [
        { invoiceRefs: ["A3"], every: "day" as never },
        "VALIDATION_FAILED",
        "every week, every 2weeks, every month",
      ],
      [{ invoiceRefs: ["A3"], instalments: 61 }, "VALIDATION_FAILED", "more than the policy allows (60)"],
      [
        { invoiceRefs: ["A3"], instalments: 5001 },
        "VALIDATION_FAILED",
        "cannot be split into 5001 instalments",
      ],
      [{ invoiceRefs: ["A3"], downPayment: "50.00" }, "VALIDATION_FAILED", "less than the covered balance"],
      [
        { invoiceRefs: ["A3"], downPaymentOn: "2026-01-16" },
        "VALIDATION_FAILED",
        "needs a down payment amount",
      ],
      [
        { invoiceRefs: ["A3"], amounts: ["1.001", "49"], instalments: undefined },
        "INVALID_MONEY",
        "at most 2",
      ],
      [{ customerRef: "ZZ", invoiceRefs: ["A3"] }, "CUSTOMER_NOT_FOUND", 'no customer with ref "ZZ"'],
      [{ invoiceRefs: [] }, "VALIDATION_FAILED", "name at least one invoice"],
    ];
    for (const [overrides, code, message] of cases) {
      const failure = await create(store, overrides).catch((error: unknown) => error);
      expect(failure, JSON.stringify(overrides)).toMatchObject({
        code,
        message: expect.stringContaining(message),
      });
    }
    await expect(
      recordPromise({
        store,
        clock,
        actor: "test",
        customerRef: "C1",
        amount: "1.00",
        promisedOn: "2026-01-20",
        invoiceRefs: ["A2"],
      }),
    ).rejects.toMatchObject({ code: "INVOICE_ALREADY_COVERED" });
    expect(await counts(store)).toEqual(before);
  });

  it("activates a plan on signature once, and refuses anything against a closed plan, changing nothing", async () => {
    const store = await storeWithLedger();
    const plan = await create(store);
    const signed = await signPaymentPlan({
      store,
      clock,
      actor: "test",
      planId: plan.id,
      signedBy: "J. Roe",
      asOf: "2026-01-20",
    });
    expect(signed).toMatchObject({
      status: "active",
      signedOn: "2026-01-20",
      signedBy: "J. Roe",
      activatedOn: "2026-01-20",
    });
    const beforeSecondSignature = await counts(store);
    await expect(signPaymentPlan({ store, clock, actor: "test", planId: plan.id })).rejects.toMatchObject({
      code: "PLAN_ALREADY_SIGNED",
      message: `payment plan ${plan.id} was signed on 2026-01-20`,
    });
    expect(await counts(store)).toEqual(beforeSecondSignature);
    const cancelled = await cancelPaymentPlan({
      store,
      clock,
      actor: "test",
      planId: plan.id,
      reason: "renegotiated",
    });
    expect(cancelled).toMatchObject({
      status: "cancelled",
      cancelledOn: "2026-01-15",
      cancelReason: "renegotiated",
    });
    const before = await counts(store);
    for (const attempt of [
      () => signPaymentPlan({ store, clock, actor: "test", planId: plan.id }),
      () => cancelPaymentPlan({ store, clock, actor: "test", planId: plan.id }),
    ]) {
      await expect(attempt()).rejects.toMatchObject({
        code: "PLAN_CLOSED",
        message: expect.stringContaining(
          "is cancelled (since 2026-01-15); nothing can be recorded against a closed plan",
        ),
      });
    }
    await expect(signPaymentPlan({ store, clock, actor: "test", planId: "4040" })).rejects.toMatchObject({
      code: "PLAN_NOT_FOUND",
    });
    expect(await counts(store)).toEqual(before);
    // the invoices are free again
    const again = await create(store, { asOf: "2026-01-16" });
    await expect(
      signPaymentPlan({ store, clock, actor: "test", planId: again.id, asOf: "2026-01-31" }),
    ).rejects.toMatchObject({
      code: "PLAN_SIGNATURE_EXPIRED",
      message: expect.stringContaining("had to be signed by 2026-01-30"),
    });
  });

  it("starts a plan at once when the policy activates on creation, and records the signature later", async () => {
    const store = await storeWithLedger();
    const policy = defaultCollectionPolicy();
    policy.plans.activation = "on_creation";
    policy.plans.reminderDaysBefore = null;
    await applyCollectionPolicy({ store, clock, actor: "test", policy });
    const plan = await create(store);
    expect(plan).toMatchObject({
      status: "active",
      activatedOn: "2026-01-15",
      signBy: null,
      reminderDaysBefore: null,
    });
    expect(
      (await listOutbox(store.handle.pool, store.organisationId, { limit: 5, withBody: true }))[0]!.body,
    ).not.toContain("return it to us by");
    const signed = await signPaymentPlan({ store, clock, actor: "test", planId: plan.id });
    expect(signed).toMatchObject({ status: "active", signedOn: "2026-01-15", activatedOn: "2026-01-15" });
    expect(
      (await listPaymentPlans(store.handle.pool, store.organisationId, { statuses: ["active"], limit: 5 }))
        .length,
    ).toBe(1);
  });
});
