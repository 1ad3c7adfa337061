import {
  IconActivityHeartbeat,
  IconCalendarEvent,
  IconClipboardCheck,
  IconDeviceDesktop,
  IconGavel,
  IconMailForward,
  IconPackage,
  IconRocket,
  IconSettings,
  IconStack2,
  type Icon,
} from "@tabler/icons-react";

export type AreaId =
  | "inventory"
  | "updates"
  | "collections"
  | "releases"
  | "calendar"
  | "approvals"
  | "notifications"
  | "monitoring"
  | "reviews"
  | "settings";

export interface Area {
  id: AreaId;
  label: string;
  icon: Icon;
  /** SPEC capabilities this area covers. */
  capabilities: string;
  /** For areas not built yet: what they will do (from the SPEC). */
  planned?: string;
}

export const AREAS: Area[] = [
  { id: "inventory", label: "Inventory", icon: IconDeviceDesktop, capabilities: "C1, C15" },
  { id: "updates", label: "Updates", icon: IconPackage, capabilities: "C2" },
  { id: "collections", label: "Collections", icon: IconStack2, capabilities: "C3" },
  { id: "releases", label: "Releases", icon: IconRocket, capabilities: "C4, C5, C11" },
  { id: "calendar", label: "Calendar", icon: IconCalendarEvent, capabilities: "C5" },
  { id: "approvals", label: "Approvals", icon: IconGavel, capabilities: "C6, C7" },
  {
    id: "notifications",
    label: "Notifications",
    icon: IconMailForward,
    capabilities: "C8, C9",
  },
  {
    id: "monitoring",
    label: "Monitoring",
    icon: IconActivityHeartbeat,
    capabilities: "C10",
    planned:
      "Install status per computer and update, compliance per update, phase and release, failures grouped by cause (offline, low disk, agent stopped, missing prerequisite…), and stale computers whose install program has not run within its re-run interval.",
  },
  {
    id: "reviews",
    label: "Reviews",
    icon: IconClipboardCheck,
    capabilities: "C12",
    planned:
      "Post-implementation reviews, scheduled 1 to 4 weeks after a release: the checklist, planned versus actual results taken from the data, incident cost, lessons learned and sign-off, exported as a report.",
  },
  { id: "settings", label: "Settings", icon: IconSettings, capabilities: "C14" },
];

export const DEFAULT_AREA: AreaId = "inventory";

export function isAreaId(value: string): value is AreaId {
  return AREAS.some((a) => a.id === value);
}

export function areaById(id: AreaId): Area {
  return AREAS.find((a) => a.id === id) ?? AREAS[0];
}
