import { Button, Group, Modal, NativeSelect, Stack, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { ErrorAlert } from "../../components/ErrorAlert";
import { templateCreateRelease, templateList } from "../../lib/ipc";
import { notifySuccess } from "../../lib/notify";
import { invalidateReleases, queryKeys } from "../../lib/queryKeys";
import { navigate, releaseHref } from "./routes";
import { monthLabel, nextMonths } from "./time";

/** Creates a release from a plan template for a month: Patch Tuesday + each ring's days. */
export function FromTemplateDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const templates = useQuery({ queryKey: queryKeys.templates, queryFn: templateList, enabled: opened });
  const months = useMemo(() => nextMonths(new Date(), 13), []);
  const [template, setTemplate] = useState("");
  const [month, setMonth] = useState(months[1] ?? "");
  const [requester, setRequester] = useState("");
  const chosen = template || templates.data?.[0]?.name || "";
  const create = useMutation({
    mutationFn: () => templateCreateRelease(chosen, month, requester),
    onSuccess: async (release) => {
      await invalidateReleases(client);
      notifySuccess("Release created", `${release.title}: ${release.phases.length} phases, ${release.updates.length} updates.`);
      onClose();
      navigate(releaseHref(release.id));
    },
  });
  const tpl = templates.data?.find((t) => t.name === chosen);

  return (
    <Modal opened={opened} onClose={onClose} title="New release from a template" size="lg">
      <Stack gap="sm">
        {templates.isError && <ErrorAlert error={templates.error} />}
        {templates.data?.length === 0 && <Text size="sm">There are no templates yet: open a release and save its plan as one.</Text>}
        <NativeSelect
          label="Template"
          data={(templates.data ?? []).map((t) => t.name)}
          value={chosen}
          onChange={(e) => setTemplate(e.currentTarget.value)}
          data-testid="template-select"
        />
        {tpl && (
          <Text size="xs" c="dimmed">
            {tpl.description} Times of day in {tpl.timeZone}; phases:{" "}
            {tpl.phases.map((p) => `${p.name} (Patch Tuesday +${p.availableDay} days)`).join(", ")}.
          </Text>
        )}
        <NativeSelect
          label="Month"
          description="Patch Tuesday is that month's second Tuesday; the release holds the catalogue's updates of that month."
          data={months.map((m) => ({ value: m, label: monthLabel(m) }))}
          value={month}
          onChange={(e) => setMonth(e.currentTarget.value)}
          data-testid="template-month"
        />
        <TextInput label="Requester" placeholder="Who asks for this change" value={requester} onChange={(e) => setRequester(e.currentTarget.value)} />
        {create.isError && <ErrorAlert error={create.error} data-testid="template-error" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => create.mutate()} loading={create.isPending} disabled={!chosen} data-testid="template-create">
            Create release
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
