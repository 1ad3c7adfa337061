import { useState } from "react";

/** Which column key a table is sorted by, and in which direction. */
export interface TableSort<K extends string> {
  key: K;
  descending: boolean;
}

/**
 * A table's sort, kept on a column that is shown: when the column the table is sorted by gets
 * hidden (from the Columns menu, or by its reset), the sort goes back to `defaultSort`.
 * `defaultSort` should be a module constant.
 */
export function useTableSort<K extends string>(defaultSort: TableSort<K>, visible: readonly { sortKey?: K }[]) {
  const [sort, setSort] = useState<TableSort<K>>(defaultSort);
  const shown = visible.some((c) => c.sortKey === sort.key);
  const isDefault = sort.key === defaultSort.key && sort.descending === defaultSort.descending;
  // Adjusting state while rendering (not in an effect) so no render ever queries the hidden sort.
  if (!shown && !isDefault) setSort(defaultSort);
  return [shown ? sort : defaultSort, setSort] as const;
}
