import { Card, Group, SimpleGrid, Stack, Text, Tooltip } from "@mantine/core";
import type { CampaignSummary } from "../../bindings/CampaignSummary";
import { formatCount, plural, relativeTime } from "../../lib/format";
import { useNow } from "../../lib/useNow";
import { formatLocal } from "../releases/time";
import { pending } from "./labels";
import { CountsBar } from "./parts";
import { useOutboxStatus } from "./useOutbox";

function Stat({ label, value, color, hint, testid }: { label: string; value: number; color?: string; hint?: string; testid: string }) {
  const body = (
    <Card withBorder padding="sm" data-testid={testid} data-value={value}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={600} c={value > 0 ? color : undefined} className="num">
        {formatCount(value)}
      </Text>
    </Card>
  );
  return hint ? (
    <Tooltip label={hint} multiline w={280} withArrow>
      {body}
    </Tooltip>
  ) : (
    body
  );
}

/** Where the campaign's sending stands: the counts, one bar, and the pace while it sends. */
export function CampaignProgress({ summary: s }: { summary: CampaignSummary }) {
  const now = useNow(15_000);
  const outbox = useOutboxStatus();
  const c = s.notices;
  const done = c.sent + c.failed + c.cancelled;
  const pct = c.total > 0 ? Math.round((done / c.total) * 100) : 0;
  const rate = outbox.data?.rate ?? 0;

  let line: string;
  switch (s.state) {
    case "draft":
      line = "A draft: check the preview, then press “Send now”";
      break;
    case "scheduled":
      line = `Sends ${formatLocal(s.sendAt)} (${relativeTime(s.sendAt, now)})`;
      break;
    case "sending":
      line = rate > 0 ? `Sending at ${rate.toFixed(1)} messages per second` : "Sending";
      break;
    case "paused":
      line = "Paused: nothing more is sent until you press “Send now”";
      break;
    case "completed":
      line = `Completed ${formatLocal(s.completedAt)}`;
      break;
    case "cancelled":
      line = `Cancelled ${formatLocal(s.completedAt)}`;
      break;
  }

  return (
    <Stack gap="sm" data-testid="campaign-counts">
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <Stat label="Sent" value={c.sent} color="teal.7" testid="count-sent" />
        <Stat label="Failed" value={c.failed} color="red.7" testid="count-failed" hint="Refused by the server, or still failing after every try; see the delivery log for the reason." />
        <Stat label="Queued" value={pending(c)} testid="count-queued" />
        <Stat
          label="Possible duplicates"
          value={c.possibleDuplicates}
          color="orange.7"
          testid="count-duplicates"
          hint="Messages tried again after a send that may already have reached the server: these recipients may get the message twice."
        />
      </SimpleGrid>
      <Card withBorder padding="sm">
        <Group justify="space-between" mb={6} gap="xs">
          <Text size="sm" fw={500} data-testid="campaign-progress-line">
            {line}
          </Text>
          <Text size="xs" c="dimmed" className="num">
            {formatCount(done)} of {plural(c.total, "message")} done ({pct} %)
          </Text>
        </Group>
        <CountsBar counts={c} size="md" data-testid="campaign-progress" />
        {s.calloffs.total > 0 && (
          <Text size="xs" c="dimmed" mt={6} data-testid="campaign-calloffs">
            Calendar cancellations: {formatCount(s.calloffs.sent)} of {formatCount(s.calloffs.total)} sent
            {s.calloffs.failed > 0 ? `, ${formatCount(s.calloffs.failed)} failed` : ""}.
          </Text>
        )}
      </Card>
    </Stack>
  );
}
