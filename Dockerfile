# draftroom: the API, the WebSocket endpoint and the web client on one port. PostgreSQL comes from
# DATABASE_URL (docker-compose.yml provides one); without it the embedded PostgreSQL starts under
# DATA_DIR.

# Stage 1: compile the server and build the web client (TypeScript and Vite are dev dependencies;
# the image does not get them).
FROM node:20-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
# No scripts: `prepare` would build before the sources are here.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY migrations ./migrations
COPY server ./server
# The client imports the pure projection module and the error codes from server/.
COPY client ./client
RUN npm run build

# Stage 2: the server.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/app/.data

WORKDIR /app
RUN chown node:node /app

# The image's unprivileged `node` user (uid 1000) owns the app and runs it.
USER node

# Dependencies first so a code change does not reinstall them. Runtime dependencies only: the
# server runs compiled JavaScript (no tsx, no compiler). `prepare` builds nothing here (no client
# sources in this stage).
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# dist/server (with its demo fixtures) and dist/migrations; the client's precompressed assets.
COPY --from=build --chown=node:node /build/dist ./dist
COPY --from=build --chown=node:node /build/client/dist ./client/dist

EXPOSE 8080

# The slim image has no curl; Node 20 has fetch.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# The server itself is the process Docker signals (no npm or shell in between): it migrates, creates
# the admin (and the demo unless DEMO=0) and listens; SIGTERM drains and exits 0. Run with an init
# (`docker run --init`, compose `init: true`) so orphans of the embedded PostgreSQL are reaped.
CMD ["node", "dist/server/main.js"]
