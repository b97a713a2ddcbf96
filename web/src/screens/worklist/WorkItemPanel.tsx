import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link } from "wouter";
import { ApiError } from "../../api/client";
import { api, CALL_OUTCOMES, type CallOutcome } from "../../api/endpoints";
import { useCanEdit } from "../../api/session";
import type { WorkItem } from "../../api/types";
import { ErrorPanel, Kbd } from "../../components/ui";
import { PromiseForm } from "./PromiseForm";
import { addDays, formatDate, formatMoney, formatNumber, humanize } from "../../format";

const OUTCOME_LABELS: Record<CallOutcome, string> = {
  reached: "Reached",
  left_message: "Left message",
  no_answer: "No answer",
  wrong_contact: "Wrong contact",
  resolved: "Resolved",
};

function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return !!element && ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName);
}

/** One work item: why it is here, what to do, and the actions on its task. */
export function WorkItemPanel({
  item,
  today,
  collectors,
  onDone,
}: {
  item: WorkItem;
  /** The server's today: a snooze goes to a later day. */
  today: string;
  collectors: string[];
  onDone: () => void;
}) {
  const canEdit = useCanEdit();
  const [outcome, setOutcome] = useState<CallOutcome | null>(null);
  const [note, setNote] = useState("");
  const [assignee, setAssignee] = useState(item.assignee ?? "");
  const [snoozeUntil, setSnoozeUntil] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const assignRef = useRef<HTMLInputElement>(null);
  const snoozeRef = useRef<HTMLSelectElement>(null);
  const taskId = item.taskId;
  const maxPoints = Math.max(1, ...item.why.map((w) => w.points));

  const complete = useMutation({
    mutationFn: () =>
      api.completeTask(taskId!, { outcome: outcome!, ...(note.trim() ? { note: note.trim() } : {}) }),
    onSuccess: () => onDone(),
  });
  const assign = useMutation({
    mutationFn: () => api.assignTask(taskId!, assignee.trim() === "" ? null : assignee.trim()),
    onSuccess: (result) => {
      setMessage(result.assignee ? `Assigned to ${result.assignee}.` : "Unassigned.");
      onDone();
    },
  });
  const snooze = useMutation({
    mutationFn: () =>
      api.snoozeTask(taskId!, { until: snoozeUntil, ...(note.trim() ? { note: note.trim() } : {}) }),
    onSuccess: () => onDone(),
  });

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (isTyping(event.target) || event.metaKey || event.ctrlKey || event.altKey || !taskId || !canEdit)
        return;
      const digit = Number(event.key);
      if (digit >= 1 && digit <= CALL_OUTCOMES.length) {
        setOutcome(CALL_OUTCOMES[digit - 1]!);
        event.preventDefault();
      } else if (event.key === "n") {
        noteRef.current?.focus();
        event.preventDefault();
      } else if (event.key === "d" && outcome) {
        complete.mutate();
      } else if (event.key === "a") {
        assignRef.current?.focus();
        event.preventDefault();
      } else if (event.key === "s") {
        snoozeRef.current?.focus();
        event.preventDefault();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [taskId, canEdit, outcome, complete]);

  const error = complete.error ?? assign.error ?? snooze.error;

  return (
    <section
      className="work-panel card"
      aria-label={`${item.customerName}: work item`}
      data-testid="work-panel"
    >
      <div className="card-header">
        <div>
          <h2>
            <Link href={`/customers/${encodeURIComponent(item.customerRef)}`}>{item.customerName}</Link>
          </h2>
          <div className="muted small">
            {item.customerRef} · due {formatDate(item.dueOn)} ·{" "}
            {item.assignee ? `assigned to ${item.assignee}` : "unassigned"}
          </div>
        </div>
        <div className="work-amount">
          <div className="tile-label">Overdue</div>
          <div className="strong big">{formatMoney(item.overdue.amount, item.overdue.currency)}</div>
        </div>
      </div>

      <p className="next-action" data-testid="next-action">
        <strong>Next: </strong>
        {item.nextAction}
      </p>

      <h3>Why it is here</h3>
      <ul className="why-list" aria-label="Reasons for the priority">
        {item.why.map((part) => (
          <li key={part.key}>
            <span
              className="why-bar"
              style={{ width: `${(part.points / maxPoints) * 100}%` }}
              aria-hidden="true"
            />
            <span className="why-text">{humanize(part.why)}</span>
            <span className="why-points">{formatNumber(part.points)} pts</span>
          </li>
        ))}
      </ul>
      {item.invoiceRefs.length > 0 ? (
        <p className="small">
          <strong>Invoices: </strong>
          {item.invoiceRefs.join(", ")}
        </p>
      ) : null}
      {item.note ? <p className="task-note">{item.note}</p> : null}

      {error ? <ErrorPanel error={error} /> : null}
      {message ? (
        <p className="notice" role="status">
          {message}
        </p>
      ) : null}

      {!taskId ? (
        <p className="muted">
          This account is watched daily (high value, high risk): open it to decide the next step.
        </p>
      ) : !canEdit ? (
        <p className="muted">Your role can read the worklist but not act on it.</p>
      ) : (
        <>
          <form
            className="action-block"
            onSubmit={(event: FormEvent) => {
              event.preventDefault();
              if (outcome) complete.mutate();
            }}
            aria-label="Log the call and close the task"
          >
            <fieldset>
              <legend>Call outcome</legend>
              <div className="segmented">
                {CALL_OUTCOMES.map((value, i) => (
                  <label key={value} className={outcome === value ? "chosen" : ""}>
                    <input
                      type="radio"
                      name="outcome"
                      value={value}
                      checked={outcome === value}
                      onChange={() => setOutcome(value)}
                    />
                    {OUTCOME_LABELS[value]} <Kbd>{i + 1}</Kbd>
                  </label>
                ))}
              </div>
            </fieldset>
            <label className="field">
              <span>
                Note <Kbd>n</Kbd>
              </span>
              <textarea
                ref={noteRef}
                rows={2}
                value={note}
                onChange={(e) => setNote(e.target.value)}
                placeholder="What was agreed, who you spoke to"
                maxLength={4000}
              />
            </label>
            <button
              type="submit"
              className="button primary"
              disabled={!outcome || complete.isPending}
              data-testid="complete-task"
            >
              {complete.isPending ? "Saving…" : "Log call & close"} <Kbd>d</Kbd>
            </button>
          </form>

          <PromiseForm
            item={item}
            today={today}
            onDone={() => setMessage("Promise recorded: reminders hold until its deadline.")}
          />

          <div className="action-row">
            <form
              className="inline-form"
              onSubmit={(event) => {
                event.preventDefault();
                assign.mutate();
              }}
            >
              <label className="field compact">
                <span>
                  Reassign to <Kbd>a</Kbd>
                </span>
                <input
                  ref={assignRef}
                  type="email"
                  list="collector-list"
                  value={assignee}
                  onChange={(e) => setAssignee(e.target.value)}
                  placeholder="collector@…"
                />
              </label>
              <datalist id="collector-list">
                {collectors.map((c) => (
                  <option key={c} value={c} />
                ))}
              </datalist>
              <button
                type="submit"
                className="button secondary"
                disabled={assign.isPending || assignee === (item.assignee ?? "")}
              >
                Assign
              </button>
            </form>
            <form
              className="inline-form"
              onSubmit={(event) => {
                event.preventDefault();
                if (snoozeUntil) snooze.mutate();
              }}
            >
              <label className="field compact">
                <span>
                  Snooze until <Kbd>s</Kbd>
                </span>
                <select ref={snoozeRef} value={snoozeUntil} onChange={(e) => setSnoozeUntil(e.target.value)}>
                  <option value="">Choose…</option>
                  <option value={addDays(today, 1)}>Tomorrow ({formatDate(addDays(today, 1))})</option>
                  <option value={addDays(today, 3)}>In 3 days ({formatDate(addDays(today, 3))})</option>
                  <option value={addDays(today, 7)}>Next week ({formatDate(addDays(today, 7))})</option>
                </select>
              </label>
              <button type="submit" className="button secondary" disabled={!snoozeUntil || snooze.isPending}>
                Snooze
              </button>
            </form>
          </div>
        </>
      )}
      {error instanceof ApiError && error.code === "TASK_CLOSED" ? (
        <p className="muted">Someone else closed this task meanwhile.</p>
      ) : null}
    </section>
  );
}
