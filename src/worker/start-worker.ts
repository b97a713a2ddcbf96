import PgBoss from "pg-boss";
import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import {
  runScheduledCollections,
  type ScheduledCollectionsOptions,
  type ScheduledTickReport,
} from "./run-scheduled-collections.js";

/** The queue of scheduler ticks. */
export const COLLECTIONS_TICK_QUEUE = "recoup-collections-tick";

export interface StartWorkerOptions {
  store: RecoupStore;
  clock: Clock;
  dispatch?: ScheduledCollectionsOptions["dispatch"];
  /** How often pg-boss fires a tick (cron, UTC; default every minute). */
  tickCron?: string;
  /** Seconds between polls of the queue (default 10). */
  pollingIntervalSeconds?: number;
  /** Called with each tick's report (the CLI prints it). */
  onTick?: (report: ScheduledTickReport) => void;
  onError?: (error: Error) => void;
}

export interface RecoupWorker {
  /** Queues a tick now (the scheduled one still comes every minute); resolves with the job id. */
  tickNow(): Promise<string | null>;
  /** Waits for the running tick, then stops polling and scheduling. */
  stop(): Promise<void>;
  boss: PgBoss;
}

/**
 * Starts the scheduler on the store's own connection pool (pg-boss keeps its jobs in the `pgboss`
 * schema of the same database, on PGlite as on a server). Every minute pg-boss queues a tick; the
 * queue's `stately` policy keeps at most one tick queued and one running across every worker
 * process, and each tick decides for itself, with the injected clock and the organisation's time
 * zone and calendar, whether the day's cycle is due (run-scheduled-collections.ts). The cron
 * expression is deliberately not the business schedule: time zones, business days and quiet hours
 * live in Recoup's own tested domain code and settings, and the tick is only a heartbeat.
 *
 * @example const worker = await startWorker({ store, clock: systemClock }); … await worker.stop()
 */
export async function startWorker(options: StartWorkerOptions): Promise<RecoupWorker> {
  const pool = options.store.handle.pool;
  const boss = new PgBoss({
    db: { executeSql: async (text, values) => pool.query(text, values) },
    schema: "pgboss",
    // A tick can run a whole cycle (minutes on a very large portfolio); never expire it mid-run.
    expireInHours: 4,
    retentionDays: 7,
    deleteAfterDays: 7,
  });
  const onError = options.onError ?? ((error) => console.error(`recoup worker: ${error.message}`));
  boss.on("error", onError);
  await boss.start();
  await boss.createQueue(COLLECTIONS_TICK_QUEUE, {
    name: COLLECTIONS_TICK_QUEUE,
    policy: "stately",
    // A failed tick is not retried: the next minute's tick is the retry.
    retryLimit: 0,
    expireInHours: 4,
  });
  await boss.schedule(COLLECTIONS_TICK_QUEUE, options.tickCron ?? "* * * * *", {}, { tz: "UTC" });
  await boss.work(
    COLLECTIONS_TICK_QUEUE,
    { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 10, batchSize: 1 },
    async () => {
      const report = await runScheduledCollections({
        store: options.store,
        clock: options.clock,
        ...(options.dispatch ? { dispatch: options.dispatch } : {}),
      });
      options.onTick?.(report);
      return report;
    },
  );
  return {
    boss,
    tickNow: () => boss.send(COLLECTIONS_TICK_QUEUE, {}),
    stop: async () => {
      await boss.stop({ graceful: true, wait: true, close: false, timeout: 60_000 });
    },
  };
}
