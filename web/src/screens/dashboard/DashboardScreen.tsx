/**
 * The CFO dashboard: headline KPIs for the period, aging by bucket (clickable to the invoices), the
 * DSO trend, collection effectiveness, roll rates, segments, top overdue accounts and the cash
 * expected. Every figure is computed by the server (src/analytics); the filters are server-side.
 */
import { useQuery } from "@tanstack/react-query";
import { api, reportFiltersOf } from "../../api/endpoints";
import type { Kpis } from "../../api/types";
import { useSearchState } from "../../components/use-search-state";
import { Card, ErrorPanel, Loading, PageHeader, Tile } from "../../components/ui";
import { addDays, formatDate, formatMoney, formatMoneyCompact, formatNumber } from "../../format";
import { AgingCard } from "./AgingCard";
import { CashForecastCard } from "./CashForecastCard";
import { DashboardFilters, PERIODS } from "./DashboardFilters";
import { RollRatesCard } from "./RollRatesCard";
import { SegmentsCard } from "./SegmentsCard";
import { TopOverdueCard } from "./TopOverdueCard";
import { AddCeiCard, DsoTrendCard } from "./TrendCards";

function kpisFor(
  report: import("../../api/types").KpiReport | undefined,
  currency: string,
): Kpis | undefined {
  if (!report) return undefined;
  return "byCurrency" in report
    ? report.byCurrency.find((k) => k.currency === currency)
    : report.currency === currency
      ? report
      : undefined;
}

export function DashboardScreen() {
  const [search, update] = useSearchState();
  const filters = reportFiltersOf(search);
  const periodDays = PERIODS.some((p) => String(p.days) === search.period) ? Number(search.period) : 90;

  const aging = useQuery({
    queryKey: ["aging", "totals", filters],
    queryFn: () => api.aging({ totalsOnly: true, ...filters }),
  });
  const asOf = aging.data?.asOf;
  const currencies = [...(aging.data?.totals ?? [])].sort((a, b) => b.total - a.total).map((t) => t.currency);
  const currency =
    search.currency && currencies.includes(search.currency) ? search.currency : (currencies[0] ?? "");
  const period = asOf ? { from: addDays(asOf, -(periodDays - 1)), to: asOf } : undefined;

  const kpis = useQuery({
    queryKey: ["kpis", period, filters],
    queryFn: () => api.kpis({ ...period!, ...filters }),
    enabled: period !== undefined,
  });
  // The headline figures first: the embedded database answers one query at a time, so the cards
  // further down ask only once the aging and the KPIs are on screen.
  const headlineShown = aging.isFetched && (kpis.isFetched || !kpis.isEnabled);
  const trend = useQuery({
    queryKey: ["kpi-trend", filters],
    queryFn: () => api.kpiTrend({ months: 12, ...filters }),
    enabled: headlineShown,
  });
  const migration = useQuery({
    queryKey: ["roll-rates", filters],
    queryFn: () => api.rollRates({ months: 6, ...filters }),
    enabled: headlineShown,
  });
  const segments = useQuery({
    queryKey: ["segments", filters],
    queryFn: () => api.segments(filters),
    enabled: headlineShown,
  });
  const topOverdue = useQuery({
    queryKey: ["top-overdue", currency, filters],
    queryFn: () => api.topOverdue({ currency, limit: 10, ...filters }),
    enabled: headlineShown && currency !== "",
  });
  const cash = useQuery({
    queryKey: ["cash-forecast", filters],
    queryFn: () => api.cashForecast({ weeks: 8, ...filters }),
    enabled: headlineShown,
  });

  if (aging.error) return <ErrorPanel error={aging.error} retry={() => void aging.refetch()} />;
  if (!aging.data) return <Loading label="Loading the dashboard…" />;

  const totals = aging.data.totals.find((t) => t.currency === currency);
  const overdue = totals ? totals.total - (totals.buckets.find((b) => b.key === "current")?.amount ?? 0) : 0;
  const k = kpisFor(kpis.data, currency);
  const months = trend.data
    ? (trend.data.byCurrency.find((c) => c.currency === currency)?.months ?? [])
    : undefined;

  return (
    <div className="page" data-testid="dashboard">
      <PageHeader
        title="Dashboard"
        subtitle={
          <>
            {currency} receivables as of {formatDate(asOf)}
            {period ? ` · KPIs for ${formatDate(period.from)} – ${formatDate(period.to)}` : ""}
          </>
        }
      />
      <DashboardFilters
        loadOptions={headlineShown}
        selection={{ ...filters, currency, periodDays }}
        currencies={currencies.length > 0 ? currencies : [currency]}
        onChange={update}
      />
      {currencies.length === 0 ? (
        <Card>
          <p>No open receivables match these filters.</p>
        </Card>
      ) : null}
      <div className="tiles" aria-label="Key figures">
        <Tile
          label="Open receivables"
          value={formatMoneyCompact(totals?.total ?? 0, currency)}
          hint={formatMoney(totals?.total ?? 0, currency)}
          testId="tile-ar"
        />
        <Tile
          label="Overdue"
          value={formatMoneyCompact(overdue, currency)}
          hint={totals?.total ? `${formatNumber((overdue / totals.total) * 100, 1)} % of open` : undefined}
          tone={totals?.total && overdue / totals.total > 0.3 ? "bad" : "warn"}
          testId="tile-overdue"
        />
        <Tile
          label="DSO"
          value={k ? `${formatNumber(k.dso.simple, 1)} d` : "…"}
          hint={k ? `Countback ${formatNumber(k.dso.countback, 1)} d` : undefined}
          testId="tile-dso"
        />
        <Tile
          label="Best-possible DSO"
          value={k ? `${formatNumber(k.bestPossibleDso, 1)} d` : "…"}
          hint="If every customer paid on time"
          testId="tile-bpdso"
        />
        <Tile
          label="Avg. days delinquent"
          value={k ? `${formatNumber(k.add, 1)} d` : "…"}
          hint="DSO − best-possible DSO"
          tone={k && (k.add ?? 0) > 15 ? "bad" : undefined}
          testId="tile-add"
        />
        <Tile
          label="CEI"
          value={k ? `${formatNumber(k.cei, 1)} %` : "…"}
          hint="Collected of what was collectible"
          tone={k && (k.cei ?? 0) >= 80 ? "good" : "warn"}
          testId="tile-cei"
        />
      </div>
      {kpis.error ? <ErrorPanel error={kpis.error} /> : null}
      <div className="grid">
        <AgingCard aging={aging.data} migration={migration.data} currency={currency} filters={filters} />
        <DsoTrendCard months={months} />
        <AddCeiCard months={months} />
        <RollRatesCard migration={migration.data} currency={currency} />
        <SegmentsCard data={segments.data} currency={currency} />
        <CashForecastCard data={cash.data} currency={currency} />
        <TopOverdueCard items={topOverdue.data?.items} />
      </div>
    </div>
  );
}
