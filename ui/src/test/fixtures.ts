import type { Computer } from "../bindings/Computer";
import type { ImportReport } from "../bindings/ImportReport";
import type { InventoryFacets } from "../bindings/InventoryFacets";
import type { Summary } from "../bindings/Summary";

export const emptySummary: Summary = { computers: 0, sites: 0, updates: 0 };

export function computer(id: number, over: Partial<Computer> = {}): Computer {
  return {
    id,
    name: `PC-${String(id).padStart(5, "0")}`,
    domain: "corp.example",
    siteId: 1,
    site: "Seoul HQ",
    siteTimeZone: "Asia/Seoul",
    department: "Finance",
    role: "workstation",
    osName: "Windows 11 Enterprise",
    osVersion: "24H2",
    ownerName: "Kim Min-jun",
    ownerEmail: "minjun.kim@example.com",
    lastSeen: "2026-11-27T08:00:00Z",
    lastRun: "2026-11-26T23:00:00Z",
    freeDiskGb: 120.5,
    agentVersion: "10.0.26100",
    agentState: "running",
    clientPolicy: "auto_download_scheduled",
    ...over,
  };
}

export const facets: InventoryFacets = {
  total: 3,
  sites: [
    { id: 1, name: "Seoul HQ", timeZone: "Asia/Seoul", computerCount: 2 },
    { id: 2, name: "Berlin", timeZone: "Europe/Berlin", computerCount: 1 },
  ],
  osNames: [{ value: "Windows 11 Enterprise", count: 3 }],
  departments: [{ value: "Finance", count: 3 }],
  roles: [{ value: "workstation", count: 3 }],
  clientPolicies: [{ value: "auto_download_scheduled", count: 3 }],
  agentStates: [
    { value: "running", count: 2 },
    { value: "stopped", count: 1 },
  ],
};

export function report(over: Partial<ImportReport> = {}): ImportReport {
  return {
    file: "/data/computers.csv",
    rowsRead: 10,
    accepted: 8,
    rejected: 2,
    inserted: 6,
    updated: 2,
    rejections: [
      { line: 3, column: "owner_email", reason: "'bob@' is not an e-mail address" },
      { line: 7, column: "time_zone", reason: "'Mars/Olympus' is not an IANA time zone" },
    ],
    ignoredColumns: ["colour"],
    applied: false,
    dryRun: true,
    elapsedMs: 12,
    ...over,
  };
}
