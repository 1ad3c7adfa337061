import { Button, Card, Group, List, Loader, SimpleGrid, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { IconBuildingCommunity, IconFileImport, IconRocket } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useReducer } from "react";
import { TaskProgress } from "../../components/TaskProgress";
import { formatCount, formatDuration } from "../../lib/format";
import { demoLoad, taskCancel } from "../../lib/ipc";
import { notifyError, notifySuccess } from "../../lib/notify";
import { initialProgress, reduceProgress } from "../../lib/progress";
import { invalidateData } from "../../lib/queryKeys";

/** First run (SPEC C15): an empty database offers the demo organisation or a CSV import. */
export function Welcome({ onImport }: { onImport: () => void }) {
  const queryClient = useQueryClient();
  const [progress, dispatch] = useReducer(reduceProgress, initialProgress);

  const load = useMutation({
    mutationFn: () => {
      dispatch("reset");
      return demoLoad(null, dispatch);
    },
    onSuccess: async (summary) => {
      notifySuccess(
        "Demo organisation loaded",
        `${formatCount(summary.computers)} computers in ${formatCount(summary.sites)} sites and ${formatCount(
          summary.updates,
        )} updates, in ${formatDuration(summary.elapsedMs)}.`,
      );
      await invalidateData(queryClient);
    },
    onError: (error) => notifyError(error, "The demo organisation could not be loaded"),
  });

  const cancel = useMutation({ mutationFn: taskCancel, onError: (e) => notifyError(e, "Could not cancel") });

  return (
    <div className="page-scroll welcome-wrap" data-testid="welcome">
      <Stack gap="lg" className="welcome-card">
        <Stack gap={6} align="center" ta="center">
          <ThemeIcon size={60} radius="xl" variant="light">
            <IconRocket size={34} stroke={1.5} />
          </ThemeIcon>
          <Title order={2}>Welcome to PatchDesk</Title>
          <Text c="dimmed" maw={560}>
            Your database is empty. Start with a realistic demo organisation to explore, or bring in your own computers
            from a CSV file.
          </Text>
        </Stack>

        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <Card withBorder padding="lg" radius="md">
            <Stack gap="sm" h="100%">
              <Group gap="sm">
                <ThemeIcon variant="light" size="lg">
                  <IconBuildingCommunity size={20} />
                </ThemeIcon>
                <Text fw={600}>Demo organisation</Text>
              </Group>
              <List size="sm" c="dimmed" spacing={2}>
                <List.Item>Sites in several time zones</List.Item>
                <List.Item>Thousands of workstations and servers</List.Item>
                <List.Item>A catalogue of updates</List.Item>
              </List>
              <div style={{ flex: 1 }} />
              {load.isSuccess ? (
                <Group gap="xs" justify="center" data-testid="demo-done">
                  <Loader size="xs" />
                  <Text size="sm" c="dimmed">
                    Opening the inventory…
                  </Text>
                </Group>
              ) : load.isPending ? (
                <Stack gap="xs">
                  <TaskProgress state={progress} fallbackLabel="Preparing…" data-testid="demo-progress" />
                  <Group justify="flex-end">
                    <Button
                      size="xs"
                      variant="light"
                      color="red"
                      onClick={() => cancel.mutate()}
                      loading={cancel.isPending}
                      data-testid="demo-cancel"
                    >
                      Cancel
                    </Button>
                  </Group>
                </Stack>
              ) : (
                <Button onClick={() => load.mutate()} data-testid="load-demo" data-autofocus>
                  Load demo organisation
                </Button>
              )}
            </Stack>
          </Card>

          <Card withBorder padding="lg" radius="md">
            <Stack gap="sm" h="100%">
              <Group gap="sm">
                <ThemeIcon variant="light" size="lg" color="gray">
                  <IconFileImport size={20} />
                </ThemeIcon>
                <Text fw={600}>Your own computers</Text>
              </Group>
              <Text size="sm" c="dimmed">
                Import an inventory export (one computer per row: name, site, time zone, owner, OS, agent…). PatchDesk
                checks the file first and shows every rejected line before anything is written.
              </Text>
              <div style={{ flex: 1 }} />
              <Button variant="default" onClick={onImport} disabled={load.isPending} data-testid="welcome-import">
                Import CSV
              </Button>
            </Stack>
          </Card>
        </SimpleGrid>
      </Stack>
    </div>
  );
}
