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
