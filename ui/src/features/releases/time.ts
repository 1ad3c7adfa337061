// Phase times are instants; people enter and read them in this computer's time zone.

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The value of an <input type="datetime-local"> for an instant, in local time. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** An instant (ISO, UTC) from an <input type="datetime-local"> value; null when incomplete. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace(".000Z", "Z");
}

const shortFormat = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** "Tue, 8 Dec, 22:00" in this computer's time zone. */
export function formatLocal(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "—" : shortFormat.format(d);
}

/** This computer's IANA time zone ("Asia/Seoul"), for labels. */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
}

/** The next `count` months from `from` as "YYYY-MM", this one first. */
export function nextMonths(from: Date, count: number): string[] {
  const out = [];
  for (let i = 0; i < count; i++) {
    const d = new Date(from.getFullYear(), from.getMonth() + i, 1);
    out.push(`${d.getFullYear()}-${pad(d.getMonth() + 1)}`);
  }
  return out;
}

/** "December 2026" for "2026-12". */
export function monthLabel(month: string): string {
  const [y, m] = month.split("-").map(Number);
  return new Date(y ?? 2000, (m ?? 1) - 1, 1).toLocaleDateString(undefined, { month: "long", year: "numeric" });
}
