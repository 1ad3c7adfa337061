// Calendar arithmetic in this computer's time zone: what a view covers and which local
// days an event touches.

export type CalendarView = "month" | "week" | "agenda";

export function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

export function addDays(d: Date, n: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
}

/** Monday on or before `d`. */
export function startOfWeek(d: Date): Date {
  const day = (d.getDay() + 6) % 7;
  return addDays(startOfDay(d), -day);
}

/** The days a view shows: six weeks from the Monday before the 1st, one week, or the month. */
export function viewDays(view: CalendarView, anchor: Date): Date[] {
  let first: Date;
  let count: number;
  if (view === "month") {
    first = startOfWeek(new Date(anchor.getFullYear(), anchor.getMonth(), 1));
    count = 42;
  } else if (view === "week") {
    first = startOfWeek(anchor);
    count = 7;
  } else {
    first = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
    count = new Date(anchor.getFullYear(), anchor.getMonth() + 1, 0).getDate();
  }
  return Array.from({ length: count }, (_, i) => addDays(first, i));
}

/** The next or previous period of a view. */
export function shift(view: CalendarView, anchor: Date, by: number): Date {
  return view === "week" ? addDays(anchor, 7 * by) : new Date(anchor.getFullYear(), anchor.getMonth() + by, 1);
}

/** "YYYY-MM-DD" of a local day, as a stable key. */
export function dayKey(d: Date): string {
  const m = d.getMonth() + 1;
  const day = d.getDate();
  return `${d.getFullYear()}-${m < 10 ? "0" : ""}${m}-${day < 10 ? "0" : ""}${day}`;
}

/** Whether [start, end) touches the local day `day`. */
export function touchesDay(startIso: string, endIso: string, day: Date): boolean {
  const s = new Date(startIso).getTime();
  const e = new Date(endIso).getTime();
  return s < addDays(day, 1).getTime() && e > day.getTime();
}

/** Whole local days between two days (for a drag from one to the other). */
export function daysBetween(from: Date, to: Date): number {
  return Math.round((startOfDay(to).getTime() - startOfDay(from).getTime()) / 86_400_000);
}

const title = new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric" });
const dayTitle = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });

export function periodTitle(view: CalendarView, anchor: Date): string {
  if (view !== "week") return title.format(anchor);
  const days = viewDays("week", anchor);
  return `${dayTitle.format(days[0] ?? anchor)} – ${dayTitle.format(days[6] ?? anchor)}`;
}

const hm = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

export function timeOf(iso: string): string {
  return hm.format(new Date(iso));
}

/** Whether an instant falls on the local day `day`. */
export function startsOn(iso: string, day: Date): boolean {
  return startOfDay(new Date(iso)).getTime() === day.getTime();
}
