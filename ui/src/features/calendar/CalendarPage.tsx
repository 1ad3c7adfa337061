import { ActionIcon, Badge, Button, Center, Group, Loader, SegmentedControl, Stack, Text, Tooltip } from "@mantine/core";
import { IconChevronLeft, IconChevronRight, IconDownload, IconMoon, IconBan } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type CSSProperties, type DragEvent } from "react";
import type { CalendarEvent } from "../../bindings/CalendarEvent";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PageHeader } from "../../components/PageHeader";
import { pickIcsTarget, releaseConflicts, releaseMovePhase, scheduleEvents, scheduleExportIcs } from "../../lib/ipc";
import { notifyError, notifyInfo, notifySuccess } from "../../lib/notify";
import { invalidateReleases, queryKeys } from "../../lib/queryKeys";
import { ConflictList } from "../releases/ConflictList";
import { releaseColor } from "../releases/labels";
import { navigate, releaseHref } from "../releases/routes";
import { localZone } from "../releases/time";
import { BlackoutsDialog } from "./BlackoutsDialog";
import { addDays, dayKey, daysBetween, periodTitle, shift, startOfDay, startsOn, timeOf, touchesDay, viewDays, type CalendarView } from "./range";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

function eventClass(e: CalendarEvent): string {
  return `cal-event cal-${e.kind}${e.conflict ? " cal-conflict" : ""}`;
}

/** A phase takes its release's colour; other events are styled by kind. */
function eventStyle(e: CalendarEvent): CSSProperties | undefined {
  if (e.kind !== "phase") return undefined;
  const c = releaseColor(e.releaseId);
  return {
    "--ev-bg": `var(--mantine-color-${c}-light)`,
    "--ev-fg": `var(--mantine-color-${c}-light-color)`,
    "--ev-bar": `var(--mantine-color-${c}-filled)`,
  } as CSSProperties;
}

/** A phase, blackout or overnight night in a day cell; phases can be dragged to another day. */
function EventChip({ event: e, day, onDragStart }: { event: CalendarEvent; day: Date; onDragStart?: (ev: DragEvent, e: CalendarEvent, day: Date) => void }) {
  const isPhase = e.kind === "phase";
  const starts = startsOn(e.startsAt, day);
  // The colour says which release; the chip says which phase (the tooltip says both).
  const label = isPhase ? e.title.split(" · ").pop() : e.title;
  return (
    <Tooltip label={`${e.title} — ${e.detail}${e.conflict ? " (has a conflict)" : ""}`} multiline maw={360} openDelay={400}>
      <div
        className={eventClass(e)}
        style={eventStyle(e)}
        data-testid={`cal-${e.kind}`}
        data-title={e.title}
        data-conflict={e.conflict ? "true" : undefined}
        draggable={isPhase}
        onDragStart={isPhase && onDragStart ? (ev) => onDragStart(ev, e, day) : undefined}
        onClick={e.releaseId != null ? () => navigate(releaseHref(e.releaseId!)) : undefined}
        role={e.releaseId != null ? "link" : undefined}
      >
        {e.kind === "overnight" && <IconMoon size={11} />}
        {e.kind === "blackout" && <IconBan size={11} />}
        <span>{starts && isPhase ? `${timeOf(e.startsAt)} ${label}` : label}</span>
      </div>
    </Tooltip>
  );
}

function WindowsLine({ windows }: { windows: CalendarEvent[] }) {
  if (windows.length === 0) return null;
  return (
    <Tooltip label={windows.map((w) => `${timeOf(w.startsAt)}–${timeOf(w.endsAt)} ${w.title}`).join("\n")} multiline maw={360} style={{ whiteSpace: "pre-line" }}>
      <Text size="10px" c="dimmed" className="cal-windows" data-testid="cal-windows">
        {windows.length} {windows.length === 1 ? "window" : "windows"}
      </Text>
    </Tooltip>
  );
}

function MonthGrid({
  days,
  month,
  events,
  onMove,
}: {
  days: Date[];
  month: number;
  events: CalendarEvent[];
  onMove: (e: CalendarEvent, byDays: number) => void;
}) {
  const [dragging, setDragging] = useState<{ event: CalendarEvent; from: Date } | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const today = dayKey(new Date());
  return (
    <div className="cal-month" data-testid="cal-month">
      {WEEKDAYS.map((w) => (
        <div key={w} className="cal-head">
          {w}
        </div>
      ))}
      {days.map((d) => {
        const key = dayKey(d);
        const onDay = events.filter((e) => touchesDay(e.startsAt, e.endsAt, d));
        const shown = onDay.filter((e) => e.kind !== "window");
        const windows = onDay.filter((e) => e.kind === "window" && startsOn(e.startsAt, d));
        return (
          <div
            key={key}
            className="cal-day"
            data-day={key}
            data-other={d.getMonth() !== month ? "true" : undefined}
            data-today={key === today ? "true" : undefined}
            data-over={over === key ? "true" : undefined}
            onDragOver={(ev) => {
              if (!dragging) return;
              ev.preventDefault();
              setOver(key);
            }}
            onDragLeave={() => setOver((o) => (o === key ? null : o))}
            onDrop={(ev) => {
              ev.preventDefault();
              setOver(null);
              if (dragging) onMove(dragging.event, daysBetween(dragging.from, d));
              setDragging(null);
            }}
          >
            <div className="cal-daynum">{d.getDate()}</div>
            {shown.map((e) => (
              <EventChip
                key={e.key}
                event={e}
                day={d}
                onDragStart={(ev, event, from) => {
                  ev.dataTransfer.setData("text/plain", event.key);
                  ev.dataTransfer.effectAllowed = "move";
                  setDragging({ event, from });
                }}
              />
            ))}
            <WindowsLine windows={windows} />
          </div>
        );
      })}
    </div>
  );
}

/** When an event is on one day of the week: "21:00–04:00", "from 01:00", "until 09:00", "all day". */
function spanOn(e: CalendarEvent, day: Date): string {
  const begins = startsOn(e.startsAt, day);
  const ends = startsOn(e.endsAt, day) || new Date(e.endsAt).getTime() <= addDays(day, 1).getTime();
  const multiDay = new Date(e.endsAt).getTime() - new Date(e.startsAt).getTime() > 86_400_000;
  if (begins && (!multiDay || ends)) return `${timeOf(e.startsAt)}–${timeOf(e.endsAt)}`;
  if (begins) return `from ${timeOf(e.startsAt)}`;
  if (ends) return `until ${timeOf(e.endsAt)}`;
  return "all day";
}

function WeekGrid({ days, events }: { days: Date[]; events: CalendarEvent[] }) {
  return (
    <div className="cal-week" data-testid="cal-week">
      {days.map((d, i) => (
        <div key={dayKey(d)} className="cal-weekday" data-day={dayKey(d)}>
          <div className="cal-head">
            {WEEKDAYS[i]} {d.getDate()}
          </div>
          {events
            // Windows where they open (a night's window would otherwise show twice).
            .filter((e) => (e.kind === "window" ? startsOn(e.startsAt, d) : touchesDay(e.startsAt, e.endsAt, d)))
            .map((e) => (
              <Tooltip key={e.key} label={e.detail} multiline maw={360} openDelay={400}>
                <div
                  className={eventClass(e)}
                  style={eventStyle(e)}
                  data-testid={`cal-${e.kind}`}
                  data-title={e.title}
                  onClick={e.releaseId != null ? () => navigate(releaseHref(e.releaseId!)) : undefined}
                >
                  <span>
                    {spanOn(e, d)} {e.title}
                  </span>
                </div>
              </Tooltip>
            ))}
        </div>
      ))}
    </div>
  );
}

const agendaDay = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long" });

function Agenda({ days, events }: { days: Date[]; events: CalendarEvent[] }) {
  // Phases and blackouts where they begin and end, nights where they begin. Windows open
  // every night at every site: the week view shows them.
  const planned = events.filter((e) => e.kind !== "window");
  const rows = days
    .map((d) => {
      const items: { e: CalendarEvent; what: string; at: string }[] = [];
      for (const e of planned) {
        const begins = startsOn(e.startsAt, d);
        const ends = startsOn(e.endsAt, d);
        if (begins) items.push({ e, what: e.kind === "phase" ? "available" : e.kind === "blackout" ? "begins" : "", at: e.startsAt });
        if (ends && (e.kind === "phase" || e.kind === "blackout")) items.push({ e, what: e.kind === "phase" ? "install deadline" : "ends", at: e.endsAt });
      }
      items.sort((a, b) => a.at.localeCompare(b.at));
      return { d, items };
    })
    .filter((r) => r.items.length > 0);
  if (rows.length === 0) return <Text c="dimmed">Nothing planned in this month.</Text>;
  return (
    <Stack gap="sm" data-testid="cal-agenda">
      {rows.map(({ d, items }) => (
        <div key={dayKey(d)}>
          <Text fw={600} size="sm">
            {agendaDay.format(d)}
          </Text>
          {items.map(({ e, what, at }, i) => (
            <Group key={`${e.key}-${i}`} gap="xs" wrap="nowrap" className="cal-agenda-row">
              <Text size="sm" w={48} className="num">
                {timeOf(at)}
              </Text>
              <div className={eventClass(e)} style={eventStyle(e)} data-testid={`cal-${e.kind}`} data-title={e.title}>
                <span>{e.title}</span>
              </div>
              <Text size="xs" c="dimmed">
                {what}
              </Text>
            </Group>
          ))}
        </div>
      ))}
    </Stack>
  );
}

/** Every rollout on one calendar (SPEC C5): phases by release, windows, blackouts, overnight nights. */
export function CalendarPage() {
  const client = useQueryClient();
  const [view, setView] = useState<CalendarView>("month");
  const [anchor, setAnchor] = useState(() => startOfDay(new Date()));
  const [blackouts, setBlackouts] = useState(false);
  const days = useMemo(() => viewDays(view, anchor), [view, anchor]);
  const from = (days[0] ?? anchor).toISOString();
  const to = addDays(days[days.length - 1] ?? anchor, 1).toISOString();
  const events = useQuery({ queryKey: queryKeys.schedule(from, to), queryFn: () => scheduleEvents(from, to) });
  const conflicts = useQuery({ queryKey: queryKeys.conflicts, queryFn: releaseConflicts });
  const move = useMutation({
    mutationFn: ({ e, by }: { e: CalendarEvent; by: number }) => releaseMovePhase(e.phaseId!, by * 86_400),
    onSuccess: async (all, { e, by }) => {
      await invalidateReleases(client);
      const mine = all.filter((c) => c.phaseId === e.phaseId);
      const moved = `${e.title} moved ${Math.abs(by)} ${Math.abs(by) === 1 ? "day" : "days"} ${by > 0 ? "later" : "earlier"}.`;
      if (mine.length) notifyInfo("Moved, with conflicts", `${moved} ${mine.map((c) => c.message).join(" ")}`);
      else notifySuccess("Moved", `${moved} No conflicts.`);
    },
    onError: (err) => notifyError(err, "Could not move the phase"),
  });
  const exportIcs = useMutation({
    mutationFn: async () => {
      const path = await pickIcsTarget("patchdesk-schedule.ics");
      return path ? { path, n: await scheduleExportIcs(path) } : null;
    },
    onSuccess: (r) => r && notifySuccess("Schedule exported", `${r.n} phases written to ${r.path}.`),
    onError: (err) => notifyError(err, "Could not export the schedule"),
  });

  let body;
  if (events.isPending) {
    body = (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  } else if (events.isError) {
    body = <ErrorAlert error={events.error} onRetry={() => void events.refetch()} />;
  } else if (view === "month") {
    body = <MonthGrid days={days} month={anchor.getMonth()} events={events.data} onMove={(e, by) => by !== 0 && move.mutate({ e, by })} />;
  } else if (view === "week") {
    body = <WeekGrid days={days} events={events.data} />;
  } else {
    body = <Agenda days={days} events={events.data} />;
  }
  const phaseConflicts = conflicts.data ?? [];

  return (
    <div className="page" data-testid="area-calendar">
      <PageHeader
        title="Calendar"
        description={`Every rollout phase, maintenance window, blackout and overnight night, in this computer's time (${localZone()}). Drag a phase to another day to reschedule it.`}
        actions={
          <>
            <Button variant="default" leftSection={<IconBan size={16} />} onClick={() => setBlackouts(true)} data-testid="blackouts-open">
              Blackouts…
            </Button>
            <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => exportIcs.mutate()} loading={exportIcs.isPending}>
              Export .ics
            </Button>
          </>
        }
      />
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <ActionIcon variant="default" aria-label="Previous" onClick={() => setAnchor((a) => shift(view, a, -1))} data-testid="cal-prev">
            <IconChevronLeft size={16} />
          </ActionIcon>
          <ActionIcon variant="default" aria-label="Next" onClick={() => setAnchor((a) => shift(view, a, 1))} data-testid="cal-next">
            <IconChevronRight size={16} />
          </ActionIcon>
          <Button variant="subtle" size="xs" onClick={() => setAnchor(startOfDay(new Date()))}>
            Today
          </Button>
          <Text fw={600} data-testid="cal-title" data-month={dayKey(anchor).slice(0, 7)}>
            {periodTitle(view, anchor)}
          </Text>
        </Group>
        <Group gap="sm">
          {phaseConflicts.length > 0 && (
            <Badge color="orange" variant="light" data-testid="cal-conflict-count">
              {phaseConflicts.length} {phaseConflicts.length === 1 ? "conflict" : "conflicts"}
            </Badge>
          )}
          <SegmentedControl
            size="xs"
            value={view}
            onChange={(v) => setView(v as CalendarView)}
            data={[
              { value: "month", label: "Month" },
              { value: "week", label: "Week" },
              { value: "agenda", label: "Agenda" },
            ]}
          />
        </Group>
      </Group>
      <div className="page-scroll">
        <Stack gap="md" pb="lg">
          {body}
          {phaseConflicts.length > 0 && <ConflictList conflicts={phaseConflicts} showRelease />}
        </Stack>
      </div>
      <BlackoutsDialog opened={blackouts} onClose={() => setBlackouts(false)} />
    </div>
  );
}
