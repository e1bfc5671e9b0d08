# One image for all four services; docker-compose.yml picks the entry point.
# Stage 1: every dependency from the lock file, then `npm run build`: one
# JavaScript bundle per process in dist/<name>/, with the files it reads beside it.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY . .
# npm's cache outlives the layer, so a changed source file does not download every package again.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund && npm run build

# Stage 2: the runtime, as the unprivileged `node` user. The bundles hold every
# package they import, so the image carries dist/ and no node_modules.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000 4001 4002 4003
CMD ["node", "dist/gateway/main.js"]
