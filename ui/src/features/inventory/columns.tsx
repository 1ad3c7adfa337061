import { Text } from "@mantine/core";
import type { Computer } from "../../bindings/Computer";
import type { ComputerSort } from "../../bindings/ComputerSort";
import type { Column } from "../../components/VirtualTable";
import { AgentBadge, FreeDiskCell, LastRunCell, LastSeenCell } from "./cells";
import { policyLabel, policyShortLabel, roleLabel } from "./labels";

/** Where the Columns menu keeps the inventory's shown/hidden columns. */
export const INVENTORY_COLUMNS_KEY = "patchdesk.inventory.columns";

/**
 * The inventory's columns. The default set (without Department and Role: the OS name already
 * tells a server from a workstation) adds up to 1,160 px, so that it fits without horizontal
 * scrolling in the default 1440 x 900 window: 1440 - 224 (navigation) - 32 (padding) - 2
 * (border) - 15 (vertical scroll bar) = 1,167 px. Extra width goes to OS, Owner and Name.
 * The Columns menu shows the others (the table then scrolls sideways when it must).
 */
export function computerColumns(now: number): Column<Computer, ComputerSort>[] {
  return [
    {
      id: "name",
      header: "Name",
      width: 145,
      grow: 1.2,
      sortKey: "name",
      hideable: false,
      cell: (c) => (
        <Text span size="sm" fw={500}>
          {c.name}
        </Text>
      ),
      title: (c) => (c.domain ? `${c.name} (${c.domain})` : c.name),
    },
    { id: "site", header: "Site", width: 80, sortKey: "site", cell: (c) => c.site, title: (c) => `${c.site} · ${c.siteTimeZone}` },
    {
      id: "department",
      header: "Department",
      width: 130,
      sortKey: "department",
      hiddenByDefault: true,
      cell: (c) => c.department,
      title: (c) => c.department,
    },
    { id: "role", header: "Role", width: 95, sortKey: "role", hiddenByDefault: true, cell: (c) => roleLabel(c.role) },
    { id: "os", header: "OS", width: 160, grow: 1.5, sortKey: "os", cell: (c) => c.osName, title: (c) => c.osName },
    { id: "osVersion", header: "Version", label: "OS version", width: 95, sortKey: "osVersion", cell: (c) => c.osVersion, title: (c) => c.osVersion },
    {
      id: "owner",
      header: "Owner",
      width: 130,
      grow: 1.2,
      sortKey: "owner",
      cell: (c) => c.ownerName,
      title: (c) => (c.ownerEmail ? `${c.ownerName} <${c.ownerEmail}>` : c.ownerName),
    },
    { id: "lastSeen", header: "Last seen", width: 105, sortKey: "lastSeen", cell: (c) => <LastSeenCell computer={c} now={now} /> },
    { id: "lastRun", header: "Last run", width: 120, sortKey: "lastRun", cell: (c) => <LastRunCell computer={c} now={now} /> },
    {
      id: "freeDisk",
      header: "Free GB",
      label: "Free disk (GB)",
      width: 90,
      align: "right",
      sortKey: "freeDisk",
      cell: (c) => <FreeDiskCell gb={c.freeDiskGb} />,
    },
    {
      id: "agent",
      header: "Agent",
      width: 100,
      sortKey: "agentState",
      cell: (c) => <AgentBadge state={c.agentState} />,
      title: (c) => (c.agentVersion ? `Agent ${c.agentVersion}` : undefined),
    },
    {
      id: "policy",
      header: "Policy",
      label: "Update-client policy",
      width: 135,
      sortKey: "clientPolicy",
      cell: (c) => policyShortLabel(c.clientPolicy),
      title: (c) => policyLabel(c.clientPolicy),
    },
  ];
}
