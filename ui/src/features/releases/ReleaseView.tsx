import { Anchor, Badge, Button, Card, Center, Group, Loader, Modal, SimpleGrid, Stack, Table, Text, TextInput, Title, Tooltip } from "@mantine/core";
import { IconArrowLeft, IconPencil, IconTemplate, IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Phase } from "../../bindings/Phase";
import type { ReleaseDetail } from "../../bindings/ReleaseDetail";
import type { WindowFit } from "../../bindings/WindowFit";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatCount } from "../../lib/format";
import { releaseDelete, releaseGet, releaseWindowFit, templateSave } from "../../lib/ipc";
import { notifyError, notifySuccess } from "../../lib/notify";
import { invalidateReleases, queryKeys } from "../../lib/queryKeys";
import { collectionHref } from "../collections/routes";
import { ApprovalPanel } from "../approvals/ApprovalPanel";
import { PhaseApproval } from "../approvals/PhaseApproval";
import { STATE_LABELS } from "../approvals/labels";
import { ConflictList } from "./ConflictList";
import { ADVANCE_LABELS, KIND_LABELS, RISK_COLORS, RISK_LABELS } from "./labels";
import { editReleaseHref, navigate, releasesHref } from "./routes";
import { formatLocal, localZone } from "./time";

function successText(p: Phase): string {
  const parts = [];
  if (p.successPercent != null) parts.push(`≥ ${p.successPercent} %`);
  if (p.successCount != null) parts.push(`≥ ${formatCount(p.successCount)} computers`);
  return parts.join(" or ");
}

/** When each site installs in a phase; sites with no fitting window stand out. */
function FitTable({ fits }: { fits: readonly WindowFit[] }) {
  if (fits.length === 0) return <Text size="sm" c="dimmed">The collection has no members at its last evaluation.</Text>;
  return (
    <Table withRowBorders={false} verticalSpacing={2} fz="xs" data-testid="window-fit">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Site</Table.Th>
          <Table.Th ta="right">Computers</Table.Th>
          <Table.Th>Their maintenance windows</Table.Th>
          <Table.Th>Install starts (site time)</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {fits.map((f, i) => (
          <Table.Tr key={i} data-fit={f.installsAt ? "yes" : "no"}>
            <Table.Td>{f.site}</Table.Td>
            <Table.Td ta="right" className="num">
              {formatCount(f.computers)}
            </Table.Td>
            <Table.Td>{f.windows.length ? f.windows.join("; ") : <Text span size="xs" c="dimmed">none: any time</Text>}</Table.Td>
            <Table.Td>
              {f.local ? (
                `${f.local} (${f.timeZone})`
              ) : (
                <Text span size="xs" c="orange.8" fw={600}>
                  No window fits before the deadline
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function PhaseCard({ releaseId, phase: p, fits }: { releaseId: number; phase: Phase; fits: readonly WindowFit[] | undefined }) {
  return (
    <Card withBorder padding="sm" data-testid="phase" data-name={p.name}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Text fw={600}>
            {p.position + 1}. {p.name}
          </Text>
          <Text size="sm">
            <Anchor href={collectionHref(p.collection.id)} size="sm">
              {p.collection.name}
            </Anchor>{" "}
            · {p.memberCount == null ? "not evaluated" : `${formatCount(p.memberCount)} computers`}
          </Text>
        </div>
        <Text size="sm" ta="right">
          {formatLocal(p.availableAt)} → {formatLocal(p.deadlineAt)}
          <br />
          <Text span size="xs" c="dimmed">
            available → install deadline ({localZone()})
          </Text>
        </Text>
      </Group>
      <Group gap="lg" mt={6}>
        <Text size="xs">Re-run every {p.rerunDays === 1 ? "day" : `${p.rerunDays} days`}</Text>
        <Text size="xs">Advance at {successText(p)}</Text>
        <Text size="xs">Halt at ≥ {p.failurePercent} % failed</Text>
        <Text size="xs">
          {ADVANCE_LABELS[p.advance]} advance{p.advance === "automatic" ? ` ${p.advanceAfterDays} d after success` : ""}
        </Text>
        {p.overnightDate && <Text size="xs">Leave computers on: night of {p.overnightDate}</Text>}
      </Group>
      <PhaseApproval releaseId={releaseId} phaseId={p.id} />
      <div style={{ marginTop: 8 }}>{fits ? <FitTable fits={fits} /> : <Loader size="xs" />}</div>
    </Card>
  );
}

function TextBlock({ label, text }: { label: string; text: string }) {
  return (
    <div>
      <Text size="xs" fw={600} c="dimmed" tt="uppercase">
        {label}
      </Text>
      <Text size="sm" style={{ whiteSpace: "pre-wrap" }} c={text ? undefined : "dimmed"}>
        {text || "Not given"}
      </Text>
    </div>
  );
}

function SaveTemplateDialog({ release, opened, onClose }: { release: ReleaseDetail; opened: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [zone, setZone] = useState(localZone());
  const save = useMutation({
    mutationFn: () => templateSave(release.id, name, zone),
    onSuccess: async () => {
      await invalidateReleases(client);
      notifySuccess("Template saved", `“${name}” can now plan any month's release.`);
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Save the plan as a template">
      <Stack gap="sm">
        <Text size="sm">
          Each phase is kept as days after Patch Tuesday of the month the plan starts in, with its times of day in the
          zone below.
        </Text>
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
        <TextInput label="Time zone (IANA)" value={zone} onChange={(e) => setZone(e.currentTarget.value)} />
        {save.isError && <ErrorAlert error={save.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!name.trim()}>
            Save template
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** One release: its updates, plan, conflicts and when each site will install. */
export function ReleaseView({ id }: { id: number }) {
  const client = useQueryClient();
  const release = useQuery({ queryKey: queryKeys.release(id), queryFn: () => releaseGet(id) });
  const fit = useQuery({ queryKey: queryKeys.releaseFit(id), queryFn: () => releaseWindowFit(id) });
  const [saving, setSaving] = useState(false);
  const remove = useMutation({
    mutationFn: () => releaseDelete(id),
    onSuccess: async () => {
      await invalidateReleases(client);
      navigate(releasesHref);
    },
    onError: (e) => notifyError(e, "Could not delete the release"),
  });

  if (release.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (release.isError) return <ErrorAlert error={release.error} onRetry={() => void release.refetch()} />;
  const r = release.data;
  return (
    <div className="page-scroll" data-testid="release-view" data-title={r.title} data-id={r.id}>
      <Stack gap="md" pb="lg">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={4}>
            <Anchor href={releasesHref} size="sm">
              <Group gap={4}>
                <IconArrowLeft size={14} /> Releases
              </Group>
            </Anchor>
            <Title order={2} fz="h3">
              {r.title}
            </Title>
            <Group gap={6}>
              <Badge variant={r.kind === "emergency" ? "filled" : "light"} color={r.kind === "emergency" ? "red" : "gray"}>
                {KIND_LABELS[r.kind]} change
              </Badge>
              <Badge variant="dot" color={RISK_COLORS[r.risk]}>
                {RISK_LABELS[r.risk]}
              </Badge>
              {r.template && (
                <Badge variant="outline" color="gray" tt="none">
                  From template {r.template}
                </Badge>
              )}
              <Text size="sm" c="dimmed">
                {r.requester ? `Requested by ${r.requester}` : ""}
              </Text>
            </Group>
          </Stack>
          <Group gap="xs" wrap="nowrap">
            <Button variant="default" leftSection={<IconTemplate size={16} />} onClick={() => setSaving(true)}>
              Save as template…
            </Button>
            {r.state === "draft" && (
            <Button
              variant="default"
              color="red"
              leftSection={<IconTrash size={16} />}
              loading={remove.isPending}
              onClick={() => {
                if (window.confirm(`Delete the release “${r.title}” and its plan?`)) remove.mutate();
              }}
            >
              Delete
            </Button>
            )}
            {r.editable ? (
              <Button component="a" href={editReleaseHref(r.id)} leftSection={<IconPencil size={16} />} data-testid="release-edit">
                Edit
              </Button>
            ) : (
              <Tooltip label={`A ${STATE_LABELS[r.state].toLowerCase()} release cannot be edited`}>
                <Button leftSection={<IconPencil size={16} />} disabled data-testid="release-edit">
                  Edit
                </Button>
              </Tooltip>
            )}
          </Group>
        </Group>
        <ApprovalPanel
          releaseId={r.id}
          submitBlocked={r.conflicts.some((c) => c.blocking) ? "Resolve the blocking conflicts below before submitting." : null}
        />
        <ConflictList conflicts={r.conflicts} />
        <Title order={3} fz="h5">
          Rollout plan
        </Title>
        {fit.isError && <ErrorAlert error={fit.error} />}
        {r.phases.map((p) => (
          <PhaseCard key={p.id} releaseId={r.id} phase={p} fits={fit.data?.filter((f) => f.phaseId === p.id)} />
        ))}
        <Title order={3} fz="h5">
          Updates ({r.updates.length})
        </Title>
        {r.updates.length === 0 ? (
          <Text size="sm" c="dimmed">
            No updates yet: edit the release to choose them from the catalogue.
          </Text>
        ) : (
          <Table withTableBorder fz="sm" aria-label="Updates in this release">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={110}>KB</Table.Th>
                <Table.Th>Title</Table.Th>
                <Table.Th w={100}>Severity</Table.Th>
                <Table.Th w={90} ta="right">
                  Run time
                </Table.Th>
                <Table.Th w={200}>Rollback</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {r.updates.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>{u.kb}</Table.Td>
                  <Table.Td>
                    {u.title}
                    {u.supersededBy && (
                      <Badge ml={6} size="xs" color="orange" variant="light">
                        superseded by {u.supersededBy}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{u.severity}</Table.Td>
                  <Table.Td ta="right" className="num">
                    {u.maxRunMinutes} min
                  </Table.Td>
                  <Table.Td>
                    {u.uninstallable ? "Can be uninstalled" : <Text span size="sm" c="orange.8">Cannot be uninstalled</Text>}
                    {u.rebootRequired ? " · reboot" : ""}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <TextBlock label="Description" text={r.description} />
          <TextBlock label="Justification" text={r.justification} />
          <TextBlock label="Rollback plan" text={r.rollbackPlan} />
          <TextBlock label="Communication plan" text={r.communicationPlan} />
        </SimpleGrid>
      </Stack>
      <SaveTemplateDialog release={r} opened={saving} onClose={() => setSaving(false)} />
    </div>
  );
}
