import { describe, expect, it } from "vitest";
import { formatInZone, formatUtc, relativeTime } from "./format";
import { reduceProgress, initialProgress, progressPercent } from "./progress";

const NOW = Date.parse("2026-11-28T12:00:00Z");

describe("relativeTime", () => {
  it.each([
    ["2026-11-28T11:59:30Z", "just now"],
    ["2026-11-28T11:15:00Z", "45 min ago"],
    ["2026-11-28T09:00:00Z", "3 h ago"],
    ["2026-11-25T12:00:00Z", "3 d ago"],
    ["2026-05-28T12:00:00Z", "6 mo ago"],
    ["2023-11-28T12:00:00Z", "3 y ago"],
    ["2026-11-28T15:00:00Z", "in 3 h"],
    [null, "never"],
  ])("%s -> %s", (iso, text) => {
    expect(relativeTime(iso, NOW)).toBe(text);
  });
});

describe("absolute times", () => {
  it("formats UTC and a site's zone", () => {
    expect(formatUtc("2026-11-28T09:05:00Z")).toBe("2026-11-28 09:05 UTC");
    expect(formatInZone("2026-11-28T09:05:00Z", "Asia/Seoul")).toBe("2026-11-28 18:05 (Asia/Seoul)");
    expect(formatInZone("2026-11-28T09:05:00Z", "Not/AZone")).toBe("2026-11-28 09:05 UTC");
  });
});

describe("progress", () => {
  it("follows stage and advance events", () => {
    let s = reduceProgress(initialProgress, { event: "stage", name: "Importing computers", total: 200 });
    expect(progressPercent(s)).toBe(0);
    s = reduceProgress(s, { event: "advance", done: 50, total: null });
    expect(s).toEqual({ stage: "Importing computers", done: 50, total: 200 });
    expect(progressPercent(s)).toBe(25);
    s = reduceProgress(s, { event: "stage", name: "Indexing", total: null });
    expect(progressPercent(s)).toBeNull();
  });
});
