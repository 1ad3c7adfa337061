import { useState } from "react";
import { ImportDialog } from "./ImportDialog";
import type { ImportMode } from "./importModes";

/** Opens the import dialog with fresh state each time. */
export function useImportDialog(mode: ImportMode) {
  const [state, setState] = useState({ opened: false, session: 0 });
  const open = () => setState((s) => ({ opened: true, session: s.session + 1 }));
  const close = () => setState((s) => ({ ...s, opened: false }));
  const element = <ImportDialog key={state.session} mode={mode} opened={state.opened} onClose={close} />;
  return { open, element };
}
