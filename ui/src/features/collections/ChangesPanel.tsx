import { Badge, Button, Center, Group, Loader, SegmentedControl, Text } from "@mantine/core";
import { IconArrowsExchange, IconClockPause, IconSparkles } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { ChangeKind } from "../../bindings/ChangeKind";
import type { Collection } from "../../bindings/Collection";
import type { MembershipChange } from "../../bindings/MembershipChange";
import { EmptyState } from "../../components/EmptyState";
import { ErrorAlert } from "../../components/ErrorAlert";
import { usePagedSource } from "../../components/pagedSource";
import { VirtualTable, type Column } from "../../components/VirtualTable";
import { formatCount, formatUtc } from "../../lib/format";
import { collectionChanges } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { useLastEvaluation } from "./evaluation";

type ChangeSort = "change" | "name" | "site";

const COLUMNS: Column<MembershipChange, ChangeSort>[] = [
  {
    id: "change",
    header: "Change",
    width: 110,
    grow: 0,
    sortKey: "change",
    cell: (c) => (
      <Badge size="sm" variant="light" color={c.change === "entered" ? "teal" : "red"} tt="none">
        {c.change === "entered" ? "Entered" : "Left"}
      </Badge>
    ),
  },
  { id: "name", header: "Name", width: 200, grow: 1.2, sortKey: "name", cell: (c) => c.name, title: (c) => c.name },
  { id: "site", header: "Site", width: 160, grow: 1, sortKey: "site", cell: (c) => c.site || "—", title: (c) => c.site },
];

function compare(a: MembershipChange, b: MembershipChange, key: ChangeSort): number {
  const primary = key === "name" ? 0 : a[key].localeCompare(b[key]);
  return primary !== 0 ? primary : a.name.localeCompare(b.name);
}

/** Who entered and who left the collection at its last evaluation. */
export function ChangesPanel({ collection: c, onEvaluate, evaluating }: { collection: Collection; onEvaluate: () => void; evaluating: boolean }) {
  const changes = useQuery({ queryKey: queryKeys.collectionChanges(c.id), queryFn: () => collectionChanges(c.id) });
  const last = useLastEvaluation(c.id);
  const [filter, setFilter] = useState<"all" | ChangeKind>("all");
  const [sort, setSort] = useState<{ key: ChangeSort; descending: boolean }>({ key: "change", descending: false });

  const rows = useMemo(() => {
    const all = changes.data ?? [];
    const picked = filter === "all" ? all : all.filter((ch) => ch.change === filter);
    const sorted = [...picked].sort((a, b) => compare(a, b, sort.key));
    return sort.descending ? sorted.reverse() : sorted;
  }, [changes.data, filter, sort]);

  // The list is in memory; the virtual table pages through it like a server list. The key
  // names the fetch it came from, so a re-evaluation never shows stale pages.
  const source = usePagedSource(
    ["collections", "changes", c.id, "view", changes.dataUpdatedAt, filter, sort],
    (offset, limit) => Promise.resolve({ total: rows.length, offset, rows: rows.slice(offset, offset + limit) }),
  );

  if (!c.evaluatedAt) {
    return (
      <EmptyState
        icon={IconClockPause}
        title="Not evaluated yet"
        actions={
          <Button onClick={onEvaluate} loading={evaluating}>
            Evaluate now
          </Button>
        }
      >
        Who entered and who left is recorded at each evaluation.
      </EmptyState>
    );
  }
  if (changes.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (changes.isError) return <ErrorAlert error={changes.error} onRetry={() => void changes.refetch()} />;

  const all = changes.data;
  if (all.length === 0) {
    // The core records no lists at a first evaluation; only the evaluation's outcome says it was one.
    const first = last?.first === true && last.evaluatedAt === c.evaluatedAt;
    return first ? (
      <EmptyState icon={IconSparkles} title="First evaluation: everyone is new" data-testid="changes-empty">
        All {formatCount(c.memberCount)} members came in at the first evaluation ({formatUtc(c.evaluatedAt)}). Who enters and who
        leaves is recorded from the next evaluation on.
      </EmptyState>
    ) : (
      <EmptyState icon={IconArrowsExchange} title="No changes at the last evaluation" data-testid="changes-empty">
        Nobody entered or left the collection when it was last evaluated ({formatUtc(c.evaluatedAt)}).
      </EmptyState>
    );
  }

  const entered = all.filter((ch) => ch.change === "entered").length;
  const left = all.length - entered;
  return (
    <>
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <SegmentedControl
          size="xs"
          value={filter}
          onChange={(v) => setFilter(v as "all" | ChangeKind)}
          aria-label="Show"
          data={[
            { value: "all", label: `All (${formatCount(all.length)})` },
            { value: "entered", label: `Entered (${formatCount(entered)})` },
            { value: "left", label: `Left (${formatCount(left)})` },
          ]}
        />
        <Text size="sm" c="dimmed">
          At the evaluation of {formatUtc(c.evaluatedAt)}
        </Text>
      </Group>
      <VirtualTable
        label="Membership changes"
        source={source}
        columns={COLUMNS}
        sort={sort.key}
        descending={sort.descending}
        onSort={(key) => setSort((s) => (s.key === key ? { key, descending: !s.descending } : { key, descending: false }))}
        rowKey={(ch) => `${ch.change}-${ch.computerId}`}
        rowAttributes={(ch) => ({ "data-testid": "change-row", "data-change": ch.change, "data-name": ch.name })}
        empty={
          <EmptyState icon={IconArrowsExchange} title={filter === "entered" ? "Nobody entered" : "Nobody left"}>
            Nothing of this kind at the last evaluation.
          </EmptyState>
        }
      />
    </>
  );
}
