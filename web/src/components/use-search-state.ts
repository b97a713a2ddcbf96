import { useCallback, useMemo } from "react";
import { useLocation, useSearch } from "wouter";

/**
 * Screen state kept in the URL's query string (filters, the selected tab), so that a view can be
 * bookmarked, shared and restored with the back button. Empty values are removed.
 *
 * @example const [state, update] = useSearchState(); update({ currency: "EUR" })
 */
export function useSearchState(): [
  Record<string, string>,
  (changes: Record<string, string | undefined>) => void,
] {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const state = useMemo(() => Object.fromEntries(new URLSearchParams(search)), [search]);
  const update = useCallback(
    (changes: Record<string, string | undefined>) => {
      const params = new URLSearchParams(search);
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined || value === "") params.delete(key);
        else params.set(key, value);
      }
      const text = params.toString();
      navigate(text ? `${location}?${text}` : location, { replace: true });
    },
    [search, location, navigate],
  );
  return [state, update];
}
