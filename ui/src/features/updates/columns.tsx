import { Badge, Text } from "@mantine/core";
import type { Update } from "../../bindings/Update";
import type { UpdateSort } from "../../bindings/UpdateSort";
import type { Column } from "../../components/VirtualTable";
import { formatCount } from "../../lib/format";
import { SEVERITY_COLORS } from "./labels";

function YesNo({ value }: { value: boolean }) {
  return value ? <span>Yes</span> : <Text span c="dimmed" size="sm">No</Text>;
}

/** Where the Columns menu keeps the catalogue's shown/hidden columns. */
export const UPDATES_COLUMNS_KEY = "patchdesk.updates.columns";

/**
 * The catalogue's columns. The default set (without Bulletin, Superseded by and Max run)
 * adds up to 1,100 px, so that it fits without horizontal scrolling in the default 1440 px
 * window (1,167 px of table beside the navigation, less a scroll bar); the Title takes the rest.
 */
export const UPDATE_COLUMNS: Column<Update, UpdateSort>[] = [
  {
    id: "kb",
    header: "KB",
    width: 100,
    sortKey: "kb",
    hideable: false,
    cell: (u) => (
      <Text span size="sm" ff="monospace" fw={500}>
        {u.kb}
      </Text>
    ),
  },
  {
    id: "bulletin",
    header: "Bulletin",
    width: 100,
    hiddenByDefault: true,
    cell: (u) => u.bulletinId || <Text span c="dimmed" size="sm">—</Text>,
  },
  { id: "title", header: "Title", width: 300, grow: 4, sortKey: "title", cell: (u) => u.title, title: (u) => u.title },
  {
    id: "classification",
    header: "Classification",
    width: 140,
    sortKey: "classification",
    cell: (u) => u.classification,
    title: (u) => u.classification,
  },
  {
    id: "severity",
    header: "Severity",
    width: 100,
    sortKey: "severity",
    cell: (u) => (
      <Badge
        size="sm"
        variant={u.severity === "Critical" ? "filled" : "light"}
        color={SEVERITY_COLORS[u.severity] ?? "gray"}
        tt="none"
      >
        {u.severity}
      </Badge>
    ),
  },
  { id: "product", header: "Product", width: 160, grow: 1.2, sortKey: "product", cell: (u) => u.product, title: (u) => u.product },
  {
    id: "released",
    header: "Released",
    width: 105,
    sortKey: "releaseDate",
    cell: (u) => u.releaseDate ?? <Text span c="dimmed" size="sm">—</Text>,
  },
  {
    id: "supersededBy",
    header: "Superseded by",
    width: 125,
    hiddenByDefault: true,
    cell: (u) =>
      u.supersededBy ? (
        <Text span size="sm" ff="monospace">
          {u.supersededBy}
        </Text>
      ) : (
        <Text span c="dimmed" size="sm">—</Text>
      ),
  },
  { id: "reboot", header: "Reboot", width: 70, align: "center", cell: (u) => <YesNo value={u.rebootRequired} /> },
  {
    id: "uninstallable",
    header: "Uninstallable",
    width: 125,
    align: "center",
    cell: (u) => <YesNo value={u.uninstallable} />,
  },
  {
    id: "maxRun",
    header: "Max run",
    label: "Max run (min)",
    width: 90,
    align: "right",
    hiddenByDefault: true,
    cell: (u) => formatCount(u.maxRunMinutes),
    title: (u) => `${formatCount(u.maxRunMinutes)} minutes at most`,
  },
];
