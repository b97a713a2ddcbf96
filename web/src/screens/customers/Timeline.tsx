import { api } from "../../api/endpoints";
import { useCursorPages } from "../../components/use-cursor-pages";
import type { TimelineEntry } from "../../api/types";
import { Empty, ErrorPanel, Loading, LoadMore } from "../../components/ui";
import { formatDate, formatInstant, humanize } from "../../format";

/** How an entry is marked on the line: by what kind of thing happened. */
function toneOf(entry: TimelineEntry): string {
  if (entry.kind === "payment") return "good";
  if (entry.kind === "invoice" || entry.kind === "credit_note") return "neutral";
  if (/failed|broken|rejected/.test(entry.action)) return "bad";
  if (/completed|kept|resolved|received/.test(entry.action)) return "good";
  if (/reclassified|written_off|escalat|dispute/.test(entry.action)) return "warn";
  if (/message_sent/.test(entry.action)) return "info";
  return "neutral";
}

/** A second line where the summary leaves out what a collector wants: a call's outcome and note. */
function detailOf(entry: TimelineEntry): string | null {
  if (entry.kind !== "event") return null;
  const text = (key: string) => (typeof entry.data[key] === "string" ? (entry.data[key] as string) : null);
  if (entry.action === "collection.action_planned") {
    const refs = Array.isArray(entry.data.invoiceRefs) ? (entry.data.invoiceRefs as string[]) : [];
    return `${humanize(text("step") ?? "step")} by ${humanize(text("channel") ?? "—")} (${text("workflow") ?? "—"})${refs.length ? ` for ${refs.join(", ")}` : ""}`;
  }
  if (!entry.action.startsWith("task.")) return null;
  const outcome = text("outcome") ? `Outcome: ${humanize(text("outcome")!)}` : null;
  const note = text("note")?.trim() || null;
  return [outcome, note].filter(Boolean).join(" — ") || null;
}

/** The customer's timeline (GET /customers/{ref}/timeline): events and ledger documents, newest first. */
export function Timeline({ customerRef }: { customerRef: string }) {
  const pages = useCursorPages(["timeline", customerRef], (before) =>
    api.timeline(customerRef, { limit: 30, ...(before ? { before } : {}) }),
  );
  if (pages.error) return <ErrorPanel error={pages.error} />;
  if (!pages.data) return <Loading />;
  const entries = pages.data.pages.flatMap((p) => p.entries);
  if (entries.length === 0) return <Empty>Nothing has happened with this customer yet.</Empty>;
  return (
    <>
      <ol className="timeline">
        {entries.map((entry) => {
          const detail = detailOf(entry);
          return (
            <li key={entry.id} className={`timeline-item tone-${toneOf(entry)}`}>
              <div className="timeline-head">
                <span className="timeline-title">{entry.summary}</span>
                <time className="muted small" dateTime={entry.at}>
                  {entry.kind === "event" ? formatInstant(entry.at) : formatDate(entry.date)} · {entry.actor}
                </time>
              </div>
              {detail ? <div className="small">{detail}</div> : null}
            </li>
          );
        })}
      </ol>
      {pages.hasNextPage ? (
        <LoadMore onClick={() => void pages.fetchNextPage()} busy={pages.isFetchingNextPage} />
      ) : null}
    </>
  );
}
