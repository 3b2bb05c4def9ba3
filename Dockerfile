# syntax=docker/dockerfile:1
# The circadian image: `circadian serve` on Node 20, as a non-root user. Details: docs/deploy.md.
#   docker build -t circadian .
#   docker run -v ./circadian.config.ts:/config/circadian.config.ts:ro -v circadian-data:/data -p 127.0.0.1:8080:8080 circadian

# ---- build: install everything, compile better-sqlite3, build the CLI and the bundled plugins ----
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source (node-gyp).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifests first: the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY plugins/sql-alerts/package.json plugins/sql-alerts/
COPY plugins/memory/package.json plugins/memory/
COPY plugins/batch/package.json plugins/batch/
# Only the two packages package.json allows scripts for run them (allowScripts): better-sqlite3 and esbuild.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 esbuild
COPY tsconfig.json ./
COPY bin/ bin/
COPY scripts/ scripts/
COPY src/ src/
COPY templates/ templates/
COPY plugins/ plugins/
# The project's build (what `npm ci` runs as `prepare`), then production dependencies only (and the link
# node_modules/circadian -> .., which npm may drop as extraneous), without better-sqlite3's build leftovers.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && node scripts/link-self.mjs \
 && rm -rf node_modules/better-sqlite3/deps node_modules/better-sqlite3/src \
      node_modules/better-sqlite3/build/Release/obj node_modules/better-sqlite3/build/Release/obj.target \
      node_modules/better-sqlite3/build/Release/.deps node_modules/better-sqlite3/build/Release/sqlite3.a \
      node_modules/better-sqlite3/build/Release/test_extension.node
# What ships: the built CLI, its templates, production node_modules (with the link node_modules/circadian ->
# .. through which the bundled plugins import 'circadian') and each bundled plugin's package.
RUN mkdir -p /app/bin /app/plugins \
 && cp -a package.json oclif.manifest.json dist templates node_modules /app/ \
 && cp -a bin/run.js bin/load-bundle.js /app/bin/ \
 && for p in plugins/*; do \
      mkdir -p "/app/$p" && cp -a "$p/package.json" "$p/oclif.manifest.json" "$p/dist" "/app/$p/" \
      && if [ -d "$p/templates" ]; then cp -a "$p/templates" "/app/$p/"; fi; \
    done

# ---- runtime ----
FROM node:20-bookworm-slim
# tini as PID 1 reaps the orphans of `command` jobs and passes SIGTERM on to circadian.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
# A fixed UID/GID (10001), so volumes and Kubernetes' runAsUser/fsGroup can name it.
RUN groupadd --system --gid 10001 circadian \
 && useradd --system --uid 10001 --gid circadian --home-dir /home/circadian --create-home --shell /usr/sbin/nologin circadian \
 && mkdir -p /config /data \
 && chown circadian:circadian /data
WORKDIR /app
# Owned by root: the running service cannot change its own code.
COPY --from=build /app /app
RUN ln -s /app/bin/run.js /usr/local/bin/circadian
ENV NODE_ENV=production \
    CIRCADIAN_CONFIG=/config/circadian.config.ts \
    HOME=/home/circadian
USER 10001:10001
# SQLite state (a config with state: { client: 'sqlite', filename: '/data/state.db' }, or
# CIRCADIAN_STATE_URL=/data/state.db). With PostgreSQL or MariaDB the volume stays empty.
VOLUME ["/data"]
# serve.http.port in the example configs (deploy/compose, deploy/kubernetes).
EXPOSE 8080
# No curl in a slim image: Node's own fetch. /health/live answers 200 while the scheduler loop runs.
# CIRCADIAN_HTTP_PORT: the port the example configs read (default 8080).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.CIRCADIAN_HTTP_PORT || 8080}/health/live`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "circadian"]
CMD ["serve"]
