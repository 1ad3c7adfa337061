import type { AuditKeySource } from "../../bindings/AuditKeySource";
import type { AuditProblem } from "../../bindings/AuditProblem";
import { Alert, Button, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { IconDownload, IconShieldCheck, IconShieldX } from "@tabler/icons-react";
import { useDebouncedValue } from "@mantine/hooks";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../../components/ErrorAlert";
import { auditExport, auditList, auditVerify, pickCsvTarget } from "../../lib/ipc";
import { notifyError, notifySuccess } from "../../lib/notify";
import { queryKeys } from "../../lib/queryKeys";
import { formatLocal } from "../releases/time";
import { auditLabel } from "./labels";

const KEY_SOURCES: Record<AuditKeySource | "none", string> = {
  credential_store: "Each row is sealed with a key kept in the operating system's credential store.",
  key_file: "Each row is sealed with a key kept in a key file: this computer has no credential store, so anyone who can read that file could rewrite the trail.",
  none: "The rows are hash-chained without a key.",
};

const PROBLEMS: Record<AuditProblem, string> = {
  changed: "changed",
  removed: "rows removed",
  inserted: "rows inserted",
  unrecorded: "a record not on the trail",
  key_missing: "the key is missing",
};

/** The audit trail: filter, verify the hash chain, export to CSV. */
export function AuditTrail() {
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search, 250);
  const [head, setHead] = useState("");
  const rows = useQuery({ queryKey: queryKeys.audit(debounced), queryFn: () => auditList(debounced, 500) });
  const verify = useMutation({ mutationFn: () => auditVerify(head.trim() || null) });
  const exportCsv = useMutation({
    mutationFn: async () => {
      const path = await pickCsvTarget("patchdesk-audit.csv");
      return path ? { path, n: await auditExport(path) } : null;
    },
    onSuccess: (r) => r && notifySuccess("Audit trail exported", `${r.n} rows written to ${r.path}.`),
    onError: (e) => notifyError(e, "Could not export"),
  });
  const v = verify.data;
  return (
    <Stack gap="sm" data-testid="audit-trail">
      <Group align="flex-end" gap="sm">
        <TextInput label="Filter" placeholder="actor, action, release…" value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={260} />
        <TextInput
          label="Exported head (optional)"
          placeholder="ID:HASH kept from an earlier export"
          value={head}
          onChange={(e) => setHead(e.currentTarget.value)}
          w={360}
        />
        <Button leftSection={<IconShieldCheck size={16} />} onClick={() => verify.mutate()} loading={verify.isPending} data-testid="audit-verify">
          Verify integrity
        </Button>
        <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => exportCsv.mutate()} loading={exportCsv.isPending}>
          Export CSV
        </Button>
      </Group>
      {verify.isError && <ErrorAlert error={verify.error} />}
      {v &&
        (v.ok ? (
          <Alert color="teal" icon={<IconShieldCheck size={18} />} title="The chain is intact" data-testid="audit-verified">
            All {v.rows} rows verified. Head: <code>{v.headId != null ? `${v.headId}:${v.headHash}` : "empty"}</code> — keep it
            elsewhere to detect a cut-off tail later.
            <Text size="xs" c="dimmed" mt={4} data-testid="audit-key-source" data-source={v.keySource ?? "none"}>
              {KEY_SOURCES[v.keySource ?? "none"]}
              {v.headFileChecked ? " The head file beside the database matches." : ""}
            </Text>
          </Alert>
        ) : (
          <Alert
            color="red"
            icon={<IconShieldX size={18} />}
            title={`Broken at row ${v.firstBad}${v.problem ? `: ${PROBLEMS[v.problem]}` : ""}`}
            data-testid="audit-broken"
            data-problem={v.problem ?? ""}
          >
            {v.reason}
          </Alert>
        ))}
      {rows.isError && <ErrorAlert error={rows.error} />}
      <div className="table-frame">
        <Table fz="sm" stickyHeader aria-label="Audit trail">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={60}>#</Table.Th>
              <Table.Th w={160}>When</Table.Th>
              <Table.Th w={150}>Who</Table.Th>
              <Table.Th w={200}>What</Table.Th>
              <Table.Th>Detail</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(rows.data ?? []).map((r) => (
              <Table.Tr key={r.id} data-testid="audit-row">
                <Table.Td className="num">{r.id}</Table.Td>
                <Table.Td>{formatLocal(new Date(r.at * 1000).toISOString())}</Table.Td>
                <Table.Td>{r.actor}</Table.Td>
                <Table.Td>
                  {auditLabel(r.action)}
                  <Text size="xs" c="dimmed">
                    {r.entity}
                    {r.entityId != null ? ` ${r.entityId}` : ""}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" lineClamp={2} title={r.detail} style={{ wordBreak: "break-all" }}>
                    {r.detail}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
    </Stack>
  );
}
