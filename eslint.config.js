// Lint: typescript-eslint's recommended rules plus the dependency rule of STYLE.md:
// http / collab / jobs → services → domain, db; domain imports neither db nor services;
// protocol imports nothing of ours. A file's folder says what it may touch.
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, message, paths = []) => ({
  files,
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      { patterns: [{ group: forbidden, message }], paths },
    ],
  },
});

// Queries live in db/*.repository.ts: above db/, kysely is imported for its types only.
const noQueries = [{ name: 'kysely', message: 'raw SQL and query building live in server/db/*.repository.ts; import kysely types only', allowTypeImports: true }];

const anywhere = (folder) => [`**/${folder}/*`, `**/${folder}`];

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'client/dist/**', '.data/**', 'test-artifacts/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // Migrations are frozen in time and take Kysely<any> (kysely's migrations guide); so does the migrator.
  { files: ['migrations/**/*.ts', 'server/db/migrate.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  layer(['server/protocol/**/*.ts'], ['../*', '!./*'], 'protocol/ is pure y-websocket framing: it imports nothing of the app.'),
  layer(
    ['server/domain/**/*.ts'],
    [...anywhere('db'), ...anywhere('services'), ...anywhere('collab'), ...anywhere('http'), ...anywhere('jobs'), ...anywhere('exports')],
    'domain/ is pure rules: it imports neither db/ nor services/ (nor the runtimes above them).',
  ),
  layer(
    ['server/collab/**/*.ts', 'server/http/**/*.ts', 'server/jobs/**/*.ts'],
    [...anywhere('db')],
    'http/, collab/ and jobs/ reach the database through services/ (or a storage port), never db/ directly.',
    noQueries,
  ),
  layer(
    ['server/services/**/*.ts', 'server/db/**/*.ts', 'server/exports/**/*.ts'],
    [...anywhere('http'), ...anywhere('collab'), ...anywhere('jobs')],
    'services/, db/ and exports/ sit below the runtimes: they never import http/, collab/ or jobs/.',
  ),
  layer(['server/db/**/*.ts', 'server/exports/**/*.ts'], [...anywhere('services')], 'db/ and exports/ never import services/.'),
  // Services answer in the routes' contract: they import its types from http/schemas/ (types only).
  {
    files: ['server/services/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...anywhere('http'), '!**/http/schemas', ...anywhere('collab'), ...anywhere('jobs')],
              message: 'services/ sits below the runtimes: it never imports http/ (but the types of http/schemas/), collab/ or jobs/.',
            },
            { group: ['**/http/schemas/*'], allowTypeImports: true, message: 'services/ take only the types of the route schemas (import type).' },
          ],
          paths: noQueries,
        },
      ],
    },
  },
);
