// The Collections area's pages live in the hash ("#/collections/12/edit"), so the
// browser's back and forward work and every page can be linked to.

export type CollectionsRoute =
  | { page: "list" }
  | { page: "new" }
  | { page: "detail"; id: number }
  | { page: "edit"; id: number };

export function parseCollectionsPath(path: readonly string[]): CollectionsRoute {
  const [first, second] = path;
  if (first === undefined) return { page: "list" };
  if (first === "new") return { page: "new" };
  const id = Number(first);
  if (!Number.isSafeInteger(id) || id <= 0) return { page: "list" };
  return second === "edit" ? { page: "edit", id } : { page: "detail", id };
}

export const collectionsHref = "#/collections";
export const newCollectionHref = "#/collections/new";
export const collectionHref = (id: number) => `#/collections/${id}`;
export const editCollectionHref = (id: number) => `#/collections/${id}/edit`;

export function navigate(href: string): void {
  window.location.hash = href;
}
