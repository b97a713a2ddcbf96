import { useMemo } from "react";
import type { CashForecast } from "../../api/types";
import { ChartCanvas, PALETTE } from "../../components/Chart";
import { Card, Empty, Loading } from "../../components/ui";
import { formatMajor, formatMoney, formatShortDate, toMajor } from "../../format";

/** Cash expected by week from the open items' due dates; overdue shown apart (it is not scheduled). */
export function CashForecastCard({ data, currency }: { data: CashForecast | undefined; currency: string }) {
  const forecast = data?.byCurrency.find((c) => c.currency === currency);
  const config = useMemo(
    () => ({
      type: "bar" as const,
      data: {
        labels: forecast?.weeks.map((w) => formatShortDate(w.from)) ?? [],
        datasets: [
          {
            label: "Falling due",
            data: forecast?.weeks.map((w) => toMajor(w.amount, currency)) ?? [],
            backgroundColor: PALETTE.blue,
            borderRadius: 3,
          },
        ],
      },
      options: {
        plugins: { legend: { display: false } },
        scales: {
          x: { grid: { display: false }, title: { display: true, text: "week starting" } },
          y: { ticks: { callback: (v: string | number) => formatMajor(Number(v), currency, true) } },
        },
      },
    }),
    [forecast, currency],
  );
  const scheduled = forecast?.weeks.reduce((sum, w) => sum + w.amount, 0) ?? 0;
  return (
    <Card title="Cash expected, next 8 weeks" testId="cash-forecast">
      {!data ? (
        <Loading />
      ) : !forecast ? (
        <Empty>No open items.</Empty>
      ) : (
        <>
          <ChartCanvas
            config={config}
            label="Open amounts falling due in each of the next weeks"
            height={200}
          />
          <dl className="facts">
            <div>
              <dt>Due in 8 weeks</dt>
              <dd>{formatMoney(scheduled, currency)}</dd>
            </div>
            <div>
              <dt>Already overdue</dt>
              <dd className="bad">{formatMoney(forecast.overdue, currency)}</dd>
            </div>
            <div>
              <dt>Due later</dt>
              <dd>{formatMoney(forecast.later, currency)}</dd>
            </div>
          </dl>
          <p className="chart-note">By contractual due date, not a prediction of when customers will pay.</p>
        </>
      )}
    </Card>
  );
}
