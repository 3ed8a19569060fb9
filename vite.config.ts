import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  // Vitest reads this file too when it has no config of its own; its tests live at the repo root.
  root: process.env.VITEST ? undefined : 'src/web',
  plugins: [react()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    manifest: true,
    // One small admin SPA; splitting would add requests without saving much.
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
    },
  },
});
