import { Anchor, Badge, Group, Stack, Text } from "@mantine/core";
import type { Area } from "../../app/areas";
import { EmptyState } from "../../components/EmptyState";

/** An area of the SPEC that this version does not have yet: say what it will do, show no data. */
export function PlannedArea({ area }: { area: Area }) {
  return (
    <div className="page" data-testid={`area-${area.id}`}>
      <EmptyState icon={area.icon} title={area.label} data-testid="planned-area">
        <Stack gap="sm" align="center">
          <Text size="sm">{area.planned}</Text>
          <Text size="sm" c="dimmed">
            This area is not available in this version of PatchDesk yet.
          </Text>
          <Group gap="xs" justify="center">
            <Badge variant="outline" color="gray" size="sm">
              Planned · {area.capabilities}
            </Badge>
          </Group>
          <Text size="sm">
            Available now: <Anchor href="#/inventory">Inventory</Anchor>, <Anchor href="#/updates">Updates</Anchor>,{" "}
            <Anchor href="#/collections">Collections</Anchor>, <Anchor href="#/releases">Releases</Anchor>,{" "}
            <Anchor href="#/calendar">Calendar</Anchor>, <Anchor href="#/approvals">Approvals</Anchor> and{" "}
            <Anchor href="#/notifications">Notifications</Anchor>.
          </Text>
        </Stack>
      </EmptyState>
    </div>
  );
}
