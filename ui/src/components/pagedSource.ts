import { keepPreviousData, useQuery, type QueryKey, type UseQueryResult } from "@tanstack/react-query";
import type { CommandError } from "../lib/ipc/errors";

/** Rows fetched per request; the virtual table asks for the pages its visible rows fall in. */
export const PAGE_SIZE = 200;

export interface Page<Row> {
  total: number;
  offset: number;
  rows: Row[];
}

export type FetchPage<Row> = (offset: number, limit: number) => Promise<Page<Row>>;

/** A server-paged, server-sorted list: what one filter + sort combination returns. */
export interface PagedSource<Row> {
  /** Identifies the filters and sort; page `n` is cached under `[...baseKey, n]`. */
  baseKey: QueryKey;
  fetchPage: FetchPage<Row>;
  /** Page 0: it carries the total. Keeps the previous result as a placeholder while a new filter loads. */
  first: UseQueryResult<Page<Row>, CommandError>;
  /** How many rows match the current filters; undefined until page 0 for them has arrived. */
  total: number | undefined;
  /** Rows to size the scroll area with (the previous total while the new one loads). */
  sizingTotal: number;
}

export function pageQueryKey(baseKey: QueryKey, pageIndex: number): QueryKey {
  return [...baseKey, "page", pageIndex];
}

export function usePagedSource<Row>(baseKey: QueryKey, fetchPage: FetchPage<Row>): PagedSource<Row> {
  const first = useQuery({
    queryKey: pageQueryKey(baseKey, 0),
    queryFn: () => fetchPage(0, PAGE_SIZE),
    placeholderData: keepPreviousData,
  });
  const known = first.isSuccess && !first.isPlaceholderData;
  return {
    baseKey,
    fetchPage,
    first,
    total: known ? first.data.total : undefined,
    sizingTotal: first.data?.total ?? 0,
  };
}
