import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  planCollectionsDay,
  type CandidateInvoice,
  type CustomerState,
  type DueStep,
} from "../../src/domain/plan-collections-day.js";

const courtesy: DueStep = {
  step: "courtesy",
  offsetDays: -5,
  channel: "email",
  template: "courtesy",
  minAmount: null,
};
const overdue1: DueStep = {
  step: "overdue-1",
  offsetDays: 1,
  channel: "email",
  template: "overdue-1",
  minAmount: null,
};
const overdue2: DueStep = {
  step: "overdue-2",
  offsetDays: 10,
  channel: "email",
  template: "overdue-2",
  minAmount: null,
};
const call: DueStep = { step: "call", offsetDays: 25, channel: "call", template: null, minAmount: 25_000 };
const final: DueStep = {
  step: "final-notice",
  offsetDays: 35,
  channel: "letter",
  template: "final-notice",
  minAmount: null,
};

const customer = (customerId: number, extra: Partial<CustomerState> = {}): CustomerState => ({
  customerId,
  workflow: "standard",
  doNotContact: false,
  pausedUntil: null,
  lastMessageOn: null,
  minDaysBetweenMessages: 0,
  ...extra,
});

const invoice = (
  invoiceId: number,
  customerId: number,
  dueDate: string,
  dueSteps: DueStep[],
  extra: Partial<CandidateInvoice> = {},
): CandidateInvoice => ({
  invoiceId,
  customerId,
  dueDate,
  currency: "USD",
  openAmount: 10_000,
  hold: null,
  dueSteps,
  ...extra,
});

const customers = (...states: CustomerState[]) => new Map(states.map((state) => [state.customerId, state]));

describe("planCollectionsDay", () => {
  it("sends a courtesy reminder before the due date", () => {
    const plan = planCollectionsDay({
      asOf: "2026-12-03",
      testMode: false,
      customers: customers(customer(1)),
      invoices: [invoice(10, 1, "2026-12-08", [courtesy])],
    });
    expect(plan.actions).toEqual([
      {
        customerId: 1,
        workflow: "standard",
        step: "courtesy",
        channel: "email",
        template: "courtesy",
        invoiceIds: [10],
      },
    ]);
    expect(plan.stepOutcomes).toEqual([
      { invoiceId: 10, workflow: "standard", step: "courtesy", outcome: "fired", actionIndex: 0 },
    ]);
    expect(plan.skipped).toEqual([]);
  });

  it("consolidates a customer's invoices into one message per channel, worded by the most advanced step", () => {
    const plan = planCollectionsDay({
      asOf: "2026-12-03",
      testMode: false,
      customers: customers(customer(1)),
      invoices: [
        invoice(10, 1, "2026-12-02", [overdue1]),
        invoice(11, 1, "2026-11-23", [overdue2]),
        invoice(12, 1, "2026-12-08", [courtesy]),
      ],
    });
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]).toMatchObject({
      step: "overdue-2",
      template: "overdue-2",
      invoiceIds: [10, 11, 12],
    });
    expect(plan.stepOutcomes.map((o) => [o.invoiceId, o.step, o.outcome])).toEqual([
      [10, "overdue-1", "fired"],
      [11, "overdue-2", "fired"],
      [12, "courtesy", "fired"],
    ]);
  });

  it("fires only the latest of several overdue steps and records the earlier ones as superseded", () => {
    const plan = planCollectionsDay({
      asOf: "2026-12-03",
      testMode: false,
      customers: customers(customer(1)),
      // 60 days past due, nothing done yet (an old invoice just imported)
      invoices: [invoice(10, 1, "2026-10-04", [courtesy, overdue1, overdue2, final], { openAmount: 99 })],
    });
    expect(plan.actions).toEqual([
      expect.objectContaining({ step: "final-notice", channel: "letter", invoiceIds: [10] }),
    ]);
    expect(plan.skipped).toEqual([
      { customerId: 1, workflow: "standard", step: "overdue-2", reason: "superseded", invoiceIds: [10] },
      { customerId: 1, workflow: "standard", step: "overdue-1", reason: "superseded", invoiceIds: [10] },
      { customerId: 1, workflow: "standard", step: "courtesy", reason: "superseded", invoiceIds: [10] },
    ]);
  });

  it("never sends a courtesy reminder for an invoice already past due", () => {
    const plan = planCollectionsDay({
      asOf: "2026-12-03",
      testMode: false,
      customers: customers(customer(1)),
      invoices: [invoice(10, 1, "2026-12-02", [courtesy])],
    });
    expect(plan.actions).toEqual([]);
    expect(plan.skipped).toEqual([expect.objectContaining({ step: "courtesy", reason: "superseded" })]);
  });

  it.each([
    [{ doNotContact: true }, {}, "do_not_contact"],
    [{ pausedUntil: "2026-12-03" }, {}, "paused"],
    [{}, { hold: "disputed" }, "disputed"],
    [{}, { hold: "promise" }, "promise"],
    [{}, { hold: "payment_plan" }, "payment_plan"],
  ] as const)("skips %j %j with reason %s and keeps the step pending", (state, extra, reason) => {
    const plan = planCollectionsDay({
      asOf: "2026-12-03",
      testMode: false,
      customers: customers(customer(1, state)),
      invoices: [invoice(10, 1, "2026-12-02", [overdue1], extra)],
    });
    expect(plan.actions).toEqual([]);
    expect(plan.skipped).toEqual([
      { customerId: 1, workflow: "standard", step: "overdue-1", reason, invoiceIds: [10] },
    ]);
    expect(plan.stepOutcomes).toEqual([]);
  });

  it("resumes the day after a pause ends", () => {
    const plan = planCollectionsDay({
      asOf: "2026-12-04",
      testMode: false,
      customers: customers(customer(1, { pausedUntil: "2026-12-03" })),
      invoices: [invoice(10, 1, "2026-12-02", [overdue1])],
    });
    expect(plan.actions).toHaveLength(1);
  });

  it("holds a message within the contact-frequency cap, but not a call", () => {
    const state = customer(1, { lastMessageOn: "2026-12-01", minDaysBetweenMessages: 3 });
    const invoices = [
      invoice(10, 1, "2026-12-02", [overdue1]),
      invoice(11, 1, "2026-11-08", [call], { openAmount: 30_000 }),
    ];
    const plan = planCollectionsDay({
      asOf: "2026-12-03",
      testMode: false,
      customers: customers(state),
      invoices,
    });
    expect(plan.actions.map((a) => a.channel)).toEqual(["call"]);
    expect(plan.skipped).toEqual([
      { customerId: 1, workflow: "standard", step: "overdue-1", reason: "frequency_cap", invoiceIds: [10] },
    ]);
    const later = planCollectionsDay({
      asOf: "2026-12-04",
      testMode: false,
      customers: customers(state),
      invoices: [invoices[0]!],
    });
    expect(later.actions.map((a) => a.channel)).toEqual(["email"]);
  });

  it("does a step below its minimum amount for good, counting the customer's invoices on it together", () => {
    const small = planCollectionsDay({
      asOf: "2026-12-03",
      testMode: false,
      customers: customers(customer(1)),
      invoices: [invoice(10, 1, "2026-11-08", [call], { openAmount: 20_000 })],
    });
    expect(small.actions).toEqual([]);
    expect(small.stepOutcomes).toEqual([expect.objectContaining({ outcome: "below_minimum" })]);
    const together = planCollectionsDay({
      asOf: "2026-12-03",
      testMode: false,
      customers: customers(customer(1)),
      invoices: [
        invoice(10, 1, "2026-11-08", [call], { openAmount: 20_000 }),
        invoice(11, 1, "2026-11-07", [call], { openAmount: 5_000 }),
      ],
    });
    expect(together.actions).toEqual([expect.objectContaining({ channel: "call", invoiceIds: [10, 11] })]);
  });

  it("sends nothing in test mode but still creates call tasks", () => {
    const plan = planCollectionsDay({
      asOf: "2026-12-03",
      testMode: true,
      customers: customers(customer(1)),
      invoices: [
        invoice(10, 1, "2026-12-02", [overdue1]),
        invoice(11, 1, "2026-11-08", [call], { openAmount: 30_000 }),
      ],
    });
    expect(plan.actions.map((a) => a.channel)).toEqual(["call"]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(["test_mode"]);
  });

  const anyStep = fc.constantFrom(courtesy, overdue1, overdue2, call, final);
  const candidates = fc.array(
    fc.record({
      customerId: fc.integer({ min: 1, max: 4 }),
      dueOffset: fc.integer({ min: -10, max: 60 }),
      steps: fc.uniqueArray(anyStep, { selector: (s) => s.step, maxLength: 5 }),
      openAmount: fc.integer({ min: 1, max: 100_000 }),
      hold: fc.constantFrom(null, null, null, "disputed" as const),
    }),
    { maxLength: 30 },
  );

  it("gives each customer at most one action per channel, and each due step exactly one outcome or a pending skip", () => {
    fc.assert(
      fc.property(candidates, fc.boolean(), (rows, testMode) => {
        const asOf = "2026-12-03";
        const invoices = rows.map((row, index) => {
          const due = new Date(Date.UTC(2026, 11, 3 - row.dueOffset)).toISOString().slice(0, 10);
          return invoice(index + 1, row.customerId, due, row.steps, {
            openAmount: row.openAmount,
            hold: row.hold,
          });
        });
        const plan = planCollectionsDay({
          asOf,
          testMode,
          customers: customers(
            customer(1),
            customer(2, { doNotContact: true }),
            customer(3, { lastMessageOn: "2026-12-02", minDaysBetweenMessages: 2 }),
            customer(4),
          ),
          invoices,
        });
        const pairs = plan.actions.map((a) => `${a.customerId}/${a.channel}`);
        expect(new Set(pairs).size).toBe(pairs.length);
        for (const inv of invoices) {
          const outcomes = plan.stepOutcomes.filter((o) => o.invoiceId === inv.invoiceId);
          const fired = outcomes.filter((o) => o.outcome === "fired");
          expect(fired.length).toBeLessThanOrEqual(1);
          // a step is done at most once
          expect(new Set(outcomes.map((o) => o.step)).size).toBe(outcomes.length);
          const pending = plan.skipped.filter(
            (s) =>
              s.invoiceIds.includes(inv.invoiceId) && !["superseded", "below_minimum"].includes(s.reason),
          );
          // every due step is accounted for: done now, or (only the latest) pending
          expect(outcomes.length + pending.length).toBe(inv.dueSteps.length);
          if (fired.length === 1) {
            const action = plan.actions[fired[0]!.actionIndex!]!;
            expect(action.invoiceIds).toContain(inv.invoiceId);
            expect(action.customerId).toBe(inv.customerId);
          }
        }
        for (const action of plan.actions) {
          expect(action.customerId).not.toBe(2);
          if (testMode) expect(action.channel).toBe("call");
        }
      }),
    );
  });
});
