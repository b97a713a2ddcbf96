/**
 * The collector's day: the prioritised queue (GET /worklist) with the reason for every item, and
 * the actions the back end offers on a task (log the call's outcome and close it, reassign,
 * snooze) and recording the promise to pay the customer makes (POST /promises). Keyboard first: j/k or ↑/↓ move, Enter opens the customer, 1–5 pick an outcome,
 * a reassigns, s snoozes, ? shows the keys.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { useLocation } from "wouter";
import { api } from "../../api/endpoints";
import { useSession } from "../../api/session";
import type { WorkItem } from "../../api/types";
import { useSearchState } from "../../components/use-search-state";
import { Badge, Empty, ErrorPanel, Kbd, Loading, PageHeader } from "../../components/ui";
import { formatDate, formatMoney } from "../../format";
import { WorkItemPanel } from "./WorkItemPanel";

export const KIND_LABELS: Record<WorkItem["kind"], string> = {
  call: "Call",
  review: "Review",
  monitor: "Watch",
};

function itemKey(item: WorkItem): string {
  return item.taskId ?? `monitor/${item.customerRef}`;
}

function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return (
    !!element && (["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName) || element.isContentEditable)
  );
}

export function WorklistScreen() {
  const [search, update] = useSearchState();
  const { state } = useSession();
  const collector =
    search.collector ??
    (state.status === "signed-in" && state.user.role === "collector" ? state.user.email : "");
  const worklist = useQuery({
    queryKey: ["worklist", collector],
    queryFn: () => api.worklist({ limit: 200, ...(collector ? { collector } : {}) }),
  });
  const options = useQuery({ queryKey: ["filter-options"], queryFn: api.filterOptions, staleTime: 300_000 });
  const items = useMemo(() => worklist.data?.items ?? [], [worklist.data]);
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [showKeys, setShowKeys] = useState(false);
  const [, navigate] = useLocation();
  const listRef = useRef<HTMLOListElement>(null);

  const index = Math.max(
    0,
    items.findIndex((item) => itemKey(item) === selectedKey),
  );
  const selected = items[index];

  useEffect(() => {
    const row = listRef.current?.querySelector<HTMLElement>(`[data-key="${CSS.escape(selectedKey ?? "")}"]`);
    row?.scrollIntoView({ block: "nearest" });
  }, [selectedKey]);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (isTyping(event.target) || event.metaKey || event.ctrlKey || event.altKey) return;
      const move = (delta: number) => {
        const next = items[Math.min(items.length - 1, Math.max(0, index + delta))];
        if (next) setSelectedKey(itemKey(next));
        event.preventDefault();
      };
      if (event.key === "j" || event.key === "ArrowDown") move(1);
      else if (event.key === "k" || event.key === "ArrowUp") move(-1);
      else if (event.key === "Enter" && selected && (event.target as HTMLElement).tagName !== "BUTTON") {
        navigate(`/customers/${encodeURIComponent(selected.customerRef)}`);
      } else if (event.key === "?") setShowKeys((shown) => !shown);
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [items, index, selected, navigate]);

  const totalOverdue = useMemo(() => {
    const byCurrency = new Map<string, number>();
    for (const item of items)
      byCurrency.set(
        item.overdue.currency,
        (byCurrency.get(item.overdue.currency) ?? 0) + item.overdue.amount,
      );
    return [...byCurrency].map(([currency, amount]) => formatMoney(amount, currency)).join(" · ");
  }, [items]);

  const afterAction = () => {
    const next = items[index + 1] ?? items[index - 1];
    setSelectedKey(next ? itemKey(next) : null);
    void worklist.refetch();
  };

  return (
    <div className="page worklist-page" data-testid="worklist">
      <PageHeader
        title="Worklist"
        subtitle={
          worklist.data ? (
            <>
              {items.length} item{items.length === 1 ? "" : "s"} today
              {totalOverdue ? ` · ${totalOverdue} overdue` : ""}
            </>
          ) : undefined
        }
        actions={
          <>
            <label className="field compact inline">
              <span>Collector</span>
              <select
                value={collector}
                onChange={(e) => update({ collector: e.target.value })}
                data-testid="worklist-collector"
              >
                <option value="">Everyone</option>
                {(options.data?.collectors ?? []).map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="button ghost small"
              onClick={() => setShowKeys((s) => !s)}
              aria-expanded={showKeys}
            >
              Keyboard <Kbd>?</Kbd>
            </button>
          </>
        }
      />
      {showKeys ? (
        <div className="keys-help" role="note" aria-label="Keyboard shortcuts">
          <span>
            <Kbd>j</Kbd>/<Kbd>↓</Kbd> next
          </span>
          <span>
            <Kbd>k</Kbd>/<Kbd>↑</Kbd> previous
          </span>
          <span>
            <Kbd>Enter</Kbd> open customer
          </span>
          <span>
            <Kbd>1</Kbd>–<Kbd>5</Kbd> call outcome
          </span>
          <span>
            <Kbd>n</Kbd> note
          </span>
          <span>
            <Kbd>d</Kbd> done
          </span>
          <span>
            <Kbd>a</Kbd> reassign
          </span>
          <span>
            <Kbd>s</Kbd> snooze
          </span>
        </div>
      ) : null}
      {worklist.error ? <ErrorPanel error={worklist.error} retry={() => void worklist.refetch()} /> : null}
      {!worklist.data && !worklist.error ? <Loading label="Loading today's worklist…" /> : null}
      {worklist.data && items.length === 0 ? (
        <Empty>Nothing to do today. The daily cycle adds calls and reviews as they fall due.</Empty>
      ) : null}
      {items.length > 0 ? (
        <div className="worklist">
          <ol className="work-items" ref={listRef} aria-label="Work items, highest priority first">
            {items.map((item, i) => {
              const key = itemKey(item);
              const active = key === itemKey(selected!);
              return (
                <li key={key} data-key={key}>
                  <button
                    type="button"
                    className={active ? "work-item active" : "work-item"}
                    aria-current={active ? "true" : undefined}
                    onClick={() => setSelectedKey(key)}
                    data-testid="work-item"
                  >
                    <span className="work-rank" aria-label={`Priority ${item.priority}`}>
                      {i + 1}
                    </span>
                    <span className="work-main">
                      <span className="work-title">
                        <Badge
                          tone={item.kind === "call" ? "info" : item.kind === "review" ? "warn" : "neutral"}
                        >
                          {KIND_LABELS[item.kind]}
                        </Badge>
                        <span className="work-name">{item.customerName}</span>
                      </span>
                      <span className="work-why">
                        {item.why[0] ? humanizeWhy(item.why[0].why) : item.nextAction}
                      </span>
                    </span>
                    <span className="work-figures">
                      <span className="strong">
                        {formatMoney(item.overdue.amount, item.overdue.currency)}
                      </span>
                      <span className="muted small">due {formatDate(item.dueOn)}</span>
                    </span>
                  </button>
                </li>
              );
            })}
          </ol>
          {selected ? (
            <WorkItemPanel
              key={itemKey(selected)}
              item={selected}
              today={worklist.data!.asOf}
              collectors={options.data?.collectors ?? []}
              onDone={afterAction}
            />
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function humanizeWhy(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
