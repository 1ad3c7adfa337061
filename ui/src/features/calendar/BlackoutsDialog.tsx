import { ActionIcon, Button, Group, Modal, Stack, Table, Text, TextInput } from "@mantine/core";
import { IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../../components/ErrorAlert";
import { blackoutCreate, blackoutDelete, blackoutList } from "../../lib/ipc";
import { notifyError } from "../../lib/notify";
import { invalidateReleases, queryKeys } from "../../lib/queryKeys";
import { formatLocal, fromLocalInput, localZone } from "../releases/time";

/** Org-wide change freezes: no phase should run inside one. */
export function BlackoutsDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const list = useQuery({ queryKey: queryKeys.blackouts, queryFn: blackoutList, enabled: opened });
  const [name, setName] = useState("");
  const [starts, setStarts] = useState("");
  const [ends, setEnds] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () => blackoutCreate({ name, startsAt: fromLocalInput(starts) ?? "", endsAt: fromLocalInput(ends) ?? "" }),
    onSuccess: async () => {
      setName("");
      setStarts("");
      setEnds("");
      await invalidateReleases(client);
    },
  });
  const remove = useMutation({
    mutationFn: blackoutDelete,
    onSuccess: () => invalidateReleases(client),
    onError: (e) => notifyError(e),
  });
  const submit = () => {
    const p = !name.trim() ? "Give the blackout a name." : !fromLocalInput(starts) || !fromLocalInput(ends) ? "Fill in when it starts and ends." : null;
    setProblem(p);
    if (!p) add.mutate();
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Blackouts (change freezes)" size="lg">
      <Stack gap="sm">
        {list.isError && <ErrorAlert error={list.error} />}
        {list.data && list.data.length === 0 && <Text size="sm">No blackouts.</Text>}
        {list.data && list.data.length > 0 && (
          <Table fz="sm">
            <Table.Tbody>
              {list.data.map((b) => (
                <Table.Tr key={b.id} data-testid="blackout-row">
                  <Table.Td>{b.name}</Table.Td>
                  <Table.Td>
                    {formatLocal(b.startsAt)} → {formatLocal(b.endsAt)}
                  </Table.Td>
                  <Table.Td w={40}>
                    <ActionIcon variant="subtle" color="red" aria-label={`Delete ${b.name}`} onClick={() => remove.mutate(b.id)}>
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Text size="sm" fw={600}>
          Add a blackout ({localZone()})
        </Text>
        <TextInput label="Name" placeholder="Year-end change freeze" value={name} onChange={(e) => setName(e.currentTarget.value)} data-testid="blackout-name" />
        <Group grow>
          <TextInput type="datetime-local" label="Starts" value={starts} onChange={(e) => setStarts(e.currentTarget.value)} data-testid="blackout-starts" />
          <TextInput type="datetime-local" label="Ends" value={ends} onChange={(e) => setEnds(e.currentTarget.value)} data-testid="blackout-ends" />
        </Group>
        {problem && <ErrorAlert error={{ kind: "invalid", message: problem }} title="Not added" />}
        {add.isError && <ErrorAlert error={add.error} title="Not added" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          <Button onClick={submit} loading={add.isPending} data-testid="blackout-add">
            Add blackout
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
