import { Group, Progress, Stack, Text } from "@mantine/core";
import { formatCount } from "../lib/format";
import { progressPercent, type ProgressState } from "../lib/progress";

interface TaskProgressProps {
  state: ProgressState;
  /** Shown until the first stage event arrives. */
  fallbackLabel: string;
  "data-testid"?: string;
}

/** A progress bar fed by a command's progress channel; indeterminate while the total is unknown. */
export function TaskProgress({ state, fallbackLabel, ...rest }: TaskProgressProps) {
  const percent = progressPercent(state);
  const label = state.stage ?? fallbackLabel;
  return (
    <Stack gap={6} w="100%">
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {state.total != null
            ? `${formatCount(state.done)} / ${formatCount(state.total)}`
            : state.done > 0
              ? formatCount(state.done)
              : ""}
        </Text>
      </Group>
      <Progress
        data-testid={rest["data-testid"]}
        data-percent={percent == null ? undefined : Math.round(percent)}
        value={percent ?? 100}
        striped={percent == null}
        animated={percent == null}
        size="md"
        radius="sm"
        aria-label={label}
        transitionDuration={150}
      />
    </Stack>
  );
}
