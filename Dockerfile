# syntax=docker/dockerfile:1
#
# plex-mcp image: one image, two programs.
#   docker run <image>                                   -> plex-mcp-server (the default CMD, HTTP on :8080)
#   docker run <image> --stdio                           -> plex-mcp-server --stdio (arguments starting with "-" go to the server)
#   docker run <image> plex-mcp-operator --leader-elect  -> the Kubernetes operator
#   docker run --entrypoint plex-mcp-operator <image>    -> the same, the Docker way
# Kubernetes sets `command:` explicitly (the chart runs plex-mcp-operator, the operator's Deployments run
# plex-mcp-server), so the entrypoint dispatcher below only matters for `docker run`.
#
# Targets:
#   runtime  (default, last stage)  production image: dist/ + production node_modules + crds/, uid 10001
#   plex-sim                        the Plex simulator, for the kind end-to-end test only (test/e2e/kind-e2e.sh);
#                                   never published: it carries dev dependencies and test code.
#
# No HEALTHCHECK: Kubernetes probes /health/live, /health/ready, /health/startup (server) and
# /healthz, /readyz (operator); a Docker HEALTHCHECK is ignored by Kubernetes and would need curl in the image.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- deps: production dependencies only (no dev tools, no TypeScript) ------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs an install script at run time, and skipping them keeps the
# build reproducible and free of surprises from third-party postinstall hooks.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- build: TypeScript to dist/, the server as one bundle (.ci/build/build.ts) -------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY .ci/with-node.mjs ./.ci/
COPY .ci/build ./.ci/build
COPY server ./server
COPY operator ./operator
COPY cdk8s ./cdk8s
COPY crds ./crds
RUN npm run build
# V8's compiled code of a default start's modules (.ci/build/bake-compile-cache.ts starts the built server once
# over HTTP and once over stdio, with the runtime's NODE_OPTIONS, which it imports from cdk8s defaults). As the
# runtime's uid: Node keeps each uid's cache apart (the uid is in its directory's name). Its files are written
# 0600: made readable for the runtime stage, which copies them owned by root.
RUN mkdir /app/.node-compile-cache && chown 10001:10001 /app/.node-compile-cache
USER 10001:10001
RUN node .ci/build/bake-compile-cache.ts /app/.node-compile-cache && chmod -R a+rX /app/.node-compile-cache

# ---- plex-sim: the simulator for in-cluster end-to-end tests ------------------------------------------
# Node 24 runs the simulator's .ts sources directly (type stripping), so no build step is needed, and it
# needs only production dependencies (zod, and jpeg-js/pngjs for /photo/:/transcode). The production-install unit test runs it the same way.
FROM ${NODE_IMAGE} AS plex-sim
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY test/plex-sim ./test/plex-sim
USER 10001:10001
EXPOSE 32400
ENTRYPOINT ["node", "test/plex-sim/main.ts"]
CMD ["--host", "0.0.0.0", "--port", "32400"]

# ---- runtime: the published image --------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
# The MCP Registry ties an OCI image to its server.json entry by this label; it must equal package.json's mcpName
# (test/unit/image/dockerfile.test.ts and the container smoke test check both).
ARG MCP_NAME=io.github.plex-mcp/plex-mcp
LABEL io.modelcontextprotocol.server.name="${MCP_NAME}" \
      org.opencontainers.image.title="plex-mcp" \
      org.opencontainers.image.description="MCP server for Plex Media Server, and the Kubernetes operator that runs it" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
# NODE_OPTIONS: V8 heap caps for the default 256Mi server limit (cdk8s/plex-mcp-server/defaults.ts,
# SERVER_NODE_OPTIONS; a unit test keeps the two equal). Without them V8 sizes its heap from the node's RAM.
# NODE_COMPILE_CACHE: the compile cache the build stage made (server/main.ts turns the cache on), read-only here.
ENV NODE_ENV=production \
    SERVER_HOST=0.0.0.0 \
    SERVER_PORT=8080 \
    NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=16" \
    NODE_COMPILE_CACHE=/app/.node-compile-cache
WORKDIR /app
# The two bins of package.json, as small launchers on PATH, and a dispatcher that picks one:
# an explicit program name runs that program, anything else goes to the server.
# hadolint ignore=SC2016
RUN printf '#!/bin/sh\nexec node /app/dist/server/main.js "$@"\n' > /usr/local/bin/plex-mcp-server \
 && printf '#!/bin/sh\nexec node /app/dist/operator/main.js "$@"\n' > /usr/local/bin/plex-mcp-operator \
 && printf '#!/bin/sh\ncase "$1" in\n  plex-mcp-server|plex-mcp-operator|node|sh) exec "$@" ;;\n  *) exec plex-mcp-server "$@" ;;\nesac\n' > /usr/local/bin/plex-mcp-entrypoint \
 && chmod 0755 /usr/local/bin/plex-mcp-server /usr/local/bin/plex-mcp-operator /usr/local/bin/plex-mcp-entrypoint \
 && groupadd --system --gid 10001 plexmcp \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin plexmcp
COPY --from=deps --chown=0:0 /app/node_modules ./node_modules
COPY --from=build --chown=0:0 /app/dist ./dist
COPY --from=build --chown=0:0 /app/.node-compile-cache ./.node-compile-cache
COPY --chown=0:0 package.json ./
COPY --chown=0:0 crds ./crds
# Files stay owned by root and read-only to the app user: the pods run with readOnlyRootFilesystem.
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["plex-mcp-entrypoint"]
CMD ["plex-mcp-server"]
