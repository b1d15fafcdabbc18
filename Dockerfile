# syntax=docker/dockerfile:1
# One image per service, each holding only its slice of the monorepo (turbo prune):
#   docker build --build-arg WORKSPACE=@mp/members -t members-platform/members .
# WORKSPACE is the service's package name: @mp/gateway, @mp/members or @mp/nickname-history.
# docker-compose.yml builds all three. The image runs that service: node main.js, a link to the
# workspace's dist/main.js.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
ENV TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
WORKDIR /app

# The workspace, the workspaces it depends on and a lockfile pruned to them: the manifests
# (out/json) apart from the sources (out/full), so that the installs below stay cached until a
# package.json or the lockfile changes. turbo is the version the root package.json pins.
FROM base AS prune
ARG WORKSPACE
COPY . .
RUN : "${WORKSPACE:?build with --build-arg WORKSPACE=@mp/gateway, @mp/members or @mp/nickname-history}" \
 && npx --yes "turbo@$(node -p "require('./package.json').devDependencies.turbo")" prune "${WORKSPACE}" --docker --out-dir /out

# Production dependencies, from the manifests alone: the image's largest layer changes only with
# the lockfile. --omit=optional too: @prisma/client names the Prisma CLI as an optional peer, which
# would otherwise keep the CLI, Prisma Studio, its dev server and TypeScript (~250 MB) in every
# image; no runtime dependency here is optional (pg-cloudflare, for Cloudflare Workers, is the
# only one). --ignore-scripts: no package needs its install script (the root package.json's
# allowScripts approves none); the image's npm 10 would otherwise run them.
FROM base AS deps
COPY --from=prune /out/json/ ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts

# The build, as `npm run build` does it: turbo runs `generate` first (supergraph composition,
# Prisma clients, resolver types), then each workspace's build. CI stays unset: with CI=true
# composition only checks the committed supergraph instead of writing it.
FROM base AS build
ARG WORKSPACE
COPY --from=prune /out/json/ ./
RUN npm ci --ignore-scripts
COPY --from=prune /out/full/ ./
# Root files the build reads that belong to no workspace.
COPY --from=prune /app/tsconfig.base.json ./
COPY --from=prune /app/scripts/ ./scripts/
# Then only what runs is kept: package.json files, build output and the files read at run time
# (supergraph.graphql, schema.graphql, Prisma schemas and migrations, the GraphiQL bundle). Gone:
# node_modules (the deps stage has the production ones), turbo's cache, sources, tests, build
# scripts. Package LICENSE files are in node_modules and stay.
RUN npx turbo run build --filter="${WORKSPACE}" \
 && ln -s "$(realpath --relative-to=. "node_modules/${WORKSPACE}")/dist/main.js" main.js \
 && test -f main.js \
 && find . \( -name node_modules -o -name .turbo -o -name src -o -name test -o -name bench -o -name scripts -o -name '*.tsbuildinfo' \) -prune -exec rm -rf {} +

# Everything here, /app itself included, belongs to the unprivileged node user the service runs as
# (an embedded-PGlite run without a *_DATABASE_URL writes its data under /app/.data).
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
RUN chown node:node /app
COPY --from=deps --chown=node:node /app/ ./
COPY --from=build --chown=node:node /app/ ./
USER node
CMD ["node", "main.js"]
