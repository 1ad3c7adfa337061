// Display helpers. Pure functions: "now" is always passed in.

const numberFormat = new Intl.NumberFormat("en-US");

/** 12345 -> "12,345". */
export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** "1 computer", "2 computers". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** Parses an RFC 3339 instant; null for null, empty or unparsable input. */
export function parseInstant(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "just now", "5 min ago", "3 h ago", "4 d ago", "5 mo ago", "2 y ago" (or "in 3 h"). */
export function relativeTime(iso: string | null | undefined, now: number): string {
  const d = parseInstant(iso);
  if (!d) return "never";
  const diff = now - d.getTime();
  const future = diff < 0;
  const s = Math.abs(diff) / 1000;
  let text: string;
  if (s < 60) return future ? "in a moment" : "just now";
  if (s < 3600) text = `${Math.floor(s / 60)} min`;
  else if (s < 48 * 3600) text = `${Math.floor(s / 3600)} h`;
  else if (s < 60 * 86400) text = `${Math.floor(s / 86400)} d`;
  else if (s < 730 * 86400) text = `${Math.floor(s / (30.44 * 86400))} mo`;
  else text = `${Math.floor(s / (365.25 * 86400))} y`;
  return future ? `in ${text}` : `${text} ago`;
}

/** Whole days elapsed since `iso`, or null. */
export function daysSince(iso: string | null | undefined, now: number): number | null {
  const d = parseInstant(iso);
  return d ? (now - d.getTime()) / 86_400_000 : null;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "2026-11-28 09:30 UTC". */
export function formatUtc(iso: string | null | undefined): string {
  const d = parseInstant(iso);
  if (!d) return "—";
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )} UTC`;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();

function zoneFormat(timeZone: string): Intl.DateTimeFormat | null {
  let f = zoneFormats.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("sv-SE", {
        timeZone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
    } catch {
      f = null; // an unknown zone: fall back to UTC only
    }
    zoneFormats.set(timeZone, f);
  }
  return f;
}

/** "2026-11-28 18:30 (Asia/Seoul)", or the UTC form when the zone is unknown. */
export function formatInZone(iso: string | null | undefined, timeZone: string): string {
  const d = parseInstant(iso);
  if (!d) return "—";
  const f = zoneFormat(timeZone);
  return f ? `${f.format(d)} (${timeZone})` : formatUtc(iso);
}

/** Tooltip text for an instant: the site's local time and UTC. */
export function instantTitle(iso: string | null | undefined, timeZone: string): string {
  if (!parseInstant(iso)) return "Never";
  return `${formatInZone(iso, timeZone)} · ${formatUtc(iso)}`;
}

/** "1.2 s", "850 ms". */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Free disk in GB with one decimal below 100, none above. */
export function formatGb(gb: number | null): string {
  if (gb == null) return "—";
  return gb < 100 ? gb.toFixed(1) : formatCount(Math.round(gb));
}
