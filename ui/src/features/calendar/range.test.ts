import { describe, expect, it } from "vitest";
import { dayKey, daysBetween, shift, startOfWeek, touchesDay, viewDays } from "./range";

describe("calendar ranges", () => {
  it("shows six weeks from the Monday before the first of the month", () => {
    const days = viewDays("month", new Date(2026, 11, 15));
    expect(days).toHaveLength(42);
    expect(dayKey(days[0]!)).toBe("2026-11-30");
    expect(days[0]!.getDay()).toBe(1);
    expect(dayKey(days[41]!)).toBe("2027-01-10");
  });

  it("a week starts on Monday and an agenda covers the month", () => {
    expect(dayKey(startOfWeek(new Date(2026, 11, 13)))).toBe("2026-12-07");
    expect(viewDays("week", new Date(2026, 11, 9)).map(dayKey)[6]).toBe("2026-12-13");
    expect(viewDays("agenda", new Date(2026, 1, 10))).toHaveLength(28);
  });

  it("moves by a week or a month", () => {
    expect(dayKey(shift("week", new Date(2026, 11, 9), 1))).toBe("2026-12-16");
    expect(dayKey(shift("month", new Date(2026, 11, 31), 1))).toBe("2027-01-01");
  });

  it("knows which days an event touches, end excluded", () => {
    const start = new Date(2026, 11, 8, 22).toISOString();
    const end = new Date(2026, 11, 10, 0).toISOString();
    expect(touchesDay(start, end, new Date(2026, 11, 8))).toBe(true);
    expect(touchesDay(start, end, new Date(2026, 11, 9))).toBe(true);
    expect(touchesDay(start, end, new Date(2026, 11, 10))).toBe(false);
    expect(touchesDay(start, end, new Date(2026, 11, 7))).toBe(false);
  });

  it("counts whole days for a drag", () => {
    expect(daysBetween(new Date(2026, 11, 8, 23), new Date(2026, 11, 15, 1))).toBe(7);
    expect(daysBetween(new Date(2026, 11, 8), new Date(2026, 11, 1))).toBe(-7);
  });
});
