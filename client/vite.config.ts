/**
 * The web client's build: root `client/`, output `client/dist` (served by server/http/static.ts).
 * JSX goes through Vite's own transformer (Oxc in Vite 8, which replaced esbuild for transforms)
 * with Preact's automatic runtime, so no framework plugin is needed.
 * `@domain` points at the server's pure domain modules (the projection, the vocabulary): one
 * definition, shared. `@schemas` points at the route schemas, imported for their types only
 * (`import type`), so no TypeBox and nothing else of the server reaches the bundle; `@errors` is the
 * server's table of error and close codes.
 *
 * vite-plugin-pwa (Workbox) writes the service worker and the web app manifest: the app shell is
 * precached, so the client opens with no connection and installs as an app; GET answers of the
 * API a member reads (their identity, documents, rounds, annotations) are kept network-first with
 * a short timeout, so a weak rural link falls back to what was last read. Live events, exports,
 * attachments and auth are never cached; signing out deletes the cache (client/src/ui/offline.ts).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const server = process.env.DRAFTROOM_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: here('.'),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      includeAssets: ['favicon.svg'],
      manifest: {
        name: 'draftroom — góp ý dự thảo',
        short_name: 'draftroom',
        description: 'Soạn thảo, góp ý và tổng hợp ý kiến dự thảo văn kiện',
        lang: 'vi',
        start_url: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#9e1b1b',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,woff2}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/collab/, /^\/docs/, /^\/openapi\.json/, /^\/metrics/, /^\/healthz/, /^\/readyz/],
        // A new build takes over at once: a stale shell must not talk to a newer server for long.
        clientsClaim: true,
        skipWaiting: true,
        runtimeCaching: [
          {
            // The API reads kept for offline use; never events, exports, attachments, auth or search.
            // (Workbox copies this function's source into the service worker: no outside names.)
            urlPattern: ({ url, request, sameOrigin }) =>
              sameOrigin &&
              request.method === 'GET' &&
              !url.searchParams.has('format') &&
              /^\/api\/v1\/(me|documents(\/[0-9a-f-]{36}(\/(rounds|versions|annotations|content|sections))?)?|rounds\/[0-9a-f-]{36}(\/(annotations|summary|summary\/sections))?)$/.test(url.pathname),
            handler: 'NetworkFirst',
            options: {
              cacheName: 'draftroom-api',
              networkTimeoutSeconds: 4,
              cacheableResponse: { statuses: [200] },
              expiration: { maxEntries: 300, maxAgeSeconds: 30 * 24 * 3600 },
            },
          },
        ],
      },
    }),
  ],
  resolve: {
    alias: { '@domain': here('../server/domain'), '@schemas': here('../server/http/schemas'), '@errors': here('../server/errors.ts') },
    // One Yjs and one ProseMirror in the bundle, or `instanceof` checks fail silently.
    dedupe: ['yjs', 'lib0', 'y-protocols', 'prosemirror-model', 'prosemirror-state', 'prosemirror-view', 'prosemirror-transform'],
  },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    // scripts/check-bundle.mjs reads it to measure what a member's first screen loads.
    manifest: true,
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
