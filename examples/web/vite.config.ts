import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Builds the dashboard into `dist/` (served by `studio-server` at `/`). `pnpm dev` proxies the API to a server started
 * with `PORT=3000` (`STUDIO_SERVER_URL` to change it).
 */
export default defineConfig({
  plugins: [react(), tailwindcss()],
  // The server's typed client from its TypeScript source (openapi-fetch and the generated types): the dashboard's build
  // does not wait for, or race, the server's declaration build.
  resolve: {
    alias: { '@model-studio/server/client': fileURLToPath(new URL('../server/src/client/index.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 300,
  },
  server: {
    proxy: {
      '/v1': { target: process.env.STUDIO_SERVER_URL ?? 'http://127.0.0.1:3000', ws: true },
    },
  },
});
