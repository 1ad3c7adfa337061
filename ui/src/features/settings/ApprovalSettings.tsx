import { Badge, Button, Card, Checkbox, Group, NumberInput, Stack, Switch, Table, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Person } from "../../bindings/Person";
import type { PersonRole } from "../../bindings/PersonRole";
import type { Policy } from "../../bindings/Policy";
import { ErrorAlert } from "../../components/ErrorAlert";
import { peopleList, personCreate, policyGet, policySet } from "../../lib/ipc";
import { notifySuccess } from "../../lib/notify";
import { invalidateReleases, queryKeys } from "../../lib/queryKeys";

const ROLE_LABELS: Record<PersonRole, string> = {
  requester: "Requester",
  approver: "Approver",
  changeManager: "Change manager",
  administrator: "Administrator",
};

function PolicyForm({ initial }: { initial: Policy }) {
  const client = useQueryClient();
  const [p, setP] = useState<Policy>(initial);
  const save = useMutation({
    mutationFn: () => policySet(p),
    onSuccess: async () => {
      await invalidateReleases(client);
      notifySuccess("Policy saved", "The change is on the audit trail.");
    },
  });
  const num = (v: string | number) => (typeof v === "number" ? v : Number(v) || 0);
  return (
    <Stack gap="sm">
      <Group gap="lg" align="flex-end">
        <NumberInput label="Approvers for a normal change" min={1} max={9} value={p.normalApprovers} onChange={(v) => setP({ ...p, normalApprovers: num(v) })} w={220} />
        <NumberInput label="Extra approvers at high risk" min={0} max={5} value={p.highRiskExtra} onChange={(v) => setP({ ...p, highRiskExtra: num(v) })} w={200} />
        <NumberInput label="Approvers for an emergency" min={1} max={9} value={p.emergencyApprovers} onChange={(v) => setP({ ...p, emergencyApprovers: num(v) })} w={200} />
      </Group>
      <Switch label="Each phase needs its own approval before it starts" checked={p.perPhase} onChange={(e) => setP({ ...p, perPhase: e.currentTarget.checked })} />
      <Group gap="sm" align="flex-end">
        <Checkbox
          label="Approvals expire"
          checked={p.expiryDays != null}
          onChange={(e) => setP({ ...p, expiryDays: e.currentTarget.checked ? 30 : null })}
        />
        {p.expiryDays != null && (
          <NumberInput label="after days" min={1} max={365} value={p.expiryDays} onChange={(v) => setP({ ...p, expiryDays: num(v) })} w={120} />
        )}
      </Group>
      <Text size="xs" c="dimmed">
        A requester never approves their own release. An emergency change may start once approved and always gets a
        post-implementation review. Editing a release after an approval resets its approvals.
      </Text>
      {save.isError && <ErrorAlert error={save.error} title="Not saved" />}
      <Group>
        <Button onClick={() => save.mutate()} loading={save.isPending}>
          Save policy
        </Button>
      </Group>
    </Stack>
  );
}

function PeopleTable({ people }: { people: Person[] }) {
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [roles, setRoles] = useState<string[]>(["approver"]);
  const add = useMutation({
    mutationFn: () => personCreate({ name, email, osUser: "", roles: roles as PersonRole[] }),
    onSuccess: async () => {
      setName("");
      setEmail("");
      await invalidateReleases(client);
    },
  });
  return (
    <Stack gap="sm">
      <Table fz="sm" withTableBorder>
        <Table.Tbody>
          {people.map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td fw={500}>{p.name}</Table.Td>
              <Table.Td>{p.email}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {p.roles.map((r) => (
                    <Badge key={r} size="sm" variant="light" tt="none">
                      {ROLE_LABELS[r]}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group align="flex-end" gap="sm">
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} w={200} />
        <TextInput label="E-mail" value={email} onChange={(e) => setEmail(e.currentTarget.value)} w={240} />
        <Checkbox.Group label="Roles" value={roles} onChange={setRoles}>
          <Group gap="sm" mt={6}>
            {(Object.keys(ROLE_LABELS) as PersonRole[]).map((r) => (
              <Checkbox key={r} value={r} label={ROLE_LABELS[r]} />
            ))}
          </Group>
        </Checkbox.Group>
        <Button onClick={() => add.mutate()} loading={add.isPending} disabled={!name.trim()}>
          Add person
        </Button>
      </Group>
      {add.isError && <ErrorAlert error={add.error} title="Not added" />}
    </Stack>
  );
}

/** The approval policy and the directory of people (SPEC C6, C14). */
export function ApprovalSettings() {
  const policy = useQuery({ queryKey: queryKeys.policy, queryFn: policyGet });
  const people = useQuery({ queryKey: queryKeys.people, queryFn: peopleList });
  return (
    <>
      <Card withBorder padding="md">
        <Title order={3} fz="md" mb="sm">
          Approval policy
        </Title>
        {policy.isError && <ErrorAlert error={policy.error} />}
        {policy.data && <PolicyForm key={JSON.stringify(policy.data)} initial={policy.data} />}
      </Card>
      <Card withBorder padding="md">
        <Title order={3} fz="md" mb="sm">
          People
        </Title>
        {people.isError && <ErrorAlert error={people.error} />}
        {people.data && <PeopleTable people={people.data} />}
      </Card>
    </>
  );
}
