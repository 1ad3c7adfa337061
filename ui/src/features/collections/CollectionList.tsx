import { ActionIcon, Anchor, Button, Center, Group, Loader, Table, Text, TextInput, Tooltip, VisuallyHidden } from "@mantine/core";
import { IconChevronRight, IconPlus, IconRefresh, IconSearch, IconStack2, IconX } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useMemo, type KeyboardEvent } from "react";
import type { Collection } from "../../bindings/Collection";
import { EmptyState } from "../../components/EmptyState";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PageHeader } from "../../components/PageHeader";
import { formatCount, plural } from "../../lib/format";
import { collectionList } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { useNow } from "../../lib/useNow";
import { useSearchBox } from "../../lib/useSearchBox";
import { useEvaluateAll, useEvaluateCollection } from "./evaluation";
import { BuiltinBadge, ChangeCounts, EvaluatedAt, RulesSummary } from "./parts";
import { collectionHref, navigate, newCollectionHref } from "./routes";

/** Every collection (SPEC C3): its rules, members and what changed at its last evaluation. */
export function CollectionList() {
  const now = useNow();
  const list = useQuery({ queryKey: queryKeys.collectionList, queryFn: collectionList });
  const evaluate = useEvaluateCollection();
  const evaluateAll = useEvaluateAll();
  const { text: searchText, setText: setSearchText, ref: searchRef, search } = useSearchBox();

  const shown = useMemo(() => {
    const needle = search.toLowerCase();
    const all = list.data ?? [];
    return needle ? all.filter((c) => c.name.toLowerCase().includes(needle) || c.query.toLowerCase().includes(needle)) : all;
  }, [list.data, search]);

  const all = list.data;
  const userCount = all?.filter((c) => !c.builtin).length ?? 0;

  const open = (c: Collection) => navigate(collectionHref(c.id));
  const onRowKey = (c: Collection) => (event: KeyboardEvent<HTMLTableRowElement>) => {
    if (event.target !== event.currentTarget) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      open(c);
    }
  };

  let body;
  if (list.isPending) {
    body = (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  } else if (list.isError) {
    body = <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />;
  } else if (shown.length === 0) {
    body = search ? (
      <EmptyState icon={IconSearch} title="No collections match">
        No collection's name or query contains “{search}”.
      </EmptyState>
    ) : (
      <EmptyState icon={IconStack2} title="No collections yet">
        Collections decide which computers a rollout reaches.
      </EmptyState>
    );
  } else {
    body = (
      <div className="page-scroll table-frame">
        <Table highlightOnHover stickyHeader aria-label="Collections" className="collection-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Rules</Table.Th>
              <Table.Th ta="right" w={100}>
                Members
              </Table.Th>
              <Table.Th w={110} title="Entered / left at the last evaluation">
                Changes
              </Table.Th>
              <Table.Th w={110}>Evaluated</Table.Th>
              <Table.Th w={80}>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((c) => {
              const busy = evaluate.isPending && evaluate.variables === c.id;
              return (
                <Table.Tr
                  key={c.id}
                  className="clickable-row"
                  tabIndex={0}
                  onClick={() => open(c)}
                  onKeyDown={onRowKey(c)}
                  data-testid="collection-row"
                  data-name={c.name}
                  data-members={c.memberCount}
                  data-builtin={c.builtin ? "true" : undefined}
                >
                  <Table.Td maw={320}>
                    <Group gap={6} wrap="nowrap">
                      <Anchor href={collectionHref(c.id)} fw={500} size="sm" truncate="end" onClick={(e) => e.stopPropagation()} tabIndex={-1}>
                        {c.name}
                      </Anchor>
                      {c.builtin && <BuiltinBadge />}
                    </Group>
                    {c.description && (
                      <Text size="xs" c="dimmed" truncate="end" title={c.description}>
                        {c.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td maw={420}>
                    <RulesSummary collection={c} />
                  </Table.Td>
                  <Table.Td ta="right" className="num">
                    {c.evaluatedAt ? formatCount(c.memberCount) : <Text span size="sm" c="dimmed">—</Text>}
                  </Table.Td>
                  <Table.Td>
                    <ChangeCounts collection={c} />
                  </Table.Td>
                  <Table.Td>
                    <EvaluatedAt at={c.evaluatedAt} now={now} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap" justify="flex-end">
                      <Tooltip label="Evaluate now">
                        <ActionIcon
                          variant="subtle"
                          color="gray"
                          aria-label={`Evaluate ${c.name}`}
                          loading={busy}
                          disabled={evaluateAll.isPending}
                          onClick={(e) => {
                            e.stopPropagation();
                            evaluate.mutate(c.id);
                          }}
                          data-testid="collection-evaluate-row"
                        >
                          <IconRefresh size={16} stroke={1.6} />
                        </ActionIcon>
                      </Tooltip>
                      <Tooltip label="Open">
                        <ActionIcon
                          component="a"
                          href={collectionHref(c.id)}
                          variant="subtle"
                          color="gray"
                          aria-label={`Open ${c.name}`}
                          onClick={(e) => e.stopPropagation()}
                          data-testid="collection-open"
                        >
                          <IconChevronRight size={16} stroke={1.6} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </div>
    );
  }

  return (
    <>
      <PageHeader
        title="Collections"
        description={
          all ? (
            <span data-testid="collections-total">
              {plural(all.length, "collection")} · {formatCount(all.length - userCount)} built-in ·{" "}
              {formatCount(userCount)} yours
            </span>
          ) : (
            "Targeting: which computers a rollout reaches"
          )
        }
        actions={
          <>
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} />}
              loading={evaluateAll.isPending}
              onClick={() => evaluateAll.mutate()}
              data-testid="collection-evaluate-all"
            >
              Evaluate all
            </Button>
            <Button component="a" href={newCollectionHref} leftSection={<IconPlus size={16} />} data-testid="collection-new">
              New collection
            </Button>
          </>
        }
      />
      <Group gap="xs" mb="sm" role="search" aria-label="Filter collections">
        <TextInput
          placeholder="Search name or query"
          aria-label="Search collections"
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
          w={320}
          data-testid="collection-search"
        />
      </Group>
      {body}
    </>
  );
}
