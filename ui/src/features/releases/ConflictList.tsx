import { Alert, Badge, Group, List, Text } from "@mantine/core";
import { IconAlertTriangle, IconCircleCheck } from "@tabler/icons-react";
import type { Conflict } from "../../bindings/Conflict";
import { formatCount } from "../../lib/format";
import { CONFLICT_LABELS } from "./labels";

/** The conflicts of a plan, each with what it is and the computers it concerns. */
export function ConflictList({ conflicts, showRelease = false }: { conflicts: readonly Conflict[]; showRelease?: boolean }) {
  if (conflicts.length === 0) {
    return (
      <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} title="No conflicts" data-testid="conflicts-none">
        Every phase targets computers, fits a maintenance window before its deadline, keeps clear of blackouts and of
        other releases.
      </Alert>
    );
  }
  const blocking = conflicts.filter((c) => c.blocking).length;
  return (
    <Alert
      color={blocking > 0 ? "red" : "orange"}
      variant="light"
      icon={<IconAlertTriangle size={18} />}
      title={`${conflicts.length} ${conflicts.length === 1 ? "conflict" : "conflicts"} to resolve before approval${
        blocking > 0 ? ` (${blocking} blocking submission)` : ""
      }`}
      data-testid="conflicts"
    >
      <List spacing={6} size="sm">
        {conflicts.map((c, i) => (
          <List.Item key={i} data-testid="conflict" data-kind={c.kind} data-phase={c.phaseName ?? ""} data-blocking={c.blocking}>
            <Group gap={6} wrap="nowrap" align="baseline">
              <Badge size="xs" color={c.blocking ? "red" : "orange"} variant={c.blocking ? "filled" : "outline"} style={{ flexShrink: 0 }}>
                {CONFLICT_LABELS[c.kind]}
              </Badge>
              <Text size="sm">
                {showRelease && <strong>{c.releaseTitle}: </strong>}
                {c.message}
                {c.computers != null && c.kind !== "overlap" && c.kind !== "noWindow" && c.computers > 0
                  ? ` (${formatCount(c.computers)} computers)`
                  : ""}
              </Text>
            </Group>
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
