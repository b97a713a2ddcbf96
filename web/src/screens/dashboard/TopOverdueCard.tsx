import { Link } from "wouter";
import type { OverdueAccount } from "../../api/types";
import { Card, Empty, RatingBadge, Loading } from "../../components/ui";
import { formatMoney, formatNumber, segmentLabel } from "../../format";

export function TopOverdueCard({ items }: { items: OverdueAccount[] | undefined }) {
  return (
    <Card title="Top overdue accounts" className="span-2" testId="top-overdue">
      {!items ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty>Nothing is overdue.</Empty>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col" className="num">
                  Overdue
                </th>
                <th scope="col" className="num">
                  Oldest
                </th>
                <th scope="col">Risk</th>
                <th scope="col">Segment</th>
                <th scope="col">Collector</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={`${a.customerRef}/${a.currency}`}>
                  <td>
                    <Link href={`/customers/${encodeURIComponent(a.customerRef)}`}>{a.name}</Link>
                    <div className="muted small">
                      {a.customerRef} · {formatNumber(a.overdueInvoices)} invoice
                      {a.overdueInvoices === 1 ? "" : "s"}
                    </div>
                  </td>
                  <td className="num strong">{formatMoney(a.overdue, a.currency)}</td>
                  <td className="num">{formatNumber(a.oldestDaysPastDue)} d</td>
                  <td>
                    <RatingBadge rating={a.riskRating} />
                  </td>
                  <td>{segmentLabel(a.segment)}</td>
                  <td className="muted">{a.collectorEmail ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
