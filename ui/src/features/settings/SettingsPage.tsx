import { Alert, Card, Loader, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { IconInfoCircle } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { useHashSubPath } from "../../app/useHashRoute";
import { CopyField } from "../../components/CopyField";
import { ApprovalSettings } from "./ApprovalSettings";
import { MailSettings } from "./MailSettings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PageHeader } from "../../components/PageHeader";
import { formatCount } from "../../lib/format";
import { appInfo, appSummary } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";

export function SettingsPage() {
  const info = useQuery({ queryKey: queryKeys.appInfo, queryFn: appInfo, staleTime: Infinity });
  const summary = useQuery({ queryKey: queryKeys.summary, queryFn: appSummary });
  // "#/settings/mail" (linked from Notifications) opens the page at the Mail section.
  const section = useHashSubPath()[0];
  useEffect(() => {
    if (section === "mail") document.getElementById("mail-settings")?.scrollIntoView({ block: "start" });
  }, [section]);

  return (
    <div className="page">
      <PageHeader title="Settings" description="Who approves what, the people who use PatchDesk, how mail is sent, and where this installation keeps its data." />
      <div className="page-scroll">
        <Stack gap="md" maw={900}>
          <ApprovalSettings />
          <MailSettings />
          <Card withBorder padding="md">
            <Title order={3} fz="md" mb="sm">
              Application
            </Title>
            {info.isPending && <Loader size="sm" aria-label="Loading" />}
            {info.isError && <ErrorAlert error={info.error} onRetry={() => void info.refetch()} />}
            {info.data && (
              <Table variant="vertical" layout="fixed" withRowBorders={false} data-testid="settings-info">
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Th w={160}>Version</Table.Th>
                    <Table.Td>
                      <Text size="sm" ff="monospace" data-testid="settings-version">
                        {info.data.version}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Data directory</Table.Th>
                    <Table.Td>
                      <CopyField value={info.data.dataDir} data-testid="settings-data-dir" />
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Database</Table.Th>
                    <Table.Td>
                      <CopyField value={info.data.databasePath} data-testid="settings-db-path" />
                    </Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
            )}
          </Card>

          {summary.data && (
            <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="md">
              {(
                [
                  ["Computers", summary.data.computers],
                  ["Sites", summary.data.sites],
                  ["Updates", summary.data.updates],
                ] as const
              ).map(([label, value]) => (
                <Card withBorder padding="sm" key={label}>
                  <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                    {label}
                  </Text>
                  <Text size="xl" fw={600}>
                    {formatCount(value)}
                  </Text>
                </Card>
              ))}
            </SimpleGrid>
          )}

          <Alert variant="light" color="gray" icon={<IconInfoCircle size={18} />} title="More settings will follow">
            More settings arrive with the features that need them, such as sites and time zones and rollout defaults.
            None of them can be changed in this version.
          </Alert>
        </Stack>
      </div>
    </div>
  );
}
