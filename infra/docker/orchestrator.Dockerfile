# syntax=docker/dockerfile:1
# rstar-fleet orchestrator: ingest, round flows, round completion (datasets, hooks), /status.
# Build from the repository root (the context is the whole monorepo; see the .dockerignore beside
# this file):
#   docker build -f infra/docker/orchestrator.Dockerfile -t rstar-fleet/orchestrator:0.1.0 .
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: install everything, compile, then keep only production dependencies -------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY . .
# --ignore-scripts: the root `prepare` (tsc -b) runs explicitly below; no dependency needs an
# install script (the native ones ship prebuilt binaries).
RUN npm ci --ignore-scripts && npx tsc -b
RUN npm ci --omit=dev --ignore-scripts && sh infra/docker/collect-runtime.sh /out

# --- runtime: Node, the compiled CLI and production node_modules, nothing else ----------------
FROM ${NODE_IMAGE}
# tini as PID 1: forwards SIGTERM (bounded shutdown) and reaps the hooks' child processes.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out/ /app/
# /data: mount point of a shared store volume (a plan's `store: {dir: /data/runs}`), owned by
# the service user so that a fresh named volume is writable.
RUN ln -s /app/apps/cli/bin/rstar-fleet.js /usr/local/bin/rstar-fleet \
 && mkdir -p /data && chown 1000:1000 /data
# The node image's unprivileged user, by number so that runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 9400
ENTRYPOINT ["/usr/bin/tini", "--", "rstar-fleet"]
CMD ["run", "--plan", "/etc/rstar/plan.yaml", "--http-host", "0.0.0.0", "--http-port", "9400"]
