/**
 * Where the files the server reads live, in both layouts: run from the sources (tsx, tests:
 * `server/…`, `migrations/…`) and compiled (`node dist/server/main.js`: `dist/server/…`,
 * `dist/migrations/…`). Everything read from disk is found from here, never from the cwd.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `<root>/server` or `<root>/dist/server`: the folder this module was loaded from. */
const serverDir = path.dirname(fileURLToPath(import.meta.url));

/** The folder holding `server/` and `migrations/` as loaded (the project root, or `dist/`). */
export const codeRoot = path.resolve(serverDir, '..');

/** The project root (where package.json and `client/` are), whichever layout runs. */
export const projectRoot = path.basename(codeRoot) === 'dist' ? path.resolve(codeRoot, '..') : codeRoot;

/** Migration modules (`.ts` from the sources, `.js` compiled). */
export const migrationsDir = path.join(codeRoot, 'migrations');

/** The built web client (`npm run build:client`). */
export const clientDistDir = path.join(projectRoot, 'client', 'dist');

/** Fixtures of the demo workspace (copied beside the compiled code by `npm run build:server`). */
export const demoDir = path.join(serverDir, 'demo');
