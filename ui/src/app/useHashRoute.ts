import { useCallback, useSyncExternalStore } from "react";
import { DEFAULT_AREA, isAreaId, type AreaId } from "./areas";

// A tiny hash router: "#/updates" selects the Updates area. Links are plain anchors,
// so they work with the keyboard and in WebDriver without any router library.

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

export function areaFromHash(hash: string): AreaId {
  const id = hash.replace(/^#\/?/, "").split(/[/?]/)[0] ?? "";
  return isAreaId(id) ? id : DEFAULT_AREA;
}

export function areaHref(id: AreaId): string {
  return `#/${id}`;
}

/** What follows the area: "#/collections/12/edit" -> ["12", "edit"]. */
export function subPathFromHash(hash: string): string[] {
  const path = hash.replace(/^#\/?/, "").split("?")[0] ?? "";
  return path.split("/").slice(1).filter(Boolean).map(decode);
}

/** A hand-typed address may hold a malformed escape: keep that segment as it is. */
function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The segments after the area in the current hash (an area's own pages: list, item, editor). */
export function useHashSubPath(): string[] {
  // The hash string is the snapshot (stable between changes); the split is cheap.
  const hash = useSyncExternalStore(
    subscribe,
    () => window.location.hash,
    () => "",
  );
  return subPathFromHash(hash);
}

export function useHashRoute(): [AreaId, (id: AreaId) => void] {
  const area = useSyncExternalStore(
    subscribe,
    () => areaFromHash(window.location.hash),
    () => DEFAULT_AREA,
  );
  const navigate = useCallback((id: AreaId) => {
    window.location.hash = areaHref(id);
  }, []);
  return [area, navigate];
}
