import { Anchor, Badge, Button, Center, Group, Loader, Table, Text } from "@mantine/core";
import { IconPlus, IconRocket, IconTemplate } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { EmptyState } from "../../components/EmptyState";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PageHeader } from "../../components/PageHeader";
import { formatCount } from "../../lib/format";
import { releaseConflicts, releaseList } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { StateBadge } from "../approvals/ApprovalPanel";
import { FromTemplateDialog } from "./FromTemplateDialog";
import { KIND_LABELS, RISK_COLORS, RISK_LABELS, releaseColor } from "./labels";
import { newReleaseHref, releaseHref } from "./routes";
import { formatLocal } from "./time";

/** Every release (SPEC C4) with its plan's span and how many conflicts it has. */
export function ReleaseList() {
  const list = useQuery({ queryKey: queryKeys.releaseList, queryFn: releaseList });
  const conflicts = useQuery({ queryKey: queryKeys.conflicts, queryFn: releaseConflicts });
  const [fromTemplate, setFromTemplate] = useState(false);

  const conflictCount = (id: number) => conflicts.data?.filter((c) => c.releaseId === id).length ?? 0;

  let body;
  if (list.isPending) {
    body = (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  } else if (list.isError) {
    body = <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />;
  } else if (list.data.length === 0) {
    body = (
      <EmptyState icon={IconRocket} title="No releases yet">
        A release is one change: its updates and a rollout in rings. Start from the Patch Tuesday template or plan one
        from scratch.
      </EmptyState>
    );
  } else {
    body = (
      <div className="page-scroll table-frame">
        <Table highlightOnHover stickyHeader aria-label="Releases">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Release</Table.Th>
              <Table.Th w={140}>State</Table.Th>
              <Table.Th w={170}>Type and risk</Table.Th>
              <Table.Th ta="right" w={90}>
                Updates
              </Table.Th>
              <Table.Th ta="right" w={80}>
                Phases
              </Table.Th>
              <Table.Th w={170}>First available</Table.Th>
              <Table.Th w={170}>Last deadline</Table.Th>
              <Table.Th w={120}>Conflicts</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((r) => {
              const n = conflictCount(r.id);
              return (
                <Table.Tr key={r.id} data-testid="release-row" data-title={r.title} data-conflicts={n}>
                  <Table.Td>
                    <Group gap={8} wrap="nowrap">
                      <span className="release-swatch" style={{ background: `var(--mantine-color-${releaseColor(r.id)}-filled)` }} aria-hidden />
                      <Anchor href={releaseHref(r.id)} fw={500} size="sm">
                        {r.title}
                      </Anchor>
                    </Group>
                    <Text size="xs" c="dimmed">
                      {r.requester ? `Requested by ${r.requester}` : "No requester"}
                      {r.template ? ` · from template ${r.template}` : ""}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <StateBadge state={r.state} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <Badge size="sm" variant={r.kind === "emergency" ? "filled" : "light"} color={r.kind === "emergency" ? "red" : "gray"}>
                        {KIND_LABELS[r.kind]}
                      </Badge>
                      <Badge size="sm" variant="dot" color={RISK_COLORS[r.risk]}>
                        {RISK_LABELS[r.risk]}
                      </Badge>
                    </Group>
                  </Table.Td>
                  <Table.Td ta="right" className="num">
                    {formatCount(r.updateCount)}
                  </Table.Td>
                  <Table.Td ta="right" className="num">
                    {r.phaseCount}
                  </Table.Td>
                  <Table.Td>{formatLocal(r.startsAt)}</Table.Td>
                  <Table.Td>{formatLocal(r.endsAt)}</Table.Td>
                  <Table.Td>
                    {n > 0 ? (
                      <Badge color="orange" variant="light" size="sm">
                        {n} {n === 1 ? "conflict" : "conflicts"}
                      </Badge>
                    ) : (
                      <Text size="sm" c="dimmed">
                        None
                      </Text>
                    )}
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
        title="Releases"
        description="Change requests and their rollout plans, checked for conflicts before anyone approves them."
        actions={
          <>
            <Button variant="default" leftSection={<IconTemplate size={16} />} onClick={() => setFromTemplate(true)} data-testid="release-from-template">
              From template…
            </Button>
            <Button component="a" href={newReleaseHref} leftSection={<IconPlus size={16} />} data-testid="release-new">
              New release
            </Button>
          </>
        }
      />
      {body}
      <FromTemplateDialog opened={fromTemplate} onClose={() => setFromTemplate(false)} />
    </>
  );
}
