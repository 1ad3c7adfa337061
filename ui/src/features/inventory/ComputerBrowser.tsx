import { ActionIcon, Button, Group, NativeSelect, Text, TextInput, Tooltip } from "@mantine/core";
import { IconFilterOff, IconRefresh, IconSearch, IconUsersGroup, IconX } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type ChangeEvent, type ReactNode } from "react";
import type { AgentState } from "../../bindings/AgentState";
import type { ClientPolicy } from "../../bindings/ClientPolicy";
import type { Computer } from "../../bindings/Computer";
import type { ComputerQuery } from "../../bindings/ComputerQuery";
import type { ComputerSort } from "../../bindings/ComputerSort";
import type { Role } from "../../bindings/Role";
import { useColumnVisibility } from "../../components/columnVisibility";
import { ColumnsMenu } from "../../components/ColumnsMenu";
import { EmptyState } from "../../components/EmptyState";
import { PageHeader } from "../../components/PageHeader";
import { usePagedSource } from "../../components/pagedSource";
import { useTableSort, type TableSort } from "../../components/tableSort";
import { VirtualTable } from "../../components/VirtualTable";
import { formatCount } from "../../lib/format";
import { inventoryFacets, inventoryList } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { useNow } from "../../lib/useNow";
import { useSearchBox } from "../../lib/useSearchBox";
import { computerColumns, INVENTORY_COLUMNS_KEY } from "./columns";
import { ComputerDrawer } from "./ComputerDrawer";
import { agentLabel, LAST_SEEN_OPTIONS, policyLabel, roleLabel } from "./labels";

interface Filters {
  site: string;
  role: string;
  os: string;
  policy: string;
  agent: string;
  lastSeen: string;
}

const NO_FILTERS: Filters = { site: "", role: "", os: "", policy: "", agent: "", lastSeen: "" };

/** Also where the list goes back to when the column it is sorted by is hidden. */
const DEFAULT_SORT: TableSort<ComputerSort> = { key: "name", descending: false };

type ListQuery = Omit<ComputerQuery, "offset" | "limit">;

function toQuery(
  filters: Filters,
  search: string,
  sort: ComputerSort,
  descending: boolean,
  collectionId: number | null,
): ListQuery {
  const lastSeen = LAST_SEEN_OPTIONS.find((o) => o.value === filters.lastSeen) ?? LAST_SEEN_OPTIONS[0];
  return {
    search: search || null,
    siteId: filters.site ? Number(filters.site) : null,
    role: (filters.role || null) as Role | null,
    osName: filters.os || null,
    clientPolicy: (filters.policy || null) as ClientPolicy | null,
    agentState: (filters.agent || null) as AgentState | null,
    lastSeenWithinDays: lastSeen.within,
    lastSeenOlderThanDays: lastSeen.olderThan,
    collectionId,
    sort,
    descending,
  };
}

interface ComputerBrowserProps {
  /** Only this collection's members (as of its last evaluation); the whole inventory when null. */
  collectionId?: number | null;
  /** The page title. Without one (inside another page) the total and actions form a toolbar. */
  title?: string;
  /** What "N of M computers match" compares with while filtered; the inventory's total by default. */
  unfilteredTotal?: number;
  /** Buttons after Columns and Refresh. */
  actions?: ReactNode;
}

/**
 * The computer list: search, filters, the virtualized server-paged table and the details
 * drawer. The Inventory page shows it for every computer; a collection for its members.
 */
export function ComputerBrowser({ collectionId = null, title, unfilteredTotal, actions }: ComputerBrowserProps) {
  const queryClient = useQueryClient();
  const now = useNow();
  const { text: searchText, setText: setSearchText, ref: searchRef, search } = useSearchBox();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const allColumns = useMemo(() => computerColumns(now), [now]);
  const columnVisibility = useColumnVisibility(INVENTORY_COLUMNS_KEY, allColumns);
  const [sort, setSort] = useTableSort(DEFAULT_SORT, columnVisibility.visible);
  const [selected, setSelected] = useState<Computer | null>(null);

  const facets = useQuery({ queryKey: queryKeys.facets, queryFn: inventoryFacets });

  const query = useMemo(
    () => toQuery(filters, search, sort.key, sort.descending, collectionId),
    [filters, search, sort, collectionId],
  );
  const source = usePagedSource(queryKeys.computerList(query), (offset, limit) => inventoryList({ ...query, offset, limit }));

  const setFilter = (key: keyof Filters) => (event: ChangeEvent<HTMLSelectElement>) => {
    const value = event.currentTarget.value;
    setFilters((f) => ({ ...f, [key]: value }));
  };
  const filtered = searchText.trim() !== "" || Object.values(filters).some((v) => v !== "");
  const clearFilters = () => {
    setFilters(NO_FILTERS);
    setSearchText("");
  };
  const onSort = (key: ComputerSort) =>
    setSort((s) => (s.key === key ? { key, descending: !s.descending } : { key, descending: false }));

  // The facet counts are the whole inventory's: inside a collection they would mislead.
  const withCounts = collectionId == null;
  const f = facets.data;
  const siteOptions = [
    { value: "", label: "All sites" },
    ...(f?.sites ?? []).map((s) => ({
      value: String(s.id),
      label: withCounts ? `${s.name} (${formatCount(s.computerCount)})` : s.name,
    })),
  ];
  const countOptions = (all: string, values: { value: string; count: number }[] | undefined, label: (v: string) => string) => [
    { value: "", label: all },
    ...(values ?? []).map((c) => ({
      value: c.value,
      label: withCounts ? `${label(c.value)} (${formatCount(c.count)})` : label(c.value),
    })),
  ];

  const total = source.total;
  const grandTotal = unfilteredTotal ?? f?.total;

  const totalElement = (
    <span data-testid="inventory-total" data-total={total} aria-live="polite">
      {total === undefined ? (
        "Counting…"
      ) : filtered && grandTotal !== undefined ? (
        <>
          <b>{formatCount(total)}</b> of {formatCount(grandTotal)} computers match
        </>
      ) : (
        <>
          <b>{formatCount(total)}</b> {total === 1 ? "computer" : "computers"}
        </>
      )}
    </span>
  );
  const headerActions = (
    <>
      <ColumnsMenu columns={allColumns} visibility={columnVisibility} data-testid="columns-menu" />
      <Tooltip label="Refresh">
        <ActionIcon
          variant="default"
          size="lg"
          aria-label="Refresh"
          onClick={() => void queryClient.invalidateQueries({ queryKey: queryKeys.inventory })}
          data-testid="inventory-refresh"
        >
          <IconRefresh size={18} stroke={1.6} />
        </ActionIcon>
      </Tooltip>
      {actions}
    </>
  );

  const empty =
    !filtered && collectionId != null ? (
      <EmptyState icon={IconUsersGroup} title="No members">
        <Text size="sm" c="dimmed">
          No computer matched this collection's rules at its last evaluation.
        </Text>
      </EmptyState>
    ) : (
      <EmptyState icon={IconSearch} title="No computers match">
        <Text size="sm" c="dimmed">
          {collectionId == null ? "Nothing in the inventory matches these filters." : "No member matches these filters."}
        </Text>
        <Button mt="sm" variant="default" size="xs" onClick={clearFilters}>
          Clear filters
        </Button>
      </EmptyState>
    );

  return (
    <>
      {title ? (
        <PageHeader title={title} description={totalElement} actions={headerActions} />
      ) : (
        <Group justify="space-between" wrap="nowrap" gap="md" mb="sm">
          <Text size="sm" c="dimmed">
            {totalElement}
          </Text>
          <Group gap="xs" wrap="nowrap">
            {headerActions}
          </Group>
        </Group>
      )}

      {/* One line in the default 1440 x 900 window (about 1,170 px of content): fixed-width
          selects (a long selected value is cut short), and the search box takes what is left. */}
      <Group gap="xs" mb="sm" wrap="wrap" role="search" aria-label="Filter computers">
        <TextInput
          placeholder="Search name, owner, e-mail, dept."
          aria-label="Search computers"
          leftSection={<IconSearch size={15} />}
          rightSection={
            searchText ? (
              <ActionIcon size="sm" variant="subtle" color="gray" aria-label="Clear search" onClick={() => setSearchText("")}>
                <IconX size={14} />
              </ActionIcon>
            ) : undefined
          }
          ref={searchRef}
          value={searchText}
          onChange={(e) => setSearchText(e.currentTarget.value)}
          flex="1 1 200px"
          miw={180}
          data-testid="filter-search"
        />
        <NativeSelect aria-label="Site" data={siteOptions} value={filters.site} onChange={setFilter("site")} w={135} data-testid="filter-site" />
        <NativeSelect
          aria-label="Role"
          data={countOptions("All roles", f?.roles, roleLabel)}
          value={filters.role}
          onChange={setFilter("role")}
          w={120}
          data-testid="filter-role"
        />
        <NativeSelect
          aria-label="Operating system"
          data={countOptions("All OS", f?.osNames, (v) => v)}
          value={filters.os}
          onChange={setFilter("os")}
          w={165}
          data-testid="filter-os"
        />
        <NativeSelect
          aria-label="Update-client policy"
          data={countOptions("All policies", f?.clientPolicies, policyLabel)}
          value={filters.policy}
          onChange={setFilter("policy")}
          w={135}
          data-testid="filter-policy"
        />
        <NativeSelect
          aria-label="Agent state"
          data={countOptions("All agents", f?.agentStates, agentLabel)}
          value={filters.agent}
          onChange={setFilter("agent")}
          w={125}
          data-testid="filter-agent"
        />
        <NativeSelect
          aria-label="Last seen"
          data={LAST_SEEN_OPTIONS.map((o) => ({ value: o.value, label: o.label }))}
          value={filters.lastSeen}
          onChange={setFilter("lastSeen")}
          w={145}
          data-testid="filter-last-seen"
        />
        {filtered && (
          <Tooltip label="Clear filters">
            <ActionIcon variant="subtle" color="gray" size="lg" aria-label="Clear filters" onClick={clearFilters} data-testid="filter-clear">
              <IconFilterOff size={16} stroke={1.6} />
            </ActionIcon>
          </Tooltip>
        )}
      </Group>

      <VirtualTable
        label={collectionId == null ? "Computers" : "Members"}
        source={source}
        columns={columnVisibility.visible}
        sort={sort.key}
        descending={sort.descending}
        onSort={onSort}
        rowKey={(c) => c.id}
        rowAttributes={(c) => ({ "data-testid": "computer-row", "data-name": c.name })}
        selectedKey={selected?.id ?? null}
        onOpen={setSelected}
        empty={empty}
      />

      <ComputerDrawer computer={selected} onClose={() => setSelected(null)} />
    </>
  );
}
