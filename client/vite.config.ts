/**
 * The web client's build: root `client/`, output `client/dist` (served by server/http/static.ts).
 * JSX goes through Vite's own transformer (Oxc in Vite 8, which replaced esbuild for transforms)
 * with Preact's automatic runtime, so no framework plugin is needed.
 * `@domain` points at the server's pure domain modules (the projection): one definition, shared.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const server = process.env.DRAFTROOM_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: here('.'),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: {
    alias: { '@domain': here('../server/domain') },
    // One Yjs and one ProseMirror in the bundle, or `instanceof` checks fail silently.
    dedupe: ['yjs', 'lib0', 'y-protocols', 'prosemirror-model', 'prosemirror-state', 'prosemirror-view', 'prosemirror-transform'],
  },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: server, changeOrigin: false },
      '/collab': { target: server, ws: true },
      '/docs': { target: server },
      '/openapi.json': { target: server },
    },
  },
});
