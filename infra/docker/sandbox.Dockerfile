# syntax=docker/dockerfile:1
# rstar-fleet sandbox: the gRPC Python execution service (apps/sandbox/README.md).
# Build from the repository root:
#   docker build -f infra/docker/sandbox.Dockerfile -t rstar-fleet/sandbox:0.1.0 .
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: install everything, compile, then keep only production dependencies -------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY . .
RUN npm ci --ignore-scripts && npx tsc -b
RUN npm ci --omit=dev --ignore-scripts && sh infra/docker/collect-runtime.sh /out

# --- runtime: Node + Debian's Python 3 with the math stack the fork-servers preload -----------
FROM ${NODE_IMAGE}
# /usr/bin/python3 is the sandbox's default interpreter; python3-seccomp is its seccomp layer
# (the one layer a non-root pod keeps: it also denies every non-AF_UNIX socket).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini python3 python3-sympy python3-numpy \
      python3-scipy python3-seccomp \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -c 'import sympy, numpy, scipy, seccomp'
ENV NODE_ENV=production PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY --from=build /out/ /app/
RUN ln -s /app/apps/cli/bin/rstar-fleet.js /usr/local/bin/rstar-fleet
# Non-root by default (the Helm chart's hardened mode). Running it as root (isolation=namespaces
# in the chart, or `docker run --user 0 --cap-add SYS_ADMIN ...`) turns on the per-execution
# uids and namespaces; the slot uids (60100 + slot) belong to no account in this image.
USER 1000:1000
EXPOSE 50051 9464
ENTRYPOINT ["/usr/bin/tini", "--", "rstar-fleet"]
CMD ["sandbox", "--host", "0.0.0.0", "--port", "50051", "--metrics-port", "9464"]
