import { Badge, Group, Text } from "@mantine/core";
import type { AgentState } from "../../bindings/AgentState";
import type { Computer } from "../../bindings/Computer";
import { daysSince, formatGb, instantTitle, relativeTime } from "../../lib/format";
import { AGENT_COLORS, agentLabel, LOW_DISK_GB, RERUN_INTERVAL_DAYS } from "./labels";

export function AgentBadge({ state }: { state: AgentState }) {
  const strong = state === "stopped";
  return (
    <Badge size="sm" variant={strong ? "filled" : "light"} color={AGENT_COLORS[state] ?? "gray"} tt="none">
      {agentLabel(state)}
    </Badge>
  );
}

export function LastSeenCell({ computer, now }: { computer: Computer; now: number }) {
  return (
    <span title={instantTitle(computer.lastSeen, computer.siteTimeZone)}>
      {computer.lastSeen ? relativeTime(computer.lastSeen, now) : <Text span c="dimmed" size="sm">never</Text>}
    </span>
  );
}

/** True when the install program last ran longer ago than the role's default re-run interval. */
export function isRunStale(computer: Computer, now: number): boolean {
  const days = daysSince(computer.lastRun, now);
  return days != null && days > RERUN_INTERVAL_DAYS[computer.role];
}

export function LastRunCell({ computer, now }: { computer: Computer; now: number }) {
  if (!computer.lastRun) {
    return (
      <Badge size="sm" variant="light" color="gray" tt="none" title="The install program has never run">
        never
      </Badge>
    );
  }
  const stale = isRunStale(computer, now);
  const limit = RERUN_INTERVAL_DAYS[computer.role];
  return (
    <Group gap={6} wrap="nowrap" title={instantTitle(computer.lastRun, computer.siteTimeZone)}>
      <span className="cell-shrink">{relativeTime(computer.lastRun, now)}</span>
      {stale && (
        // In a narrow column the time gives way (ellipsis), never the badge.
        <Badge
          className="cell-keep"
          size="xs"
          variant="light"
          color="orange"
          tt="none"
          title={`Older than the ${limit}-day re-run interval for a ${computer.role}: investigate`}
        >
          stale
        </Badge>
      )}
    </Group>
  );
}

export function FreeDiskCell({ gb }: { gb: number | null }) {
  if (gb == null) return <Text span c="dimmed" size="sm">—</Text>;
  if (gb < LOW_DISK_GB) {
    return (
      <Badge size="sm" color="red" variant="light" tt="none" title={`Less than ${LOW_DISK_GB} GB free: installs may fail`}>
        {formatGb(gb)}
      </Badge>
    );
  }
  return <span>{formatGb(gb)}</span>;
}
