import { Card, Group, Radio, SimpleGrid, Stack, Switch, Text, TextInput, Title } from "@mantine/core";
import type { Phase } from "../../bindings/Phase";
import { formatLocal, localZone } from "../releases/time";
import type { CampaignDraft } from "./composeDraft";

interface OptionsProps {
  draft: CampaignDraft;
  phase: Phase | null;
  set: <K extends keyof CampaignDraft>(key: K, value: CampaignDraft[K]) => void;
}

/** Send now or at a time. */
export function SendTimeCard({ draft, set }: OptionsProps) {
  return (
    <Card withBorder padding="md">
      <Title order={3} fz="md" mb="xs">
        When
      </Title>
      <Radio.Group value={draft.sendLater ? "later" : "now"} onChange={(v) => set("sendLater", v === "later")}>
        <Stack gap="xs">
          <Radio
            value="now"
            label="When I press Send"
            description="Created as a draft: check the preview, send a test to yourself, then send it."
            data-testid="campaign-send-now"
          />
          <Radio
            value="later"
            label="Send at a time"
            description="Until then you can look at every recipient's message, send yourself a test, pause or cancel."
            data-testid="campaign-send-later"
          />
        </Stack>
      </Radio.Group>
      {draft.sendLater && (
        <TextInput
          type="datetime-local"
          label="Send at"
          description={`This computer's time (${localZone()})`}
          value={draft.sendAt}
          onChange={(e) => set("sendAt", e.currentTarget.value)}
          mt="sm"
          maw={280}
          data-testid="campaign-send-at"
        />
      )}
    </Card>
  );
}

/** Outlook's follow-up flag: its text and when it is due. */
export function FlagCard({ draft, phase, set }: OptionsProps) {
  return (
    <Card withBorder padding="md">
      <Group justify="space-between" mb="xs">
        <Title order={3} fz="md">
          Follow-up flag
        </Title>
        <Switch
          checked={draft.flagOn}
          onChange={(e) => set("flagOn", e.currentTarget.checked)}
          label={draft.flagOn ? "On" : "Off"}
          aria-label="Follow-up flag"
          data-testid="campaign-flag"
        />
      </Group>
      <Text size="sm" c="dimmed" mb={draft.flagOn ? "sm" : 0}>
        Outlook shows the flag's text on the message and reminds the recipient when it is due.
      </Text>
      {draft.flagOn && (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Flag text"
            value={draft.flagText}
            onChange={(e) => set("flagText", e.currentTarget.value)}
            maxLength={100}
            data-testid="campaign-flag-text"
          />
          <TextInput
            type="datetime-local"
            label="Due"
            description={`Empty: the phase's install deadline${phase ? ` (${formatLocal(phase.deadlineAt)})` : ""}`}
            value={draft.flagDue}
            onChange={(e) => set("flagDue", e.currentTarget.value)}
            data-testid="campaign-flag-due"
          />
        </SimpleGrid>
      )}
    </Card>
  );
}

/** A calendar reminder at a local time at each recipient's site. */
export function ReminderCard({ draft, phase, set }: OptionsProps) {
  const dateDefault = phase?.overnightDate
    ? `the phase's overnight date (${phase.overnightDate})`
    : "the phase's overnight date, else the day the updates become available";
  return (
    <Card withBorder padding="md">
      <Group justify="space-between" mb="xs">
        <Title order={3} fz="md">
          Calendar reminder
        </Title>
        <Switch
          checked={draft.reminderOn}
          onChange={(e) => set("reminderOn", e.currentTarget.checked)}
          label={draft.reminderOn ? "On" : "Off"}
          aria-label="Calendar reminder"
          data-testid="campaign-reminder"
        />
      </Group>
      <Text size="sm" c="dimmed" mb={draft.reminderOn ? "sm" : 0}>
        An invitation in the recipient's calendar with an alarm, at the same local time at every site. If the phase
        moves, “Send update” moves the reminder; cancelling the campaign removes it.
      </Text>
      {draft.reminderOn && (
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm">
          <TextInput
            label="Title"
            value={draft.reminderTitle}
            onChange={(e) => set("reminderTitle", e.currentTarget.value)}
            maxLength={150}
            data-testid="campaign-reminder-title"
          />
          <TextInput
            type="date"
            label="Date"
            description={`Empty: ${dateDefault}`}
            value={draft.reminderDate}
            onChange={(e) => set("reminderDate", e.currentTarget.value)}
            data-testid="campaign-reminder-date"
          />
          <TextInput
            label="Time (HH:MM)"
            description="At each recipient's site"
            placeholder="16:30"
            value={draft.reminderTime}
            onChange={(e) => set("reminderTime", e.currentTarget.value)}
            data-testid="campaign-reminder-time"
          />
          <TextInput
            label="Minutes"
            description="How long the event lasts"
            inputMode="numeric"
            value={draft.reminderMinutes}
            onChange={(e) => set("reminderMinutes", e.currentTarget.value)}
            data-testid="campaign-reminder-minutes"
          />
        </SimpleGrid>
      )}
    </Card>
  );
}
