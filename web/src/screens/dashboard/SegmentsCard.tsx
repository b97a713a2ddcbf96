import { useMemo } from "react";
import type { SegmentDistribution } from "../../api/types";
import { ChartCanvas, PALETTE } from "../../components/Chart";
import { Card, Empty, Loading } from "../../components/ui";
import { formatMoney, formatNumber, segmentLabel, toMajor } from "../../format";

const SEGMENT_COLOURS: Record<string, string> = {
  "high-value-low-risk": PALETTE.blue,
  "high-value-high-risk": PALETTE.purple,
  "low-value-low-risk": PALETTE.teal,
  "low-value-high-risk": PALETTE.b2,
  "chronic-delinquent": PALETTE.b4,
  unprofiled: PALETTE.slate,
};

export function SegmentsCard({
  data,
  currency,
}: {
  data: SegmentDistribution | undefined;
  currency: string;
}) {
  const segments = useMemo(
    () => data?.byCurrency.find((c) => c.currency === currency)?.segments ?? [],
    [data, currency],
  );
  const config = useMemo(
    () => ({
      type: "doughnut" as const,
      data: {
        labels: segments.map((s) => segmentLabel(s.segment)),
        datasets: [
          {
            data: segments.map((s) => toMajor(s.open, currency)),
            backgroundColor: segments.map((s) => SEGMENT_COLOURS[s.segment] ?? PALETTE.slate),
            borderWidth: 1,
          },
        ],
      },
      options: { cutout: "62%", plugins: { legend: { display: false } } },
    }),
    [segments, currency],
  );
  return (
    <Card title="Open receivables by segment" testId="segments">
      {!data ? (
        <Loading />
      ) : segments.length === 0 ? (
        <Empty>No open receivables.</Empty>
      ) : (
        <div className="split narrow-chart">
          <ChartCanvas config={config} label="Open receivables by segment" height={180} />
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">Segment</th>
                <th scope="col" className="num">
                  Customers
                </th>
                <th scope="col" className="num">
                  Open
                </th>
                <th scope="col" className="num">
                  Overdue
                </th>
              </tr>
            </thead>
            <tbody>
              {segments.map((s) => (
                <tr key={s.segment}>
                  <td>
                    <span
                      className="swatch"
                      style={{ background: SEGMENT_COLOURS[s.segment] ?? PALETTE.slate }}
                      aria-hidden="true"
                    />
                    {segmentLabel(s.segment)}
                  </td>
                  <td className="num">{formatNumber(s.customers)}</td>
                  <td className="num">{formatMoney(s.open, currency)}</td>
                  <td className="num">{formatMoney(s.overdue, currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
