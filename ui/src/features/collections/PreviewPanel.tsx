import { Alert, Center, Group, Loader, ScrollArea, Stack, Table, Text, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconAlertTriangle, IconInfoCircle } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { CollectionInput } from "../../bindings/CollectionInput";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatCount, formatDuration } from "../../lib/format";
import { collectionPreview, queryErrorOf } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { roleLabel } from "../inventory/labels";

/** Waits this long after the last edit before asking for a new count. */
export const PREVIEW_DEBOUNCE_MS = 300;

interface PreviewPanelProps {
  /** The draft's rules; null when it has no rule that adds computers. */
  draft: CollectionInput | null;
  /** The collection being edited (it cannot refer to itself); null for a new one. */
  id: number | null;
  /** The draft is about to change (its query text is being printed). */
  waiting: boolean;
}

/**
 * The live count and first members of the draft. Each distinct draft is one cached request
 * (so a stale answer can never replace a newer one); the previous answer stays in view,
 * marked pending, while the next one runs.
 */
export function PreviewPanel({ draft, id, waiting }: PreviewPanelProps) {
  const serialised = draft ? JSON.stringify(draft) : "";
  const [debounced] = useDebouncedValue(serialised, PREVIEW_DEBOUNCE_MS);
  const preview = useQuery({
    queryKey: queryKeys.collectionPreview(id, debounced),
    queryFn: () => collectionPreview(JSON.parse(debounced) as CollectionInput, id),
    enabled: debounced !== "",
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 10_000,
  });
  const pending = waiting || serialised !== debounced || preview.isFetching;

  let body;
  if (!draft && waiting) {
    body = (
      <Center py="lg">
        <Loader size="sm" aria-label="Counting" />
      </Center>
    );
  } else if (!draft) {
    body = (
      <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />} data-testid="preview-empty">
        Add a query condition, a direct member or an included collection: a collection needs at least one rule that adds
        computers.
      </Alert>
    );
  } else if (preview.isError && !preview.isFetching) {
    const queryError = queryErrorOf(preview.error);
    body = queryError ? (
      <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="preview-error">
        The query has an error at line {queryError.line}, column {queryError.column}: {queryError.message}
      </Alert>
    ) : (
      <ErrorAlert error={preview.error} title="No preview" data-testid="preview-error" />
    );
  } else if (preview.data) {
    const { count, sample, elapsedMs } = preview.data;
    body = (
      <Stack gap="xs" className="preview-body">
        <Group gap="xs" align="baseline" wrap="nowrap">
          <Text
            size="xl"
            fw={600}
            data-testid="preview-count"
            data-count={count}
            data-pending={pending ? "true" : undefined}
            aria-live="polite"
            className={pending ? "preview-count preview-stale" : "preview-count"}
          >
            {formatCount(count)} {count === 1 ? "computer" : "computers"}
          </Text>
          {pending ? (
            <Loader size={14} aria-label="Updating" />
          ) : (
            <Text size="xs" c="dimmed">
              counted in {formatDuration(elapsedMs)}
            </Text>
          )}
        </Group>
        {count === 0 ? (
          <Text size="sm" c="dimmed">
            No computer meets these rules.
          </Text>
        ) : (
          <>
            <Text size="xs" c="dimmed">
              {count > sample.length ? `The first ${sample.length} of ${formatCount(count)}, by name` : "All of them, by name"}
            </Text>
            <ScrollArea className="preview-scroll" type="auto" offsetScrollbars>
              <Table fz="xs" verticalSpacing={3} horizontalSpacing={6} striped stickyHeader aria-label="Preview members" className="preview-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Site</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>OS</Table.Th>
                    <Table.Th>Version</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {sample.map((c) => (
                    <Table.Tr key={c.id} data-testid="preview-row" data-name={c.name}>
                      <Table.Td fw={500}>{c.name}</Table.Td>
                      <Table.Td>{c.site}</Table.Td>
                      <Table.Td>{roleLabel(c.role)}</Table.Td>
                      <Table.Td className="truncate-cell" title={c.osName}>
                        {c.osName}
                      </Table.Td>
                      <Table.Td>{c.osVersion}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea>
          </>
        )}
      </Stack>
    );
  } else {
    body = (
      <Center py="lg">
        <Loader size="sm" aria-label="Counting" />
      </Center>
    );
  }

  return (
    <Stack gap="xs" className="preview-panel" data-testid="collection-preview">
      <Title order={3} fz="md">
        Preview
      </Title>
      <Text size="xs" c="dimmed">
        Who these rules select now (nothing is saved). Included, excluded and limiting collections count with their members as of
        their last evaluation.
      </Text>
      {body}
    </Stack>
  );
}
