# draftroom: the API, the WebSocket endpoint and the web client on one port. PostgreSQL comes from
# DATABASE_URL (docker-compose.yml provides one); without it the embedded PostgreSQL starts under
# DATA_DIR.

# Stage 1: build the web client (Vite needs the dev dependencies; the image does not).
FROM node:20-bookworm-slim AS client
WORKDIR /build
COPY package.json package-lock.json ./
# No scripts: `prepare` would build the client before its sources are here.
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY client ./client
# The client imports the pure projection module (one definition of the projection, DESIGN.md).
COPY server/domain ./server/domain
COPY server/errors.ts ./server/errors.ts
RUN npm run build:client

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

# Dependencies first so a code change does not reinstall them. tsx runs the TypeScript sources
# (it is a runtime dependency); dev tools (typescript, vitest) stay out of the image.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY --chown=node:node server ./server
COPY --chown=node:node migrations ./migrations
COPY --chown=node:node tsconfig.json ./
COPY --from=client --chown=node:node /build/client/dist ./client/dist

EXPOSE 8080

# The slim image has no curl; Node 20 has fetch.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# `npm start` migrates, creates the admin (and the demo unless DEMO=0) and listens; SIGTERM drains.
CMD ["npm", "start"]
