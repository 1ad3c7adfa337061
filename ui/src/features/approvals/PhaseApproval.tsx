import { Button, Group, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { operatorGet, phaseApprove, policyGet, releaseStatus } from "../../lib/ipc";
import { notifyError, notifySuccess } from "../../lib/notify";
import { invalidateReleases, queryKeys } from "../../lib/queryKeys";

/** When the policy asks for it: who approved this phase, and a button to approve it. */
export function PhaseApproval({ releaseId, phaseId }: { releaseId: number; phaseId: number }) {
  const client = useQueryClient();
  const policy = useQuery({ queryKey: queryKeys.policy, queryFn: policyGet });
  const status = useQuery({ queryKey: queryKeys.releaseStatus(releaseId), queryFn: () => releaseStatus(releaseId) });
  const operator = useQuery({ queryKey: queryKeys.operator, queryFn: operatorGet });
  const approve = useMutation({
    mutationFn: () => phaseApprove(phaseId, ""),
    onSuccess: async () => {
      await invalidateReleases(client);
      notifySuccess("Phase approved", "Recorded in the audit trail.");
    },
    onError: (e) => notifyError(e, "Not approved"),
  });
  if (!policy.data?.perPhase || !status.data || !operator.data) return null;
  const by = status.data.decisions.filter((d) => d.phaseId === phaseId && !d.revokedAt).map((d) => d.person);
  const ready = ["approved", "scheduled", "inProgress", "halted"].includes(status.data.state);
  const mine = status.data.requesterId === operator.data.id;
  return (
    <Group gap="xs" mt={6}>
      <Text size="xs">{by.length ? `Phase approved by ${by.join(", ")}` : "This phase needs its own approval before it starts."}</Text>
      {ready && !by.includes(operator.data.name) && (
        <Button size="compact-xs" variant="light" disabled={mine} title={mine ? "You requested this release" : undefined} onClick={() => approve.mutate()} loading={approve.isPending}>
          Approve phase
        </Button>
      )}
    </Group>
  );
}
