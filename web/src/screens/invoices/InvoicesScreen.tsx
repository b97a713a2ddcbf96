/** Invoices filtered on the server (status, currency, due range, customer), in cursor pages; the aging chart links here. */
import { api, reportFiltersOf } from "../../api/endpoints";
import { InvoiceTable } from "../../components/InvoiceTable";
import { CurrencyFilter, OverdueOnlyFilter } from "../../components/filters";
import { useCursorPages } from "../../components/use-cursor-pages";
import { useSearchState } from "../../components/use-search-state";
import { Empty, ErrorPanel, Loading, LoadMore, PageHeader } from "../../components/ui";
import { formatDate, segmentLabel } from "../../format";

export default function InvoicesScreen() {
  const [search, update] = useSearchState();
  const query = {
    status: search.status ?? "open",
    currency: search.currency,
    customer: search.customer,
    overdue: search.overdue,
    dueAfter: search.dueAfter,
    dueBefore: search.dueBefore,
    ...reportFiltersOf(search),
  };
  const narrowed = Object.entries(reportFiltersOf(search));
  const pages = useCursorPages(["invoices", query], (cursor) =>
    api.invoices({ ...query, limit: 100, ...(cursor ? { cursor } : {}) }),
  );
  const rows = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const range =
    search.dueAfter || search.dueBefore
      ? `due ${search.dueAfter ? `after ${formatDate(search.dueAfter)}` : ""}${search.dueAfter && search.dueBefore ? " and " : ""}${search.dueBefore ? `before ${formatDate(search.dueBefore)}` : ""}`
      : null;
  return (
    <div className="page" data-testid="invoices">
      <PageHeader title="Invoices" subtitle={range ? <>Showing invoices {range}</> : undefined} />
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label className="field compact">
          <span>Status</span>
          <select value={query.status} onChange={(e) => update({ status: e.target.value })}>
            <option value="open">Open</option>
            <option value="closed">Settled</option>
            <option value="all">All</option>
          </select>
        </label>
        <CurrencyFilter value={search.currency} onChange={(currency) => update({ currency })} />
        <label className="field compact">
          <span>Customer ref</span>
          <input
            value={search.customer ?? ""}
            onChange={(e) => update({ customer: e.target.value })}
            placeholder="e.g. C-0042"
          />
        </label>
        <OverdueOnlyFilter checked={search.overdue === "true"} onChange={(overdue) => update({ overdue })} />
        {narrowed.map(([key, value]) => (
          <button
            key={key}
            type="button"
            className="chip active"
            onClick={() => update({ [key]: undefined })}
            aria-label={`Remove the filter ${key} ${value}`}
          >
            {key}: {key === "segment" ? segmentLabel(value) : value} ✕
          </button>
        ))}
        {range ? (
          <button
            type="button"
            className="button ghost small"
            onClick={() => update({ dueAfter: undefined, dueBefore: undefined })}
          >
            Clear due range
          </button>
        ) : null}
      </form>
      {pages.error ? <ErrorPanel error={pages.error} /> : null}
      {pages.isPending ? <Loading /> : null}
      {pages.data && rows.length === 0 ? <Empty>No invoice matches.</Empty> : null}
      {rows.length > 0 ? (
        <div className="card table-scroll">
          <InvoiceTable invoices={rows} showCustomer testId="invoice-table" />
          {pages.hasNextPage ? (
            <LoadMore onClick={() => void pages.fetchNextPage()} busy={pages.isFetchingNextPage} />
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
