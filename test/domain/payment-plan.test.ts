import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, parseCalendarDate } from "../../src/domain/calendar-date.js";
import {
  canMovePlan,
  evaluatePlan,
  instalmentDates,
  PLAN_FREQUENCIES,
  PLAN_STATUSES,
  planHoldsDunning,
  planSchedule,
  type InstalmentState,
  type PlanEvaluationInput,
} from "../../src/domain/payment-plan.js";

describe("plan status transitions", () => {
  it("allows proposed → active → completed | defaulted, cancelling an open plan, and nothing out of a closed one", () => {
    const allowed = new Set([
      "proposed→active",
      "proposed→cancelled",
      "active→completed",
      "active→defaulted",
      "active→cancelled",
    ]);
    for (const from of PLAN_STATUSES) {
      for (const to of PLAN_STATUSES) {
        expect(canMovePlan(from, to), `${from} → ${to}`).toBe(allowed.has(`${from}→${to}`));
      }
    }
  });
});

describe("instalmentDates", () => {
  it.each([
    ["2026-01-31", "month", ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]],
    ["2024-01-31", "month", ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"]],
    ["2026-01-30", "month", ["2026-01-30", "2026-02-28", "2026-03-30", "2026-04-30", "2026-05-30"]],
    ["2026-02-28", "month", ["2026-02-28", "2026-03-28", "2026-04-28", "2026-05-28", "2026-06-28"]],
    ["2026-11-30", "month", ["2026-11-30", "2026-12-30", "2027-01-30", "2027-02-28", "2027-03-30"]],
    ["2026-02-26", "week", ["2026-02-26", "2026-03-05", "2026-03-12", "2026-03-19", "2026-03-26"]],
    ["2024-02-22", "2weeks", ["2024-02-22", "2024-03-07", "2024-03-21", "2024-04-04", "2024-04-18"]],
    ["2026-12-24", "2weeks", ["2026-12-24", "2027-01-07", "2027-01-21", "2027-02-04", "2027-02-18"]],
  ] as const)("from %s every %s", (first, every, expected) => {
    expect(instalmentDates(first, 5, every)).toEqual(expected);
  });

  it("keeps a monthly plan on its day through a leap day and back", () => {
    expect(instalmentDates("2023-12-29", 4, "month")).toEqual([
      "2023-12-29",
      "2024-01-29",
      "2024-02-29",
      "2024-03-29",
    ]);
    expect(instalmentDates("2024-02-29", 13, "month").slice(-2)).toEqual(["2025-01-29", "2025-02-28"]);
  });
});

describe("planSchedule", () => {
  it("splits the balance equally, larger instalments first, to the cent", () => {
    const schedule = planSchedule({ total: 100_000, first: "2026-01-31", count: 3, every: "month" });
    expect(schedule).toEqual([
      { number: 1, kind: "instalment", dueOn: "2026-01-31", amount: 33_334 },
      { number: 2, kind: "instalment", dueOn: "2026-02-28", amount: 33_333 },
      { number: 3, kind: "instalment", dueOn: "2026-03-31", amount: 33_333 },
    ]);
  });

  it("puts a down payment first and splits the rest", () => {
    const schedule = planSchedule({
      total: 100_000,
      first: "2026-02-15",
      count: 2,
      every: "week",
      downPayment: { amount: 20_001, dueOn: "2026-02-01" },
    });
    expect(schedule.map((i) => [i.number, i.kind, i.dueOn, i.amount])).toEqual([
      [1, "down_payment", "2026-02-01", 20_001],
      [2, "instalment", "2026-02-15", 40_000],
      [3, "instalment", "2026-02-22", 39_999],
    ]);
  });

  it("takes custom amounts that add up exactly and refuses those that do not", () => {
    expect(
      planSchedule({
        total: 600,
        first: "2026-03-01",
        count: 3,
        every: "month",
        amounts: [100, 200, 300],
      }).map((i) => i.amount),
    ).toEqual([100, 200, 300]);
    expect(() =>
      planSchedule({ total: 600, first: "2026-03-01", count: 3, every: "month", amounts: [100, 200, 299] }),
    ).toThrow("the amounts add up to 599 minor units but 600 are owed (short by 1)");
    expect(() =>
      planSchedule({ total: 600, first: "2026-03-01", count: 3, every: "month", amounts: [100, 500, 0] }),
    ).toThrow("instalment 3: the amount must be more than zero");
    expect(() =>
      planSchedule({ total: 600, first: "2026-03-01", count: 2, every: "month", amounts: [100, 200, 300] }),
    ).toThrow("3 amounts given for 2 instalments");
  });

  it("refuses a schedule that would need an instalment of zero or a bad down payment", () => {
    expect(() => planSchedule({ total: 2, first: "2026-03-01", count: 3, every: "week" })).toThrow(
      "2 minor units cannot be split into 3 instalments",
    );
    const base = { total: 1000, first: "2026-03-01", count: 2, every: "week" as const };
    expect(() => planSchedule({ ...base, downPayment: { amount: 1000, dueOn: "2026-02-01" } })).toThrow(
      "less than the covered balance",
    );
    expect(() => planSchedule({ ...base, downPayment: { amount: 100, dueOn: "2026-03-01" } })).toThrow(
      "must fall before the first instalment",
    );
  });

  it("always sums to the cent, with no instalment ≤ 0 and strictly increasing dates (property)", () => {
    const date = fc
      .date({
        min: new Date("2000-01-01T00:00:00Z"),
        max: new Date("2099-12-31T00:00:00Z"),
        noInvalidDate: true,
      })
      .map((d) => parseCalendarDate(d.toISOString().slice(0, 10)));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 1_000_000_000 }),
        date,
        fc.constantFrom(...PLAN_FREQUENCIES),
        fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
        fc.boolean(),
        (count, extra, first, every, downDaysBefore, custom) => {
          const downAmount = downDaysBefore === undefined ? 0 : 1 + (extra % 997);
          const total = count + extra + downAmount;
          const rest = total - downAmount;
          const amounts = custom
            ? Array.from({ length: count }, (_, k) =>
                k < count - 1 ? Math.max(1, Math.floor(rest / (2 * count))) : 0,
              )
            : undefined;
          if (amounts) amounts[count - 1] = rest - amounts.slice(0, -1).reduce((a, b) => a + b, 0);
          if (amounts && amounts[count - 1]! <= 0) return;
          const schedule = planSchedule({
            total,
            first,
            count,
            every,
            ...(amounts ? { amounts } : {}),
            ...(downDaysBefore === undefined
              ? {}
              : { downPayment: { amount: downAmount, dueOn: addDays(first, -downDaysBefore) } }),
          });
          expect(schedule.reduce((sum, i) => sum + i.amount, 0)).toBe(total);
          for (const instalment of schedule) expect(instalment.amount).toBeGreaterThan(0);
          for (let k = 1; k < schedule.length; k++)
            expect(schedule[k]!.dueOn > schedule[k - 1]!.dueOn).toBe(true);
          expect(schedule.map((i) => i.number)).toEqual(schedule.map((_, index) => index + 1));
        },
      ),
    );
  });
});

describe("planHoldsDunning", () => {
  it("holds while active, and while proposed up to the signature deadline", () => {
    const plan = { startedOn: "2026-03-01", signBy: "2026-03-15" };
    expect(planHoldsDunning({ ...plan, status: "proposed" }, "2026-02-28")).toBe(false);
    expect(planHoldsDunning({ ...plan, status: "proposed" }, "2026-03-01")).toBe(true);
    expect(planHoldsDunning({ ...plan, status: "proposed" }, "2026-03-15")).toBe(true);
    expect(planHoldsDunning({ ...plan, status: "proposed" }, "2026-03-16")).toBe(false);
    expect(planHoldsDunning({ ...plan, status: "active" }, "2027-01-01")).toBe(true);
    for (const status of ["completed", "defaulted", "cancelled"] as const) {
      expect(planHoldsDunning({ ...plan, status }, "2026-03-05")).toBe(false);
    }
  });
});

describe("evaluatePlan", () => {
  /** Three monthly instalments of 200.00 from 31 January 2026, 3 grace days, default at 2 misses. */
  const instalments: InstalmentState[] = [
    { number: 1, dueOn: "2026-01-31", amount: 20_000, status: "pending", missedOn: null, reminded: false },
    { number: 2, dueOn: "2026-02-28", amount: 20_000, status: "pending", missedOn: null, reminded: false },
    { number: 3, dueOn: "2026-03-31", amount: 20_000, status: "pending", missedOn: null, reminded: false },
  ];
  const input = (overrides: Partial<PlanEvaluationInput>): PlanEvaluationInput => ({
    asOf: "2026-01-15",
    total: 60_000,
    graceDays: 3,
    missesToDefault: 2,
    reminderDaysBefore: 3,
    instalments,
    payments: [],
    reductions: 0,
    invoicesSettled: false,
    ...overrides,
  });

  it("counts an instalment paid up to the last grace day, and missed the day after", () => {
    const onLastGraceDay = evaluatePlan(
      input({ asOf: "2026-02-04", payments: [{ date: "2026-02-03", amount: 20_000 }] }),
    );
    expect(onLastGraceDay.instalments[0]).toMatchObject({
      status: "paid",
      paidOn: "2026-02-03",
      paidAmount: 20_000,
    });
    expect(evaluatePlan(input({ asOf: "2026-02-03" })).instalments[0]!.status).toBe("pending");
    const dayAfter = evaluatePlan(input({ asOf: "2026-02-04" }));
    expect(dayAfter.instalments[0]).toMatchObject({ status: "missed", missedOn: "2026-02-04" });
    expect(dayAfter).toMatchObject({ status: "active", missed: 1 });
  });

  it("fills the instalments in order, so paying early or more counts towards the next", () => {
    const result = evaluatePlan(
      input({ asOf: "2026-01-20", payments: [{ date: "2026-01-20", amount: 30_000 }] }),
    );
    expect(result.instalments.map((i) => [i.status, i.paidAmount, i.outstanding])).toEqual([
      ["paid", 20_000, 0],
      ["pending", 10_000, 10_000],
      ["pending", 0, 20_000],
    ]);
    expect(result).toMatchObject({ paid: 30_000, remaining: 30_000 });
  });

  it("keeps a miss on record when it is paid late, and counts the late payment towards later instalments", () => {
    const missed = { ...instalments[0]!, status: "missed" as const, missedOn: "2026-02-04" };
    const result = evaluatePlan(
      input({
        asOf: "2026-03-04",
        instalments: [missed, instalments[1]!, instalments[2]!],
        payments: [
          { date: "2026-02-10", amount: 20_000 },
          { date: "2026-02-27", amount: 20_000 },
        ],
      }),
    );
    expect(result.instalments.map((i) => [i.status, i.paidOn])).toEqual([
      ["missed", "2026-02-10"],
      ["paid", "2026-02-27"],
      ["pending", null],
    ]);
    expect(result).toMatchObject({ status: "active", missed: 1 });
  });

  it("defaults at the configured number of misses, not before", () => {
    expect(evaluatePlan(input({ asOf: "2026-03-03" }))).toMatchObject({ status: "active", missed: 1 });
    const second = evaluatePlan(input({ asOf: "2026-03-04" }));
    expect(second).toMatchObject({ status: "defaulted", missed: 2 });
    expect(second.reason).toBe("2 instalments missed (the policy allows 1)");
    expect(evaluatePlan(input({ asOf: "2026-03-04", missesToDefault: 3 }))).toMatchObject({
      status: "active",
    });
  });

  it("defaults when the last instalment's grace period ends with money owed, whatever the miss count", () => {
    const result = evaluatePlan(
      input({
        asOf: "2026-04-04",
        missesToDefault: 5,
        payments: [
          { date: "2026-01-31", amount: 20_000 },
          { date: "2026-02-28", amount: 20_000 },
        ],
      }),
    );
    expect(result).toMatchObject({ status: "defaulted", missed: 1, remaining: 20_000 });
    expect(result.reason).toBe("the last instalment's grace period passed with money still owed");
  });

  it("completes when the balance is paid, or the covered invoices are settled otherwise", () => {
    const paid = evaluatePlan(
      input({ asOf: "2026-02-10", payments: [{ date: "2026-01-30", amount: 60_000 }] }),
    );
    expect(paid).toMatchObject({ status: "completed", remaining: 0 });
    expect(paid.instalments.every((i) => i.status === "paid")).toBe(true);
    expect(evaluatePlan(input({ asOf: "2026-02-10", invoicesSettled: true }))).toMatchObject({
      status: "completed",
    });
  });

  it("takes credit notes off the end of the schedule, never off an instalment already due", () => {
    const result = evaluatePlan(
      input({ asOf: "2026-03-04", reductions: 30_000, payments: [{ date: "2026-01-30", amount: 20_000 }] }),
    );
    // owed 30,000: instalment 1 (20,000) paid, instalment 2 asks for the remaining 10,000 and was missed
    expect(result.instalments.map((i) => [i.status, i.outstanding])).toEqual([
      ["paid", 0],
      ["missed", 10_000],
      ["pending", 0],
    ]);
    expect(result).toMatchObject({ status: "active", remaining: 10_000, missed: 1 });
  });

  it("reminds once, N days before an instalment, only when something is still owed on it", () => {
    const remind = (asOf: string, payments: PlanEvaluationInput["payments"] = []) =>
      evaluatePlan(input({ asOf, payments })).instalments.map((i) => i.remindToday);
    expect(remind("2026-01-27")).toEqual([false, false, false]);
    expect(remind("2026-01-28")).toEqual([true, false, false]);
    expect(remind("2026-01-31")).toEqual([true, false, false]); // a cycle that missed the 28th catches up
    expect(remind("2026-02-01")).toEqual([false, false, false]);
    expect(remind("2026-01-28", [{ date: "2026-01-20", amount: 20_000 }])).toEqual([false, false, false]);
    const reminded = instalments.map((i, k) => (k === 0 ? { ...i, reminded: true } : i));
    expect(
      evaluatePlan(input({ asOf: "2026-01-29", instalments: reminded })).instalments[0]!.remindToday,
    ).toBe(false);
    expect(
      evaluatePlan(input({ asOf: "2026-01-29", reminderDaysBefore: null })).instalments[0]!.remindToday,
    ).toBe(false);
  });

  it("never pays more to the instalments than was paid, and misses only what is owed (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 12 }),
        fc.array(
          fc.record({ day: fc.integer({ min: 0, max: 400 }), amount: fc.integer({ min: 1, max: 80_000 }) }),
          {
            maxLength: 10,
          },
        ),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 30_000 }),
        (amounts, rawPayments, asOfDay, reductions) => {
          const schedule = planSchedule({
            total: amounts.reduce((a, b) => a + b, 0),
            first: "2026-01-31",
            count: amounts.length,
            every: "month",
            amounts,
          });
          const asOf = addDays("2026-01-01", asOfDay);
          const payments = rawPayments
            .map((p) => ({ date: addDays("2026-01-01", p.day), amount: p.amount }))
            .filter((p) => p.date <= asOf);
          const total = schedule.reduce((a, b) => a + b.amount, 0);
          const result = evaluatePlan({
            asOf,
            total,
            graceDays: 3,
            missesToDefault: 2,
            reminderDaysBefore: 3,
            instalments: schedule.map((i) => ({ ...i, status: "pending", missedOn: null, reminded: false })),
            payments,
            reductions: Math.min(reductions, total),
            invoicesSettled: false,
          });
          const paid = payments.reduce((a, b) => a + b.amount, 0);
          const filled = result.instalments.reduce((a, b) => a + b.paidAmount, 0);
          expect(filled).toBe(Math.min(paid, Math.max(0, total - Math.min(reductions, total))));
          expect(result.remaining).toBe(Math.max(0, total - Math.min(reductions, total) - paid));
          for (const instalment of result.instalments) {
            expect(instalment.outstanding).toBeGreaterThanOrEqual(0);
            if (instalment.status === "missed") expect(instalment.missedOn).toBe(asOf);
          }
          if (result.remaining === 0) expect(result.status).toBe("completed");
        },
      ),
    );
  });
});
