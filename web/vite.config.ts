// Vite builds the UI into dist/, which crates/crackdown-server/build.rs embeds.
// No inline scripts or styles: the server's Content-Security-Policy forbids them.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
