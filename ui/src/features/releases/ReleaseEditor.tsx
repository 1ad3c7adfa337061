import {
  ActionIcon,
  Anchor,
  Button,
  Card,
  Center,
  Group,
  Loader,
  MultiSelect,
  NativeSelect,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
  Tooltip,
} from "@mantine/core";
import { IconArrowDown, IconArrowLeft, IconArrowUp, IconPlus, IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useDebouncedValue } from "@mantine/hooks";
import { useMemo, useState } from "react";
import type { ReleaseDetail } from "../../bindings/ReleaseDetail";
import { ErrorAlert } from "../../components/ErrorAlert";
import { ConflictList } from "./ConflictList";
import { formatCount } from "../../lib/format";
import { catalogList, collectionList, releaseCheck, releaseCreate, releaseGet, releaseUpdate } from "../../lib/ipc";
import { notifySuccess } from "../../lib/notify";
import { invalidateReleases, queryKeys } from "../../lib/queryKeys";
import { draftFrom, emptyDraft, firstProblem, newPhase, toInput, type PhaseDraft, type ReleaseDraft } from "./draft";
import { navigate, releaseHref, releasesHref } from "./routes";
import { localZone } from "./time";

const UPDATE_QUERY = {
  search: null,
  severity: null,
  classification: null,
  hideSuperseded: false,
  sort: "releaseDate" as const,
  descending: true,
  offset: 0,
  limit: 1000,
};

function PhaseEditor({
  phase: p,
  index,
  count,
  collections,
  onChange,
  onMove,
  onRemove,
}: {
  phase: PhaseDraft;
  index: number;
  count: number;
  collections: { value: string; label: string }[];
  onChange: (p: PhaseDraft) => void;
  onMove: (by: number) => void;
  onRemove: () => void;
}) {
  const set = <K extends keyof PhaseDraft>(k: K, v: PhaseDraft[K]) => onChange({ ...p, [k]: v });
  return (
    <Card withBorder padding="sm" data-testid="phase-editor" data-index={index}>
      <Group justify="space-between" mb={6}>
        <Text fw={600}>Phase {index + 1}</Text>
        <Group gap={4}>
          <Tooltip label="Earlier">
            <ActionIcon variant="subtle" color="gray" aria-label="Move earlier" disabled={index === 0} onClick={() => onMove(-1)}>
              <IconArrowUp size={16} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Later">
            <ActionIcon variant="subtle" color="gray" aria-label="Move later" disabled={index === count - 1} onClick={() => onMove(1)}>
              <IconArrowDown size={16} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Remove phase">
            <ActionIcon variant="subtle" color="red" aria-label={`Remove phase ${index + 1}`} onClick={onRemove}>
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm" verticalSpacing="xs">
        <TextInput label="Name" value={p.name} onChange={(e) => set("name", e.currentTarget.value)} data-testid="phase-name" />
        <NativeSelect
          label="Target collection"
          data={[{ value: "", label: "Choose…" }, ...collections]}
          value={p.collectionId}
          onChange={(e) => set("collectionId", e.currentTarget.value)}
          data-testid="phase-collection"
        />
        <TextInput
          type="datetime-local"
          label="Available"
          value={p.availableAt}
          onChange={(e) => set("availableAt", e.currentTarget.value)}
          data-testid="phase-available"
        />
        <TextInput
          type="datetime-local"
          label="Install deadline"
          value={p.deadlineAt}
          onChange={(e) => set("deadlineAt", e.currentTarget.value)}
          data-testid="phase-deadline"
        />
        <TextInput
          label="Re-run every (days)"
          placeholder="7, or 1 for servers"
          value={p.rerunDays}
          onChange={(e) => set("rerunDays", e.currentTarget.value)}
        />
        <Group grow gap="xs" align="flex-end">
          <TextInput label="Advance at ≥ %" value={p.successPercent} onChange={(e) => set("successPercent", e.currentTarget.value)} />
          <TextInput label="or ≥ computers" value={p.successCount} onChange={(e) => set("successCount", e.currentTarget.value)} />
        </Group>
        <TextInput label="Halt at ≥ % failed" value={p.failurePercent} onChange={(e) => set("failurePercent", e.currentTarget.value)} />
        <Group grow gap="xs" align="flex-end">
          <NativeSelect
            label="Advance"
            data={[
              { value: "manual", label: "By hand" },
              { value: "automatic", label: "Automatically" },
            ]}
            value={p.advance}
            onChange={(e) => set("advance", e.currentTarget.value as PhaseDraft["advance"])}
          />
          <TextInput
            label="days after success"
            value={p.advanceAfterDays}
            disabled={p.advance === "manual"}
            onChange={(e) => set("advanceAfterDays", e.currentTarget.value)}
          />
        </Group>
        <TextInput
          type="date"
          label="Leave computers on (night of)"
          value={p.overnightDate}
          onChange={(e) => set("overnightDate", e.currentTarget.value)}
        />
      </SimpleGrid>
    </Card>
  );
}

function Editor({ existing }: { existing: ReleaseDetail | null }) {
  const client = useQueryClient();
  const [draft, setDraft] = useState<ReleaseDraft>(() => (existing ? draftFrom(existing) : emptyDraft()));
  const [problem, setProblem] = useState<string | null>(null);
  const collections = useQuery({ queryKey: queryKeys.collectionList, queryFn: collectionList });
  const updates = useQuery({ queryKey: queryKeys.updateList(UPDATE_QUERY), queryFn: () => catalogList(UPDATE_QUERY) });
  const collectionOptions = useMemo(
    () =>
      (collections.data ?? []).map((c) => ({
        value: String(c.id),
        label: `${c.name} (${c.evaluatedAt ? formatCount(c.memberCount) : "not evaluated"})`,
      })),
    [collections.data],
  );
  const updateOptions = useMemo(
    () =>
      (updates.data?.rows ?? []).map((u) => ({
        value: String(u.id),
        label: `${u.kb} ${u.title}${u.supersededBy ? ` (superseded by ${u.supersededBy})` : ""}`,
      })),
    [updates.data],
  );
  const save = useMutation({
    mutationFn: () => (existing ? releaseUpdate(existing.id, toInput(draft)) : releaseCreate(toInput(draft))),
    onSuccess: async (saved) => {
      await invalidateReleases(client);
      notifySuccess(existing ? "Release saved" : "Release created", saved.conflicts.length ? `${saved.conflicts.length} conflicts to look at.` : "No conflicts.");
      navigate(releaseHref(saved.id));
    },
  });
  // The plan is checked as it is edited (after a pause in typing), as if it were saved.
  const [settled] = useDebouncedValue(draft, 500);
  const checkable = firstProblem(settled) === null;
  const serialized = checkable ? JSON.stringify(toInput(settled)) : "";
  const check = useQuery({
    queryKey: queryKeys.releaseCheck(existing?.id ?? null, serialized),
    queryFn: () => releaseCheck(existing?.id ?? null, JSON.parse(serialized)),
    enabled: checkable,
    retry: false,
    placeholderData: (previous) => previous,
  });
  const set = <K extends keyof ReleaseDraft>(k: K, v: ReleaseDraft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const setPhase = (i: number, p: PhaseDraft) => setDraft((d) => ({ ...d, phases: d.phases.map((x, j) => (j === i ? p : x)) }));
  const movePhase = (i: number, by: number) =>
    setDraft((d) => {
      const phases = [...d.phases];
      const [p] = phases.splice(i, 1);
      if (p) phases.splice(i + by, 0, p);
      return { ...d, phases };
    });
  const submit = () => {
    const p = firstProblem(draft);
    setProblem(p);
    if (!p) save.mutate();
  };

  return (
    <div className="page-scroll" data-testid="release-editor">
      <Stack gap="md" pb="lg" maw={1200}>
        <Anchor href={existing ? releaseHref(existing.id) : releasesHref} size="sm">
          <Group gap={4}>
            <IconArrowLeft size={14} /> {existing ? existing.title : "Releases"}
          </Group>
        </Anchor>
        <Title order={2} fz="h3">
          {existing ? "Edit release" : "New release"}
        </Title>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
          <TextInput label="Title" required value={draft.title} onChange={(e) => set("title", e.currentTarget.value)} data-testid="release-title" />
          <TextInput label="Requester" value={draft.requester} onChange={(e) => set("requester", e.currentTarget.value)} />
          <NativeSelect
            label="Type"
            data={[
              { value: "normal", label: "Normal change" },
              { value: "emergency", label: "Emergency change" },
            ]}
            value={draft.kind}
            onChange={(e) => set("kind", e.currentTarget.value as ReleaseDraft["kind"])}
          />
          <NativeSelect
            label="Risk"
            data={[
              { value: "low", label: "Low" },
              { value: "medium", label: "Medium" },
              { value: "high", label: "High" },
            ]}
            value={draft.risk}
            onChange={(e) => set("risk", e.currentTarget.value as ReleaseDraft["risk"])}
          />
        </SimpleGrid>
        <MultiSelect
          label="Updates"
          description="At most 1,000, from the catalogue. The longest run time decides which maintenance windows are long enough."
          placeholder={draft.updateIds.length ? undefined : "Search by KB or title"}
          searchable
          clearable
          data={updateOptions}
          value={draft.updateIds}
          onChange={(v) => set("updateIds", v)}
          maxDropdownHeight={300}
          limit={50}
        />
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
          <Textarea label="Description" autosize minRows={2} value={draft.description} onChange={(e) => set("description", e.currentTarget.value)} />
          <Textarea label="Justification" autosize minRows={2} value={draft.justification} onChange={(e) => set("justification", e.currentTarget.value)} />
          <Textarea
            label="Rollback plan"
            description="Which updates can be uninstalled, and how they come off."
            autosize
            minRows={2}
            value={draft.rollbackPlan}
            onChange={(e) => set("rollbackPlan", e.currentTarget.value)}
          />
          <Textarea
            label="Communication plan"
            description="Who is told what, and when."
            autosize
            minRows={2}
            value={draft.communicationPlan}
            onChange={(e) => set("communicationPlan", e.currentTarget.value)}
          />
        </SimpleGrid>
        <Group justify="space-between" align="flex-end">
          <div>
            <Title order={3} fz="h5">
              Rollout plan
            </Title>
            <Text size="xs" c="dimmed">
              Times in this computer's zone ({localZone()}). Maintenance windows apply in each computer's site time.
            </Text>
          </div>
          <Button
            variant="default"
            leftSection={<IconPlus size={16} />}
            onClick={() => setDraft((d) => ({ ...d, phases: [...d.phases, newPhase(d.phases[d.phases.length - 1], d.phases.length)] }))}
            data-testid="phase-add"
          >
            Add phase
          </Button>
        </Group>
        {draft.phases.map((p, i) => (
          <PhaseEditor
            key={p.key}
            phase={p}
            index={i}
            count={draft.phases.length}
            collections={collectionOptions}
            onChange={(np) => setPhase(i, np)}
            onMove={(by) => movePhase(i, by)}
            onRemove={() => setDraft((d) => ({ ...d, phases: d.phases.filter((_, j) => j !== i) }))}
          />
        ))}
        {checkable && check.data && <ConflictList conflicts={check.data} />}
        {checkable && check.isError && <ErrorAlert error={check.error} title="This plan cannot be saved yet" data-testid="release-check-error" />}
        {problem && <ErrorAlert error={{ kind: "invalid", message: problem }} title="Not saved yet" data-testid="release-problem" />}
        {save.isError && <ErrorAlert error={save.error} title="Not saved" data-testid="release-error" />}
        <Group justify="flex-end">
          <Button variant="default" component="a" href={existing ? releaseHref(existing.id) : releasesHref}>
            Cancel
          </Button>
          <Button onClick={submit} loading={save.isPending} data-testid="release-save">
            {existing ? "Save" : "Create release"}
          </Button>
        </Group>
      </Stack>
    </div>
  );
}

/** Creates a release, or edits one (`id`). */
export function ReleaseEditorPage({ id }: { id: number | null }) {
  const release = useQuery({ queryKey: queryKeys.release(id ?? 0), queryFn: () => releaseGet(id ?? 0), enabled: id != null });
  if (id == null) return <Editor existing={null} />;
  if (release.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (release.isError) return <ErrorAlert error={release.error} onRetry={() => void release.refetch()} />;
  return <Editor existing={release.data} />;
}
