import { defineConfig } from 'vite';

// The dev server proxies the API to a running `terrane serve` (TERRANE_API, default :8080).
export default defineConfig({
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000, sourcemap: false },
  server: { proxy: { '/api': process.env.TERRANE_API ?? 'http://127.0.0.1:8080', '/healthz': process.env.TERRANE_API ?? 'http://127.0.0.1:8080' } },
});
