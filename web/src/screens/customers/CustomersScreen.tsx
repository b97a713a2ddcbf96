/** Customers with their balances, searched and filtered on the server, in cursor pages. */
import { useEffect, useState } from "react";
import { Link } from "wouter";
import { api } from "../../api/endpoints";
import { CurrencyFilter, OverdueOnlyFilter } from "../../components/filters";
import { useCursorPages } from "../../components/use-cursor-pages";
import { useSearchState } from "../../components/use-search-state";
import { Empty, ErrorPanel, Loading, LoadMore, PageHeader } from "../../components/ui";
import { formatMoney } from "../../format";

export default function CustomersScreen() {
  const [search, update] = useSearchState();
  const [text, setText] = useState(search.q ?? "");
  useEffect(() => {
    const timer = setTimeout(() => update({ q: text.trim() || undefined }), 250);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- debounce on the text only
  }, [text]);
  const filters = {
    q: search.q,
    currency: search.currency,
    overdue: search.overdue === "true" ? true : undefined,
  };
  const pages = useCursorPages(["customers", filters], (cursor) =>
    api.customers({ ...filters, limit: 50, ...(cursor ? { cursor } : {}) }),
  );
  const rows = pages.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page" data-testid="customers">
      <PageHeader title="Customers" />
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="field compact grow">
          <span>Search</span>
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Name or ref"
          />
        </label>
        <CurrencyFilter value={search.currency} onChange={(currency) => update({ currency })} />
        <OverdueOnlyFilter checked={search.overdue === "true"} onChange={(overdue) => update({ overdue })} />
      </form>
      {pages.error ? <ErrorPanel error={pages.error} /> : null}
      {pages.isPending ? <Loading /> : null}
      {pages.data && rows.length === 0 ? <Empty>No customer matches.</Empty> : null}
      {rows.length > 0 ? (
        <div className="card table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col" className="num">
                  Balance
                </th>
                <th scope="col" className="num">
                  Overdue
                </th>
                <th scope="col" className="num">
                  Credit limit
                </th>
                <th scope="col">Collector</th>
                <th scope="col">Sales owner</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.customerRef}>
                  <td>
                    <Link href={`/customers/${encodeURIComponent(c.customerRef)}`}>{c.name}</Link>
                    <div className="muted small">
                      {c.customerRef}
                      {c.country ? ` · ${c.country}` : ""} · {c.paymentTermsDays} days
                    </div>
                  </td>
                  <td className="num">{formatMoney(c.balance.amount, c.balance.currency)}</td>
                  <td className={c.overdue.amount > 0 ? "num bad" : "num"}>
                    {formatMoney(c.overdue.amount, c.overdue.currency)}
                  </td>
                  <td className="num">
                    {c.creditLimit ? formatMoney(c.creditLimit.amount, c.creditLimit.currency) : "—"}
                  </td>
                  <td className="muted">{c.collectorEmail ?? "—"}</td>
                  <td className="muted">{c.ownerEmail ?? "—"}</td>
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
