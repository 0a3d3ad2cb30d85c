import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The console is built into dist/console (next to the server's compiled code), which
 * `platformctl serve` serves at `/`. No CDN and no runtime fetch from outside: everything
 * the page loads is in that directory.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../dist/console'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // One script and one stylesheet keep the first load to three requests.
    modulePreload: { polyfill: false },
  },
});
