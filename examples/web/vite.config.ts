import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Builds the dashboard into `dist/` (served by `studio-server` at `/`). `pnpm dev` proxies the API to a server started
 * with `PORT=3000` (`STUDIO_SERVER_URL` to change it).
 */
export default defineConfig({
  plugins: [react(), tailwindcss()],
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
