import { expect, it } from "vitest";
import { applyCollectionPolicy } from "../../src/collections/apply-collection-policy.js";
import { fixedClock } from "../../src/clock.js";
import { defaultCollectionPolicy } from "../../src/domain/collection-policy.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { listScheduledRuns, type ScheduledTickReport } from "../../src/worker/run-scheduled-collections.js";
import { COLLECTIONS_TICK_QUEUE, startWorker } from "../../src/worker/start-worker.js";
import { describeEachDatabase } from "../support/databases.js";
import { ledgerFolder, SMALL_LEDGER } from "../support/ledger-folder.js";

describeEachDatabase("the worker on pg-boss", (database) => {
  it("installs its queue in the same database, runs a tick as a job and stops cleanly", async () => {
    // Thursday 3 December 2026, 09:00 UTC: the default entity's zone is UTC, past the 06:00 cycle.
    const clock = fixedClock("2026-12-03T09:00:00Z");
    const store = await database.freshStore();
    await importLedger({ store, folder: ledgerFolder(SMALL_LEDGER), clock, actor: "test" });
    await applyCollectionPolicy({ store, clock, actor: "test", policy: defaultCollectionPolicy() });
    const reports: ScheduledTickReport[] = [];
    const worker = await startWorker({
      store,
      clock,
      pollingIntervalSeconds: 0.5,
      onTick: (r) => reports.push(r),
    });
    try {
      await worker.tickNow();
      const deadline = Date.now() + 60_000;
      while (reports.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(reports[0]?.cycle).toMatchObject({ ran: true, businessDate: "2026-12-03" });
      const schedules = await worker.boss.getSchedules();
      expect(schedules.map((s) => [s.name, s.cron])).toContainEqual([COLLECTIONS_TICK_QUEUE, "* * * * *"]);
    } finally {
      await worker.stop();
    }
    expect(await listScheduledRuns(store.handle.pool, store.organisationId)).toMatchObject([
      { businessDate: "2026-12-03", status: "done" },
    ]);
    // The store's pool is still usable after the worker stopped (pg-boss did not close it).
    const { rows } = await store.handle.pool.query(`SELECT count(*) AS n FROM pgboss.job`);
    expect(Number(rows[0].n)).toBeGreaterThan(0);
  }, 120_000);
});
