import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The UI runs inside Tauri's webview (WebKitGTK on Linux, WebView2 on Windows), so the
// build targets what WebKitGTK supports and ships no source maps. Everything is bundled:
// no CDN, no remote font, no inline script (the app's CSP is `script-src 'self'`).
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    host: "localhost",
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "safari15",
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    css: false,
    restoreMocks: true,
    testTimeout: 15000,
  },
});
