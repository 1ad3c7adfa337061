import { Anchor, Badge, Divider, Drawer, Group, Skeleton, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { Computer } from "../../bindings/Computer";
import type { ComputerDetail } from "../../bindings/ComputerDetail";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatUtc, relativeTime } from "../../lib/format";
import { inventoryGet } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { useNow } from "../../lib/useNow";
import { AgentBadge, FreeDiskCell, isRunStale } from "./cells";
import { POLICY_HELP, policyLabel, RERUN_INTERVAL_DAYS, roleLabel } from "./labels";

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={6}>
      <Title order={4} fz="sm" tt="uppercase" c="dimmed" fw={600}>
        {title}
      </Title>
      <Table variant="vertical" layout="fixed" withRowBorders={false} verticalSpacing={4} fz="sm">
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Stack>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={150} fw={500} c="dimmed">
        {label}
      </Table.Th>
      <Table.Td style={{ wordBreak: "break-word" }}>{children}</Table.Td>
    </Table.Tr>
  );
}

function Empty() {
  return (
    <Text span c="dimmed" size="sm">
      —
    </Text>
  );
}

function Instant({
  utc,
  local,
  loading,
  now,
}: {
  utc: string | null;
  local: string | null | undefined;
  loading: boolean;
  now: number;
}) {
  if (!utc) return <Text span c="dimmed" size="sm">never</Text>;
  return (
    <Stack gap={0}>
      <Text size="sm">
        {loading ? <Skeleton h={12} w={180} component="span" display="inline-block" /> : (local ?? "—")}{" "}
        <Text span c="dimmed" size="xs">
          site time
        </Text>
      </Text>
      <Text size="xs" c="dimmed">
        {formatUtc(utc)} · {relativeTime(utc, now)}
      </Text>
    </Stack>
  );
}

function DetailBody({ computer: c, detail, loading }: { computer: Computer; detail?: ComputerDetail; loading: boolean }) {
  const now = useNow();
  const stale = isRunStale(c, now);
  return (
    <Stack gap="lg">
      <Group gap="xs">
        <Badge variant="light" color="gray" tt="none">
          {roleLabel(c.role)}
        </Badge>
        <AgentBadge state={c.agentState} />
        {stale && (
          <Badge variant="light" color="orange" tt="none">
            Install program overdue
          </Badge>
        )}
      </Group>

      <Section title="Identity">
        <Row label="Name">
          <Text span ff="monospace" size="sm">
            {c.name}
          </Text>
        </Row>
        <Row label="Domain">{c.domain || <Empty />}</Row>
        <Row label="Department">{c.department || <Empty />}</Row>
        <Row label="Role">{roleLabel(c.role)}</Row>
      </Section>

      <Section title="Owner">
        <Row label="Name">{c.ownerName || <Empty />}</Row>
        <Row label="E-mail">
          {c.ownerEmail ? (
            <Anchor href={`mailto:${c.ownerEmail}`} size="sm" data-testid="computer-owner-email">
              {c.ownerEmail}
            </Anchor>
          ) : (
            <Empty />
          )}
        </Row>
      </Section>

      <Section title="Site">
        <Row label="Site">{c.site}</Row>
        <Row label="Time zone">
          <Text span ff="monospace" size="sm">
            {c.siteTimeZone}
          </Text>
        </Row>
      </Section>

      <Section title="Activity">
        <Row label="Last seen">
          <Instant utc={c.lastSeen} local={detail?.lastSeenLocal} loading={loading} now={now} />
        </Row>
        <Row label="Last install run">
          <Instant utc={c.lastRun} local={detail?.lastRunLocal} loading={loading} now={now} />
          {stale && (
            <Text size="xs" c="orange" mt={2}>
              Longer ago than the {RERUN_INTERVAL_DAYS[c.role]}-day re-run interval for a {c.role}: investigate.
            </Text>
          )}
        </Row>
      </Section>

      <Section title="System">
        <Row label="Operating system">{c.osName || <Empty />}</Row>
        <Row label="OS version">{c.osVersion || <Empty />}</Row>
        <Row label="Free disk (GB)">
          <FreeDiskCell gb={c.freeDiskGb} />
        </Row>
      </Section>

      <Section title="Update agent">
        <Row label="State">
          <AgentBadge state={c.agentState} />
        </Row>
        <Row label="Version">{c.agentVersion || <Empty />}</Row>
        <Row label="Client policy">
          <Text size="sm">{policyLabel(c.clientPolicy)}</Text>
          <Text size="xs" c="dimmed">
            {POLICY_HELP[c.clientPolicy]}
          </Text>
        </Row>
      </Section>

      <Stack gap={6}>
        <Title order={4} fz="sm" tt="uppercase" c="dimmed" fw={600}>
          Prerequisites
        </Title>
        {loading ? (
          <Skeleton h={60} />
        ) : detail && detail.prerequisites.length > 0 ? (
          <Table withTableBorder striped fz="sm" verticalSpacing={4} data-testid="computer-prereqs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Version</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.prerequisites.map((p) => (
                <Table.Tr key={p.name}>
                  <Table.Td>{p.name}</Table.Td>
                  <Table.Td ff="monospace">{p.version}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="sm" c="dimmed">
            No prerequisite versions recorded for this computer.
          </Text>
        )}
      </Stack>
    </Stack>
  );
}

/** Everything known about one computer; the list row shows at once, the details follow. */
export function ComputerDrawer({ computer, onClose }: { computer: Computer | null; onClose: () => void }) {
  const id = computer?.id ?? -1;
  const detail = useQuery({
    queryKey: queryKeys.computer(id),
    queryFn: () => inventoryGet(id),
    enabled: computer != null,
  });
  const current = detail.data?.computer.id === computer?.id ? detail.data?.computer : computer;

  return (
    <Drawer
      opened={computer != null}
      onClose={onClose}
      position="right"
      size="lg"
      title={
        <Text fw={600} size="lg" data-testid="computer-drawer-title">
          {computer?.name}
        </Text>
      }
      data-testid="computer-drawer"
    >
      {current && (
        <Stack gap="md">
          {detail.isError && <ErrorAlert error={detail.error} onRetry={() => void detail.refetch()} />}
          <Divider />
          <DetailBody computer={current} detail={detail.data} loading={detail.isPending} />
        </Stack>
      )}
    </Drawer>
  );
}
