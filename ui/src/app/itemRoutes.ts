// An area with a list of items keeps its pages in the hash ("#/releases/4/edit"), so the
// browser's back and forward work and every page can be linked to.

export type ItemRoute = { page: "list" } | { page: "new" } | { page: "detail"; id: number } | { page: "edit"; id: number };

/** The page for the segments after the area: [], ["new"], ["12"] or ["12", "edit"]. */
export function parseItemPath(path: readonly string[]): ItemRoute {
  const [first, second] = path;
  if (first === undefined) return { page: "list" };
  if (first === "new") return { page: "new" };
  const id = Number(first);
  if (!Number.isSafeInteger(id) || id <= 0) return { page: "list" };
  return second === "edit" ? { page: "edit", id } : { page: "detail", id };
}

export function navigate(href: string): void {
  window.location.hash = href;
}
