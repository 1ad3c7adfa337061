import { Badge, Button, Card, Collapse, Group, Table, Text, Title } from "@mantine/core";
import { IconChevronDown, IconChevronRight } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import type { CampaignDetail } from "../../bindings/CampaignDetail";
import { formatCount, plural } from "../../lib/format";
import { releaseGet } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { formatLocal } from "../releases/time";
import { MAIL_KIND_LABELS } from "./labels";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={150} fw={500} c="dimmed">
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

/** What the campaign sends: sender, kind, time, flag and reminder. */
export function CampaignSettings({ detail: d }: { detail: CampaignDetail }) {
  const s = d.summary;
  const release = useQuery({ queryKey: queryKeys.release(s.releaseId), queryFn: () => releaseGet(s.releaseId) });
  const phase = release.data?.phases.find((p) => p.position === s.phase - 1);
  const reminderDay = d.reminder?.date ?? phase?.overnightDate ?? null;
  return (
    <Card withBorder padding="md" data-testid="campaign-settings">
      <Title order={3} fz="md" mb="xs">
        Settings
      </Title>
      <Table variant="vertical" layout="fixed" withRowBorders={false} fz="sm" verticalSpacing={4}>
        <Table.Tbody>
          <Row label="Kind">{MAIL_KIND_LABELS[s.kind]}</Row>
          <Row label="From">
            {d.senderName} &lt;{d.senderEmail}&gt;
          </Row>
          <Row label="Send time">{formatLocal(s.sendAt)}</Row>
          <Row label="Follow-up flag">
            {d.flag ? (
              <span data-testid="campaign-flag-summary">
                “{d.flag.text}”, due {formatLocal(d.flagDueAt)}
              </span>
            ) : (
              <Text span size="sm" c="dimmed">
                None
              </Text>
            )}
          </Row>
          <Row label="Calendar reminder">
            {d.reminder ? (
              <span data-testid="campaign-reminder-summary">
                “{d.reminder.title}”, {reminderDay ?? "the day the updates become available"} at {d.reminder.time} site time,{" "}
                {d.reminder.minutes} min
              </span>
            ) : (
              <Text span size="sm" c="dimmed">
                None
              </Text>
            )}
          </Row>
          <Row label="Created">
            {formatLocal(s.createdAt)}
            {s.createdBy ? ` by ${s.createdBy}` : ""}
          </Row>
        </Table.Tbody>
      </Table>
    </Card>
  );
}

/** Computers whose owner gets no message, and why. */
export function SkippedComputers({ detail: d }: { detail: CampaignDetail }) {
  const [open, setOpen] = useState(false);
  return (
    <Card withBorder padding="md" data-testid="campaign-skipped" data-count={d.skippedTotal}>
      <Group justify="space-between" mb="xs">
        <Title order={3} fz="md">
          Skipped computers
        </Title>
        <Badge variant="light" color={d.skippedTotal > 0 ? "orange" : "gray"}>
          {formatCount(d.skippedTotal)}
        </Badge>
      </Group>
      {d.skippedTotal === 0 ? (
        <Text size="sm" c="dimmed">
          Every computer in the phase has an owner with an e-mail address.
        </Text>
      ) : (
        <>
          <Text size="sm">
            {plural(d.skippedTotal, "computer")} in the phase {d.skippedTotal === 1 ? "has" : "have"} no owner who can be
            written to; their owners get no message from this campaign.
          </Text>
          <Button
            variant="subtle"
            size="compact-sm"
            mt={6}
            leftSection={open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
            onClick={() => setOpen((o) => !o)}
            data-testid="campaign-skipped-toggle"
          >
            {open ? "Hide the list" : "Show the list"}
          </Button>
          <Collapse in={open}>
            <Table fz="xs" mt="xs" withTableBorder verticalSpacing={2} data-testid="campaign-skipped-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Computer</Table.Th>
                  <Table.Th>Reason</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.skipped.map((s, i) => (
                  <Table.Tr key={i}>
                    <Table.Td className="mono">{s.computer}</Table.Td>
                    <Table.Td>{s.reason}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {d.skippedTotal > d.skipped.length && (
              <Text size="xs" c="dimmed" mt={4}>
                The first {formatCount(d.skipped.length)} of {formatCount(d.skippedTotal)} are listed.
              </Text>
            )}
          </Collapse>
        </>
      )}
    </Card>
  );
}
