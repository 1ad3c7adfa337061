import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { IconMailCheck, IconPlayerPause, IconRefresh, IconSend, IconX, IconCalendarRepeat } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { CampaignDetail } from "../../bindings/CampaignDetail";
import { ErrorAlert } from "../../components/ErrorAlert";
import { plural } from "../../lib/format";
import { campaignCancel, campaignPause, campaignResend, campaignRetry, campaignStart, campaignTest } from "../../lib/ipc";
import { notifyError, notifySuccess } from "../../lib/notify";
import { invalidateMail } from "../../lib/queryKeys";
import { isActive } from "./labels";
import { campaignHref, navigate } from "./routes";
import { TestMessageDialog } from "./TestMessageDialog";

function CancelDialog({ detail, opened, onClose }: { detail: CampaignDetail; opened: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const id = detail.summary.id;
  const cancel = useMutation({
    mutationFn: () => campaignCancel(id),
    onSuccess: async (n) => {
      await invalidateMail(client);
      notifySuccess(
        "Campaign cancelled",
        n > 0 ? `${plural(n, "calendar cancellation")} queued: the reminder leaves those calendars.` : "Nothing more will be sent.",
      );
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Cancel this campaign?">
      <Stack gap="sm">
        <Text size="sm">Messages that have not been sent yet are dropped. Messages already delivered cannot be taken back.</Text>
        {detail.reminder ? (
          <Text size="sm">
            Everyone who already received the calendar reminder is sent a cancellation of that event, so it disappears
            from their calendar.
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            This campaign has no calendar reminder, so no cancellations are sent.
          </Text>
        )}
        {cancel.isError && <ErrorAlert error={cancel.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep it
          </Button>
          <Button color="red" onClick={() => cancel.mutate()} loading={cancel.isPending} data-testid="campaign-cancel-confirm">
            Cancel campaign
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** What can be done with a campaign in its state. */
export function CampaignActions({ detail }: { detail: CampaignDetail }) {
  const client = useQueryClient();
  const { id, state, notices, calloffs } = detail.summary;
  const [cancelling, setCancelling] = useState(false);
  const [testing, setTesting] = useState(false);
  const refresh = () => invalidateMail(client);

  const start = useMutation({
    mutationFn: () => campaignStart(id),
    onSuccess: async () => {
      await refresh();
      notifySuccess("Sending", "The messages are going out in the background.");
    },
    onError: (e) => notifyError(e, "Could not start sending"),
  });
  const pause = useMutation({
    mutationFn: () => campaignPause(id),
    onSuccess: async () => {
      await refresh();
      notifySuccess("Paused", "Nothing more is sent until you press “Send now”.");
    },
    onError: (e) => notifyError(e, "Could not pause"),
  });
  const retry = useMutation({
    mutationFn: () => campaignRetry(id),
    onSuccess: async (n) => {
      await refresh();
      notifySuccess("Queued again", `${plural(n, "failed message")} will be tried again.`);
    },
    onError: (e) => notifyError(e, "Could not retry"),
  });
  const resend = useMutation({
    mutationFn: () => campaignResend(id),
    onSuccess: async (newId) => {
      await refresh();
      notifySuccess("Update created", "A new campaign carries the phase's new times; reminders move in the recipients' calendars.");
      navigate(campaignHref(newId));
    },
    onError: (e) => notifyError(e, "Could not create the update"),
  });

  const failed = notices.failed + calloffs.failed;
  return (
    <Group gap="xs" wrap="wrap" justify="flex-end">
      <Button variant="default" leftSection={<IconMailCheck size={16} />} onClick={() => setTesting(true)} data-testid="campaign-test">
        Send a test to me
      </Button>
      {detail.phaseMoved && state !== "cancelled" && (
        <Button variant="light" leftSection={<IconCalendarRepeat size={16} />} onClick={() => resend.mutate()} loading={resend.isPending} data-testid="campaign-resend">
          Send update
        </Button>
      )}
      {failed > 0 && state !== "cancelled" && (
        <Button variant="light" color="orange" leftSection={<IconRefresh size={16} />} onClick={() => retry.mutate()} loading={retry.isPending} data-testid="campaign-retry">
          Retry failed ({failed})
        </Button>
      )}
      {isActive(state) && (
        <Button variant="default" leftSection={<IconPlayerPause size={16} />} onClick={() => pause.mutate()} loading={pause.isPending} data-testid="campaign-pause">
          Pause
        </Button>
      )}
      {state !== "cancelled" && (
        <Button variant="light" color="red" leftSection={<IconX size={16} />} onClick={() => setCancelling(true)} data-testid="campaign-cancel">
          Cancel campaign
        </Button>
      )}
      {(state === "draft" || state === "scheduled" || state === "paused") && (
        <Button leftSection={<IconSend size={16} />} onClick={() => start.mutate()} loading={start.isPending} data-testid="campaign-send">
          Send now
        </Button>
      )}
      <CancelDialog detail={detail} opened={cancelling} onClose={() => setCancelling(false)} />
      <TestMessageDialog
        opened={testing}
        onClose={() => setTesting(false)}
        title="Send a test message"
        description="The campaign's first recipient's message, sent to this address only, through the mail settings in use. Nobody else gets anything."
        send={(to) => campaignTest(id, to)}
        testid="campaign-test"
      />
    </Group>
  );
}
