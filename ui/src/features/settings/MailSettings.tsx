import { Alert, Button, Card, Group, Loader, Radio, SimpleGrid, Stack, Text, TextInput, Title, Tooltip } from "@mantine/core";
import { IconAlertTriangle, IconPlugConnected, IconSend } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { MailSettingsView } from "../../bindings/MailSettingsView";
import { CopyField } from "../../components/CopyField";
import { ErrorAlert } from "../../components/ErrorAlert";
import { SuccessAlert } from "../../components/SuccessAlert";
import { mailCheck, mailSendTest, mailSettingsGet, mailSettingsSet } from "../../lib/ipc";
import { notifySuccess } from "../../lib/notify";
import { queryKeys } from "../../lib/queryKeys";
import { TestMessageDialog } from "../notifications/TestMessageDialog";
import { draftFromSettings, mailProblem, passwordToSave, toSettings, type MailDraft } from "./mailDraft";
import { SmtpFields } from "./SmtpFields";

function MailForm({ view }: { view: MailSettingsView }) {
  const client = useQueryClient();
  const initial = draftFromSettings(view.settings);
  const [d, setD] = useState<MailDraft>(initial);
  const [tried, setTried] = useState(false);
  const [testing, setTesting] = useState(false);
  const set = <K extends keyof MailDraft>(key: K, value: MailDraft[K]) => setD((x) => ({ ...x, [key]: value }));
  const dirty = JSON.stringify(d) !== JSON.stringify(initial);

  const save = useMutation({
    mutationFn: () => mailSettingsSet(toSettings(d), passwordToSave(d)),
    onSuccess: (saved) => {
      // The form is keyed by the saved settings: it starts again from them (password field empty).
      client.setQueryData(queryKeys.mailSettings, saved);
      notifySuccess("Mail settings saved", "The sender uses them from now on; the change is on the audit trail.");
    },
  });
  const check = useMutation({ mutationFn: mailCheck });
  const problem = tried ? mailProblem(d) : null;
  const submit = () => {
    setTried(true);
    check.reset();
    if (!mailProblem(d)) save.mutate();
  };
  const savedFirst = dirty ? "Save your changes first: the check uses the saved settings." : null;

  return (
    <Stack gap="md">
      {view.passwordProblem && (
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="The system keychain could not be read" data-testid="mail-password-problem">
          {view.passwordProblem}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput label="Sender name" value={d.senderName} onChange={(e) => set("senderName", e.currentTarget.value)} data-testid="mail-sender-name" />
        <TextInput
          label="Sender e-mail"
          description="Replies go here; its domain is used in message and calendar IDs"
          value={d.senderEmail}
          onChange={(e) => set("senderEmail", e.currentTarget.value)}
          data-testid="mail-sender-email"
        />
      </SimpleGrid>

      <Radio.Group label="Where mail goes" value={d.mode} onChange={(v) => set("mode", v as MailDraft["mode"])}>
        <Stack gap="xs" mt={6}>
          <Radio
            value="outbox"
            label="Outbox folder"
            description="Each message is written as an .eml file, for another program to send or for a dry run. Nothing leaves this computer."
            data-testid="mail-mode-outbox"
          />
          <Radio value="smtp" label="SMTP server" description="Messages are sent through your organisation's mail server." data-testid="mail-mode-smtp" />
        </Stack>
      </Radio.Group>

      {d.mode === "outbox" ? (
        <Stack gap={6}>
          <TextInput
            label="Outbox folder"
            description="Empty: the outbox folder in PatchDesk's data directory"
            placeholder={view.outboxDir}
            value={d.outboxDir}
            onChange={(e) => set("outboxDir", e.currentTarget.value)}
            data-testid="mail-outbox-dir"
          />
          <Group gap={6}>
            <Text size="xs" c="dimmed">
              Messages are written to
            </Text>
            <CopyField value={view.outboxDir} data-testid="mail-outbox-path" />
          </Group>
        </Stack>
      ) : (
        <SmtpFields draft={d} passwordSaved={view.passwordSaved} set={set} onChange={setD} />
      )}

      <div>
        <Text size="sm" fw={500} mb={4}>
          Pace and retries
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <TextInput
            label="Rate limit (messages per second)"
            description="Empty: as fast as the server takes them"
            inputMode="numeric"
            value={d.ratePerSecond}
            onChange={(e) => set("ratePerSecond", e.currentTarget.value)}
            data-testid="mail-rate"
          />
          <TextInput
            label="Tries for a temporary failure"
            description="A refusal (5xx) fails at once"
            inputMode="numeric"
            value={d.maxAttempts}
            onChange={(e) => set("maxAttempts", e.currentTarget.value)}
            data-testid="mail-attempts"
          />
          <TextInput
            label="First retry wait (seconds)"
            description="Doubles after each further try"
            inputMode="numeric"
            value={d.retryBaseSecs}
            onChange={(e) => set("retryBaseSecs", e.currentTarget.value)}
            data-testid="mail-retry-wait"
          />
        </SimpleGrid>
      </div>

      {problem && <ErrorAlert error={{ kind: "invalid", message: problem }} title="Not saved" data-testid="mail-problem" />}
      {save.isError && <ErrorAlert error={save.error} title="Not saved" data-testid="mail-save-error" />}
      {check.isSuccess && <SuccessAlert message={check.data} title="Connection works" data-testid="mail-check-result" />}
      {check.isError && <ErrorAlert error={check.error} title="The connection failed" data-testid="mail-check-error" />}

      <Group gap="xs">
        <Button onClick={submit} loading={save.isPending} disabled={!dirty && !save.isError} data-testid="mail-save">
          Save
        </Button>
        <Tooltip label={savedFirst} disabled={!savedFirst}>
          <Button variant="default" leftSection={<IconPlugConnected size={16} />} onClick={() => check.mutate()} loading={check.isPending} disabled={dirty} data-testid="mail-check">
            Check connection
          </Button>
        </Tooltip>
        <Tooltip label={savedFirst} disabled={!savedFirst}>
          <Button variant="default" leftSection={<IconSend size={16} />} onClick={() => setTesting(true)} disabled={dirty} data-testid="mail-test">
            Send test message
          </Button>
        </Tooltip>
      </Group>
      <TestMessageDialog
        opened={testing}
        onClose={() => setTesting(false)}
        title="Send a test message"
        description="A short message through the saved settings, to check that mail arrives (and how it looks)."
        send={mailSendTest}
        testid="mail-test"
      />
    </Stack>
  );
}

/** Mail (SPEC C9, C14): the sender, where messages go, and how fast and how often they are tried. */
export function MailSettings() {
  const view = useQuery({ queryKey: queryKeys.mailSettings, queryFn: mailSettingsGet });
  return (
    <Card withBorder padding="md" id="mail-settings" data-testid="mail-settings">
      <Title order={3} fz="md" mb={4}>
        Mail
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        How Notifications sends its campaigns and test messages.
      </Text>
      {view.isPending && <Loader size="sm" aria-label="Loading" />}
      {view.isError && <ErrorAlert error={view.error} onRetry={() => void view.refetch()} />}
      {view.data && <MailForm key={JSON.stringify(view.data)} view={view.data} />}
    </Card>
  );
}
