import { Alert, Anchor, Badge, Center, Group, Loader, SimpleGrid, Stack, Tabs, Text, Title } from "@mantine/core";
import { IconArrowLeft, IconCalendarTime } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { ErrorAlert } from "../../components/ErrorAlert";
import { campaignGet } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { releaseHref } from "../releases/routes";
import { CampaignActions } from "./CampaignActions";
import { CampaignSettings, SkippedComputers } from "./CampaignDetails";
import { CampaignProgress } from "./CampaignProgress";
import { DeliveryLog } from "./DeliveryLog";
import { MAIL_KIND_LABELS, isActive } from "./labels";
import { MessagePreview } from "./MessagePreview";
import { CampaignStateBadge, WaitingForServer } from "./parts";
import { campaignsHref } from "./routes";

/** One campaign: how its sending goes, what it sends (previewed per recipient), and its delivery log. */
export function CampaignView({ id }: { id: number }) {
  const campaign = useQuery({
    queryKey: queryKeys.campaign(id),
    queryFn: () => campaignGet(id),
    // The sender works in the background: follow it while it may be sending.
    refetchInterval: (q) => (q.state.data && isActive(q.state.data.summary.state) ? 1000 : false),
  });

  if (campaign.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (campaign.isError) {
    return (
      <Stack gap="sm">
        <Anchor href={campaignsHref} size="sm" className="back-link">
          <IconArrowLeft size={14} /> Campaigns
        </Anchor>
        <ErrorAlert error={campaign.error} onRetry={() => void campaign.refetch()} />
      </Stack>
    );
  }
  const d = campaign.data;
  const s = d.summary;
  const live = isActive(s.state);

  return (
    <div className="page-scroll" data-testid="campaign-view" data-id={s.id} data-state={s.state}>
      <Stack gap="md" pb="lg">
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="md">
          <Stack gap={4}>
            <Anchor href={campaignsHref} size="sm" className="back-link" data-testid="campaign-back">
              <IconArrowLeft size={14} /> Campaigns
            </Anchor>
            <Group gap="sm">
              <Title order={2} fz="h3" data-testid="campaign-name">
                {s.name}
              </Title>
              <CampaignStateBadge state={s.state} />
            </Group>
            <Group gap={6}>
              <Badge variant="outline" color="gray" tt="none">
                {MAIL_KIND_LABELS[s.kind]}
              </Badge>
              <Text size="sm" c="dimmed">
                <Anchor href={releaseHref(s.releaseId)} size="sm">
                  {s.releaseTitle}
                </Anchor>{" "}
                · phase {s.phase}. {s.phaseName}
              </Text>
            </Group>
          </Stack>
          <CampaignActions detail={d} />
        </Group>

        {live && <WaitingForServer />}
        {d.phaseMoved && s.state !== "cancelled" && (
          <Alert color="yellow" variant="light" icon={<IconCalendarTime size={18} />} title="The phase has moved" data-testid="campaign-phase-moved">
            The phase's times changed after this campaign was created, so its messages and reminders show the old times.
            “Send update” creates a new campaign with the current times; calendar reminders already sent are updated in
            place (same event, newer version) rather than duplicated.
          </Alert>
        )}

        <CampaignProgress summary={s} />

        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <CampaignSettings detail={d} />
          <SkippedComputers detail={d} />
        </SimpleGrid>

        <Tabs defaultValue="preview" keepMounted={false}>
          <Tabs.List mb="sm">
            <Tabs.Tab value="preview" data-testid="tab-preview">
              Preview
            </Tabs.Tab>
            <Tabs.Tab value="log" data-testid="tab-delivery-log">
              Delivery log
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="preview">
            <MessagePreview id={s.id} />
          </Tabs.Panel>
          <Tabs.Panel value="log">
            <DeliveryLog id={s.id} live={live} />
          </Tabs.Panel>
        </Tabs>
      </Stack>
    </div>
  );
}
