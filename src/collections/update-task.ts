import { appendAuditEvents } from "../audit/append-audit-events.js";
import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { fromKysely, type Queryable } from "../db/queryable.js";
import { isCalendarDate } from "../domain/calendar-date.js";
import { RecoupError } from "../errors.js";

export type TaskStatus = "open" | "done" | "cancelled";

/** Which status a task may move to from each status: a closed task stays closed. */
export const TASK_TRANSITIONS = {
  open: ["done", "cancelled"],
  done: [],
  cancelled: [],
} as const satisfies Record<TaskStatus, readonly TaskStatus[]>;

export const CALL_OUTCOMES = ["reached", "left_message", "no_answer", "wrong_contact", "resolved"] as const;
export type TaskOutcome = (typeof CALL_OUTCOMES)[number];

interface TaskRow {
  id: string;
  status: TaskStatus;
  kind: string;
  assignee: string | null;
  customer_ref: string;
  due_on: string;
}

async function lockTask(db: Queryable, organisationId: number, taskId: string): Promise<TaskRow> {
  if (!/^[1-9]\d{0,17}$/.test(taskId))
    throw new RecoupError("VALIDATION_FAILED", `"${taskId}" is not a task id`);
  const { rows } = await db.query<TaskRow>(
    `SELECT t.id::text AS id, t.status, t.kind, t.assignee, c.customer_ref, t.due_on::text AS due_on
     FROM collection_tasks t JOIN customers c ON c.id = t.customer_id
     WHERE t.organisation_id = $1 AND t.id = $2 FOR UPDATE OF t`,
    [organisationId, taskId],
  );
  if (!rows[0]) throw new RecoupError("NOT_FOUND", `no task ${taskId}`);
  return rows[0];
}

function assertOpen(task: TaskRow, to: TaskStatus | "assigned" | "snoozed"): void {
  const allowed: readonly string[] = TASK_TRANSITIONS[task.status];
  if (to === "assigned" || to === "snoozed" ? task.status !== "open" : !allowed.includes(to)) {
    throw new RecoupError("TASK_CLOSED", `task ${task.id} is ${task.status}; it cannot be ${to}`);
  }
}

/**
 * Gives a task to a collector (or takes it from everyone with `assignee: null`), audited.
 *
 * @example await assignTask({ store, clock, actor: "ana", taskId: "17", assignee: "tom@example.com" })
 */
export async function assignTask(options: {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  taskId: string;
  assignee: string | null;
}): Promise<{ taskId: string; assignee: string | null }> {
  const assignee = options.assignee?.trim() || null;
  if (assignee !== null && !/^[^\s@]+@[^\s@]+$/.test(assignee)) {
    throw new RecoupError("VALIDATION_FAILED", `"${assignee}" is not an email address`);
  }
  const organisationId = options.store.organisationId;
  return options.store.handle.db.transaction().execute(async (trx) => {
    const db = fromKysely(trx);
    const task = await lockTask(db, organisationId, options.taskId);
    assertOpen(task, "assigned");
    if (task.assignee === assignee) return { taskId: task.id, assignee };
    const at = options.clock.now();
    await db.query(`UPDATE collection_tasks SET assignee = $2 WHERE id = $1`, [task.id, assignee]);
    await appendAuditEvents(db, { organisationId, actor: options.actor, occurredAt: at }, [
      {
        action: "task.assigned",
        subjectType: "customer",
        subjectId: task.customer_ref,
        data: { taskId: Number(task.id), from: task.assignee, to: assignee },
      },
    ]);
    return { taskId: task.id, assignee };
  });
}

/**
 * Closes a task with its outcome (a call's result) and a note, audited. A done call counts as a
 * contact for the worklist's "days since contact".
 *
 * @example await completeTask({ store, clock, actor: "tom", taskId: "17", outcome: "reached", note: "pays Friday" })
 */
export async function completeTask(options: {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  taskId: string;
  outcome: TaskOutcome;
  note?: string;
}): Promise<{ taskId: string; status: "done"; outcome: TaskOutcome }> {
  if (!(CALL_OUTCOMES as readonly string[]).includes(options.outcome)) {
    throw new RecoupError("VALIDATION_FAILED", `outcome must be one of ${CALL_OUTCOMES.join(", ")}`);
  }
  const note = options.note?.trim() ?? "";
  if (note.length > 4000)
    throw new RecoupError("VALIDATION_FAILED", "the note is longer than 4000 characters");
  const organisationId = options.store.organisationId;
  return options.store.handle.db.transaction().execute(async (trx) => {
    const db = fromKysely(trx);
    const task = await lockTask(db, organisationId, options.taskId);
    assertOpen(task, "done");
    const at = options.clock.now();
    await db.query(
      `UPDATE collection_tasks SET status = 'done', outcome = $2, completed_at = $3, completed_by = $4,
         note = CASE WHEN $5 = '' THEN note ELSE note || E'\\n' || $5 END
       WHERE id = $1`,
      [task.id, options.outcome, at, options.actor, note],
    );
    await appendAuditEvents(db, { organisationId, actor: options.actor, occurredAt: at }, [
      {
        action: "task.completed",
        subjectType: "customer",
        subjectId: task.customer_ref,
        data: { taskId: Number(task.id), kind: task.kind, outcome: options.outcome, note },
      },
    ]);
    return { taskId: task.id, status: "done", outcome: options.outcome };
  });
}

/**
 * Puts a task off until a later business date: it leaves the worklist until then (its due date
 * moves), audited. Only an open task can be snoozed, and only to a day after `today`.
 *
 * @example await snoozeTask({ store, clock, actor: "tom", taskId: "17", until: "2026-12-08", today: "2026-12-03" })
 */
export async function snoozeTask(options: {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  taskId: string;
  until: string;
  /** Today in the organisation's time zone: `until` must come after it. */
  today: string;
  note?: string;
}): Promise<{ taskId: string; dueOn: string }> {
  if (!isCalendarDate(options.until)) {
    throw new RecoupError("VALIDATION_FAILED", `"${options.until}" is not a date written YYYY-MM-DD`);
  }
  if (options.until <= options.today) {
    throw new RecoupError("VALIDATION_FAILED", `a task can only be snoozed to a day after ${options.today}`);
  }
  const note = options.note?.trim() ?? "";
  if (note.length > 4000)
    throw new RecoupError("VALIDATION_FAILED", "the note is longer than 4000 characters");
  const organisationId = options.store.organisationId;
  return options.store.handle.db.transaction().execute(async (trx) => {
    const db = fromKysely(trx);
    const task = await lockTask(db, organisationId, options.taskId);
    assertOpen(task, "snoozed");
    await db.query(
      `UPDATE collection_tasks SET due_on = $2::date,
         note = CASE WHEN $3 = '' THEN note ELSE note || E'\\n' || $3 END
       WHERE id = $1`,
      [task.id, options.until, note],
    );
    const at = options.clock.now();
    await appendAuditEvents(db, { organisationId, actor: options.actor, occurredAt: at }, [
      {
        action: "task.snoozed",
        subjectType: "customer",
        subjectId: task.customer_ref,
        data: { taskId: Number(task.id), from: task.due_on, to: options.until, note },
      },
    ]);
    return { taskId: task.id, dueOn: options.until };
  });
}
