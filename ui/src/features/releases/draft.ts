// The release editor's form state: inputs hold text (datetime-local values in this
// computer's time zone); `toInput` turns it into what the core checks and stores.
import type { PhaseInput } from "../../bindings/PhaseInput";
import type { ReleaseDetail } from "../../bindings/ReleaseDetail";
import type { ReleaseInput } from "../../bindings/ReleaseInput";
import type { ReleaseKind } from "../../bindings/ReleaseKind";
import type { Risk } from "../../bindings/Risk";
import { fromLocalInput, toLocalInput } from "./time";

export interface PhaseDraft {
  /** Stable React key; also the stored id for phases that exist. */
  key: string;
  id: number | null;
  name: string;
  collectionId: string;
  availableAt: string;
  deadlineAt: string;
  rerunDays: string;
  successPercent: string;
  successCount: string;
  failurePercent: string;
  advance: "automatic" | "manual";
  advanceAfterDays: string;
  overnightDate: string;
}

export interface ReleaseDraft {
  title: string;
  description: string;
  kind: ReleaseKind;
  risk: Risk;
  justification: string;
  requester: string;
  rollbackPlan: string;
  communicationPlan: string;
  updateIds: string[];
  phases: PhaseDraft[];
}

let nextKey = 0;
const newKey = () => `new-${++nextKey}`;

const RING_NAMES = ["Pilot", "Early", "Broad"];

/** A new phase a week after the previous one (or from tomorrow 10:00), three days long. */
export function newPhase(previous: PhaseDraft | undefined, index: number): PhaseDraft {
  let start: Date;
  const prev = previous ? new Date(previous.availableAt) : null;
  if (prev && !Number.isNaN(prev.getTime())) {
    start = new Date(prev.getTime() + 7 * 86_400_000);
  } else {
    start = new Date();
    start.setDate(start.getDate() + 1);
    start.setHours(10, 0, 0, 0);
  }
  const deadline = new Date(start.getTime() + 3 * 86_400_000);
  deadline.setHours(18, 0, 0, 0);
  return {
    key: newKey(),
    id: null,
    name: RING_NAMES[index] ?? `Phase ${index + 1}`,
    collectionId: "",
    availableAt: toLocalInput(start.toISOString()),
    deadlineAt: toLocalInput(deadline.toISOString()),
    rerunDays: "",
    successPercent: "95",
    successCount: "",
    failurePercent: "5",
    advance: "manual",
    advanceAfterDays: "1",
    overnightDate: "",
  };
}

export function emptyDraft(): ReleaseDraft {
  return {
    title: "",
    description: "",
    kind: "normal",
    risk: "medium",
    justification: "",
    requester: "",
    rollbackPlan: "",
    communicationPlan: "",
    updateIds: [],
    phases: [newPhase(undefined, 0)],
  };
}

export function draftFrom(r: ReleaseDetail): ReleaseDraft {
  return {
    title: r.title,
    description: r.description,
    kind: r.kind,
    risk: r.risk,
    justification: r.justification,
    requester: r.requester,
    rollbackPlan: r.rollbackPlan,
    communicationPlan: r.communicationPlan,
    updateIds: r.updates.map((u) => String(u.id)),
    phases: r.phases.map((p) => ({
      key: `phase-${p.id}`,
      id: p.id,
      name: p.name,
      collectionId: String(p.collection.id),
      availableAt: toLocalInput(p.availableAt),
      deadlineAt: toLocalInput(p.deadlineAt),
      rerunDays: String(p.rerunDays),
      successPercent: p.successPercent == null ? "" : String(p.successPercent),
      successCount: p.successCount == null ? "" : String(p.successCount),
      failurePercent: String(p.failurePercent),
      advance: p.advance,
      advanceAfterDays: String(p.advanceAfterDays),
      overnightDate: p.overnightDate ?? "",
    })),
  };
}

function num(v: string): number | null {
  const t = v.trim();
  if (t === "") return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** What the core checks and stores; `firstProblem` has made sure both times are filled in. */
export function toInput(d: ReleaseDraft): ReleaseInput {
  const phases: PhaseInput[] = d.phases.map((p) => ({
    id: p.id,
    name: p.name,
    collectionId: num(p.collectionId),
    availableAt: fromLocalInput(p.availableAt) ?? "",
    deadlineAt: fromLocalInput(p.deadlineAt) ?? "",
    rerunDays: num(p.rerunDays),
    successPercent: num(p.successPercent),
    successCount: num(p.successCount),
    failurePercent: num(p.failurePercent) ?? 0,
    advance: p.advance,
    advanceAfterDays: num(p.advanceAfterDays) ?? 0,
    overnightDate: p.overnightDate || null,
  }));
  return {
    title: d.title,
    description: d.description,
    kind: d.kind,
    risk: d.risk,
    justification: d.justification,
    requester: d.requester,
    rollbackPlan: d.rollbackPlan,
    communicationPlan: d.communicationPlan,
    updateIds: d.updateIds.map(Number),
    phases,
  };
}

/** A problem the form can name before asking the core (which checks everything again). */
export function firstProblem(d: ReleaseDraft): string | null {
  if (!d.title.trim()) return "Give the release a title.";
  if (d.phases.length === 0) return "Add at least one phase.";
  for (const [i, p] of d.phases.entries()) {
    const label = `Phase ${i + 1}${p.name ? ` (${p.name})` : ""}`;
    if (!p.collectionId) return `${label}: choose its target collection.`;
    if (!fromLocalInput(p.availableAt) || !fromLocalInput(p.deadlineAt)) return `${label}: fill in both times.`;
  }
  return null;
}
