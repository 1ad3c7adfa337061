import type { AgentState } from "../../bindings/AgentState";
import type { ClientPolicy } from "../../bindings/ClientPolicy";
import type { Role } from "../../bindings/Role";

export const POLICY_LABELS: Record<ClientPolicy, string> = {
  notify_download: "Notify for download and install",
  auto_download_notify_install: "Auto download, notify for install",
  auto_download_scheduled: "Auto download, scheduled install",
  configmgr_advertised: "Configuration Manager program",
};

/** Short forms for the Policy column; the full label is the cell's tooltip. */
export const POLICY_SHORT_LABELS: Record<ClientPolicy, string> = {
  notify_download: "Notify DL + install",
  auto_download_notify_install: "Auto DL, notify",
  auto_download_scheduled: "Auto DL, scheduled",
  configmgr_advertised: "ConfigMgr program",
};

/** What the user of a computer must do under each policy (SPEC, "Prepare the deployment"). */
export const POLICY_HELP: Record<ClientPolicy, string> = {
  notify_download: "A local administrator must accept the download and then the install.",
  auto_download_notify_install: "The update downloads by itself; a local administrator must accept the install.",
  auto_download_scheduled:
    "Installs in the background at the scheduled time; users can only delay the restart (or install earlier as local administrators).",
  configmgr_advertised: "Runs on the Configuration Manager advertisement schedule.",
};

export const AGENT_LABELS: Record<AgentState, string> = {
  running: "Running",
  stopped: "Stopped",
  not_installed: "Not installed",
  unknown: "Unknown",
};

export const AGENT_COLORS: Record<AgentState, string> = {
  running: "teal",
  stopped: "red",
  not_installed: "orange",
  unknown: "gray",
};

export const ROLE_LABELS: Record<Role, string> = {
  workstation: "Workstation",
  server: "Server",
};

/** Default re-run intervals (SPEC C5): a computer whose last run is older must be investigated. */
export const RERUN_INTERVAL_DAYS: Record<Role, number> = { workstation: 7, server: 1 };

/** Below this much free disk an install is likely to fail (SPEC: "low on disk space"). */
export const LOW_DISK_GB = 10;

export function policyLabel(value: string): string {
  return (POLICY_LABELS as Record<string, string>)[value] ?? value;
}

export function policyShortLabel(value: string): string {
  return (POLICY_SHORT_LABELS as Record<string, string>)[value] ?? value;
}

export function agentLabel(value: string): string {
  return (AGENT_LABELS as Record<string, string>)[value] ?? value;
}

export function roleLabel(value: string): string {
  return (ROLE_LABELS as Record<string, string>)[value] ?? value;
}

/** The "last seen" picker: value -> the two query fields it sets. */
export const LAST_SEEN_OPTIONS = [
  { value: "", label: "Seen: any time", within: null, olderThan: null },
  { value: "within1", label: "Seen within 1 day", within: 1, olderThan: null },
  { value: "within7", label: "Seen within 7 days", within: 7, olderThan: null },
  { value: "older7", label: "Not seen 7+ days", within: null, olderThan: 7 },
  { value: "older30", label: "Not seen 30+ days", within: null, olderThan: 30 },
] as const;
