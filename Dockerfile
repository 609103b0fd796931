# SLA service image: the Node server (bundled to plain JavaScript by esbuild) serving the
# built dashboard from web/dist.
#
#   docker build -t sla-management:dev .
#
# Stages:
#   base       Node + pnpm, shared by the build stages
#   build      full install (dev dependencies included), the web build and the server bundle
#   prod-deps  clean install of the server's production dependencies only
#   runtime    what ships: Node, production node_modules, server/dist, web/dist
#
# The build stages use a BuildKit cache mount for pnpm's store (Docker 23+ builds with
# BuildKit by default).

FROM node:20.19-bookworm-slim AS base
ENV CI=true
RUN npm i -g pnpm@12.4.2 && pnpm --version
WORKDIR /app


FROM base AS build
# Manifests first so the dependency layer is reused while only sources change.
COPY package.json pnpm-workspace.yaml pnpm-lock.yaml ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY web/package.json web/
RUN --mount=type=cache,id=sla-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --store-dir /pnpm/store
COPY . .
RUN pnpm --filter @sla/web build && test -f web/dist/index.html
RUN pnpm --filter @sla/server build && test -f server/dist/main.js


FROM base AS prod-deps
# A clean install of @sla/server's third-party dependencies, without devDependencies
# (the bundle already contains the server's own code and the shared schemas).
COPY package.json pnpm-workspace.yaml pnpm-lock.yaml ./
COPY shared/package.json shared/
COPY server/package.json server/
RUN --mount=type=cache,id=sla-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --prod --filter '@sla/server...' --store-dir /pnpm/store


FROM node:20.19-bookworm-slim AS runtime
# HOST: the server listens on loopback unless told otherwise; in a container it must take
# connections on every interface, or the HEALTHCHECK, Compose's published port and
# Kubernetes probes could not reach it.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/var/lib/sla
WORKDIR /app

# Embedded-database directory, used only when DATABASE_URL is unset (docker run without
# a PostgreSQL); the only place the app user may write besides /tmp.
RUN mkdir -p /var/lib/sla && chown 1000:1000 /var/lib/sla

# Dependencies (pnpm's virtual store at the root, per-package links) ...
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=prod-deps /app/shared/node_modules ./shared/node_modules
COPY --from=prod-deps /app/server/node_modules ./server/node_modules
# ... then the server bundle and the dashboard. Files stay owned by root: the app user
# can read them, not change them.
COPY server/package.json ./server/
COPY --from=build /app/server/dist ./server/dist
COPY --from=build /app/web/dist ./web/dist

# The server runs from its package directory, as `pnpm --filter @sla/server start`
# does, so its imports resolve from server/node_modules.
WORKDIR /app/server

# The image's `node` user, given numerically so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000

# slim images have no curl: probe the liveness endpoint with Node's fetch.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Exec form: Node is PID 1 and receives SIGTERM itself; the server drains and exits
# within SHUTDOWN_TIMEOUT_MS. This is server/dist/main.js relative to /app. A smaller V8
# young generation keeps resident memory and refresh time down (docs/benchmarks.md, "Cache").
CMD ["node", "--max-semi-space-size=4", "--enable-source-maps", "dist/main.js"]
