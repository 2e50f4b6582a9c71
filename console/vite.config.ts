import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Served by the HelixStack API at its origin ("/"); relative asset URLs keep it working behind a path prefix too.
export default defineConfig({
  plugins: [react()],
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '^/(projects|applications|deployments|events|ssh-keys|healthz|metrics|openapi.json)': 'http://127.0.0.1:4000' } },
});
