import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";

/**
 * A cursor-paged list (DESIGN 5.7): the first page, then each next one with the cursor the last
 * page returned, for a "Load more" button. `fetchPage` gets no cursor for the first page.
 *
 * @example const pages = useCursorPages(["customers", filters], (cursor) => api.customers({ ...filters, cursor }))
 */
export function useCursorPages<Page extends { nextCursor: string | null }>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | undefined) => Promise<Page>,
) {
  return useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam === "" ? undefined : pageParam),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
