/** Invoices filtered on the server (status, currency, due range, customer), in cursor pages; the aging chart links here. */
import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { api } from "../../api/endpoints";
import { useSearchState } from "../../components/use-search-state";
import { Badge, Empty, ErrorPanel, Loading, LoadMore, PageHeader } from "../../components/ui";
import { formatDate, formatMoney, formatNumber } from "../../format";

export default function InvoicesScreen() {
  const [search, update] = useSearchState();
  const query = {
    status: search.status ?? "open",
    currency: search.currency,
    customer: search.customer,
    overdue: search.overdue,
    dueAfter: search.dueAfter,
    dueBefore: search.dueBefore,
  };
  const pages = useInfiniteQuery({
    queryKey: ["invoices", query],
    queryFn: ({ pageParam }) =>
      api.invoices({ ...query, limit: 100, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
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
        <label className="field compact">
          <span>Currency</span>
          <select value={search.currency ?? ""} onChange={(e) => update({ currency: e.target.value })}>
            <option value="">All</option>
            <option>USD</option>
            <option>EUR</option>
            <option>GBP</option>
          </select>
        </label>
        <label className="field compact">
          <span>Customer ref</span>
          <input
            value={search.customer ?? ""}
            onChange={(e) => update({ customer: e.target.value })}
            placeholder="e.g. C-0042"
          />
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={search.overdue === "true"}
            onChange={(e) => update({ overdue: e.target.checked ? "true" : undefined })}
          />
          Overdue only
        </label>
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
          <table className="table" data-testid="invoice-table">
            <thead>
              <tr>
                <th scope="col">Invoice</th>
                <th scope="col">Customer</th>
                <th scope="col">Issued</th>
                <th scope="col">Due</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col" className="num">
                  Open
                </th>
                <th scope="col" className="num">
                  Days past due
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((i) => (
                <tr key={i.invoiceRef}>
                  <td>
                    {i.invoiceRef}
                    {i.poNumber ? <div className="muted small">PO {i.poNumber}</div> : null}
                  </td>
                  <td>
                    <Link href={`/customers/${encodeURIComponent(i.customerRef)}`}>{i.customerRef}</Link>
                  </td>
                  <td>{formatDate(i.issueDate)}</td>
                  <td>{formatDate(i.dueDate)}</td>
                  <td className="num">{formatMoney(i.amount.amount, i.amount.currency)}</td>
                  <td className="num strong">{formatMoney(i.open.amount, i.open.currency)}</td>
                  <td className="num">
                    {i.daysPastDue === null ? (
                      <Badge tone="good">Settled</Badge>
                    ) : i.daysPastDue > 0 ? (
                      <span className="bad">{formatNumber(i.daysPastDue)}</span>
                    ) : (
                      <span className="muted">not due</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {pages.hasNextPage ? (
            <LoadMore onClick={() => void pages.fetchNextPage()} busy={pages.isFetchingNextPage} />
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
