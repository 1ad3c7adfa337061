import { Center, Loader, UnstyledButton } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconArrowDown, IconArrowUp, IconSelector } from "@tabler/icons-react";
import { useQueries } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { ErrorAlert } from "./ErrorAlert";
import { PAGE_SIZE, pageQueryKey, type Page, type PagedSource } from "./pagedSource";

export const ROW_HEIGHT = 36;
const HEADER_HEIGHT = 36;
const OVERSCAN = 12;
/** Pages not in the cache are requested once the visible range has been still this long (fast scrolls skip pages). */
const FETCH_SETTLE_MS = 60;

export interface Column<Row, SortKey extends string> {
  id: string;
  header: string;
  /** Full name (Columns menu, sort tooltip) when `header` is abbreviated. */
  label?: string;
  /** Minimum width in px; extra width is shared out by `grow`. */
  width: number;
  grow?: number;
  align?: "left" | "right" | "center";
  /** When set, the header sorts the list by this key. */
  sortKey?: SortKey;
  cell: (row: Row) => ReactNode;
  /** Tooltip for the cell (full text of a truncated value). */
  title?: (row: Row) => string | undefined;
  /** False for a column the Columns menu must not hide (the row's name). Defaults to true. */
  hideable?: boolean;
  /** Left out until the user shows it from the Columns menu. */
  hiddenByDefault?: boolean;
}

interface VirtualTableProps<Row, SortKey extends string> {
  source: PagedSource<Row>;
  columns: Column<Row, SortKey>[];
  sort: SortKey;
  descending: boolean;
  onSort: (key: SortKey) => void;
  rowKey: (row: Row) => string | number;
  /** Extra attributes of a loaded row (test ids, data-name…). */
  rowAttributes?: (row: Row) => Record<string, string>;
  selectedKey?: string | number | null;
  onOpen?: (row: Row) => void;
  /** Shown when the filters match nothing. */
  empty: ReactNode;
  label: string;
}

/**
 * A virtualized, server-paged table: the scroll area is sized for every matching row at a
 * fixed height, and only the pages of the rows in view are fetched. Rows not loaded yet show
 * a skeleton. Arrow keys, Page Up/Down, Home/End move between rows; Enter opens one.
 */
export function VirtualTable<Row, SortKey extends string>(props: VirtualTableProps<Row, SortKey>) {
  const { source, columns, sort, descending, onSort, rowKey, rowAttributes, selectedKey, onOpen, empty, label } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const pendingFocus = useRef<number | null>(null);
  const [active, setActive] = useState(0);

  const known = source.total !== undefined;
  const count = source.sizingTotal;

  // TanStack Virtual returns new functions on every render by design; the React Compiler
  // lint rule flags it as incompatible with memoization, which this component does not rely on.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    scrollMargin: HEADER_HEIGHT,
    initialRect: { width: 1200, height: 720 },
  });
  const items = virtualizer.getVirtualItems();

  // The pages the visible rows fall in (page 0 comes with the source).
  const visiblePages = useMemo(() => {
    const set = new Set<number>();
    for (const item of items) set.add(Math.floor(item.index / PAGE_SIZE));
    set.delete(0);
    return [...set].sort((a, b) => a - b);
  }, [items]);
  const [settled] = useDebouncedValue(visiblePages.join(","), FETCH_SETTLE_MS);
  const settledPages = useMemo(() => new Set(settled.split(",").filter(Boolean).map(Number)), [settled]);

  const pageResults = useQueries({
    queries: visiblePages.map((p) => ({
      queryKey: pageQueryKey(source.baseKey, p),
      queryFn: () => source.fetchPage(p * PAGE_SIZE, PAGE_SIZE),
      enabled: known && settledPages.has(p),
    })),
  });

  const pages = new Map<number, Page<Row>>();
  if (known && source.first.data) pages.set(0, source.first.data);
  visiblePages.forEach((p, i) => {
    const data = pageResults[i]?.data;
    if (data) pages.set(p, data);
  });
  const rowAt = (index: number): Row | undefined => {
    const p = Math.floor(index / PAGE_SIZE);
    return pages.get(p)?.rows[index - p * PAGE_SIZE];
  };

  // New filters or sort: back to the top.
  const keyString = JSON.stringify(source.baseKey);
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    pendingFocus.current = null;
  }, [keyString]);

  // Keyboard navigation scrolls first, then focuses the row once it is rendered.
  useEffect(() => {
    const wanted = pendingFocus.current;
    if (wanted == null) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${wanted}"]`);
    if (el) {
      el.focus({ preventScroll: true });
      pendingFocus.current = null;
    }
  });

  const template = columns.map((c) => `minmax(${c.width}px, ${c.grow ?? 1}fr)`).join(" ");
  const minWidth = columns.reduce((sum, c) => sum + c.width, 0);

  const moveTo = (index: number) => {
    if (count === 0) return;
    const next = Math.max(0, Math.min(count - 1, index));
    setActive(next);
    pendingFocus.current = next;
    virtualizer.scrollToIndex(next, { align: "auto" });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    const index = Number(target.dataset.index ?? active);
    const perPage = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 360) / ROW_HEIGHT) - 2);
    switch (event.key) {
      case "ArrowDown":
        moveTo(index + 1);
        break;
      case "ArrowUp":
        moveTo(index - 1);
        break;
      case "PageDown":
        moveTo(index + perPage);
        break;
      case "PageUp":
        moveTo(index - perPage);
        break;
      case "Home":
        moveTo(0);
        break;
      case "End":
        moveTo(count - 1);
        break;
      case "Enter":
      case " ": {
        const row = rowAt(index);
        if (row && onOpen) onOpen(row);
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  };

  const tabbable = items.some((i) => i.index === active) ? active : (items[0]?.index ?? -1);

  if (source.first.isError && !source.first.data) {
    return <ErrorAlert error={source.first.error} onRetry={() => void source.first.refetch()} />;
  }
  const failedPage = pageResults.find((r) => r.isError);
  const failure = source.first.isError ? source.first : failedPage;

  return (
    <>
      {failure && (
        <div className="vt-error">
          <ErrorAlert
            title="Some rows could not be loaded"
            error={failure.error}
            onRetry={() => void failure.refetch()}
          />
        </div>
      )}
      <div
        className="vt-scroll"
        ref={scrollRef}
        role="table"
        aria-label={label}
        aria-rowcount={known ? (source.total ?? 0) + 1 : -1}
        aria-busy={!known}
      >
        <div className="vt-inner" style={{ minWidth }}>
          <div role="rowgroup" className="vt-head">
            <div role="row" className="vt-header" style={{ gridTemplateColumns: template }} aria-rowindex={1}>
              {columns.map((col) => {
                const sorted = col.sortKey !== undefined && col.sortKey === sort;
                const ariaSort = sorted ? (descending ? "descending" : "ascending") : col.sortKey ? "none" : undefined;
                return (
                  <div
                    key={col.id}
                    role="columnheader"
                    aria-sort={ariaSort}
                    className="vt-hcell"
                    data-align={col.align ?? "left"}
                  >
                    {col.sortKey ? (
                      <UnstyledButton
                        className="vt-sort"
                        data-sorted={sorted || undefined}
                        onClick={() => onSort(col.sortKey as SortKey)}
                        title={`Sort by ${col.label ?? col.header}`}
                      >
                        <span className="vt-sort-label">{col.header}</span>
                        {sorted ? (
                          descending ? (
                            <IconArrowDown size={13} stroke={2} />
                          ) : (
                            <IconArrowUp size={13} stroke={2} />
                          )
                        ) : (
                          <IconSelector size={13} stroke={1.5} className="vt-sort-idle" />
                        )}
                      </UnstyledButton>
                    ) : (
                      <span className="vt-sort-label" title={col.label}>
                        {col.header}
                      </span>
                    )}
                  </div>
                );
              })}
            </div>
          </div>
          {known && count === 0 ? (
            <div className="vt-empty">{empty}</div>
          ) : !known && count === 0 ? (
            <Center h={200}>
              <Loader size="sm" aria-label="Loading" />
            </Center>
          ) : (
            <div role="rowgroup" className="vt-body" style={{ height: virtualizer.getTotalSize() }} onKeyDown={onKeyDown}>
              {items.map((item) => {
                const row = rowAt(item.index);
                const style = { transform: `translateY(${item.start - HEADER_HEIGHT}px)`, gridTemplateColumns: template };
                if (!row) {
                  return (
                    <div
                      key={`s${item.index}`}
                      role="row"
                      className="vt-row vt-row-loading"
                      style={style}
                      aria-rowindex={item.index + 2}
                      aria-busy
                      data-index={item.index}
                      data-odd={item.index % 2 === 1 || undefined}
                    >
                      {columns.map((col, ci) => (
                        <div key={col.id} role="cell" className="vt-cell">
                          <div className="vt-skel" style={{ width: `${45 + ((item.index * 7 + ci * 13) % 40)}%` }} />
                        </div>
                      ))}
                    </div>
                  );
                }
                const key = rowKey(row);
                return (
                  <div
                    key={key}
                    role="row"
                    className={onOpen ? "vt-row" : "vt-row vt-row-static"}
                    style={style}
                    aria-rowindex={item.index + 2}
                    aria-selected={selectedKey === key}
                    data-index={item.index}
                    data-odd={item.index % 2 === 1 || undefined}
                    tabIndex={item.index === tabbable ? 0 : -1}
                    onClick={() => {
                      setActive(item.index);
                      onOpen?.(row);
                    }}
                    onFocus={() => setActive(item.index)}
                    {...rowAttributes?.(row)}
                  >
                    {columns.map((col) => (
                      <div
                        key={col.id}
                        role="cell"
                        className="vt-cell"
                        data-align={col.align ?? "left"}
                        title={col.title?.(row)}
                      >
                        {col.cell(row)}
                      </div>
                    ))}
                  </div>
                );
              })}
            </div>
          )}
        </div>
      </div>
    </>
  );
}
