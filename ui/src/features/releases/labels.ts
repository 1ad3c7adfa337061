import type { AdvanceMode } from "../../bindings/AdvanceMode";
import type { ConflictKind } from "../../bindings/ConflictKind";
import type { ReleaseKind } from "../../bindings/ReleaseKind";
import type { Risk } from "../../bindings/Risk";

export const KIND_LABELS: Record<ReleaseKind, string> = { normal: "Normal", emergency: "Emergency" };
export const RISK_LABELS: Record<Risk, string> = { low: "Low risk", medium: "Medium risk", high: "High risk" };
export const RISK_COLORS: Record<Risk, string> = { low: "teal", medium: "yellow", high: "red" };
export const ADVANCE_LABELS: Record<AdvanceMode, string> = { automatic: "Automatic", manual: "Manual" };

export const CONFLICT_LABELS: Record<ConflictKind, string> = {
  overlap: "Computers in two releases at once",
  blackout: "Inside a blackout",
  deadlineBeforeAvailable: "Deadline before available",
  noWindow: "No maintenance window fits",
  emptyCollection: "Nobody targeted",
  outOfOrder: "Phases out of order",
  supersededUpdate: "Superseded update",
  noUpdates: "No updates",
};

// One colour per release on the calendar, stable across views (by id).
const PALETTE = ["blue", "grape", "teal", "orange", "indigo", "lime", "cyan", "pink", "violet", "green"];

export function releaseColor(id: number | null | undefined): string {
  return id == null ? "gray" : (PALETTE[id % PALETTE.length] ?? "blue");
}
