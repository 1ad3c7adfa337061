import { useSyncExternalStore } from "react";
import type { TemplateSource } from "../../bindings/TemplateSource";

// Unsaved template edits live here rather than in the Templates page, so that going to
// Campaigns or another area and coming back does not throw them away.
let drafts: ReadonlyMap<number, TemplateSource> = new Map();
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Keeps `source` as the unsaved text of template `id`; `null` drops it (saved, reset or back to the saved text). */
export function setTemplateDraft(id: number, source: TemplateSource | null) {
  const next = new Map(drafts);
  if (source) next.set(id, source);
  else next.delete(id);
  drafts = next;
  listeners.forEach((l) => l());
}

/** Forgets every unsaved edit (tests start from nothing). */
export function clearTemplateDrafts() {
  drafts = new Map();
  listeners.forEach((l) => l());
}

/** The unsaved edits, by template id. */
export function useTemplateDrafts(): ReadonlyMap<number, TemplateSource> {
  return useSyncExternalStore(subscribe, () => drafts);
}
