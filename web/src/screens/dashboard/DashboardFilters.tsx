import { useQuery } from "@tanstack/react-query";
import { api, type ReportFilters } from "../../api/endpoints";
import { segmentLabel } from "../../format";

export interface DashboardSelection extends ReportFilters {
  currency: string;
  periodDays: number;
}

export const PERIODS = [
  { days: 30, label: "Last 30 days" },
  { days: 90, label: "Last 90 days" },
  { days: 365, label: "Last 12 months" },
];

/** The filter bar: every choice is a server-side filter of every report on the dashboard. */
export function DashboardFilters({
  loadOptions,
  selection,
  currencies,
  onChange,
}: {
  /** Ask for the filters' values (after the headline figures, which come first). */
  loadOptions: boolean;
  selection: DashboardSelection;
  currencies: string[];
  onChange: (changes: Record<string, string | undefined>) => void;
}) {
  const options = useQuery({
    queryKey: ["filter-options"],
    queryFn: api.filterOptions,
    staleTime: 300_000,
    enabled: loadOptions,
  });
  const o = options.data;
  return (
    <form className="filters" aria-label="Dashboard filters" onSubmit={(e) => e.preventDefault()}>
      <label className="field compact">
        <span>Currency</span>
        <select
          value={selection.currency}
          onChange={(e) => onChange({ currency: e.target.value })}
          data-testid="filter-currency"
        >
          {currencies.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label className="field compact">
        <span>Period</span>
        <select value={selection.periodDays} onChange={(e) => onChange({ period: e.target.value })}>
          {PERIODS.map((p) => (
            <option key={p.days} value={p.days}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      {o && o.entities.length > 1 ? (
        <label className="field compact">
          <span>Entity</span>
          <select value={selection.entity ?? ""} onChange={(e) => onChange({ entity: e.target.value })}>
            <option value="">All entities</option>
            {o.entities.map((entity) => (
              <option key={entity.code} value={entity.code}>
                {entity.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label className="field compact">
        <span>Segment</span>
        <select
          value={selection.segment ?? ""}
          onChange={(e) => onChange({ segment: e.target.value })}
          data-testid="filter-segment"
        >
          <option value="">All segments</option>
          {(o?.segments ?? []).map((s) => (
            <option key={s} value={s}>
              {segmentLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <label className="field compact">
        <span>Collector</span>
        <select value={selection.collector ?? ""} onChange={(e) => onChange({ collector: e.target.value })}>
          <option value="">All collectors</option>
          {(o?.collectors ?? []).map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label className="field compact">
        <span>Sales owner</span>
        <select value={selection.owner ?? ""} onChange={(e) => onChange({ owner: e.target.value })}>
          <option value="">All owners</option>
          {(o?.owners ?? []).map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
    </form>
  );
}
