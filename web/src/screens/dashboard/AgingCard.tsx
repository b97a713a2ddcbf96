import { useCallback, useMemo } from "react";
import { useLocation } from "wouter";
import type { ReportFilters } from "../../api/endpoints";
import type { AgingReport, RollRates } from "../../api/types";
import { bucketColour, ChartCanvas } from "../../components/Chart";
import { Card } from "../../components/ui";
import { formatMajor, formatMoney, formatMonth, formatPercent, toMajor } from "../../format";
import { bucketLabel, invoiceFiltersForBucket } from "./bucket-links";

/**
 * Aging by bucket: the month-end snapshots of the last months and today, stacked by bucket; a
 * click on a bar segment (or a row of the table) opens the invoices of that bucket.
 */
export function AgingCard({
  aging,
  migration,
  currency,
  filters,
}: {
  aging: AgingReport;
  migration: RollRates | undefined;
  currency: string;
  /** The dashboard's filters, carried into the invoices list. */
  filters: ReportFilters;
}) {
  const [, navigate] = useLocation();
  const totals = aging.totals.find((t) => t.currency === currency);
  const buckets = useMemo(() => totals?.buckets ?? [], [totals]);
  const columns = useMemo(() => {
    const snapshots = migration?.byCurrency.find((c) => c.currency === currency)?.snapshots ?? [];
    return [
      ...snapshots
        .filter((s) => s.asOf < aging.asOf)
        .map((s) => ({ label: formatMonth(s.asOf.slice(0, 7)), buckets: s.buckets, asOf: s.asOf })),
      { label: "Today", buckets, asOf: aging.asOf },
    ];
  }, [migration, currency, buckets, aging.asOf]);

  const openBucket = useCallback(
    (key: string) => {
      const range = invoiceFiltersForBucket(key, aging.asOf);
      const params = new URLSearchParams({ status: "open", currency, ...filters, ...range });
      navigate(`/invoices?${params.toString()}`);
    },
    [aging.asOf, currency, filters, navigate],
  );

  const config = useMemo(
    () => ({
      type: "bar" as const,
      data: {
        labels: columns.map((c) => c.label),
        datasets: buckets.map((bucket, index) => ({
          label: bucketLabel(bucket.key),
          data: columns.map((c) =>
            toMajor(c.buckets.find((b) => b.key === bucket.key)?.amount ?? 0, currency),
          ),
          backgroundColor: bucketColour(index, buckets.length),
          stack: "aging",
          borderWidth: 0,
        })),
      },
      options: {
        plugins: {
          legend: { position: "bottom" as const, labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: (item: { dataset: { label?: string }; raw: unknown }) =>
                `${item.dataset.label}: ${formatMajor(Number(item.raw), currency)}`,
            },
          },
        },
        scales: {
          x: { stacked: true, grid: { display: false } },
          y: {
            stacked: true,
            ticks: { callback: (value: string | number) => formatMajor(Number(value), currency, true) },
          },
        },
        onClick: (_event: unknown, elements: { datasetIndex: number; index: number }[]) => {
          const hit = elements[0];
          if (hit && hit.index === columns.length - 1) openBucket(buckets[hit.datasetIndex]!.key);
        },
        onHover: (event: { native: Event | null }, elements: unknown[]) => {
          const target = event.native?.target as HTMLElement | undefined;
          if (target) target.style.cursor = elements.length > 0 ? "pointer" : "default";
        },
      },
    }),
    [columns, buckets, currency, openBucket],
  );

  const total = totals?.total ?? 0;
  return (
    <Card title="Aging by bucket" className="span-2" testId="aging-card">
      <div className="split">
        <ChartCanvas
          config={config}
          label={`Aging of ${currency} receivables by bucket at the last month-ends and today`}
          height={260}
          testId="aging-chart"
        />
        <table className="table compact" aria-label="Aging today">
          <thead>
            <tr>
              <th scope="col">Bucket (today)</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col" className="num">
                Share
              </th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((bucket, index) => (
              <tr key={bucket.key} data-testid={`aging-row-${bucket.key}`}>
                <td>
                  <span
                    className="swatch"
                    style={{ background: bucketColour(index, buckets.length) }}
                    aria-hidden="true"
                  />
                  <button type="button" className="link-button" onClick={() => openBucket(bucket.key)}>
                    {bucketLabel(bucket.key)}
                  </button>
                </td>
                <td className="num" data-testid={`aging-amount-${bucket.key}`}>
                  {formatMoney(bucket.amount, currency)}
                </td>
                <td className="num">{total ? formatPercent(bucket.amount / total) : "—"}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total open</th>
              <td className="num" data-testid="aging-total">
                {formatMoney(total, currency)}
              </td>
              <td />
            </tr>
            {totals && totals.unapplied !== 0 ? (
              <tr>
                <th scope="row">Unapplied cash and credits</th>
                <td className="num">{formatMoney(totals.unapplied, currency)}</td>
                <td />
              </tr>
            ) : null}
          </tfoot>
        </table>
      </div>
    </Card>
  );
}
