import { useState } from "react";
import { AppFrame } from "./AppFrame";
import { Providers } from "./Providers";
import { createQueryClient } from "./queryClient";

export function App() {
  const [client] = useState(createQueryClient);
  return (
    <Providers client={client}>
      <AppFrame />
    </Providers>
  );
}
