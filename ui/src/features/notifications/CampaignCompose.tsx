import { Alert, Anchor, Button, Card, Group, NativeSelect, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconArrowLeft, IconInfoCircle, IconSend } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { MailKind } from "../../bindings/MailKind";
import type { NewCampaign } from "../../bindings/NewCampaign";
import type { Phase } from "../../bindings/Phase";
import type { ReleaseSummary } from "../../bindings/ReleaseSummary";
import { ErrorAlert } from "../../components/ErrorAlert";
import { plural } from "../../lib/format";
import { campaignCreate, campaignDefaults, mailSettingsGet, releaseGet, releaseList } from "../../lib/ipc";
import { notifySuccess } from "../../lib/notify";
import { invalidateMail, queryKeys } from "../../lib/queryKeys";
import { STATE_LABELS } from "../approvals/labels";
import { formatLocal } from "../releases/time";
import { FlagCard, ReminderCard, SendTimeCard } from "./ComposeOptions";
import { campaignProblem, notifiableStates, emptyCampaignDraft, toNewCampaign, withDefaults, type CampaignDraft } from "./composeDraft";
import { MAIL_KINDS, MAIL_KIND_HELP, MAIL_KIND_LABELS } from "./labels";
import { campaignHref, campaignsHref, mailSettingsHref, navigate } from "./routes";

function releaseOption(r: ReleaseSummary, kind: MailKind) {
  const ok = notifiableStates(kind).includes(r.state);
  return { value: String(r.id), label: ok ? r.title : `${r.title} (${STATE_LABELS[r.state].toLowerCase()})`, disabled: !ok };
}

export function phaseLabel(p: Phase): string {
  return `${p.position + 1}. ${p.name} — ${p.memberCount == null ? "not evaluated" : plural(p.memberCount, "computer")}`;
}

function PhaseFacts({ phase }: { phase: Phase }) {
  return (
    <Text size="xs" c="dimmed" data-testid="campaign-phase-facts">
      Collection {phase.collection.name} · available {formatLocal(phase.availableAt)} · install deadline {formatLocal(phase.deadlineAt)}
      {phase.overnightDate ? ` · leave computers on the night of ${phase.overnightDate}` : ""}
    </Text>
  );
}

/** Compose a campaign: who (release and phase), what (kind), when, and its flag and reminder. */
export function CampaignCompose() {
  const client = useQueryClient();
  const [draft, setDraft] = useState<CampaignDraft>(emptyCampaignDraft);
  // Problems show once "Create" was tried, and go away as they are fixed.
  const [tried, setTried] = useState(false);
  const set = <K extends keyof CampaignDraft>(key: K, value: CampaignDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const releases = useQuery({ queryKey: queryKeys.releaseList, queryFn: releaseList });
  const releaseId = draft.releaseId ? Number(draft.releaseId) : null;
  const release = useQuery({
    queryKey: queryKeys.release(releaseId ?? 0),
    queryFn: () => releaseGet(releaseId ?? 0),
    enabled: releaseId !== null,
  });
  const mail = useQuery({ queryKey: queryKeys.mailSettings, queryFn: mailSettingsGet });

  // Each kind comes with the core's proposed flag and reminder: filled in once per choice.
  const defaults = useQuery({
    queryKey: queryKeys.campaignDefaults(draft.kind),
    queryFn: () => campaignDefaults(draft.kind),
    staleTime: Infinity,
  });
  const [filledFor, setFilledFor] = useState<MailKind | null>(null);
  if (defaults.data && filledFor !== draft.kind) {
    const proposed = defaults.data;
    setFilledFor(draft.kind);
    setDraft((d) => withDefaults(d, proposed));
  }

  const phases = releaseId !== null && release.data?.id === releaseId ? release.data.phases : [];
  const phase = phases.find((p) => String(p.position + 1) === draft.phase) ?? null;

  const create = useMutation({
    mutationFn: (input: NewCampaign) => campaignCreate(input),
    onSuccess: async (id, input) => {
      await invalidateMail(client);
      notifySuccess("Campaign created", input.sendAt ? `It will be sent ${formatLocal(input.sendAt)}.` : "It is a draft: check the preview, then press Send now.");
      navigate(campaignHref(id));
    },
  });

  const problem = tried ? campaignProblem(draft, phase) : null;
  const submit = () => {
    setTried(true);
    if (!campaignProblem(draft, phase)) create.mutate(toNewCampaign(draft));
  };

  const eligible = (releases.data ?? []).filter((r) => notifiableStates(draft.kind).includes(r.state));

  return (
    <div className="page-scroll" data-testid="campaign-compose">
      <Stack gap="md" maw={960} pb="lg">
        <Stack gap={4}>
          <Anchor href={campaignsHref} size="sm" className="back-link">
            <IconArrowLeft size={14} /> Campaigns
          </Anchor>
          <Title order={2} fz="h3">
            New campaign
          </Title>
          <Text size="sm" c="dimmed">
            One e-mail to each owner of the phase's computers, listing their computers in their site's time zone.
            {mail.data && (
              <>
                {" "}
                Sent as {mail.data.settings.senderName} &lt;{mail.data.settings.senderEmail}&gt; (
                <Anchor href={mailSettingsHref} size="sm">
                  mail settings
                </Anchor>
                ).
              </>
            )}
          </Text>
        </Stack>

        {releases.isError && <ErrorAlert error={releases.error} onRetry={() => void releases.refetch()} />}
        {releases.data && eligible.length === 0 && (
          <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />} data-testid="campaign-no-release">
            {MAIL_KIND_LABELS[draft.kind]} is for a release that is{" "}
            {notifiableStates(draft.kind)
              .map((st) => STATE_LABELS[st].toLowerCase())
              .join(", ")}
            : there is none yet.
          </Alert>
        )}

        <Card withBorder padding="md">
          <Title order={3} fz="md" mb="xs">
            Audience
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <NativeSelect
              label="Release"
              data={[{ value: "", label: "Choose a release…" }, ...(releases.data ?? []).map((r) => releaseOption(r, draft.kind))]}
              value={draft.releaseId}
              onChange={(e) => setDraft((d) => ({ ...d, releaseId: e.currentTarget.value, phase: "" }))}
              data-testid="campaign-release"
            />
            <NativeSelect
              label="Phase"
              data={[
                { value: "", label: releaseId === null ? "Choose a release first" : release.isPending ? "Loading…" : "Choose a phase…" },
                ...phases.map((p) => ({ value: String(p.position + 1), label: phaseLabel(p) })),
              ]}
              value={draft.phase}
              disabled={releaseId === null}
              onChange={(e) => set("phase", e.currentTarget.value)}
              data-testid="campaign-phase"
            />
          </SimpleGrid>
          {release.isError && <ErrorAlert error={release.error} />}
          {phase && (
            <div style={{ marginTop: 8 }}>
              <PhaseFacts phase={phase} />
            </div>
          )}
        </Card>

        <Card withBorder padding="md">
          <Title order={3} fz="md" mb="xs">
            Message
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <NativeSelect
              label="Kind"
              data={MAIL_KINDS.map((k) => ({ value: k, label: MAIL_KIND_LABELS[k] }))}
              value={draft.kind}
              onChange={(e) => set("kind", e.currentTarget.value as MailKind)}
              description={MAIL_KIND_HELP[draft.kind]}
              data-testid="campaign-kind"
            />
            <TextInput
              label="Name (optional)"
              description="How the campaign is listed here; recipients do not see it."
              placeholder={`${MAIL_KIND_LABELS[draft.kind]}: ${phase?.name ?? "phase name"}`}
              value={draft.name}
              onChange={(e) => set("name", e.currentTarget.value)}
              maxLength={150}
              data-testid="campaign-name"
            />
          </SimpleGrid>
          <Text size="xs" c="dimmed" mt="xs">
            The text comes from the kind's templates{draft.kind === "announcement" ? " (one per update-client policy)" : ""} as
            they are now; editing a template later does not change this campaign.
          </Text>
        </Card>

        <SendTimeCard draft={draft} phase={phase} set={set} />
        <FlagCard draft={draft} phase={phase} set={set} />
        <ReminderCard draft={draft} phase={phase} set={set} />

        {problem && <ErrorAlert error={{ kind: "invalid", message: problem }} data-testid="campaign-problem" />}
        {create.isError && <ErrorAlert error={create.error} title="The campaign was not created" data-testid="campaign-create-error" />}
        <Group justify="flex-end">
          <Button component="a" href={campaignsHref} variant="default">
            Cancel
          </Button>
          <Button onClick={submit} loading={create.isPending} leftSection={<IconSend size={16} />} data-testid="campaign-create">
            Create campaign
          </Button>
        </Group>
      </Stack>
    </div>
  );
}
