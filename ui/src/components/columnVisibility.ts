import { useMemo, useState } from "react";

/** What the Columns menu needs to know about a column. */
export interface ChoosableColumn {
  id: string;
  header: string;
  label?: string;
  hideable?: boolean;
  hiddenByDefault?: boolean;
}

/** Shown/hidden per column id, as chosen in the Columns menu. */
export type ColumnChoice = Record<string, boolean>;

export interface ColumnVisibility<C extends ChoosableColumn> {
  /** The columns to render, in their defined order. */
  visible: C[];
  isVisible: (id: string) => boolean;
  setVisible: (id: string, visible: boolean) => void;
  /** Back to the default set; forgets the stored choice. */
  reset: () => void;
  /** True while the default set is shown. */
  isDefault: boolean;
}

export function defaultVisible(column: ChoosableColumn): boolean {
  return column.hideable === false || !column.hiddenByDefault;
}

function isVisibleIn(choice: ColumnChoice | null, column: ChoosableColumn): boolean {
  return column.hideable === false ? true : (choice?.[column.id] ?? defaultVisible(column));
}

/** The stored choice, or null when there is none or it cannot be read. */
export function readColumnChoice(storageKey: string): ColumnChoice | null {
  let raw: string | null;
  try {
    raw = window.localStorage.getItem(storageKey);
  } catch {
    return null; // storage disabled
  }
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
    const choice: ColumnChoice = {};
    for (const [id, value] of Object.entries(parsed)) if (typeof value === "boolean") choice[id] = value;
    return choice;
  } catch {
    return null;
  }
}

function writeColumnChoice(storageKey: string, choice: ColumnChoice | null) {
  try {
    if (choice) window.localStorage.setItem(storageKey, JSON.stringify(choice));
    else window.localStorage.removeItem(storageKey);
  } catch {
    // Storage disabled or full: the choice lasts until the page is left.
  }
}

/**
 * Which columns of a table are shown. The choice is kept in localStorage under `storageKey`
 * as `{ columnId: boolean }` for every column the menu offered; a column the stored choice
 * does not mention (added in a later version) gets its default. Columns with
 * `hideable: false` are always shown.
 */
export function useColumnVisibility<C extends ChoosableColumn>(storageKey: string, columns: C[]): ColumnVisibility<C> {
  const [choice, setChoice] = useState<ColumnChoice | null>(() => readColumnChoice(storageKey));

  const visible = useMemo(() => columns.filter((c) => isVisibleIn(choice, c)), [columns, choice]);
  const isDefault = columns.every((c) => isVisibleIn(choice, c) === defaultVisible(c));

  const isVisible = (id: string) => {
    const column = columns.find((c) => c.id === id);
    return column ? isVisibleIn(choice, column) : false;
  };

  const setVisible = (id: string, show: boolean) => {
    const next: ColumnChoice = {};
    for (const c of columns) {
      if (c.hideable === false) continue;
      next[c.id] = c.id === id ? show : isVisibleIn(choice, c);
    }
    setChoice(next);
    writeColumnChoice(storageKey, next);
  };

  const reset = () => {
    setChoice(null);
    writeColumnChoice(storageKey, null);
  };

  return { visible, isVisible, setVisible, reset, isDefault };
}
