import { Button, Center, Loader } from "@mantine/core";
import { IconFileImport } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { ErrorAlert } from "../../components/ErrorAlert";
import { appSummary } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { useImportDialog } from "../import/useImportDialog";
import { ComputerBrowser } from "./ComputerBrowser";
import { Welcome } from "./Welcome";

/** Inventory (SPEC C1): first-run welcome on an empty database, else the computer list. */
export function InventoryPage() {
  const summary = useQuery({ queryKey: queryKeys.summary, queryFn: appSummary });
  const importDialog = useImportDialog("computers");

  let body;
  if (summary.isPending) {
    body = (
      <Center className="page">
        <Loader aria-label="Loading" />
      </Center>
    );
  } else if (summary.isError) {
    body = <ErrorAlert error={summary.error} onRetry={() => void summary.refetch()} />;
  } else if (summary.data.computers === 0) {
    body = <Welcome onImport={importDialog.open} />;
  } else {
    body = <InventoryBrowser onImport={importDialog.open} />;
  }

  return (
    <div className="page" data-testid="area-inventory">
      {body}
      {importDialog.element}
    </div>
  );
}

function InventoryBrowser({ onImport }: { onImport: () => void }) {
  return (
    <ComputerBrowser
      title="Inventory"
      actions={
        <Button leftSection={<IconFileImport size={16} />} onClick={onImport} data-testid="open-import">
          Import CSV
        </Button>
      }
    />
  );
}
