import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { PendingMarker } from "./PendingMarker";
import { theme } from "./theme";

interface ProvidersProps {
  client: QueryClient;
  children: ReactNode;
  /** "test" turns Mantine's transitions and portals off (jsdom runs no animation frames for them). */
  env?: "default" | "test";
}

/** Theme, notifications and the query cache; shared by the app and the tests. */
export function Providers({ client, children, env }: ProvidersProps) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" env={env}>
      <Notifications position="bottom-right" limit={4} />
      <QueryClientProvider client={client}>
        <PendingMarker />
        {children}
      </QueryClientProvider>
    </MantineProvider>
  );
}
