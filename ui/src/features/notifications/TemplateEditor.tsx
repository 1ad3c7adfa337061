import { Badge, Button, Card, Group, Loader, Modal, Stack, Tabs, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconDeviceFloppy, IconRestore } from "@tabler/icons-react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import type { MailTemplate } from "../../bindings/MailTemplate";
import type { TemplateSource } from "../../bindings/TemplateSource";
import { ErrorAlert } from "../../components/ErrorAlert";
import { mailTemplatePreview, mailTemplateReset, mailTemplateSave } from "../../lib/ipc";
import { notifySuccess } from "../../lib/notify";
import { invalidateMail, queryKeys } from "../../lib/queryKeys";
import { policyLabel } from "../inventory/labels";
import { MAIL_KIND_LABELS } from "./labels";
import { MailFrame } from "./MailFrame";
import { TemplateVariables } from "./TemplateVariables";

/** Waits this long after the last keystroke before rendering the preview again. */
export const TEMPLATE_PREVIEW_DEBOUNCE_MS = 300;

interface TemplateEditorProps {
  template: MailTemplate;
  /** The text being edited (the saved text when nothing was changed). */
  source: TemplateSource;
  /** A new text, or null when the edit is saved or thrown away. */
  onChange: (source: TemplateSource | null) => void;
}

function ResetDialog({ opened, onClose, onConfirm, busy }: { opened: boolean; onClose: () => void; onConfirm: () => void; busy: boolean }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Put the shipped text back?">
      <Stack gap="sm">
        <Text size="sm">
          The subject and body return to the text PatchDesk ships with. Your changes to this template are lost; campaigns
          already created keep the text they were created with.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep my text
          </Button>
          <Button color="red" onClick={onConfirm} loading={busy} data-testid="template-reset-confirm">
            Reset to default
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Edits one template's subject and Markdown body, previewed with sample data as it is typed. */
export function TemplateEditor({ template: t, source, onChange }: TemplateEditorProps) {
  const client = useQueryClient();
  const body = useRef<HTMLTextAreaElement>(null);
  const [resetting, setResetting] = useState(false);
  const dirty = source.subject !== t.subject || source.body !== t.body;

  const serialised = JSON.stringify(source);
  const [settled] = useDebouncedValue(serialised, TEMPLATE_PREVIEW_DEBOUNCE_MS);
  const preview = useQuery({
    queryKey: queryKeys.mailTemplatePreview(settled, t.kind),
    queryFn: () => mailTemplatePreview(JSON.parse(settled) as TemplateSource, t.kind),
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: Infinity,
  });
  const checking = settled !== serialised || preview.isFetching;
  const invalid = preview.isError;

  const stored = async (saved: MailTemplate) => {
    client.setQueryData<MailTemplate[]>(queryKeys.mailTemplates, (list) => list?.map((x) => (x.id === saved.id ? saved : x)));
    onChange(null);
    await invalidateMail(client);
  };
  const save = useMutation({
    mutationFn: () => mailTemplateSave(t.id, source),
    onSuccess: async (saved) => {
      await stored(saved);
      notifySuccess("Template saved", "New campaigns use this text; campaigns already created keep theirs.");
    },
  });
  const reset = useMutation({
    mutationFn: () => mailTemplateReset(t.id),
    onSuccess: async (saved) => {
      setResetting(false);
      await stored(saved);
      notifySuccess("Template reset", "The shipped text is back.");
    },
  });

  const insert = (snippet: string) => {
    const el = body.current;
    const start = el?.selectionStart ?? source.body.length;
    const end = el?.selectionEnd ?? start;
    onChange({ ...source, body: source.body.slice(0, start) + snippet + source.body.slice(end) });
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + snippet.length, start + snippet.length);
    });
  };

  return (
    <div className="template-editor" data-testid="template-editor" data-id={t.id} data-dirty={dirty || undefined}>
      <Stack gap="sm" className="template-form">
        {/* The actions move under the title when the column is too narrow for both. */}
        <Group justify="space-between" align="flex-start" gap="sm">
          <div className="template-title">
            <Title order={3} fz="h4">
              {t.name}
            </Title>
            <Group gap={6} mt={2}>
              <Badge variant="light" color="gray" tt="none">
                {MAIL_KIND_LABELS[t.kind]}
              </Badge>
              {t.policy && (
                <Badge variant="outline" color="gray" tt="none">
                  {policyLabel(t.policy)}
                </Badge>
              )}
              {dirty && (
                <Badge variant="light" color="yellow" tt="none">
                  Unsaved changes
                </Badge>
              )}
            </Group>
          </div>
          <Group gap="xs" ml="auto">
            {dirty && (
              <Button variant="subtle" color="gray" onClick={() => onChange(null)} data-testid="template-discard">
                Discard changes
              </Button>
            )}
            {t.builtin && (
              <Button variant="default" leftSection={<IconRestore size={16} />} onClick={() => setResetting(true)} data-testid="template-reset">
                Reset to default
              </Button>
            )}
            <Button
              leftSection={<IconDeviceFloppy size={16} />}
              onClick={() => save.mutate()}
              loading={save.isPending}
              disabled={!dirty || invalid || checking}
              data-testid="template-save"
            >
              Save
            </Button>
          </Group>
        </Group>
        <TextInput
          label="Subject"
          value={source.subject}
          onChange={(e) => onChange({ ...source, subject: e.currentTarget.value })}
          maxLength={200}
          className="mono-input"
          data-testid="template-subject"
        />
        <Textarea
          ref={body}
          label="Body (Markdown)"
          value={source.body}
          onChange={(e) => onChange({ ...source, body: e.currentTarget.value })}
          autosize
          minRows={14}
          maxRows={30}
          spellCheck={false}
          classNames={{ input: "mono-input" }}
          data-testid="template-body"
        />
        {invalid && <ErrorAlert error={preview.error} title="The template has an error" data-testid="template-error" />}
        {save.isError && <ErrorAlert error={save.error} title="Not saved" />}
        {reset.isError && <ErrorAlert error={reset.error} title="Not reset" />}
        <TemplateVariables onInsert={insert} />
      </Stack>

      <Card withBorder padding="sm" className="template-preview" data-testid="template-preview" data-checking={checking || undefined}>
        <Group justify="space-between" mb={6}>
          <Title order={4} fz="sm">
            Preview with sample data
          </Title>
          {checking && <Loader size="xs" aria-label="Rendering" />}
        </Group>
        {invalid ? (
          <Text size="sm" c="dimmed">
            Fix the error to see the message.
          </Text>
        ) : preview.data ? (
          <Stack gap="xs">
            <Text size="sm" fw={600} data-testid="template-preview-subject">
              {preview.data.subject}
            </Text>
            <Tabs defaultValue="html" variant="outline">
              <Tabs.List>
                <Tabs.Tab value="html">Message</Tabs.Tab>
                <Tabs.Tab value="text">Plain text</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="html" pt="xs">
                <MailFrame html={preview.data.html} title="Template preview" data-testid="template-preview-frame" />
              </Tabs.Panel>
              <Tabs.Panel value="text" pt="xs">
                <pre className="mail-text" data-testid="template-preview-text">
                  {preview.data.text}
                </pre>
              </Tabs.Panel>
            </Tabs>
          </Stack>
        ) : (
          <Loader size="sm" aria-label="Rendering" />
        )}
      </Card>
      <ResetDialog opened={resetting} onClose={() => setResetting(false)} onConfirm={() => reset.mutate()} busy={reset.isPending} />
    </div>
  );
}
