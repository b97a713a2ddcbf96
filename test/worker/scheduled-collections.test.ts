import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { createSmtpTransport } from "../../src/channels/email-transport.js";
import { applyCollectionPolicy } from "../../src/collections/apply-collection-policy.js";
import { updateCollectionSettings } from "../../src/collections/collection-settings.js";
import type { Clock } from "../../src/clock.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { defaultCollectionPolicy } from "../../src/domain/collection-policy.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { addHoliday, updateEntityCalendar } from "../../src/organisation/entity-calendar.js";
import { listScheduledRuns, runScheduledCollections } from "../../src/worker/run-scheduled-collections.js";
import { describeEachDatabase } from "../support/databases.js";
import { ledgerFolder } from "../support/ledger-folder.js";
import { startSmtpPeer, type SmtpPeer } from "../support/smtp-peer.js";

/** Three customers with one invoice each, due on Wednesday 2 December 2026. */
const LEDGER = {
  "customers.csv":
    "customer_ref,name,currency,email,language\n" +
    "A,Alpha GmbH,EUR,ap@alpha.test,de\n" +
    "B,Beta SARL,EUR,ap@beta.test,fr\n" +
    "C,Gamma Ltd,EUR,ap@gamma.test,en\n",
  "invoices.csv":
    "invoice_ref,customer_ref,issue_date,due_date,amount\n" +
    "A1,A,2026-11-02,2026-12-02,100.00\n" +
    "B1,B,2026-11-02,2026-12-02,200.00\n" +
    "C1,C,2026-11-02,2026-12-02,300.00\n",
};

/** A clock the test moves. */
function movableClock(start: string): Clock & { set(instant: string): void } {
  let at = new Date(start);
  return { now: () => new Date(at.getTime()), set: (instant) => void (at = new Date(instant)) };
}

let peer: SmtpPeer;
beforeAll(async () => {
  peer = await startSmtpPeer();
});
afterAll(async () => {
  await peer.close();
});
beforeEach(() => {
  peer.received.length = 0;
});

describeEachDatabase("the scheduled daily cycle", (database) => {
  async function prepared(clock: Clock, timeZone = "Europe/Paris"): Promise<RecoupStore> {
    const store = await database.freshStore();
    await importLedger({ store, folder: ledgerFolder(LEDGER), clock, actor: "test" });
    const policy = defaultCollectionPolicy();
    policy.workflows = policy.workflows.filter((w) => w.key === "standard");
    policy.assignments = [{ default: true, workflow: "standard" }];
    await applyCollectionPolicy({ store, clock, actor: "test", policy });
    await updateCollectionSettings({
      store,
      clock,
      actor: "test",
      changes: { senderEmail: "ar@recoup.test" },
    });
    await updateEntityCalendar({ store, clock, actor: "test", timeZone });
    return store;
  }
  const runs = async (store: RecoupStore) => listScheduledRuns(store.handle.pool, store.organisationId);
  const actionCount = async (store: RecoupStore) =>
    Number((await store.handle.pool.query(`SELECT count(*) AS n FROM collection_actions`)).rows[0].n);

  it("runs each business day's cycle once, from the cycle time in the organisation's time zone", async () => {
    // Thursday 3 December, 05:59 in Paris (04:59Z): before the 06:00 cycle time.
    const clock = movableClock("2026-12-03T04:59:00Z");
    const store = await prepared(clock);
    expect((await runScheduledCollections({ store, clock })).cycle).toEqual({
      ran: false,
      reason: "before_cycle_time",
      businessDate: "2026-12-03",
    });
    expect(await actionCount(store)).toBe(0);

    clock.set("2026-12-03T05:00:00Z");
    const first = await runScheduledCollections({ store, clock });
    expect(first.local).toBe("2026-12-03 06:00 Europe/Paris");
    expect(first.cycle).toMatchObject({ ran: true, businessDate: "2026-12-03", attempt: 1, actions: 3 });
    expect(await actionCount(store)).toBe(3);

    clock.set("2026-12-03T05:01:00Z");
    expect((await runScheduledCollections({ store, clock })).cycle).toEqual({
      ran: false,
      reason: "already_done",
      businessDate: "2026-12-03",
    });
    expect(await runs(store)).toMatchObject([
      { businessDate: "2026-12-03", status: "done", attempts: 1, summary: { actions: 3, skipped: 3 } }, // each courtesy reminder superseded by overdue-1
    ]);
    const audit = await store.handle.pool.query<{ action: string }>(
      `SELECT action FROM audit_events WHERE action LIKE 'collection.scheduled_cycle%' ORDER BY seq`,
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      "collection.scheduled_cycle_started",
      "collection.scheduled_cycle_finished",
    ]);
  });

  it("follows the local date, not UTC's, and skips weekends and declared holidays", async () => {
    // 03:00Z on Friday 4 December is still Thursday 22:00 in New York.
    const clock = movableClock("2026-12-04T03:00:00Z");
    const store = await prepared(clock, "America/New_York");
    expect((await runScheduledCollections({ store, clock })).cycle).toMatchObject({
      ran: true,
      businessDate: "2026-12-03",
    });
    await addHoliday({ store, clock, actor: "test", day: "2026-12-04", name: "Company day" });
    clock.set("2026-12-04T15:00:00Z"); // Friday 10:00 in New York: a holiday
    expect((await runScheduledCollections({ store, clock })).cycle).toMatchObject({
      ran: false,
      reason: "not_business_day",
    });
    clock.set("2026-12-05T15:00:00Z"); // Saturday
    expect((await runScheduledCollections({ store, clock })).cycle).toMatchObject({
      ran: false,
      reason: "not_business_day",
    });
    clock.set("2026-12-07T12:00:00Z"); // Monday 07:00 in New York
    expect((await runScheduledCollections({ store, clock })).cycle).toMatchObject({
      ran: true,
      businessDate: "2026-12-07",
    });
    expect((await runs(store)).map((r) => r.businessDate)).toEqual(["2026-12-07", "2026-12-03"]);
  });

  it("does nothing while the schedule is switched off", async () => {
    const clock = movableClock("2026-12-03T09:00:00Z");
    const store = await prepared(clock);
    await updateCollectionSettings({ store, clock, actor: "test", changes: { scheduleEnabled: false } });
    expect((await runScheduledCollections({ store, clock })).cycle).toEqual({
      ran: false,
      reason: "disabled",
    });
    expect(await runs(store)).toEqual([]);
  });

  it("leaves a day another worker is running alone, and takes over one whose worker died", async () => {
    const clock = movableClock("2026-12-03T09:00:00Z");
    const store = await prepared(clock);
    await store.handle.pool.query(
      `INSERT INTO scheduled_cycle_runs (organisation_id, business_date, status, started_at)
       VALUES ($1, '2026-12-03', 'running', '2026-12-03T08:50:00Z')`,
      [store.organisationId],
    );
    expect((await runScheduledCollections({ store, clock })).cycle).toMatchObject({
      ran: false,
      reason: "running_elsewhere",
    });
    expect(await actionCount(store)).toBe(0);
    clock.set("2026-12-03T10:00:00Z"); // more than an hour after that worker started
    expect((await runScheduledCollections({ store, clock })).cycle).toMatchObject({
      ran: true,
      attempt: 2,
      actions: 3,
    });
  });

  it("retries a failing day with backoff, visibly, then gives up for a person", async () => {
    const clock = movableClock("2026-12-03T09:00:00Z");
    const store = await prepared(clock);
    const db = store.handle.pool;
    // A database-side failure in the middle of recording the plan.
    await db.query(`CREATE FUNCTION refuse_step() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'disk full (simulated)'; END $$`);
    await db.query(
      `CREATE TRIGGER refuse_step BEFORE INSERT ON invoice_step_events FOR EACH ROW EXECUTE FUNCTION refuse_step()`,
    );
    const failed = await runScheduledCollections({ store, clock, maxAttempts: 2 });
    expect(failed.cycle).toMatchObject({
      ran: false,
      reason: "failed",
      error: expect.stringContaining("disk full"),
    });
    expect(await runs(store)).toMatchObject([
      { status: "failed", attempts: 1, retryAfter: "2026-12-03T09:05:00.000Z" },
    ]);
    expect(await actionCount(store)).toBe(0);

    clock.set("2026-12-03T09:02:00Z");
    expect((await runScheduledCollections({ store, clock, maxAttempts: 2 })).cycle).toMatchObject({
      reason: "retry_later",
    });
    clock.set("2026-12-03T09:06:00Z");
    expect((await runScheduledCollections({ store, clock, maxAttempts: 2 })).cycle).toMatchObject({
      reason: "failed",
    });
    clock.set("2026-12-03T12:00:00Z");
    expect((await runScheduledCollections({ store, clock, maxAttempts: 2 })).cycle).toMatchObject({
      reason: "gave_up",
    });
    expect(await runs(store)).toMatchObject([{ status: "failed", attempts: 2, retryAfter: null }]);
    const failures = await db.query(
      `SELECT count(*) AS n FROM audit_events WHERE action = 'collection.scheduled_cycle_failed'`,
    );
    expect(Number(failures.rows[0].n)).toBe(2);
  });

  it("holds email back over quiet hours and the weekend, then delivers it once", async () => {
    // Friday 4 December, 06:00 in Paris: the cycle runs, but quiet hours last until 08:00.
    const clock = movableClock("2026-12-04T05:00:00Z");
    const store = await prepared(clock);
    const transport = createSmtpTransport({ url: peer.url });
    try {
      const dispatch = { transport };
      const morning = await runScheduledCollections({ store, clock, dispatch });
      expect(morning.cycle).toMatchObject({ ran: true, actions: 3 });
      const queued = await store.handle.pool.query(
        `SELECT count(*) AS n FROM outbox_messages WHERE delivery_status = 'queued'`,
      );
      expect(Number(queued.rows[0].n)).toBe(3);
      expect(peer.received).toHaveLength(0);

      clock.set("2026-12-04T06:59:00Z"); // 07:59: still quiet
      const early = await runScheduledCollections({ store, clock, dispatch });
      expect(early.delivery).toEqual({
        delivered: 0,
        retrying: 0,
        failed: 0,
        heldUntil: "2026-12-04T07:00:00.000Z",
      });
      expect(peer.received).toHaveLength(0);

      clock.set("2026-12-04T07:00:00Z"); // 08:00
      const open = await runScheduledCollections({ store, clock, dispatch });
      expect(open.delivery).toMatchObject({ delivered: 3, retrying: 0, failed: 0 });
      expect(peer.received.map((m) => m.to[0]).sort()).toEqual([
        "ap@alpha.test",
        "ap@beta.test",
        "ap@gamma.test",
      ]);

      clock.set("2026-12-04T07:01:00Z");
      await runScheduledCollections({ store, clock, dispatch });
      expect(peer.received).toHaveLength(3);

      // A message produced on Friday evening waits for Monday morning.
      await store.handle.pool.query(
        `UPDATE outbox_messages SET delivery_status = 'queued' WHERE id = (SELECT min(id) FROM outbox_messages)`,
      );
      clock.set("2026-12-05T10:00:00Z");
      expect((await runScheduledCollections({ store, clock, dispatch })).delivery).toMatchObject({
        delivered: 0,
        heldUntil: "2026-12-07T07:00:00.000Z",
      });
    } finally {
      await transport.close();
    }
  });
});
