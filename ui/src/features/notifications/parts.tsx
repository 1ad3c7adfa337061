import { Alert, Anchor, Badge, Group, Progress, Text, Tooltip } from "@mantine/core";
import { IconPlugConnectedX } from "@tabler/icons-react";
import type { CampaignState } from "../../bindings/CampaignState";
import type { Counts } from "../../bindings/Counts";
import { formatCount } from "../../lib/format";
import { CAMPAIGN_STATE_COLORS, CAMPAIGN_STATE_LABELS, DELIVERY_STATE_COLORS, DELIVERY_STATE_LABELS, pending } from "./labels";
import { mailSettingsHref } from "./routes";
import { useOutboxStatus } from "./useOutbox";

export function CampaignStateBadge({ state }: { state: CampaignState }) {
  return (
    <Badge color={CAMPAIGN_STATE_COLORS[state]} variant="light" data-testid="campaign-state" data-state={state}>
      {CAMPAIGN_STATE_LABELS[state]}
    </Badge>
  );
}

export function DeliveryStateBadge({ state }: { state: string }) {
  return (
    <Badge size="sm" color={DELIVERY_STATE_COLORS[state] ?? "gray"} variant={state === "cancelled" ? "outline" : "light"}>
      {DELIVERY_STATE_LABELS[state] ?? state}
    </Badge>
  );
}

function percent(n: number, total: number): number {
  return total > 0 ? (n / total) * 100 : 0;
}

/** Sent, failed and cancelled messages as parts of one bar; the rest is still to send. */
export function CountsBar({ counts, size = "sm", "data-testid": testid }: { counts: Counts; size?: "xs" | "sm" | "md" | "lg"; "data-testid"?: string }) {
  const { total, sent, failed, cancelled } = counts;
  return (
    <Progress.Root
      size={size}
      radius="sm"
      data-testid={testid}
      data-sent={sent}
      data-failed={failed}
      data-total={total}
      aria-label={`${formatCount(sent)} of ${formatCount(total)} sent`}
    >
      <Tooltip label={`${formatCount(sent)} sent`} withArrow>
        <Progress.Section value={percent(sent, total)} color="teal" />
      </Tooltip>
      <Tooltip label={`${formatCount(failed)} failed`} withArrow>
        <Progress.Section value={percent(failed, total)} color="red" />
      </Tooltip>
      <Tooltip label={`${formatCount(cancelled)} cancelled`} withArrow>
        <Progress.Section value={percent(cancelled, total)} color="gray.5" />
      </Tooltip>
    </Progress.Root>
  );
}

/** "1,200 sent · 3 failed · 40 queued" in one line. */
export function CountsText({ counts }: { counts: Counts }) {
  const queued = pending(counts);
  return (
    <Group gap={8} wrap="nowrap">
      <Text size="xs" className="num">
        {formatCount(counts.sent)} sent
      </Text>
      {counts.failed > 0 && (
        <Text size="xs" c="red.7" fw={600} className="num">
          {formatCount(counts.failed)} failed
        </Text>
      )}
      {queued > 0 && (
        <Text size="xs" c="dimmed" className="num">
          {formatCount(queued)} queued
        </Text>
      )}
    </Group>
  );
}

/** Shown while the sender cannot reach the mail server (it keeps retrying by itself). */
export function WaitingForServer() {
  const status = useOutboxStatus();
  const reason = status.data?.waitingForServer;
  if (!reason) return null;
  return (
    <Alert color="orange" variant="light" icon={<IconPlugConnectedX size={18} />} title="Waiting for the mail server" data-testid="outbox-waiting">
      <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
        {reason}
      </Text>
      <Text size="sm" mt={4}>
        Messages stay in the queue and go out as soon as the server answers. Check the{" "}
        <Anchor href={mailSettingsHref} size="sm">
          mail settings
        </Anchor>{" "}
        if this lasts.
      </Text>
    </Alert>
  );
}
