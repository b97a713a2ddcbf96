import { useInfiniteQuery } from "@tanstack/react-query";
import { api } from "../../api/endpoints";
import type { TimelineEntry } from "../../api/types";
import { Empty, ErrorPanel, Loading, LoadMore } from "../../components/ui";
import { formatInstant, humanize, segmentLabel } from "../../format";

type Data = Record<string, unknown>;

/** What happened, in words, from the audit event's action and data. */
function describe(entry: TimelineEntry): { title: string; detail?: string; tone: string } {
  const d = (entry.data ?? {}) as Data;
  const text = (key: string) => (typeof d[key] === "string" ? (d[key] as string) : undefined);
  switch (entry.action) {
    case "collection.message_sent":
      return {
        title: `${humanize(text("channel") ?? "message")} sent: ${text("subject") ?? ""}`,
        detail: `Step ${text("step")} · to ${(d.to as string[] | undefined)?.join(", ") ?? "—"}`,
        tone: "info",
      };
    case "collection.task_created":
      return {
        title: `Call task created${text("assignee") ? ` for ${text("assignee")}` : ""}`,
        detail: text("note"),
        tone: "neutral",
      };
    case "collection.action_planned":
      return {
        title: `Planned: ${humanize(text("step") ?? "step")} by ${text("channel") ?? "—"}`,
        tone: "neutral",
      };
    case "collection.action_failed":
      return {
        title: `Could not send ${text("channel") ?? "a message"}`,
        detail: text("error"),
        tone: "bad",
      };
    case "task.completed":
      return {
        title: `Call logged: ${humanize(text("outcome") ?? "done")}`,
        detail: text("note") || undefined,
        tone: "good",
      };
    case "task.assigned":
      return {
        title: `Task assigned to ${text("to") ?? "nobody"}`,
        detail: text("from") ? `was ${text("from")}` : undefined,
        tone: "neutral",
      };
    case "task.snoozed":
      return {
        title: `Task snoozed until ${text("to")}`,
        detail: text("note") || undefined,
        tone: "neutral",
      };
    case "customer.reclassified": {
      const segment = d.segment as { from?: string; to?: string } | undefined;
      const rating = d.rating as { from?: string; to?: string } | undefined;
      return {
        title: `Reclassified${rating?.to ? `: rating ${rating.from ?? "—"} → ${rating.to}` : ""}${segment?.to ? `, ${segmentLabel(segment.to)}` : ""}`,
        detail: text("reason"),
        tone: "warn",
      };
    }
    case "invoice.written_off":
      return { title: `Written off on ${entry.subjectId}`, detail: text("reason"), tone: "warn" };
    default:
      return { title: humanize(entry.action), tone: "neutral" };
  }
}

export function Timeline({ customerRef }: { customerRef: string }) {
  const pages = useInfiniteQuery({
    queryKey: ["timeline", customerRef],
    queryFn: ({ pageParam }) =>
      api.timeline(customerRef, { limit: 30, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (pages.error) return <ErrorPanel error={pages.error} />;
  if (!pages.data) return <Loading />;
  const entries = pages.data.pages.flatMap((p) => p.items);
  if (entries.length === 0) return <Empty>Nothing has happened with this customer yet.</Empty>;
  return (
    <>
      <ol className="timeline">
        {entries.map((entry) => {
          const { title, detail, tone } = describe(entry);
          return (
            <li key={entry.seq} className={`timeline-item tone-${tone}`}>
              <div className="timeline-head">
                <span className="timeline-title">{title}</span>
                <time className="muted small" dateTime={entry.occurredAt}>
                  {formatInstant(entry.occurredAt)} · {entry.actor}
                </time>
              </div>
              {detail ? <div className="small">{detail}</div> : null}
              {entry.message ? (
                <details className="timeline-message">
                  <summary>Show the message as sent</summary>
                  <pre className="message-body">{entry.message.body}</pre>
                </details>
              ) : null}
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
