import { useMemo } from "react";
import type { KpiTrend } from "../../api/types";
import { ChartCanvas, PALETTE } from "../../components/Chart";
import { Card, Loading } from "../../components/ui";
import { formatMonth, formatNumber } from "../../format";

type Month = KpiTrend["byCurrency"][number]["months"][number];

/** DSO (simple and countback) against best-possible DSO, month by month. */
export function DsoTrendCard({ months: loaded }: { months: Month[] | undefined }) {
  const months = useMemo(() => loaded ?? [], [loaded]);
  const config = useMemo(
    () => ({
      type: "line" as const,
      data: {
        labels: months.map((m) => formatMonth(m.month)),
        datasets: [
          {
            label: "DSO (simple)",
            data: months.map((m) => m.dso.simple),
            borderColor: PALETTE.blue,
            backgroundColor: PALETTE.blue,
            tension: 0.25,
          },
          {
            label: "DSO (countback)",
            data: months.map((m) => m.dso.countback),
            borderColor: PALETTE.purple,
            backgroundColor: PALETTE.purple,
            borderDash: [5, 4],
            tension: 0.25,
          },
          {
            label: "Best-possible DSO",
            data: months.map((m) => m.bestPossibleDso),
            borderColor: PALETTE.current,
            backgroundColor: "rgba(22,163,74,0.08)",
            fill: true,
            tension: 0.25,
          },
        ],
      },
      options: {
        plugins: { legend: { position: "bottom" as const, labels: { boxWidth: 12 } } },
        scales: {
          y: { beginAtZero: true, title: { display: true, text: "days" } },
          x: { grid: { display: false } },
        },
      },
    }),
    [months],
  );
  return (
    <Card title="DSO trend" className="span-2" testId="dso-trend">
      {loaded ? (
        <ChartCanvas
          config={config}
          label="DSO simple, DSO countback and best-possible DSO per month"
          height={260}
        />
      ) : (
        <Loading />
      )}
      <p className="chart-note">
        Each month is its own period (the current month up to today). The gap between DSO and best-possible
        DSO is the average days delinquent.
      </p>
    </Card>
  );
}

/** Average days delinquent and the collection effectiveness index, month by month. */
export function AddCeiCard({ months: loaded }: { months: Month[] | undefined }) {
  const months = useMemo(() => loaded ?? [], [loaded]);
  const config = useMemo(
    () => ({
      type: "bar" as const,
      data: {
        labels: months.map((m) => formatMonth(m.month)),
        datasets: [
          {
            type: "bar" as const,
            label: "CEI %",
            data: months.map((m) => m.cei),
            backgroundColor: PALETTE.blueLight,
            yAxisID: "cei",
          },
          {
            type: "line" as const,
            label: "ADD (days)",
            data: months.map((m) => m.add),
            borderColor: PALETTE.b3,
            backgroundColor: PALETTE.b3,
            yAxisID: "add",
            tension: 0.25,
          },
        ],
      },
      options: {
        plugins: { legend: { position: "bottom" as const, labels: { boxWidth: 12 } } },
        scales: {
          cei: { position: "left" as const, min: 0, max: 100, title: { display: true, text: "CEI %" } },
          add: {
            position: "right" as const,
            beginAtZero: true,
            grid: { display: false },
            title: { display: true, text: "ADD days" },
          },
          x: { grid: { display: false } },
        },
      },
    }),
    [months],
  );
  const last = months.at(-1);
  return (
    <Card title="Collection effectiveness" testId="cei-trend">
      {loaded ? (
        <ChartCanvas
          config={config}
          label="Collection effectiveness index and average days delinquent per month"
          height={220}
        />
      ) : (
        <Loading />
      )}
      <p className="chart-note">
        This month so far: CEI {formatNumber(last?.cei ?? null, 1)} %, ADD{" "}
        {formatNumber(last?.add ?? null, 1)} days.
      </p>
    </Card>
  );
}
