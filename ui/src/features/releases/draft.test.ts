import { describe, expect, it } from "vitest";
import { emptyDraft, firstProblem, newPhase, toInput } from "./draft";
import { parseReleasesPath } from "./routes";
import { fromLocalInput, toLocalInput } from "./time";

describe("release drafts", () => {
  it("names the first thing missing before asking the core", () => {
    const d = emptyDraft();
    expect(firstProblem(d)).toBe("Give the release a title.");
    d.title = "December patches";
    expect(firstProblem(d)).toBe("Phase 1 (Pilot): choose its target collection.");
    d.phases[0]!.collectionId = "7";
    d.phases[0]!.deadlineAt = "";
    expect(firstProblem(d)).toBe("Phase 1 (Pilot): fill in both times.");
    d.phases = [];
    expect(firstProblem(d)).toBe("Add at least one phase.");
  });

  it("turns the form into a release input with instants and numbers", () => {
    const d = emptyDraft();
    d.title = "T";
    d.updateIds = ["3", "5"];
    const p = d.phases[0]!;
    p.collectionId = "7";
    p.availableAt = "2026-12-09T10:00";
    p.deadlineAt = "2026-12-11T18:00";
    p.successCount = "";
    p.rerunDays = " ";
    const input = toInput(d);
    expect(input.updateIds).toEqual([3, 5]);
    const phase = input.phases[0]!;
    expect(phase.collectionId).toBe(7);
    expect(phase.availableAt).toBe(new Date(2026, 11, 9, 10, 0).toISOString().replace(".000Z", "Z"));
    expect(phase.successPercent).toBe(95);
    expect(phase.successCount).toBeNull();
    expect(phase.rerunDays).toBeNull();
  });

  it("schedules a new phase a week after the previous one", () => {
    const first = newPhase(undefined, 0);
    const second = newPhase(first, 1);
    expect(second.name).toBe("Early");
    const gap = new Date(second.availableAt).getTime() - new Date(first.availableAt).getTime();
    expect(Math.round(gap / 86_400_000)).toBe(7);
  });

  it("round-trips local input values", () => {
    const iso = fromLocalInput("2026-03-29T02:30");
    expect(iso).not.toBeNull();
    expect(fromLocalInput("2026-03-29")).toBeNull();
    expect(toLocalInput(new Date(2026, 10, 28, 9, 5).toISOString())).toBe("2026-11-28T09:05");
  });

  it("reads its addresses", () => {
    expect(parseReleasesPath([])).toEqual({ page: "list" });
    expect(parseReleasesPath(["new"])).toEqual({ page: "new" });
    expect(parseReleasesPath(["4", "edit"])).toEqual({ page: "edit", id: 4 });
    expect(parseReleasesPath(["x"])).toEqual({ page: "list" });
  });
});
