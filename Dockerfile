# syntax=docker/dockerfile:1
#
# One image for all four services; SERVICE picks which one runs:
#   docker build --build-arg SERVICE=basic-insurance -t medical-settlement:basic-insurance .
#   docker run -e SERVICE=critical-illness -e PORT=3002 ... medical-settlement   (env overrides the build arg)
# SERVICE: basic-insurance | critical-illness | medical-assistance | audit
# Configuration is the environment the services read: PORT, HOST, DATABASE_URL (the runtime role),
# DATABASE_MIGRATION_URL (the migration role), KAFKA_BROKERS, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD
# (or KAFKA_SASL_PASSWORD_FILE, read at start), KAFKA_SSL, TOPIC_PREFIX, LOG_LEVEL, AUTH_TRUSTED_ISSUERS
# (see libs/platform/src/service.config.ts and auth/).
# The same image provisions the bus (node deploy/local/infra.js credentials | provision).

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: all dependencies, compile TypeScript into dist/ ----------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# tsc needs no native add-on; skipping install scripts keeps node-gyp and its toolchain out of the build.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.build.json

# --- runtime: production dependencies and the compiled output only ---------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# register-paths maps the @msb/* aliases of tsconfig.base.json onto dist/ at run time.
COPY tools/register-paths.js ./tools/register-paths.js
# the database roles (docker compose runs it once before the services: deploy/local/database-roles.js)
COPY deploy/local/database-roles.js ./deploy/local/database-roles.js
COPY tsconfig.base.json ./tsconfig.base.json
# bus provisioning: secrets, topics and ACLs (the admin's tools, not the services')
COPY deploy/local/infra.js deploy/local/bus.js ./deploy/local/
COPY libs/contracts/src/bus.access.json ./libs/contracts/src/bus.access.json
# where docker-compose's bus-credentials volume is mounted; a new volume takes this owner
RUN install -d -o node -g node -m 0700 /credentials

# Declared late so that the layers above are shared by the images of all four services.
ARG SERVICE
ENV SERVICE=${SERVICE} \
    HOST=0.0.0.0

USER node
# The services' default ports (PORT overrides).
EXPOSE 3001 3002 3003 3004

# Healthy when GET /health answers 200 (database and Kafka up). PORT, else the service's default port.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "const d={'basic-insurance':3001,'critical-illness':3002,'medical-assistance':3003,audit:3004};const p=process.env.PORT||d[process.env.SERVICE];fetch('http://127.0.0.1:'+p+'/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"

# exec: node becomes PID 1 and receives SIGTERM itself, so a service stops gracefully
# (intake stopped, consumers finish their batch, outbox flushed).
# KAFKA_SASL_PASSWORD_FILE (a mounted secret) becomes KAFKA_SASL_PASSWORD, which the service reads.
CMD ["sh", "-c", "if [ ! -f \"dist/apps/$SERVICE/src/main.js\" ]; then echo \"SERVICE='$SERVICE' is not one of: $(ls dist/apps | tr '\\n' ' ')\" >&2; exit 64; fi; if [ -n \"$KAFKA_SASL_PASSWORD_FILE\" ]; then KAFKA_SASL_PASSWORD=$(cat \"$KAFKA_SASL_PASSWORD_FILE\") || exit 64; export KAFKA_SASL_PASSWORD; fi; exec node -r ./tools/register-paths.js \"dist/apps/$SERVICE/src/main.js\""]
