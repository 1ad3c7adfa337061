import { ActionIcon, Button, Checkbox, Group, NativeSelect, Stack, Table, Text, TextInput } from "@mantine/core";
import { IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Day } from "../../bindings/Day";
import type { Recurrence } from "../../bindings/Recurrence";
import { ErrorAlert } from "../../components/ErrorAlert";
import { windowCreate, windowDelete, windowList } from "../../lib/ipc";
import { notifyError } from "../../lib/notify";
import { invalidateReleases, queryKeys } from "../../lib/queryKeys";

const DAYS: { value: Day; label: string }[] = [
  { value: "mon", label: "Mon" },
  { value: "tue", label: "Tue" },
  { value: "wed", label: "Wed" },
  { value: "thu", label: "Thu" },
  { value: "fri", label: "Fri" },
  { value: "sat", label: "Sat" },
  { value: "sun", label: "Sun" },
];

type Kind = Recurrence["kind"];

/** The maintenance windows of a collection: when its computers may install, in their site's time. */
export function WindowsPanel({ collectionId }: { collectionId: number }) {
  const client = useQueryClient();
  const list = useQuery({ queryKey: queryKeys.windows(collectionId), queryFn: () => windowList(collectionId) });
  const [name, setName] = useState("Weeknights");
  const [kind, setKind] = useState<Kind>("weekly");
  const [days, setDays] = useState<string[]>(["mon", "tue", "wed", "thu"]);
  const [nth, setNth] = useState("2");
  const [weekday, setWeekday] = useState<Day>("tue");
  const [offset, setOffset] = useState("0");
  const [start, setStart] = useState("22:00");
  const [hours, setHours] = useState("6");
  const recurrence = (): Recurrence =>
    kind === "daily"
      ? { kind: "daily" }
      : kind === "weekly"
        ? { kind: "weekly", days: days as Day[] }
        : { kind: "monthly", nth: Number(nth), weekday, offsetDays: Number(offset) || 0 };
  const add = useMutation({
    mutationFn: () =>
      windowCreate({ collectionId, name, recurrence: recurrence(), startTime: start, durationMinutes: Math.round(Number(hours) * 60) || 0 }),
    onSuccess: () => invalidateReleases(client),
  });
  const remove = useMutation({ mutationFn: windowDelete, onSuccess: () => invalidateReleases(client), onError: (e) => notifyError(e) });

  return (
    <Stack gap="sm" maw={960} data-testid="collection-windows">
      <Text size="sm" c="dimmed">
        Computers in this collection install only while one of their windows is open (their windows are those of every
        collection they belong to; with none they may install at any time). Times are each computer's site time: “22:00”
        is 22:00 in Seoul for Seoul and 22:00 in Berlin for Berlin.
      </Text>
      {list.isError && <ErrorAlert error={list.error} />}
      {list.data && list.data.length === 0 && <Text size="sm">No maintenance windows.</Text>}
      {list.data && list.data.length > 0 && (
        <Table fz="sm" withTableBorder>
          <Table.Tbody>
            {list.data.map((w) => (
              <Table.Tr key={w.id} data-testid="window-row">
                <Table.Td fw={500}>{w.name}</Table.Td>
                <Table.Td>{w.summary}</Table.Td>
                <Table.Td w={40}>
                  <ActionIcon variant="subtle" color="red" aria-label={`Delete window ${w.name}`} onClick={() => remove.mutate(w.id)}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Text size="sm" fw={600}>
        Add a window
      </Text>
      <Group align="flex-end" gap="sm">
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} w={180} />
        <NativeSelect
          label="Repeats"
          data={[
            { value: "daily", label: "Every day" },
            { value: "weekly", label: "Weekly on…" },
            { value: "monthly", label: "Monthly on…" },
          ]}
          value={kind}
          onChange={(e) => setKind(e.currentTarget.value as Kind)}
          w={170}
        />
        <TextInput type="time" label="Starts (site time)" value={start} onChange={(e) => setStart(e.currentTarget.value)} w={130} />
        <TextInput label="Length (hours)" title="5 minutes (0.1) to 24 hours" value={hours} onChange={(e) => setHours(e.currentTarget.value)} w={120} />
      </Group>
      {kind === "weekly" && (
        <Checkbox.Group label="Days" value={days} onChange={setDays}>
          <Group gap="sm" mt={4}>
            {DAYS.map((d) => (
              <Checkbox key={d.value} value={d.value} label={d.label} />
            ))}
          </Group>
        </Checkbox.Group>
      )}
      {kind === "monthly" && (
        <Group align="flex-end" gap="sm">
          <NativeSelect
            label="Week"
            data={[
              { value: "1", label: "1st" },
              { value: "2", label: "2nd" },
              { value: "3", label: "3rd" },
              { value: "4", label: "4th" },
              { value: "-1", label: "Last" },
            ]}
            value={nth}
            onChange={(e) => setNth(e.currentTarget.value)}
          />
          <NativeSelect label="Weekday" data={DAYS} value={weekday} onChange={(e) => setWeekday(e.currentTarget.value as Day)} />
          <TextInput label="plus days" title="0 to 27: 2nd Tuesday + 5 is the Sunday after Patch Tuesday" value={offset} onChange={(e) => setOffset(e.currentTarget.value)} w={90} />
        </Group>
      )}
      {add.isError && <ErrorAlert error={add.error} title="Not added" />}
      <Group>
        <Button onClick={() => add.mutate()} loading={add.isPending} data-testid="window-add">
          Add window
        </Button>
      </Group>
    </Stack>
  );
}
