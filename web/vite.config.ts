import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

// The pod serves API, tRPC (HTTP and WebSocket) and this SPA on one port; in development
// Vite serves the SPA with hot reload and forwards everything else to a pod on :3000. The
// Host header is forwarded as the browser sent it (no changeOrigin): the pod refuses
// mutations and WebSocket upgrades whose Origin is not its own Host.
const backend = process.env.SLA_BACKEND ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [
    react(),
    // Writes .br and .gz beside each text asset over 1 kB (source maps aside), which sirv
    // serves for clients that accept them (server/src/http/static.ts, Vary: Accept-Encoding).
    compression({
      algorithms: ['gzip', 'brotliCompress'],
      include: /\.(js|css|html|svg|json|txt)$/,
      threshold: 1024,
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // Warns when a chunk grows past this; the entry budget itself is checked by the bench.
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: backend },
      '/trpc': { target: backend, ws: true },
      '/metrics': { target: backend },
    },
  },
});
