import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { outboxStatus, outboxWatch } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";

/**
 * Subscribes to the background sender's progress while Notifications is open: each status it
 * streams replaces the cached one. The core keeps only the latest watcher, so one component
 * (the area's page) watches and the others read `useOutboxStatus`.
 */
export function useOutboxWatch(): void {
  const client = useQueryClient();
  useEffect(() => {
    let live = true;
    outboxWatch((status) => {
      if (live) client.setQueryData(queryKeys.outboxStatus, status);
    }).catch(() => {
      // Without the stream the pages still poll their campaigns; nothing to tell the user.
    });
    return () => {
      live = false;
    };
  }, [client]);
}

/** The outbox's last known status (rate and server problems only once the sender reports). */
export function useOutboxStatus() {
  return useQuery({ queryKey: queryKeys.outboxStatus, queryFn: outboxStatus, staleTime: Infinity });
}
