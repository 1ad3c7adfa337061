import { Alert, Button, Checkbox, Group, Modal, Stack, TextInput } from "@mantine/core";
import { IconAlertTriangle, IconFileSearch, IconFolderOpen, IconUpload } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useReducer, useState } from "react";
import type { ImportReport } from "../../bindings/ImportReport";
import type { WireError } from "../../bindings/WireError";
import { TaskProgress } from "../../components/TaskProgress";
import { formatCount, plural } from "../../lib/format";
import { errorTitle, pickCsvFile, taskCancel, toWireError } from "../../lib/ipc";
import { notifyError, notifyInfo, notifySuccess } from "../../lib/notify";
import { initialProgress, reduceProgress } from "../../lib/progress";
import { invalidateData } from "../../lib/queryKeys";
import { ImportReportView } from "./ImportReportView";
import { IMPORT_MODES, type ImportMode } from "./importModes";

type Phase = "idle" | "checking" | "checked" | "importing" | "done";

interface ImportDialogProps {
  mode: ImportMode;
  opened: boolean;
  onClose: () => void;
}

/**
 * Import from CSV in two steps: "Check file" runs a dry run and shows what would happen
 * (rows accepted, rejected with line and reason); "Import N accepted rows" writes them.
 * The Rust side reads the file; a file-level problem comes back as kind "invalid".
 */
export function ImportDialog({ mode, opened, onClose }: ImportDialogProps) {
  const config = IMPORT_MODES[mode];
  const queryClient = useQueryClient();
  const [path, setPath] = useState("");
  const [phase, setPhase] = useState<Phase>("idle");
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  const [allOrNothing, setAllOrNothing] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [progress, dispatch] = useReducer(reduceProgress, initialProgress);

  const busy = phase === "checking" || phase === "importing";
  const trimmed = path.trim();

  const changePath = (value: string) => {
    setPath(value);
    if (phase !== "idle") setPhase("idle");
    setReport(null);
    setError(null);
  };

  const browse = async () => {
    try {
      const picked = await pickCsvFile(config.pickerTitle);
      if (picked) changePath(picked);
    } catch (e) {
      notifyError(e, "Could not open the file picker");
    }
  };

  const check = async () => {
    if (!trimmed || busy) return;
    setPhase("checking");
    setError(null);
    setReport(null);
    setCancelling(false);
    dispatch("reset");
    try {
      const result = await config.run(trimmed, { dryRun: true, allOrNothing: false }, dispatch);
      setReport(result);
      setPhase("checked");
    } catch (e) {
      const wire = toWireError(e);
      if (wire.kind === "cancelled") notifyInfo("Check cancelled", "Nothing was changed.");
      else setError(wire);
      setPhase("idle");
    }
  };

  const commit = async () => {
    if (!report || busy) return;
    const checked = report;
    setPhase("importing");
    setError(null);
    setCancelling(false);
    dispatch("reset");
    try {
      const result = await config.run(trimmed, { dryRun: false, allOrNothing }, dispatch);
      setReport(result);
      setPhase("done");
      if (result.applied) {
        notifySuccess(
          "Import complete",
          `${plural(result.accepted, config.noun, config.nounPlural)} imported (${formatCount(result.inserted)} new, ${formatCount(
            result.updated,
          )} updated).`,
        );
      }
      await invalidateData(queryClient);
    } catch (e) {
      const wire = toWireError(e);
      if (wire.kind === "cancelled") {
        notifyInfo("Import cancelled", "Nothing was imported.");
      } else {
        setError(wire);
      }
      setReport(checked);
      setPhase("checked");
    }
  };

  const cancel = async () => {
    setCancelling(true);
    try {
      await taskCancel();
    } catch (e) {
      setCancelling(false);
      notifyError(e, "Could not cancel");
    }
  };

  return (
    <Modal
      opened={opened}
      onClose={busy ? () => undefined : onClose}
      closeOnEscape={!busy}
      closeOnClickOutside={!busy}
      withCloseButton={!busy}
      title={config.title}
      size="xl"
      centered
      data-testid="import-dialog"
    >
      <Stack gap="md">
        <form
          id="import-form"
          onSubmit={(event) => {
            event.preventDefault();
            void check();
          }}
        >
          <Group align="flex-end" gap="xs" wrap="nowrap">
            <TextInput
              label="CSV file"
              placeholder={mode === "computers" ? "/path/to/computers.csv" : "/path/to/updates.csv"}
              value={path}
              onChange={(event) => changePath(event.currentTarget.value)}
              disabled={busy}
              style={{ flex: 1 }}
              data-testid="import-path"
              data-autofocus
              spellCheck={false}
              autoComplete="off"
            />
            <Button
              variant="default"
              leftSection={<IconFolderOpen size={16} />}
              onClick={() => void browse()}
              disabled={busy}
              data-testid="import-browse"
            >
              Browse…
            </Button>
          </Group>
        </form>

        <Stack gap={4}>{config.help}</Stack>

        {error && (
          <Alert
            color="red"
            variant="light"
            icon={<IconAlertTriangle size={18} />}
            title={error.kind === "invalid" ? "This file cannot be imported" : errorTitle(error.kind)}
            data-testid="import-error"
            data-kind={error.kind}
          >
            <span style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>{error.message}</span>
          </Alert>
        )}

        {busy && (
          <TaskProgress
            state={progress}
            fallbackLabel={phase === "checking" ? "Checking the file…" : "Importing…"}
            data-testid="import-progress"
          />
        )}

        {report && !busy && <ImportReportView report={report} noun={config.noun} nounPlural={config.nounPlural} />}

        {phase === "checked" && report && report.rejected > 0 && report.accepted > 0 && (
          <Checkbox
            label="Refuse the whole file if any row is rejected"
            checked={allOrNothing}
            onChange={(event) => setAllOrNothing(event.currentTarget.checked)}
            data-testid="import-all-or-nothing"
          />
        )}

        <Group justify="flex-end" gap="xs">
          {busy ? (
            <Button
              color="red"
              variant="light"
              onClick={() => void cancel()}
              loading={cancelling}
              data-testid="import-cancel"
            >
              Cancel
            </Button>
          ) : phase === "done" ? (
            <Button onClick={onClose} data-testid="import-close">
              Done
            </Button>
          ) : (
            <>
              <Button variant="default" onClick={onClose} data-testid="import-close">
                Close
              </Button>
              <Button
                type="submit"
                form="import-form"
                variant={phase === "checked" ? "default" : "filled"}
                leftSection={<IconFileSearch size={16} />}
                disabled={!trimmed}
                data-testid="import-check"
              >
                {phase === "checked" ? "Check again" : "Check file"}
              </Button>
              {phase === "checked" && report && (
                <Button
                  leftSection={<IconUpload size={16} />}
                  onClick={() => void commit()}
                  disabled={report.accepted === 0}
                  data-testid="import-commit"
                >
                  Import {formatCount(report.accepted)} accepted {report.accepted === 1 ? "row" : "rows"}
                </Button>
              )}
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
