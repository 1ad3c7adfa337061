import { Center, Group, Loader, Select, Stack, Table, Tabs, Text } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Preview } from "../../bindings/Preview";
import { ErrorAlert } from "../../components/ErrorAlert";
import { campaignPreview, campaignRecipients, type Recipient } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { MailFrame } from "./MailFrame";

const label = ([email, name]: Recipient) => (name ? `${name} <${email}>` : email);

/** A searchable picker over the campaign's recipients; the core searches e-mail, name and site. */
function RecipientPicker({
  id,
  first,
  value,
  onChange,
}: {
  id: number;
  /** The first page of recipients, as the preview already loaded it. */
  first: readonly Recipient[];
  value: string | null;
  onChange: (email: string) => void;
}) {
  const [search, setSearch] = useState("");
  // The input shows the chosen recipient's label: that is not a search.
  const [settled] = useDebouncedValue(search, 250);
  const [pickedLabel, setPickedLabel] = useState<string | null>(null);
  const firstChosen = first.find((r) => r[0] === value);
  const chosenLabel = pickedLabel ?? (firstChosen ? label(firstChosen) : null);
  const term = settled === chosenLabel ? "" : settled.trim();
  const found = useQuery({
    queryKey: queryKeys.campaignRecipients(id, term),
    queryFn: () => campaignRecipients(id, term),
    placeholderData: keepPreviousData,
  });
  const rows = found.data ?? [];
  const sites = new Map(rows.map((r) => [r[0], r[2]]));
  return (
    <Select
      label="Recipient"
      placeholder="Search by name, e-mail or site"
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      data={rows.map((r) => ({ value: r[0], label: label(r) }))}
      value={value}
      onChange={(email, option) => {
        if (!email) return;
        setPickedLabel(option.label);
        onChange(email);
      }}
      nothingFoundMessage={found.isFetching ? "Searching…" : "No recipient matches"}
      renderOption={({ option }) => (
        <Stack gap={0}>
          <Text size="sm">{option.label}</Text>
          <Text size="xs" c="dimmed">
            {sites.get(option.value) ?? ""}
          </Text>
        </Stack>
      )}
      maxDropdownHeight={320}
      w={420}
      data-testid="preview-recipient"
    />
  );
}

function Headers({ preview }: { preview: Preview }) {
  return (
    <Table fz="xs" withTableBorder verticalSpacing={3} layout="fixed" data-testid="preview-headers">
      <Table.Tbody>
        {preview.headers.map(([name, value], i) => (
          <Table.Tr key={i} data-header={name}>
            <Table.Th w={130} fw={600}>
              {name}
            </Table.Th>
            <Table.Td className="mono" style={{ wordBreak: "break-all" }}>
              {value}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function PreviewBody({ preview }: { preview: Preview }) {
  return (
    <Stack gap="sm" data-testid="preview" data-email={preview.email}>
      <Text size="sm" data-testid="preview-site">
        Site: {preview.site} ({preview.timeZone})
      </Text>
      <Headers preview={preview} />
      <Tabs defaultValue="html" variant="outline">
        <Tabs.List>
          <Tabs.Tab value="html" data-testid="preview-tab-html">
            Message
          </Tabs.Tab>
          <Tabs.Tab value="text" data-testid="preview-tab-text">
            Plain text
          </Tabs.Tab>
          <Tabs.Tab value="calendar" disabled={!preview.calendar} data-testid="preview-tab-calendar">
            Calendar
          </Tabs.Tab>
          <Tabs.Tab value="source">Source</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="html" pt="sm">
          <MailFrame html={preview.rendered.html} title={`Message to ${preview.email}`} data-testid="preview-frame" />
        </Tabs.Panel>
        <Tabs.Panel value="text" pt="sm">
          <pre className="mail-text" data-testid="preview-text">
            {preview.rendered.text}
          </pre>
        </Tabs.Panel>
        <Tabs.Panel value="calendar" pt="sm">
          <pre className="mail-text" data-testid="preview-calendar">
            {preview.calendar ?? ""}
          </pre>
        </Tabs.Panel>
        <Tabs.Panel value="source" pt="sm">
          <pre className="mail-text" data-testid="preview-source">
            {preview.source}
          </pre>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

/** One recipient's message exactly as it is sent: headers, HTML (sandboxed), text and calendar. */
export function MessagePreview({ id }: { id: number }) {
  const [picked, setPicked] = useState<string | null>(null);
  const first = useQuery({ queryKey: queryKeys.campaignRecipients(id, ""), queryFn: () => campaignRecipients(id, "") });
  const email = picked ?? first.data?.[0]?.[0] ?? null;
  const preview = useQuery({
    queryKey: queryKeys.campaignPreview(id, email ?? ""),
    queryFn: () => campaignPreview(id, email ?? ""),
    enabled: email !== null,
    placeholderData: keepPreviousData,
  });

  let body;
  if (first.isError) body = <ErrorAlert error={first.error} onRetry={() => void first.refetch()} />;
  else if (first.data && first.data.length === 0) {
    body = (
      <Text size="sm" c="dimmed">
        This campaign has no recipients.
      </Text>
    );
  } else if (preview.isError) body = <ErrorAlert error={preview.error} title="No preview" data-testid="preview-error" />;
  else if (preview.data) body = <PreviewBody preview={preview.data} />;
  else {
    body = (
      <Center py="lg">
        <Loader size="sm" aria-label="Loading the preview" />
      </Center>
    );
  }

  return (
    <Stack gap="sm">
      <Group align="flex-end" justify="space-between">
        <RecipientPicker id={id} first={first.data ?? []} value={email} onChange={setPicked} />
        <Text size="xs" c="dimmed" maw={420}>
          Rendered now with the data this recipient's message is made of; the subject and times are in their site's
          time zone.
        </Text>
      </Group>
      {body}
    </Stack>
  );
}
