import { Text } from "@mantine/core";
import type { Computer } from "../../bindings/Computer";
import type { ComputerSort } from "../../bindings/ComputerSort";
import type { Column } from "../../components/VirtualTable";
import { AgentBadge, FreeDiskCell, LastRunCell, LastSeenCell } from "./cells";
import { policyLabel, roleLabel } from "./labels";

export function computerColumns(now: number): Column<Computer, ComputerSort>[] {
  return [
    {
      id: "name",
      header: "Name",
      width: 170,
      grow: 1.4,
      sortKey: "name",
      cell: (c) => (
        <Text span size="sm" fw={500}>
          {c.name}
        </Text>
      ),
      title: (c) => (c.domain ? `${c.name} (${c.domain})` : c.name),
    },
    { id: "site", header: "Site", width: 130, sortKey: "site", cell: (c) => c.site, title: (c) => `${c.site} · ${c.siteTimeZone}` },
    { id: "department", header: "Department", width: 130, sortKey: "department", cell: (c) => c.department, title: (c) => c.department },
    { id: "role", header: "Role", width: 110, sortKey: "role", cell: (c) => roleLabel(c.role) },
    { id: "os", header: "OS", width: 180, grow: 1.3, sortKey: "os", cell: (c) => c.osName, title: (c) => c.osName },
    { id: "osVersion", header: "OS version", width: 110, sortKey: "osVersion", cell: (c) => c.osVersion, title: (c) => c.osVersion },
    {
      id: "owner",
      header: "Owner",
      width: 160,
      grow: 1.2,
      sortKey: "owner",
      cell: (c) => c.ownerName,
      title: (c) => (c.ownerEmail ? `${c.ownerName} <${c.ownerEmail}>` : c.ownerName),
    },
    { id: "lastSeen", header: "Last seen", width: 110, sortKey: "lastSeen", cell: (c) => <LastSeenCell computer={c} now={now} /> },
    { id: "lastRun", header: "Last run", width: 130, sortKey: "lastRun", cell: (c) => <LastRunCell computer={c} now={now} /> },
    {
      id: "freeDisk",
      header: "Free disk (GB)",
      width: 120,
      align: "right",
      sortKey: "freeDisk",
      cell: (c) => <FreeDiskCell gb={c.freeDiskGb} />,
    },
    {
      id: "agent",
      header: "Agent",
      width: 120,
      sortKey: "agentState",
      cell: (c) => <AgentBadge state={c.agentState} />,
      title: (c) => (c.agentVersion ? `Agent ${c.agentVersion}` : undefined),
    },
    {
      id: "policy",
      header: "Policy",
      width: 230,
      grow: 1.2,
      sortKey: "clientPolicy",
      cell: (c) => policyLabel(c.clientPolicy),
      title: (c) => policyLabel(c.clientPolicy),
    },
  ];
}
