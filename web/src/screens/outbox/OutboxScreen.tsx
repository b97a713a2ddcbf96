/** Every message Recoup produced, newest first, with its rendered content (GET /outbox). */
import { useState } from "react";
import { Link } from "wouter";
import { api } from "../../api/endpoints";
import type { OutboxMessage } from "../../api/types";
import { useCursorPages } from "../../components/use-cursor-pages";
import { useSearchState } from "../../components/use-search-state";
import { Badge, Empty, ErrorPanel, Loading, LoadMore, PageHeader } from "../../components/ui";
import { formatInstant, humanize } from "../../format";

const CHANNEL_TONES: Record<string, string> = {
  email: "info",
  letter: "neutral",
  sms: "warn",
  notify_owner: "good",
};

export default function OutboxScreen() {
  const [search, update] = useSearchState();
  const pages = useCursorPages(["outbox", search.customer ?? ""], (cursor) =>
    api.outbox({
      limit: 50,
      ...(search.customer ? { customer: search.customer } : {}),
      ...(cursor ? { cursor } : {}),
    }),
  );
  const rows = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const [openId, setOpenId] = useState<string | null>(null);
  const selected = rows.find((m) => m.id === openId) ?? rows[0];
  return (
    <div className="page" data-testid="outbox">
      <PageHeader title="Outbox" subtitle="Every message sent or queued, as the customer receives it" />
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label className="field compact">
          <span>Customer ref</span>
          <input
            value={search.customer ?? ""}
            onChange={(e) => update({ customer: e.target.value })}
            placeholder="All customers"
          />
        </label>
      </form>
      {pages.error ? <ErrorPanel error={pages.error} /> : null}
      {pages.isPending ? <Loading /> : null}
      {pages.data && rows.length === 0 ? (
        <Empty>No message yet: the daily cycle puts its messages here.</Empty>
      ) : null}
      {rows.length > 0 ? (
        <div className="master-detail">
          <div className="card list-card">
            <ul className="message-list" aria-label="Messages">
              {rows.map((m) => (
                <li key={m.id}>
                  <button
                    type="button"
                    className={m.id === selected?.id ? "message-row active" : "message-row"}
                    onClick={() => setOpenId(m.id)}
                    aria-current={m.id === selected?.id ? "true" : undefined}
                  >
                    <span className="message-subject">{m.subject}</span>
                    <span className="muted small">
                      <Badge tone={CHANNEL_TONES[m.channel] ?? "neutral"}>{humanize(m.channel)}</Badge>{" "}
                      {m.customerRef} · {humanize(m.step)} · {formatInstant(m.createdAt)}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
            {pages.hasNextPage ? (
              <LoadMore onClick={() => void pages.fetchNextPage()} busy={pages.isFetchingNextPage} />
            ) : null}
          </div>
          {selected ? <MessageView message={selected} /> : null}
        </div>
      ) : null}
    </div>
  );
}

export function MessageView({ message }: { message: OutboxMessage }) {
  return (
    <article className="card message-view" aria-label="Message" data-testid="message-view">
      <dl className="message-meta">
        <div>
          <dt>To</dt>
          <dd>{message.to.join(", ") || "—"}</dd>
        </div>
        <div>
          <dt>Customer</dt>
          <dd>
            <Link href={`/customers/${encodeURIComponent(message.customerRef)}`}>{message.customerRef}</Link>
          </dd>
        </div>
        <div>
          <dt>Step</dt>
          <dd>
            {humanize(message.step)} · {humanize(message.channel)} · {message.language.toUpperCase()}
          </dd>
        </div>
        <div>
          <dt>Delivery</dt>
          <dd>
            {message.deliveredBy === "outbox"
              ? "Kept in the outbox (no mail server configured)"
              : message.deliveredBy === "print"
                ? "Letter, to print"
                : message.deliveredBy}
          </dd>
        </div>
        <div>
          <dt>Invoices</dt>
          <dd>{message.invoiceRefs.join(", ")}</dd>
        </div>
      </dl>
      <h2 className="message-title">{message.subject}</h2>
      <pre className="message-body" data-testid="message-body">
        {message.body}
      </pre>
    </article>
  );
}
