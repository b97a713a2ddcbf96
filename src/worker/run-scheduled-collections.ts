import { appendAuditEvents } from "../audit/append-audit-events.js";
import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { fromKysely, type Queryable } from "../db/queryable.js";
import { cycleDueAt } from "../domain/collections-schedule.js";
import { formatLocalTime, localMomentAt } from "../domain/zoned-time.js";
import { loadCollectionsSchedule } from "../collections/load-collections-schedule.js";
import {
  carryOutPlannedActions,
  runCollectionsCycle,
  type RunCollectionsCycleOptions,
} from "../collections/run-collections-cycle.js";
import type { DeliveryReport } from "../collections/deliver-outbox.js";
import { faultPoint } from "../fault-points.js";

export interface ScheduledCollectionsOptions {
  store: RecoupStore;
  clock: Clock;
  /** Transports and templates for dispatch and delivery, as for `recoup cycle`. */
  dispatch?: RunCollectionsCycleOptions["dispatch"];
  /** A run left `running` this long (its worker died) is taken over (default 1 hour). */
  staleAfterMs?: number;
  /** Attempts at a failing day's cycle before it is left `failed` for a person (default 5). */
  maxAttempts?: number;
}

export type ScheduledCycleOutcome =
  | {
      ran: true;
      businessDate: string;
      attempt: number;
      actions: number;
      skipped: number;
      failedActions: number;
    }
  | {
      ran: false;
      businessDate?: string;
      reason:
        | "disabled"
        | "not_business_day"
        | "before_cycle_time"
        | "already_done"
        | "running_elsewhere"
        | "retry_later"
        | "gave_up"
        | "failed";
      error?: string;
    };

export interface ScheduledTickReport {
  at: string;
  /** The organisation's local date and time when the tick ran. */
  local: string;
  cycle: ScheduledCycleOutcome;
  /** Actions dispatched outside a cycle (retries whose time had come). */
  dispatched: number;
  delivery?: DeliveryReport;
}

/** Wait before retrying a failed day's cycle, by attempt: 5 min, 15 min, 1 h, 4 h. */
const RETRY_DELAYS_MS = [300_000, 900_000, 3_600_000, 14_400_000];

const ACTOR = "scheduler";

/**
 * One tick of the scheduler (src/worker/start-worker.ts fires it every minute): if today is a
 * business day in the organisation's time zone, past its cycle time, and today's cycle has not
 * run, claim the day and run it; in any case carry out what is pending (actions whose retry time
 * has come; queued messages, which `deliverOutbox` holds back on weekends, holidays and in quiet
 * hours).
 *
 * The claim is a row per organisation and business day in `scheduled_cycle_runs`, inserted or
 * taken over in one statement, so two workers never run the same day at once. A worker that dies
 * mid-cycle leaves its row `running`; after `staleAfterMs` the next tick takes it over, and the
 * cycle's own idempotence (DESIGN 5.5: a re-run plans nothing new, and dispatch picks up what
 * was planned) means the day completes without a duplicate. A cycle that throws is marked
 * `failed` and retried with backoff, then left for a person; every start, end and failure is an
 * audit event.
 *
 * @example await runScheduledCollections({ store, clock })
 */
export async function runScheduledCollections(
  options: ScheduledCollectionsOptions,
): Promise<ScheduledTickReport> {
  const { store, clock } = options;
  const pool = store.handle.pool;
  const now = clock.now();
  const { enabled, schedule } = await loadCollectionsSchedule(pool, store.organisationId, store.entityId);
  const local = localMomentAt(now, schedule.timeZone);
  const report: ScheduledTickReport = {
    at: now.toISOString(),
    local: `${local.date} ${formatLocalTime(local.minute)} ${schedule.timeZone}`,
    cycle: { ran: false, reason: "disabled" },
    dispatched: 0,
  };
  if (!enabled) return report;

  const due = cycleDueAt(now, schedule);
  if (!due.due) {
    report.cycle = { ran: false, reason: due.reason, businessDate: due.localDate };
  } else {
    report.cycle = await runDueCycle(options, due.businessDate);
  }
  if (report.cycle.ran) return report;

  // Between cycles: retries whose time has come, and delivery of what quiet hours held back.
  const { dispatched, delivery } = await carryOutPlannedActions({
    store,
    clock,
    actor: ACTOR,
    upTo: local.date,
    ...(options.dispatch ? { dispatch: options.dispatch } : {}),
  });
  report.dispatched = dispatched.length;
  if (delivery) report.delivery = delivery;
  return report;
}

async function runDueCycle(
  options: ScheduledCollectionsOptions,
  businessDate: string,
): Promise<ScheduledCycleOutcome> {
  const { store, clock } = options;
  const claim = await claimDay(options, businessDate);
  if (!claim.claimed) return { ran: false, businessDate, reason: claim.reason };
  faultPoint("schedule.after-claim");
  try {
    const result = await runCollectionsCycle({
      store,
      clock,
      actor: ACTOR,
      asOf: businessDate,
      ...(options.dispatch ? { dispatch: options.dispatch } : {}),
    });
    const summary = {
      actions: result.actions.length,
      skipped: result.skipped.length,
      failedActions: result.actions.filter((a) => a.status === "failed").length,
      dispatchedEarlier: result.dispatchedEarlier,
      ...(result.delivery ? { delivery: result.delivery } : {}),
    };
    await finishDay(store, clock, businessDate, claim.attempt, { status: "done", summary });
    return { ran: true, businessDate, attempt: claim.attempt, ...summary };
  } catch (error) {
    const message = (error as Error).message;
    await finishDay(store, clock, businessDate, claim.attempt, {
      status: "failed",
      error: message,
      maxAttempts: options.maxAttempts ?? 5,
    });
    return { ran: false, businessDate, reason: "failed", error: message };
  }
}

type Claim =
  | { claimed: true; attempt: number }
  | { claimed: false; reason: "already_done" | "running_elsewhere" | "retry_later" | "gave_up" };

async function claimDay(options: ScheduledCollectionsOptions, businessDate: string): Promise<Claim> {
  const { store, clock } = options;
  const now = clock.now();
  const staleBefore = new Date(now.getTime() - (options.staleAfterMs ?? 3_600_000));
  const maxAttempts = options.maxAttempts ?? 5;
  return store.handle.db.transaction().execute(async (trx) => {
    const db = fromKysely(trx);
    const { rows } = await db.query<{ attempts: number }>(
      `INSERT INTO scheduled_cycle_runs AS r (organisation_id, business_date, status, attempts, started_at)
       VALUES ($1, $2, 'running', 1, $3)
       ON CONFLICT (organisation_id, business_date) DO UPDATE
         SET status = 'running', attempts = r.attempts + 1, started_at = EXCLUDED.started_at,
             finished_at = NULL, retry_after = NULL, error = NULL
         WHERE (r.status = 'running' AND r.started_at <= $4)
            OR (r.status = 'failed' AND r.attempts < $5 AND r.retry_after <= $3)
       RETURNING r.attempts`,
      [store.organisationId, businessDate, now, staleBefore, maxAttempts],
    );
    const row = rows[0];
    if (!row) {
      const { rows: existing } = await db.query<{ status: string; attempts: number }>(
        `SELECT status, attempts FROM scheduled_cycle_runs WHERE organisation_id = $1 AND business_date = $2`,
        [store.organisationId, businessDate],
      );
      const current = existing[0]!;
      const reason =
        current.status === "done"
          ? "already_done"
          : current.status === "running"
            ? "running_elsewhere"
            : current.attempts >= maxAttempts
              ? "gave_up"
              : "retry_later";
      return { claimed: false, reason } as const;
    }
    await appendAuditEvents(db, { organisationId: store.organisationId, actor: ACTOR, occurredAt: now }, [
      {
        action: "collection.scheduled_cycle_started",
        subjectType: "organisation",
        subjectId: store.organisationId,
        data: { businessDate, attempt: row.attempts },
      },
    ]);
    return { claimed: true, attempt: row.attempts } as const;
  });
}

async function finishDay(
  store: RecoupStore,
  clock: Clock,
  businessDate: string,
  attempt: number,
  outcome:
    | { status: "done"; summary: Record<string, unknown> }
    | { status: "failed"; error: string; maxAttempts: number },
): Promise<void> {
  const at = clock.now();
  await store.handle.db.transaction().execute(async (trx) => {
    const db: Queryable = fromKysely(trx);
    const retryAfter =
      outcome.status === "failed" && attempt < outcome.maxAttempts
        ? new Date(at.getTime() + RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length) - 1]!)
        : null;
    await db.query(
      `UPDATE scheduled_cycle_runs SET status = $3, finished_at = $4, summary = $5, error = $6, retry_after = $7
       WHERE organisation_id = $1 AND business_date = $2`,
      [
        store.organisationId,
        businessDate,
        outcome.status,
        at,
        outcome.status === "done" ? JSON.stringify(outcome.summary) : null,
        outcome.status === "failed" ? outcome.error : null,
        retryAfter,
      ],
    );
    await appendAuditEvents(db, { organisationId: store.organisationId, actor: ACTOR, occurredAt: at }, [
      {
        action:
          outcome.status === "done"
            ? "collection.scheduled_cycle_finished"
            : "collection.scheduled_cycle_failed",
        subjectType: "organisation",
        subjectId: store.organisationId,
        data:
          outcome.status === "done"
            ? { businessDate, attempt, ...outcome.summary }
            : { businessDate, attempt, error: outcome.error, retryAfter: retryAfter?.toISOString() ?? null },
      },
    ]);
  });
}

export interface ScheduledRunRow {
  businessDate: string;
  status: "running" | "done" | "failed";
  attempts: number;
  startedAt: string;
  finishedAt: string | null;
  retryAfter: string | null;
  summary: Record<string, unknown> | null;
  error: string | null;
}

/** The latest scheduled runs, newest first (`recoup schedule status`, `GET /schedule`). */
export async function listScheduledRuns(
  db: Queryable,
  organisationId: number,
  limit = 14,
): Promise<ScheduledRunRow[]> {
  const { rows } = await db.query<{
    business_date: string;
    status: ScheduledRunRow["status"];
    attempts: number;
    started_at: Date;
    finished_at: Date | null;
    retry_after: Date | null;
    summary: Record<string, unknown> | string | null;
    error: string | null;
  }>(
    `SELECT to_char(business_date, 'YYYY-MM-DD') AS business_date, status, attempts, started_at, finished_at,
       retry_after, summary, error
     FROM scheduled_cycle_runs WHERE organisation_id = $1 ORDER BY business_date DESC LIMIT $2`,
    [organisationId, limit],
  );
  return rows.map((row) => ({
    businessDate: row.business_date,
    status: row.status,
    attempts: row.attempts,
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    retryAfter: row.retry_after ? new Date(row.retry_after).toISOString() : null,
    summary:
      typeof row.summary === "string" ? (JSON.parse(row.summary) as Record<string, unknown>) : row.summary,
    error: row.error,
  }));
}
