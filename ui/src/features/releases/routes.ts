// The Releases area's pages live in the hash ("#/releases/4/edit"), like Collections.

export type ReleasesRoute = { page: "list" } | { page: "new" } | { page: "detail"; id: number } | { page: "edit"; id: number };

export function parseReleasesPath(path: readonly string[]): ReleasesRoute {
  const [first, second] = path;
  if (first === undefined) return { page: "list" };
  if (first === "new") return { page: "new" };
  const id = Number(first);
  if (!Number.isSafeInteger(id) || id <= 0) return { page: "list" };
  return second === "edit" ? { page: "edit", id } : { page: "detail", id };
}

export const releasesHref = "#/releases";
export const newReleaseHref = "#/releases/new";
export const releaseHref = (id: number) => `#/releases/${id}`;
export const editReleaseHref = (id: number) => `#/releases/${id}/edit`;
export { navigate } from "../collections/routes";
