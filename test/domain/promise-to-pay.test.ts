import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/calendar-date.js";
import {
  canMovePromise,
  coverOldestFirst,
  evaluatePromise,
  PROMISE_STATUSES,
  promiseDeadline,
  promiseHoldsDunning,
  promiseKeptRate,
  type InvoiceForPromise,
} from "../../src/domain/promise-to-pay.js";

describe("promise status transitions", () => {
  it("lets only an open promise change, and never back to open", () => {
    for (const from of PROMISE_STATUSES) {
      for (const to of PROMISE_STATUSES) {
        const expected = from === "open" && to !== "open";
        expect(canMovePromise(from, to), `${from} → ${to}`).toBe(expected);
      }
    }
  });
});

describe("promiseDeadline and the dunning pause", () => {
  it.each([
    ["2026-02-27", 3, "2026-03-02"], // across a short month end
    ["2024-02-27", 3, "2024-03-01"], // leap year: 28, 29, 1 March
    ["2026-12-30", 3, "2027-01-02"], // across the year end
    ["2026-04-15", 0, "2026-04-15"], // no grace: the promised day itself
  ])("a promise for %s with %i grace days runs until %s", (promisedOn, grace, deadline) => {
    expect(promiseDeadline(promisedOn, grace)).toBe(deadline);
  });

  const promise = {
    status: "open" as const,
    recordedOn: "2026-02-20",
    promisedOn: "2026-02-27",
    graceDays: 3,
  };
  it.each([
    ["2026-02-19", false], // before it was recorded
    ["2026-02-20", true], // the day it was recorded
    ["2026-03-02", true], // the last grace day
    ["2026-03-03", false], // the day after the grace period: dunning resumes
  ])("holds dunning on %s: %s", (asOf, held) => {
    expect(promiseHoldsDunning(promise, asOf)).toBe(held);
  });

  it("holds nothing once the promise is closed", () => {
    for (const status of ["kept", "partially_kept", "broken", "cancelled"] as const) {
      expect(promiseHoldsDunning({ ...promise, status }, "2026-02-25")).toBe(false);
    }
  });
});

describe("evaluatePromise", () => {
  const base = { amount: 10_000, paid: 0, invoicesSettled: false, deadline: "2026-03-02" };

  it("keeps a promise as soon as the amount is paid, even before the deadline", () => {
    expect(evaluatePromise({ ...base, paid: 10_000, asOf: "2026-02-21" })?.status).toBe("kept");
    expect(evaluatePromise({ ...base, paid: 12_000, asOf: "2026-03-03" })?.status).toBe("kept");
  });

  it("waits until the deadline has passed before calling a promise partly kept or broken", () => {
    expect(evaluatePromise({ ...base, paid: 9_999, asOf: "2026-03-02" })).toBeNull();
    expect(evaluatePromise({ ...base, paid: 0, asOf: "2026-03-02" })).toBeNull();
    expect(evaluatePromise({ ...base, paid: 9_999, asOf: "2026-03-03" })?.status).toBe("partially_kept");
    expect(evaluatePromise({ ...base, paid: 1, asOf: "2026-03-03" })?.status).toBe("partially_kept");
    expect(evaluatePromise({ ...base, paid: 0, asOf: "2026-03-03" })?.status).toBe("broken");
  });

  it("keeps a promise whose invoices are settled with some of its payments, and drops one settled otherwise", () => {
    expect(evaluatePromise({ ...base, paid: 6_000, invoicesSettled: true, asOf: "2026-02-25" })?.status).toBe(
      "kept",
    );
    expect(evaluatePromise({ ...base, paid: 0, invoicesSettled: true, asOf: "2026-02-25" })).toEqual({
      status: "cancelled",
      reason: "settled_otherwise",
    });
  });

  it("judges every promise exactly one way once the deadline has passed (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.boolean(),
        fc.integer({ min: -5, max: 5 }),
        (amount, paid, invoicesSettled, offset) => {
          const asOf = addDays(base.deadline, offset);
          const verdict = evaluatePromise({ amount, paid, invoicesSettled, deadline: base.deadline, asOf });
          if (paid >= amount) expect(verdict?.status).toBe("kept");
          else if (invoicesSettled) expect(verdict?.status).toBe(paid > 0 ? "kept" : "cancelled");
          else if (offset <= 0) expect(verdict).toBeNull();
          else expect(verdict?.status).toBe(paid > 0 ? "partially_kept" : "broken");
        },
      ),
    );
  });
});

describe("coverOldestFirst", () => {
  const invoice = (
    ref: string,
    dueDate: string,
    open: number,
    issueDate = "2026-01-01",
  ): InvoiceForPromise => ({
    invoiceId: ref.charCodeAt(0),
    invoiceRef: ref,
    issueDate,
    dueDate,
    open,
  });
  const invoices = [
    invoice("C", "2026-03-31", 5_000),
    invoice("A", "2026-01-31", 6_000),
    invoice("B", "2026-02-28", 4_000),
  ];

  it("takes the oldest invoices until their open amounts reach the promise, the crossing one included", () => {
    expect(coverOldestFirst(invoices, 6_000)?.map((i) => i.invoiceRef)).toEqual(["A"]);
    expect(coverOldestFirst(invoices, 6_001)?.map((i) => i.invoiceRef)).toEqual(["A", "B"]);
    expect(coverOldestFirst(invoices, 10_000)?.map((i) => i.invoiceRef)).toEqual(["A", "B"]);
    expect(coverOldestFirst(invoices, 15_000)?.map((i) => i.invoiceRef)).toEqual(["A", "B", "C"]);
    expect(coverOldestFirst(invoices, 15_001)).toBeNull();
  });

  it("orders equal due dates by issue date, then by ref", () => {
    const tied = [
      invoice("Z", "2026-01-31", 100, "2026-01-02"),
      invoice("Y", "2026-01-31", 100, "2026-01-01"),
      invoice("X", "2026-01-31", 100, "2026-01-02"),
    ];
    expect(coverOldestFirst(tied, 300)?.map((i) => i.invoiceRef)).toEqual(["Y", "X", "Z"]);
  });

  it("covers at least the amount with no invoice to spare (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 2_000_000 }),
        (opens, amount) => {
          const list = opens.map((open, index) =>
            invoice(`R${String(index).padStart(2, "0")}`, addDays("2026-01-01", index), open),
          );
          const covered = coverOldestFirst(list, amount);
          const sum = opens.reduce((a, b) => a + b, 0);
          if (sum < amount) {
            expect(covered).toBeNull();
            return;
          }
          const total = covered!.reduce((a, i) => a + i.open, 0);
          expect(total).toBeGreaterThanOrEqual(amount);
          expect(total - covered!.at(-1)!.open).toBeLessThan(amount);
        },
      ),
    );
  });
});

describe("promiseKeptRate", () => {
  it("is kept ÷ judged in per cent, with 2 decimals, and null when nothing was judged", () => {
    expect(promiseKeptRate({ kept: 2, partiallyKept: 0, broken: 1 })).toBe(66.67);
    expect(promiseKeptRate({ kept: 1, partiallyKept: 1, broken: 0 })).toBe(50);
    expect(promiseKeptRate({ kept: 0, partiallyKept: 0, broken: 3 })).toBe(0);
    expect(promiseKeptRate({ kept: 0, partiallyKept: 0, broken: 0 })).toBeNull();
  });
});
