/** Filter controls shared by the list screens; their state lives in the URL (useSearchState). */
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/endpoints";

/** The currencies the organisation invoices in (from the server), or all of them. */
export function CurrencyFilter({
  value,
  onChange,
}: {
  value: string | undefined;
  onChange: (currency: string) => void;
}) {
  const options = useQuery({ queryKey: ["filter-options"], queryFn: api.filterOptions, staleTime: 300_000 });
  return (
    <label className="field compact">
      <span>Currency</span>
      <select value={value ?? ""} onChange={(e) => onChange(e.target.value)}>
        <option value="">All</option>
        {(options.data?.currencies ?? (value ? [value] : [])).map((currency) => (
          <option key={currency}>{currency}</option>
        ))}
      </select>
    </label>
  );
}

/** "Overdue only", as the `overdue=true` query parameter of the lists. */
export function OverdueOnlyFilter({
  checked,
  onChange,
}: {
  checked: boolean;
  onChange: (value: string | undefined) => void;
}) {
  return (
    <label className="checkbox">
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked ? "true" : undefined)}
      />
      Overdue only
    </label>
  );
}
