import { Anchor, Button, Center, Group, Loader, NativeSelect, Stack, Table, Text } from "@mantine/core";
import { IconMailForward, IconPlus } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { CampaignSummary } from "../../bindings/CampaignSummary";
import { EmptyState } from "../../components/EmptyState";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatCount, relativeTime } from "../../lib/format";
import { campaignList, releaseList } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { useNow } from "../../lib/useNow";
import { formatLocal } from "../releases/time";
import { MAIL_KIND_LABELS } from "./labels";
import { NotificationsHeader } from "./NotificationsHeader";
import { CampaignStateBadge, CountsBar, CountsText, WaitingForServer } from "./parts";
import { campaignHref, newCampaignHref } from "./routes";

/** Sending campaigns change by the second; scheduled ones only when their time comes. */
function refreshEvery(rows: CampaignSummary[] | undefined): number | false {
  if (rows?.some((c) => c.state === "sending")) return 1000;
  if (rows?.some((c) => c.state === "scheduled")) return 5000;
  return false;
}

function CampaignRow({ c, now }: { c: CampaignSummary; now: number }) {
  return (
    <Table.Tr data-testid="campaign-row" data-id={c.id} data-name={c.name} data-state={c.state}>
      <Table.Td>
        <Anchor href={campaignHref(c.id)} fw={500} size="sm">
          {c.name}
        </Anchor>
        <Text size="xs" c="dimmed">
          {MAIL_KIND_LABELS[c.kind]}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" className="truncate">
          {c.releaseTitle}
        </Text>
        <Text size="xs" c="dimmed">
          Phase {c.phase}. {c.phaseName}
        </Text>
      </Table.Td>
      <Table.Td>
        <CampaignStateBadge state={c.state} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatLocal(c.sendAt)}</Text>
        <Text size="xs" c="dimmed">
          {relativeTime(c.sendAt, now)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Stack gap={4}>
          <Group justify="space-between" gap="xs" wrap="nowrap">
            <CountsText counts={c.notices} />
            <Text size="xs" c="dimmed" className="num">
              of {formatCount(c.notices.total)}
            </Text>
          </Group>
          <CountsBar counts={c.notices} size="xs" />
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}

/** Every campaign, newest first, with how far its sending got. */
export function CampaignList() {
  const now = useNow(30_000);
  const [release, setRelease] = useState("");
  const releaseId = release ? Number(release) : null;
  const releases = useQuery({ queryKey: queryKeys.releaseList, queryFn: releaseList });
  const list = useQuery({
    queryKey: queryKeys.campaignList(releaseId),
    queryFn: () => campaignList(releaseId),
    refetchInterval: (q) => refreshEvery(q.state.data),
  });

  let body;
  if (list.isPending) {
    body = (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  } else if (list.isError) {
    body = <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />;
  } else if (list.data.length === 0 && releaseId === null) {
    body = (
      <EmptyState
        icon={IconMailForward}
        title="No campaigns yet"
        data-testid="campaigns-empty"
        actions={
          <Button component="a" href={newCampaignHref} variant="light" leftSection={<IconPlus size={16} />}>
            Plan the first campaign
          </Button>
        }
      >
        A campaign is one message to the owners of the computers in one phase of a release: a rollout announcement, a
        request to leave computers on overnight, a deadline reminder or a notice to administrators. Each owner gets one
        e-mail that lists their computers in their site's time zone, with a follow-up flag and, where it helps, a
        calendar reminder. You can preview every recipient's message before it is sent.
      </EmptyState>
    );
  } else if (list.data.length === 0) {
    body = (
      <Text size="sm" c="dimmed" py="md">
        This release has no campaigns.
      </Text>
    );
  } else {
    body = (
      <div className="page-scroll table-frame">
        <Table highlightOnHover stickyHeader aria-label="Campaigns">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Campaign</Table.Th>
              <Table.Th w="24%">Release · phase</Table.Th>
              <Table.Th w={120}>State</Table.Th>
              <Table.Th w={160}>Send time</Table.Th>
              <Table.Th w={260}>Delivery</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((c) => (
              <CampaignRow key={c.id} c={c} now={now} />
            ))}
          </Table.Tbody>
        </Table>
      </div>
    );
  }

  return (
    <>
      <NotificationsHeader
        tab="campaigns"
        actions={
          <Button component="a" href={newCampaignHref} leftSection={<IconPlus size={16} />} data-testid="campaign-new">
            New campaign
          </Button>
        }
      />
      <Stack gap="sm" className="page">
        <WaitingForServer />
        {(releases.data?.length ?? 0) > 0 && (
          <Group>
            <NativeSelect
              aria-label="Release"
              data={[{ value: "", label: "All releases" }, ...(releases.data ?? []).map((r) => ({ value: String(r.id), label: r.title }))]}
              value={release}
              onChange={(e) => setRelease(e.currentTarget.value)}
              w={320}
              data-testid="campaign-release-filter"
            />
          </Group>
        )}
        {body}
      </Stack>
    </>
  );
}
