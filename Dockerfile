# draftroom: the API and WebSocket server on one port. PostgreSQL comes from DATABASE_URL
# (docker-compose.yml provides one); without it the embedded PostgreSQL starts under DATA_DIR.
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

EXPOSE 8080

# The slim image has no curl; Node 20 has fetch.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# `npm start` migrates, creates the admin (and the demo unless DEMO=0) and listens; SIGTERM drains.
CMD ["npm", "start"]
