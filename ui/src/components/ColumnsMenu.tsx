import { Button, Checkbox, Divider, Popover, Stack, Text } from "@mantine/core";
import { IconColumns3, IconRestore } from "@tabler/icons-react";
import type { ChoosableColumn, ColumnVisibility } from "./columnVisibility";

interface ColumnsMenuProps<C extends ChoosableColumn> {
  columns: C[];
  visibility: ColumnVisibility<C>;
  "data-testid"?: string;
}

/** A "Columns" button whose dropdown shows or hides a table's columns, with a reset to the defaults. */
export function ColumnsMenu<C extends ChoosableColumn>({ columns, visibility, "data-testid": testId }: ColumnsMenuProps<C>) {
  const hiddenCount = columns.length - visibility.visible.length;
  return (
    <Popover position="bottom-end" shadow="md" withArrow trapFocus returnFocus width={230}>
      <Popover.Target>
        <Button
          variant="default"
          leftSection={<IconColumns3 size={16} stroke={1.6} />}
          title="Show or hide columns"
          data-testid={testId}
        >
          Columns{hiddenCount > 0 && <Text span size="xs" c="dimmed" ml={6}>{`${hiddenCount} hidden`}</Text>}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb="xs">
          Show columns
        </Text>
        <Stack gap={8} role="group" aria-label="Visible columns">
          {columns.map((c) => {
            const locked = c.hideable === false;
            return (
              <Checkbox
                key={c.id}
                size="xs"
                label={c.label ?? c.header}
                checked={visibility.isVisible(c.id)}
                disabled={locked}
                title={locked ? "Always shown" : undefined}
                onChange={(e) => visibility.setVisible(c.id, e.currentTarget.checked)}
                data-testid={`column-toggle-${c.id}`}
              />
            );
          })}
        </Stack>
        <Divider my="xs" />
        <Button
          variant="subtle"
          color="gray"
          size="xs"
          fullWidth
          justify="flex-start"
          leftSection={<IconRestore size={14} />}
          onClick={visibility.reset}
          disabled={visibility.isDefault}
          data-testid="columns-reset"
        >
          Reset to default columns
        </Button>
      </Popover.Dropdown>
    </Popover>
  );
}
