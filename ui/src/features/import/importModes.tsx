import { Code, Text } from "@mantine/core";
import type { ReactNode } from "react";
import type { ImportOptions } from "../../bindings/ImportOptions";
import type { ImportReport } from "../../bindings/ImportReport";
import { catalogImport, inventoryImport, type ProgressHandler } from "../../lib/ipc";

export type ImportMode = "computers" | "updates";

interface ModeConfig {
  title: string;
  noun: string;
  nounPlural: string;
  pickerTitle: string;
  run: (path: string, options: ImportOptions, onProgress: ProgressHandler) => Promise<ImportReport>;
  help: ReactNode;
}

function Cols({ names }: { names: string[] }) {
  return (
    <>
      {names.map((n, i) => (
        <span key={n}>
          {i > 0 && ", "}
          <Code>{n}</Code>
        </span>
      ))}
    </>
  );
}

export const IMPORT_MODES: Record<ImportMode, ModeConfig> = {
  computers: {
    title: "Import computers from CSV",
    noun: "computer",
    nounPlural: "computers",
    pickerTitle: "Choose a CSV file of computers",
    run: inventoryImport,
    help: (
      <>
        <Text size="xs" c="dimmed">
          Required columns: <Cols names={["name", "site"]} />, and <Code>time_zone</Code> (an IANA zone such as{" "}
          <Code>Europe/Berlin</Code>) for sites PatchDesk does not know yet.
        </Text>
        <Text size="xs" c="dimmed">
          Optional:{" "}
          <Cols
            names={[
              "domain",
              "department",
              "role",
              "os_name",
              "os_version",
              "owner_name",
              "owner_email",
              "last_seen",
              "last_run",
              "free_disk_gb",
              "agent_version",
              "agent_state",
              "client_policy",
              "prereq:NAME",
            ]}
          />
          . Computers are matched by name: existing ones are updated.
        </Text>
      </>
    ),
  },
  updates: {
    title: "Import updates from CSV",
    noun: "update",
    nounPlural: "updates",
    pickerTitle: "Choose a CSV file of updates",
    run: catalogImport,
    help: (
      <>
        <Text size="xs" c="dimmed">
          Required columns: <Cols names={["kb", "title"]} />.
        </Text>
        <Text size="xs" c="dimmed">
          Optional:{" "}
          <Cols
            names={[
              "bulletin_id",
              "classification",
              "severity",
              "product",
              "release_date",
              "superseded_by",
              "reboot_required",
              "uninstallable",
              "max_run_minutes",
            ]}
          />
          . Updates are matched by KB number: existing ones are updated.
        </Text>
      </>
    ),
  },
};
