import { QueryClient } from "@tanstack/react-query";
import type { CommandError } from "../lib/ipc/errors";

declare module "@tanstack/react-query" {
  interface Register {
    defaultError: CommandError;
  }
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Local IPC: errors are not transient network blips, so one retry is plenty.
        retry: 1,
        staleTime: 30_000,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}
