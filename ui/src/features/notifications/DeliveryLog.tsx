import { Badge, Button, Center, Chip, Group, Loader, Stack, Table, Text, TextInput, Tooltip } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Delivery } from "../../bindings/Delivery";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatCount } from "../../lib/format";
import { campaignDeliveries, type DeliveryState } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { useSearchBox } from "../../lib/useSearchBox";
import { formatLocal } from "../releases/time";
import { DELIVERY_FILTERS } from "./labels";
import { DeliveryStateBadge } from "./parts";

/** Rows per request; "More" asks for the next page. */
export const DELIVERY_PAGE = 100;

function DeliveryRow({ d }: { d: Delivery }) {
  return (
    <Table.Tr data-testid="delivery-row" data-email={d.email} data-state={d.state} data-duplicate={d.possibleDuplicate || undefined}>
      <Table.Td className="mono" style={{ wordBreak: "break-all" }}>
        {d.email}
      </Table.Td>
      <Table.Td>
        {d.name}
        {d.purpose === "cancel" && (
          <Badge size="xs" variant="outline" color="gray" ml={6} tt="none">
            calendar cancellation
          </Badge>
        )}
      </Table.Td>
      <Table.Td ta="right" className="num">
        {formatCount(d.computers)}
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <DeliveryStateBadge state={d.state} />
          {d.possibleDuplicate && (
            <Tooltip label="Tried again after a send that may have reached the server: this person may have the message twice." multiline w={260} withArrow>
              <Badge size="sm" color="orange" variant="outline" tt="none" data-testid="delivery-duplicate">
                possible duplicate
              </Badge>
            </Tooltip>
          )}
        </Group>
      </Table.Td>
      <Table.Td ta="right" className="num">
        {d.attempts}
      </Table.Td>
      <Table.Td>
        {d.sentAt ? (
          formatLocal(d.sentAt)
        ) : d.state === "queued" && d.attempts > 0 ? (
          <Text span size="xs" c="dimmed">
            next try {formatLocal(d.nextAttemptAt)}
          </Text>
        ) : (
          <Text span size="xs" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {d.lastError ? (
          <Text size="xs" c={d.state === "failed" ? "red.7" : "dimmed"} lineClamp={2} title={d.lastError}>
            {d.lastError}
          </Text>
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}

/** Every message of the campaign: its state, tries, time sent and the server's last answer. */
export function DeliveryLog({ id, live }: { id: number; live: boolean }) {
  const [filter, setFilter] = useState<DeliveryState | "all">("all");
  const { text, setText, ref, search } = useSearchBox();
  const state = filter === "all" ? null : filter;
  const log = useInfiniteQuery({
    queryKey: queryKeys.campaignDeliveries(id, state, search),
    queryFn: ({ pageParam }) => campaignDeliveries(id, state, search, DELIVERY_PAGE, pageParam),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => (last.length === DELIVERY_PAGE ? pages.length * DELIVERY_PAGE : undefined),
    refetchInterval: live ? 1000 : false,
    placeholderData: keepPreviousData,
  });
  const rows = log.data?.pages.flat() ?? [];

  return (
    <Stack gap="sm" data-testid="delivery-log">
      <Group justify="space-between" gap="sm">
        <Chip.Group multiple={false} value={filter} onChange={(v) => setFilter(v as DeliveryState | "all")}>
          <Group gap={6}>
            {DELIVERY_FILTERS.map((f) => (
              <Chip key={f.value} value={f.value} size="sm" variant="outline" data-testid={`delivery-filter-${f.value}`}>
                {f.label}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
        <TextInput
          ref={ref}
          placeholder="Search e-mail or name"
          leftSection={<IconSearch size={14} />}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          w={280}
          aria-label="Search the delivery log"
          data-testid="delivery-search"
        />
      </Group>
      {log.isError && <ErrorAlert error={log.error} onRetry={() => void log.refetch()} />}
      {log.isPending ? (
        <Center py="lg">
          <Loader size="sm" aria-label="Loading" />
        </Center>
      ) : rows.length === 0 ? (
        <Text size="sm" c="dimmed" py="sm" data-testid="delivery-empty">
          {state || search ? "No message matches." : "No messages."}
        </Text>
      ) : (
        <div className="table-frame">
          <Table fz="sm" verticalSpacing={4} highlightOnHover aria-label="Delivery log">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>E-mail</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th ta="right" w={90}>
                  Computers
                </Table.Th>
                <Table.Th w={200}>State</Table.Th>
                <Table.Th ta="right" w={80}>
                  Attempts
                </Table.Th>
                <Table.Th w={150}>Sent at</Table.Th>
                <Table.Th w="24%">Last error</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((d) => (
                <DeliveryRow key={d.id} d={d} />
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
      {log.hasNextPage && (
        <Group justify="center">
          <Button variant="default" onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage} data-testid="delivery-more">
            Show {DELIVERY_PAGE} more
          </Button>
        </Group>
      )}
    </Stack>
  );
}
