import type { RollRates } from "../../api/types";
import { Card, Empty, Loading } from "../../components/ui";
import { formatMonth, formatPercent } from "../../format";
import { bucketLabel } from "./bucket-links";

/** Roll rates between consecutive month-ends, as a heat table: the share of a bucket that rolled into the next. */
export function RollRatesCard({
  migration,
  currency,
}: {
  migration: RollRates | undefined;
  currency: string;
}) {
  const data = migration?.byCurrency.find((c) => c.currency === currency);
  const transitions = data?.transitions ?? [];
  const pairs = transitions[0]?.rollRates.map((r) => ({ from: r.from, to: r.to })) ?? [];
  return (
    <Card title="Roll rates" testId="roll-rates">
      {!migration ? (
        <Loading />
      ) : transitions.length === 0 ? (
        <Empty>Not enough month-ends yet.</Empty>
      ) : (
        <div className="table-scroll">
          <table className="table compact heat">
            <caption className="visually-hidden">
              Share of each bucket's balance that rolled into the next bucket between month-ends
            </caption>
            <thead>
              <tr>
                <th scope="col">Month</th>
                {pairs.map((p) => (
                  <th
                    scope="col"
                    key={p.from}
                    className="num"
                    title={`${bucketLabel(p.from)} → ${bucketLabel(p.to)}`}
                  >
                    {p.from === "current" ? "Current" : p.from} → {p.to}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {transitions.map((t) => (
                <tr key={t.to}>
                  <th scope="row">{formatMonth(t.to.slice(0, 7))}</th>
                  {t.rollRates.map((r) => (
                    <td key={r.from} className="num" style={{ background: heat(r.rate) }}>
                      {formatPercent(r.rate, 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="chart-note">A rising roll rate means more of a bucket is ageing instead of being paid.</p>
    </Card>
  );
}

/** White to light red: dark text stays readable (AA) on every shade. */
function heat(rate: number | null): string | undefined {
  if (rate === null) return undefined;
  const alpha = Math.min(1, Math.max(0, rate)) * 0.45;
  return `rgba(220, 38, 38, ${alpha.toFixed(3)})`;
}
