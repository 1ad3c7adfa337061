import { ActionIcon, Button, Center, Group, Loader, NativeSelect, Switch, Text, TextInput, Tooltip } from "@mantine/core";
import { IconFileImport, IconFilterOff, IconPackage, IconRefresh, IconSearch, IconX } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { UpdateQuery } from "../../bindings/UpdateQuery";
import type { UpdateSort } from "../../bindings/UpdateSort";
import { useColumnVisibility } from "../../components/columnVisibility";
import { ColumnsMenu } from "../../components/ColumnsMenu";
import { EmptyState } from "../../components/EmptyState";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PageHeader } from "../../components/PageHeader";
import { usePagedSource } from "../../components/pagedSource";
import { useTableSort, type TableSort } from "../../components/tableSort";
import { VirtualTable } from "../../components/VirtualTable";
import { formatCount } from "../../lib/format";
import { appSummary, catalogList } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { useImportDialog } from "../import/useImportDialog";
import { UPDATE_COLUMNS, UPDATES_COLUMNS_KEY } from "./columns";
import { CLASSIFICATIONS, SEVERITIES } from "./labels";
import { useSearchBox } from "../../lib/useSearchBox";

/** Newest first; also where the list goes back to when the column it is sorted by is hidden. */
const DEFAULT_SORT: TableSort<UpdateSort> = { key: "releaseDate", descending: true };

/** The update catalogue (SPEC C2). */
export function UpdatesPage() {
  const summary = useQuery({ queryKey: queryKeys.summary, queryFn: appSummary });
  const importDialog = useImportDialog("updates");

  let body;
  if (summary.isPending) {
    body = (
      <Center className="page">
        <Loader aria-label="Loading" />
      </Center>
    );
  } else if (summary.isError) {
    body = <ErrorAlert error={summary.error} onRetry={() => void summary.refetch()} />;
  } else if (summary.data.updates === 0) {
    body = (
      <>
        <PageHeader title="Updates" />
        <EmptyState
          icon={IconPackage}
          title="The update catalogue is empty"
          data-testid="updates-empty"
          actions={
            <Group gap="xs">
              <Button leftSection={<IconFileImport size={16} />} onClick={importDialog.open} data-testid="open-import-updates">
                Import CSV
              </Button>
            </Group>
          }
        >
          Import the updates you roll out (KB number, bulletin, title, classification, severity, product, release date…)
          from a CSV file. {summary.data.computers === 0 && "The demo organisation on the Inventory page comes with a catalogue too."}
        </EmptyState>
      </>
    );
  } else {
    body = <UpdatesBrowser onImport={importDialog.open} />;
  }

  return (
    <div className="page" data-testid="area-updates">
      {body}
      {importDialog.element}
    </div>
  );
}

function UpdatesBrowser({ onImport }: { onImport: () => void }) {
  const queryClient = useQueryClient();
  const { text: searchText, setText: setSearchText, ref: searchRef, search } = useSearchBox();
  const [severity, setSeverity] = useState("");
  const [classification, setClassification] = useState("");
  const [hideSuperseded, setHideSuperseded] = useState(false);
  const columnVisibility = useColumnVisibility(UPDATES_COLUMNS_KEY, UPDATE_COLUMNS);
  const [sort, setSort] = useTableSort(DEFAULT_SORT, columnVisibility.visible);

  const query = useMemo<Omit<UpdateQuery, "offset" | "limit">>(
    () => ({
      search: search || null,
      severity: severity || null,
      classification: classification || null,
      hideSuperseded,
      sort: sort.key,
      descending: sort.descending,
    }),
    [search, severity, classification, hideSuperseded, sort],
  );
  const source = usePagedSource(queryKeys.updateList(query), (offset, limit) => catalogList({ ...query, offset, limit }));
  const total = source.total;

  const filtered = searchText.trim() !== "" || severity !== "" || classification !== "" || hideSuperseded;
  const clearFilters = () => {
    setSearchText("");
    setSeverity("");
    setClassification("");
    setHideSuperseded(false);
  };
  const onSort = (key: UpdateSort) =>
    setSort((s) => (s.key === key ? { key, descending: !s.descending } : { key, descending: key === "releaseDate" }));

  return (
    <>
      <PageHeader
        title="Updates"
        description={
          <span data-testid="updates-total" data-total={total} aria-live="polite">
            {total === undefined ? (
              "Counting…"
            ) : (
              <>
                <b>{formatCount(total)}</b> {total === 1 ? "update" : "updates"}
                {filtered ? " match" : " in the catalogue"}
              </>
            )}
          </span>
        }
        actions={
          <>
            <ColumnsMenu columns={UPDATE_COLUMNS} visibility={columnVisibility} data-testid="updates-columns-menu" />
            <Tooltip label="Refresh">
              <ActionIcon
                variant="default"
                size="lg"
                aria-label="Refresh"
                onClick={() => void queryClient.invalidateQueries({ queryKey: queryKeys.catalog })}
                data-testid="updates-refresh"
              >
                <IconRefresh size={18} stroke={1.6} />
              </ActionIcon>
            </Tooltip>
            <Button leftSection={<IconFileImport size={16} />} onClick={onImport} data-testid="open-import-updates">
              Import CSV
            </Button>
          </>
        }
      />

      <Group gap="xs" mb="sm" wrap="wrap" role="search" aria-label="Filter updates">
        <TextInput
          placeholder="Search KB, bulletin, title, product"
          aria-label="Search updates"
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
          w={280}
          data-testid="updates-search"
        />
        <NativeSelect
          aria-label="Severity"
          data={[{ value: "", label: "All severities" }, ...SEVERITIES.map((s) => ({ value: s, label: s }))]}
          value={severity}
          onChange={(e) => setSeverity(e.currentTarget.value)}
          w={170}
          data-testid="filter-severity"
        />
        <NativeSelect
          aria-label="Classification"
          data={[{ value: "", label: "All classifications" }, ...CLASSIFICATIONS.map((c) => ({ value: c, label: c }))]}
          value={classification}
          onChange={(e) => setClassification(e.currentTarget.value)}
          w={200}
          data-testid="filter-classification"
        />
        <Switch
          label="Hide superseded"
          checked={hideSuperseded}
          onChange={(e) => setHideSuperseded(e.currentTarget.checked)}
          data-testid="filter-hide-superseded"
          ml="xs"
        />
        {filtered && (
          <Button variant="subtle" color="gray" leftSection={<IconFilterOff size={15} />} onClick={clearFilters}>
            Clear filters
          </Button>
        )}
      </Group>

      <VirtualTable
        label="Updates"
        source={source}
        columns={columnVisibility.visible}
        sort={sort.key}
        descending={sort.descending}
        onSort={onSort}
        rowKey={(u) => u.id}
        rowAttributes={(u) => ({ "data-testid": "update-row", "data-kb": u.kb })}
        empty={
          <EmptyState icon={IconSearch} title="No updates match">
            <Text size="sm" c="dimmed">
              Nothing in the catalogue matches these filters.
            </Text>
            <Button mt="sm" variant="default" size="xs" onClick={clearFilters}>
              Clear filters
            </Button>
          </EmptyState>
        }
      />
    </>
  );
}
