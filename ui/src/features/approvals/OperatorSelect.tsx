import { Group, NativeSelect, Text, Tooltip } from "@mantine/core";
import { IconUserCircle } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { operatorGet, operatorSet, peopleList } from "../../lib/ipc";
import { notifyError } from "../../lib/notify";
import { invalidateReleases, queryKeys } from "../../lib/queryKeys";

/** Who is using the app. Every action is recorded under this name. */
export function OperatorSelect() {
  const client = useQueryClient();
  const operator = useQuery({ queryKey: queryKeys.operator, queryFn: operatorGet });
  const people = useQuery({ queryKey: queryKeys.people, queryFn: peopleList });
  const change = useMutation({
    mutationFn: operatorSet,
    onSuccess: async (p) => {
      client.setQueryData(queryKeys.operator, p);
      await invalidateReleases(client);
    },
    onError: (e) => notifyError(e, "Could not switch"),
  });
  if (!operator.data) return null;
  return (
    <Group gap={6} wrap="nowrap">
      <IconUserCircle size={18} stroke={1.6} aria-hidden />
      <Tooltip
        label="On this computer anyone can pick anyone: each switch is written to the audit trail with your OS account. Team mode makes identity server-enforced."
        multiline
        maw={320}
      >
        <Text size="sm" c="dimmed" visibleFrom="md" data-testid="operator-advisory">
          Acting as (advisory)
        </Text>
      </Tooltip>
      <NativeSelect
        size="xs"
        aria-label="Acting as"
        data={(people.data ?? [operator.data]).map((p) => ({ value: String(p.id), label: p.name }))}
        value={String(operator.data.id)}
        onChange={(e) => change.mutate(Number(e.currentTarget.value))}
        data-testid="operator-select"
        data-operator={operator.data.name}
      />
    </Group>
  );
}
