import { Alert, Badge, CopyButton, Button, Group, Paper, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { IconCircleCheck, IconInfoCircle, IconAlertTriangle, IconCopy } from "@tabler/icons-react";
import type { ImportReport } from "../../bindings/ImportReport";
import { formatCount, formatDuration, plural } from "../../lib/format";

/** More rejections than this are not drawn (they can still be copied). */
const MAX_DRAWN = 1000;

function Stat({ label, value, hint, color }: { label: string; value: string; hint?: string; color?: string }) {
  return (
    <Paper withBorder p="xs" radius="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="lg" fw={600} c={color}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}

function rejectionsAsText(report: ImportReport): string {
  const lines = ["line\tcolumn\treason"];
  for (const r of report.rejections) lines.push(`${r.line}\t${r.column ?? ""}\t${r.reason}`);
  return lines.join("\n");
}

function Outcome({ report, noun, nounPlural }: { report: ImportReport; noun: string; nounPlural: string }) {
  const rows = (n: number) => plural(n, noun, nounPlural);
  if (report.dryRun) {
    return (
      <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />} title="Checked — nothing was changed">
        {report.accepted > 0
          ? `${rows(report.accepted)} can be imported: ${formatCount(report.inserted)} new, ${formatCount(report.updated)} updated.`
          : `No row of this file can be imported.`}
        {report.rejected > 0 && ` ${plural(report.rejected, "row")} will be skipped (listed below).`}
      </Alert>
    );
  }
  if (report.applied) {
    return (
      <Alert variant="light" color="teal" icon={<IconCircleCheck size={18} />} title="Import complete">
        Imported {rows(report.accepted)}: {formatCount(report.inserted)} new, {formatCount(report.updated)} updated.
        {report.rejected > 0 && ` ${plural(report.rejected, "row")} rejected.`}
      </Alert>
    );
  }
  return (
    <Alert variant="light" color="orange" icon={<IconAlertTriangle size={18} />} title="Nothing was imported">
      {plural(report.rejected, "row")} rejected, so the whole file was refused.
    </Alert>
  );
}

export function ImportReportView({ report, noun, nounPlural }: { report: ImportReport; noun: string; nounPlural: string }) {
  const drawn = report.rejections.slice(0, MAX_DRAWN);
  return (
    <Stack
      gap="sm"
      data-testid="import-report"
      data-rows-read={report.rowsRead}
      data-accepted={report.accepted}
      data-rejected={report.rejected}
      data-inserted={report.inserted}
      data-updated={report.updated}
      data-applied={String(report.applied)}
      data-dry-run={String(report.dryRun)}
    >
      <Outcome report={report} noun={noun} nounPlural={nounPlural} />
      <SimpleGrid cols={4} spacing="xs">
        <Stat label="Rows read" value={formatCount(report.rowsRead)} />
        <Stat
          label={report.applied ? "Imported" : "Accepted"}
          value={formatCount(report.accepted)}
          hint={`${formatCount(report.inserted)} new · ${formatCount(report.updated)} updated`}
          color={report.accepted > 0 ? "teal" : undefined}
        />
        <Stat label="Rejected" value={formatCount(report.rejected)} color={report.rejected > 0 ? "red" : undefined} />
        <Stat label="Time" value={formatDuration(report.elapsedMs)} />
      </SimpleGrid>
      {report.ignoredColumns.length > 0 && (
        <Group gap={6} data-testid="import-ignored">
          <Text size="sm" c="dimmed">
            Ignored columns:
          </Text>
          {report.ignoredColumns.map((c) => (
            <Badge key={c} variant="outline" color="gray" tt="none">
              {c}
            </Badge>
          ))}
        </Group>
      )}
      {report.rejections.length > 0 && (
        <Stack gap={6}>
          <Group justify="space-between">
            <Text size="sm" fw={600}>
              Rejected rows
            </Text>
            <CopyButton value={rejectionsAsText(report)}>
              {({ copied, copy }) => (
                <Button size="compact-xs" variant="subtle" leftSection={<IconCopy size={12} />} onClick={copy}>
                  {copied ? "Copied" : "Copy all"}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Table.ScrollContainer minWidth={480} maxHeight={240} type="native">
            <Table stickyHeader striped highlightOnHover withTableBorder fz="xs" verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={70}>Line</Table.Th>
                  <Table.Th w={150}>Column</Table.Th>
                  <Table.Th>Reason</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {drawn.map((r, i) => (
                  <Table.Tr key={`${r.line}-${i}`} data-testid="rejection-row" data-line={r.line}>
                    <Table.Td ff="monospace">{r.line}</Table.Td>
                    <Table.Td ff="monospace">{r.column ?? "—"}</Table.Td>
                    <Table.Td>{r.reason}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {(report.rejected > drawn.length || report.rejections.length > drawn.length) && (
            <Text size="xs" c="dimmed">
              Showing the first {formatCount(drawn.length)} of {formatCount(report.rejected)} rejected rows.
            </Text>
          )}
        </Stack>
      )}
    </Stack>
  );
}
