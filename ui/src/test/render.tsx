import { QueryClient } from "@tanstack/react-query";
import { render, type RenderResult } from "@testing-library/react";
import type { ReactElement } from "react";
import { Providers } from "../app/Providers";

export function testQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, staleTime: Infinity, gcTime: Infinity },
      mutations: { retry: false },
    },
  });
}

/** Renders `ui` inside the app's providers with a fresh query cache that never retries. */
export function renderWithProviders(ui: ReactElement): RenderResult & { client: QueryClient } {
  const client = testQueryClient();
  const result = render(
    <Providers client={client} env="test">
      {ui}
    </Providers>,
  );
  return { ...result, client };
}
