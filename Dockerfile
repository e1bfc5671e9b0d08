# One image for all four services; docker-compose.yml picks the entry point.
# Stage 1: production dependencies only, from the lock file.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Stage 2: the runtime, as the unprivileged `node` user. The services run their
# TypeScript through tsx (a runtime dependency), so there is no build output to drift.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY schema ./schema
COPY subgraphs ./subgraphs
COPY gateway ./gateway
USER node
EXPOSE 4000 4001 4002 4003
CMD ["node", "--import", "tsx", "gateway/src/main.ts"]
