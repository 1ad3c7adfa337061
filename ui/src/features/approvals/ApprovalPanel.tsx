import { Badge, Button, Card, Group, Modal, Stack, Text, Textarea, Timeline, Tooltip } from "@mantine/core";
import { IconCheck, IconGavel, IconX } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Action } from "../../bindings/Action";
import type { Decision } from "../../bindings/Decision";
import type { Person } from "../../bindings/Person";
import type { PersonRole } from "../../bindings/PersonRole";
import { ErrorAlert } from "../../components/ErrorAlert";
import { operatorGet, releaseDecide, releaseRevoke, releaseStatus, releaseTimeline, releaseTransition } from "../../lib/ipc";
import { notifySuccess } from "../../lib/notify";
import { invalidateReleases, queryKeys } from "../../lib/queryKeys";
import { formatLocal } from "../releases/time";
import { NEEDS_REASON, STATE_COLORS, STATE_LABELS, STEP_LABELS, auditLabel } from "./labels";

type Pending = { kind: "step"; action: Action } | { kind: "decide"; decision: Decision } | { kind: "revoke" };

const DECISION_TITLES: Record<Decision, string> = {
  approve: "Approve this release",
  reject: "Reject this release",
  requestChanges: "Request changes",
};

function title(p: Pending): string {
  if (p.kind === "decide") return DECISION_TITLES[p.decision];
  if (p.kind === "revoke") return "Revoke your approval";
  return STEP_LABELS[p.action] ?? p.action;
}

function needsComment(p: Pending): boolean {
  if (p.kind === "revoke") return true;
  if (p.kind === "decide") return p.decision !== "approve";
  return NEEDS_REASON.includes(p.action);
}

export function StateBadge({ state }: { state: keyof typeof STATE_LABELS }) {
  return (
    <Badge color={STATE_COLORS[state]} variant="filled" data-testid="release-state" data-state={state}>
      {STATE_LABELS[state]}
    </Badge>
  );
}

/** Where the release stands in its lifecycle, who approved it, and what the operator can do. */
/** Why the operator cannot take lifecycle step `a`, or null: the core's role rules, so
 * a button the core would refuse is disabled with the reason instead. */
function stepBlocked(a: Action, me: Person, isRequester: boolean, submitBlocked: string | null): string | null {
  if (a === "submit" && submitBlocked) return submitBlocked;
  const has = (r: PersonRole) => me.roles.includes(r);
  if (a === "submit") return has("requester") || has("changeManager") ? null : `${me.name} needs the requester or change manager role to submit.`;
  if (a === "cancel" && isRequester) return null;
  return has("changeManager") ? null : `${me.name} needs the change manager role for this step.`;
}

export function ApprovalPanel({ releaseId, submitBlocked = null }: { releaseId: number; submitBlocked?: string | null }) {
  const client = useQueryClient();
  const status = useQuery({ queryKey: queryKeys.releaseStatus(releaseId), queryFn: () => releaseStatus(releaseId) });
  const timeline = useQuery({ queryKey: queryKeys.releaseTimeline(releaseId), queryFn: () => releaseTimeline(releaseId) });
  const operator = useQuery({ queryKey: queryKeys.operator, queryFn: operatorGet });
  const [pending, setPending] = useState<Pending | null>(null);
  const [comment, setComment] = useState("");
  const act = useMutation({
    mutationFn: (p: Pending) =>
      p.kind === "step"
        ? releaseTransition(releaseId, p.action, comment)
        : p.kind === "decide"
          ? releaseDecide(releaseId, p.decision, comment)
          : releaseRevoke(releaseId, comment),
    onSuccess: async (s, p) => {
      await invalidateReleases(client);
      if (p.kind === "decide" && p.decision === "approve" && s.state === "submitted") {
        notifySuccess("Approval recorded", `${s.approvedBy.length} of ${s.required} approvals so far.`);
      } else {
        notifySuccess(STATE_LABELS[s.state], `The release is now ${STATE_LABELS[s.state].toLowerCase()}.`);
      }
      setPending(null);
      setComment("");
    },
  });

  if (status.isError) return <ErrorAlert error={status.error} />;
  if (!status.data || !operator.data) return null;
  const s = status.data;
  const me = operator.data;
  const isRequester = s.requesterId === me.id;
  const canApprove = me.roles.includes("approver");
  const alreadyApproved = s.decisions.some((d) => d.counts && d.personId === me.id);
  const decideBlocked = isRequester
    ? "You requested this release: someone else must decide on it."
    : !canApprove
      ? `${me.name} does not have the approver role.`
      : null;
  const steps = s.actions.filter((a) => STEP_LABELS[a]);
  const open = (p: Pending) => {
    act.reset();
    setComment("");
    setPending(p);
  };

  return (
    <Card withBorder padding="sm" data-testid="approval-panel">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4}>
          <Group gap="xs">
            <IconGavel size={18} stroke={1.6} />
            <StateBadge state={s.state} />
            <Text size="sm" data-testid="approval-count" data-approved={s.approvedBy.length} data-required={s.required}>
              {s.approvedBy.length} of {s.required} approvals
              {s.approvedBy.length ? `: ${s.approvedBy.join(", ")}` : ""}
            </Text>
          </Group>
          <Text size="xs" c="dimmed">
            {s.requester ? `Requested by ${s.requester}. ` : "Not submitted yet. "}
            {s.reviewRequired ? "A post-implementation review is required." : ""}
          </Text>
        </Stack>
        <Group gap="xs" justify="flex-end">
          {s.state === "submitted" && (
            <>
              <Tooltip label={decideBlocked ?? (alreadyApproved ? "You have approved it already." : "Approve")} disabled={!decideBlocked && !alreadyApproved}>
                <span>
                  <Button
                    size="xs"
                    color="teal"
                    leftSection={<IconCheck size={14} />}
                    disabled={decideBlocked !== null || alreadyApproved}
                    onClick={() => open({ kind: "decide", decision: "approve" })}
                    data-testid="decide-approve"
                  >
                    Approve…
                  </Button>
                </span>
              </Tooltip>
              <Button size="xs" variant="default" disabled={decideBlocked !== null} onClick={() => open({ kind: "decide", decision: "requestChanges" })}>
                Request changes…
              </Button>
              <Button size="xs" variant="default" color="red" leftSection={<IconX size={14} />} disabled={decideBlocked !== null} onClick={() => open({ kind: "decide", decision: "reject" })}>
                Reject…
              </Button>
            </>
          )}
          {alreadyApproved && ["approved", "scheduled", "inProgress", "submitted"].includes(s.state) && (
            <Button size="xs" variant="default" onClick={() => open({ kind: "revoke" })} data-testid="revoke">
              Revoke my approval…
            </Button>
          )}
          {steps.map((a) => {
            const blocked = stepBlocked(a, me, isRequester, submitBlocked);
            return (
              <Tooltip key={a} label={blocked} disabled={!blocked} multiline maw={280}>
                <span>
                  <Button
                    size="xs"
                    variant={a === "submit" || a === "start" ? "filled" : "default"}
                    color={a === "cancel" || a === "halt" ? "red" : undefined}
                    disabled={blocked !== null}
                    onClick={() => (needsComment({ kind: "step", action: a }) ? open({ kind: "step", action: a }) : act.mutate({ kind: "step", action: a }))}
                    loading={act.isPending && act.variables?.kind === "step" && act.variables.action === a}
                    data-testid={`step-${a}`}
                  >
                    {STEP_LABELS[a]}
                  </Button>
                </span>
              </Tooltip>
            );
          })}
        </Group>
      </Group>
      {act.isError && !pending && <ErrorAlert error={act.error} title="Not done" />}
      {timeline.data && timeline.data.length > 0 && (
        <Timeline bulletSize={10} lineWidth={2} mt="sm" className="timeline-compact" data-testid="release-timeline">
          {timeline.data.map((e) => {
            let note = "";
            try {
              const d = JSON.parse(e.detail) as { comment?: string; reason?: string };
              note = d.comment || d.reason || "";
            } catch {
              note = "";
            }
            return (
              <Timeline.Item key={e.id}>
                <Text size="sm">
                  {auditLabel(e.action)}{" "}
                  <Text span size="xs" c="dimmed">
                    · {e.actor} · {formatLocal(new Date(e.at * 1000).toISOString())}
                    {note ? ` · “${note}”` : ""}
                  </Text>
                </Text>
              </Timeline.Item>
            );
          })}
        </Timeline>
      )}
      <Modal opened={pending !== null} onClose={() => setPending(null)} title={pending ? title(pending) : ""}>
        {pending && (
          <Stack gap="sm">
            <Text size="sm">
              As <strong>{me.name}</strong>. Recorded in the audit trail with the time and your comment.
            </Text>
            <Textarea
              label={needsComment(pending) ? "Comment (required)" : "Comment"}
              autosize
              minRows={2}
              value={comment}
              onChange={(e) => setComment(e.currentTarget.value)}
              data-testid="decision-comment"
            />
            {act.isError && <ErrorAlert error={act.error} title="Not done" data-testid="decision-error" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setPending(null)}>
                Cancel
              </Button>
              <Button
                onClick={() => act.mutate(pending)}
                loading={act.isPending}
                disabled={needsComment(pending) && !comment.trim()}
                data-testid="decision-confirm"
              >
                {title(pending)}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Card>
  );
}
