import { useIsFetching, useIsMutating } from "@tanstack/react-query";
import { useEffect } from "react";

/**
 * Publishes how many commands are in flight on `<html data-pending>`. The end-to-end
 * tests wait on it: a state that has not appeared yet is still coming while the app is
 * busy, and missing for good once the app has been idle for a while.
 */
export function PendingMarker() {
  const pending = useIsFetching() + useIsMutating();
  useEffect(() => {
    document.documentElement.dataset.pending = String(pending);
  }, [pending]);
  return null;
}
