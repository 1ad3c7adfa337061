import { Anchor, Badge, Table, Tabs, Text } from "@mantine/core";
import { IconInbox } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { ReleaseSummary } from "../../bindings/ReleaseSummary";
import { EmptyState } from "../../components/EmptyState";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PageHeader } from "../../components/PageHeader";
import { approvalsInbox, releaseList } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { KIND_LABELS, RISK_LABELS } from "../releases/labels";
import { releaseHref } from "../releases/routes";
import { formatLocal } from "../releases/time";
import { StateBadge } from "./ApprovalPanel";
import { AuditTrail } from "./AuditTrail";

function ReleaseTable({ rows, testid }: { rows: ReleaseSummary[]; testid: string }) {
  return (
    <div className="table-frame">
      <Table fz="sm" highlightOnHover aria-label="Releases">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Release</Table.Th>
            <Table.Th w={150}>State</Table.Th>
            <Table.Th w={200}>Type and risk</Table.Th>
            <Table.Th w={170}>First available</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.id} data-testid={testid} data-title={r.title}>
              <Table.Td>
                <Anchor href={releaseHref(r.id)} size="sm" fw={500}>
                  {r.title}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {r.requester || "No requester"}
                </Text>
              </Table.Td>
              <Table.Td>
                <StateBadge state={r.state} />
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color={r.kind === "emergency" ? "red" : "gray"} size="sm">
                  {KIND_LABELS[r.kind]}
                </Badge>{" "}
                <Text span size="xs">
                  {RISK_LABELS[r.risk]}
                </Text>
              </Table.Td>
              <Table.Td>{formatLocal(r.startsAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

/** Approvals (SPEC C6, C7): what waits for the operator, every release's state, the audit trail. */
export function ApprovalsPage() {
  const inbox = useQuery({ queryKey: queryKeys.inbox, queryFn: approvalsInbox });
  const all = useQuery({ queryKey: queryKeys.releaseList, queryFn: releaseList });
  return (
    <div className="page" data-testid="area-approvals">
      <PageHeader title="Approvals" description="Nothing reaches a computer without the approvals the policy asks for; every decision is on the audit trail." />
      <div className="page-scroll">
        <Tabs defaultValue="inbox" keepMounted={false}>
          <Tabs.List mb="sm">
            <Tabs.Tab value="inbox" data-testid="tab-inbox">
              Waiting for me{inbox.data && inbox.data.length > 0 ? ` (${inbox.data.length})` : ""}
            </Tabs.Tab>
            <Tabs.Tab value="all">All releases</Tabs.Tab>
            <Tabs.Tab value="audit" data-testid="tab-audit">
              Audit trail
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="inbox">
            {inbox.isError && <ErrorAlert error={inbox.error} />}
            {inbox.data && inbox.data.length === 0 ? (
              <EmptyState icon={IconInbox} title="Nothing waits for you">
                Submitted releases you did not request and have not approved yet appear here.
              </EmptyState>
            ) : (
              <ReleaseTable rows={inbox.data ?? []} testid="inbox-row" />
            )}
          </Tabs.Panel>
          <Tabs.Panel value="all">
            {all.isError && <ErrorAlert error={all.error} />}
            <ReleaseTable rows={all.data ?? []} testid="approvals-row" />
          </Tabs.Panel>
          <Tabs.Panel value="audit">
            <AuditTrail />
          </Tabs.Panel>
        </Tabs>
      </div>
    </div>
  );
}
