import {
  ActionIcon,
  AppShell,
  Badge,
  Burger,
  Group,
  NavLink,
  ScrollArea,
  Text,
  ThemeIcon,
  Tooltip,
  useComputedColorScheme,
  useMantineColorScheme,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconCircleCheck, IconMoon, IconSun } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { appSummary } from "../lib/ipc";
import { plural } from "../lib/format";
import { queryKeys } from "../lib/queryKeys";
import { CollectionsPage } from "../features/collections/CollectionsPage";
import { InventoryPage } from "../features/inventory/InventoryPage";
import { NotificationsPage } from "../features/notifications/NotificationsPage";
import { PlannedArea } from "../features/placeholders/PlannedArea";
import { ReleasesPage } from "../features/releases/ReleasesPage";
import { ApprovalsPage } from "../features/approvals/ApprovalsPage";
import { OperatorSelect } from "../features/approvals/OperatorSelect";
import { CalendarPage } from "../features/calendar/CalendarPage";
import { SettingsPage } from "../features/settings/SettingsPage";
import { UpdatesPage } from "../features/updates/UpdatesPage";
import { AREAS, areaById, type Area, type AreaId } from "./areas";
import { areaHref, useHashRoute } from "./useHashRoute";

const NAV_GROUPS: { label: string; ids: AreaId[] }[] = [
  { label: "Assess", ids: ["inventory", "updates"] },
  { label: "Deploy", ids: ["collections", "releases", "calendar", "approvals", "notifications", "monitoring"] },
  { label: "Review", ids: ["reviews"] },
  { label: "", ids: ["settings"] },
];

function AreaView({ area }: { area: AreaId }) {
  switch (area) {
    case "inventory":
      return <InventoryPage />;
    case "updates":
      return <UpdatesPage />;
    case "collections":
      return <CollectionsPage />;
    case "releases":
      return <ReleasesPage />;
    case "calendar":
      return <CalendarPage />;
    case "approvals":
      return <ApprovalsPage />;
    case "notifications":
      return <NotificationsPage />;
    case "settings":
      return <SettingsPage />;
    default:
      return <PlannedArea area={areaById(area)} />;
  }
}

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme("light", { getInitialValueInEffect: false });
  const next = computed === "dark" ? "light" : "dark";
  return (
    <Tooltip label={`Switch to ${next} theme`}>
      <ActionIcon
        variant="default"
        size="lg"
        onClick={() => setColorScheme(next)}
        aria-label={`Switch to ${next} theme`}
        data-testid="theme-toggle"
      >
        {computed === "dark" ? <IconSun size={18} stroke={1.6} /> : <IconMoon size={18} stroke={1.6} />}
      </ActionIcon>
    </Tooltip>
  );
}

function StatusLine() {
  const summary = useQuery({ queryKey: queryKeys.summary, queryFn: appSummary });
  if (!summary.data) return null;
  const { computers, sites, updates } = summary.data;
  return (
    <Text size="xs" c="dimmed" visibleFrom="md" data-testid="status-line">
      {plural(computers, "computer")} · {plural(sites, "site")} · {plural(updates, "update")}
    </Text>
  );
}

function NavItem({ area, active, onNavigate }: { area: Area; active: boolean; onNavigate: () => void }) {
  const Icon = area.icon;
  return (
    <NavLink
      component="a"
      href={areaHref(area.id)}
      label={area.label}
      active={active}
      aria-current={active ? "page" : undefined}
      leftSection={<Icon size={18} stroke={1.6} />}
      rightSection={
        area.planned ? (
          <Badge size="xs" variant="light" color="gray" radius="sm">
            planned
          </Badge>
        ) : undefined
      }
      onClick={onNavigate}
      data-testid={`nav-${area.id}`}
      className="app-navlink"
    />
  );
}

export function AppFrame() {
  const [area] = useHashRoute();
  const [opened, { toggle, close }] = useDisclosure(false);

  return (
    <AppShell
      header={{ height: 52 }}
      navbar={{ width: 224, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <ThemeIcon size={30} radius="md" variant="filled">
              <IconCircleCheck size={20} stroke={2} />
            </ThemeIcon>
            <Text fw={700} size="lg" component="span" data-testid="app-title">
              PatchDesk
            </Text>
          </Group>
          <Group gap="md" wrap="nowrap">
            <OperatorSelect />
            <StatusLine />
            <ThemeToggle />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label="Areas">
        <AppShell.Section grow component={ScrollArea}>
          {NAV_GROUPS.map((group) => (
            <div key={group.label || "end"} className="app-navgroup">
              {group.label && (
                <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" pt="sm" pb={4} className="app-navgroup-label">
                  {group.label}
                </Text>
              )}
              {!group.label && <div className="app-navgroup-divider" />}
              {group.ids.map((id) => (
                <NavItem key={id} area={AREAS.find((a) => a.id === id) ?? AREAS[0]} active={area === id} onNavigate={close} />
              ))}
            </div>
          ))}
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main className="app-main">
        <AreaView area={area} />
      </AppShell.Main>
    </AppShell>
  );
}
