export { navigate, parseItemPath as parseReleasesPath, type ItemRoute as ReleasesRoute } from "../../app/itemRoutes";

export const releasesHref = "#/releases";
export const newReleaseHref = "#/releases/new";
export const releaseHref = (id: number) => `#/releases/${id}`;
export const editReleaseHref = (id: number) => `#/releases/${id}/edit`;
