import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// One bundle for Electron (loaded from file://, hence relative URLs) and for the browser host.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  // The product icon (assets/) doubles as the favicon.
  publicDir: '../assets',
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    // Everything inline would need 'unsafe-inline' under the CSP; keep assets as files.
    assetsInlineLimit: 0,
  },
});
