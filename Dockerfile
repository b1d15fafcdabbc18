# syntax=docker/dockerfile:1
# One image per service, each holding only its slice of the monorepo:
#   docker build --build-arg WORKSPACE=@mp/gateway -t members-platform/gateway .
# (docker-compose.yml builds all three). The container's command picks the entry point.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
ENV TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app

# The workspace, the workspaces it depends on and a lockfile pruned to them; manifests
# (out/json) separately from sources (out/full) so the dependency layer below is cached
# until a package.json or the lockfile changes.
FROM base AS prune
ARG WORKSPACE
COPY . .
RUN npx --yes turbo@2.11.9 prune "${WORKSPACE}" --docker --out-dir /out

FROM base AS build
ARG WORKSPACE
COPY --from=prune /out/json/ ./
RUN npm ci --no-audit --no-fund
COPY --from=prune /out/full/ ./
# Root files the build reads that are not part of any workspace.
COPY --from=prune /app/tsconfig.base.json ./
COPY --from=prune /app/scripts/ ./scripts/
RUN npx turbo run build --filter="${WORKSPACE}" && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /app ./
USER node
# docker-compose.yml sets the command per service; this default runs the gateway.
CMD ["node", "gateway/dist/main.js"]
