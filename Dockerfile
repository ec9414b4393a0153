# syntax=docker/dockerfile:1
# Multi-stage build of the example service: compile TypeScript once, run the compiled JS as a non-root user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.base.json ./
COPY framework/package.json framework/tsconfig.json framework/
RUN npm ci
COPY framework/ framework/
COPY example-service/ example-service/
COPY audit-service/ audit-service/
COPY bin/ bin/
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
# Needs LIBRARY_JWT_SECRET, LIBRARY_REDIS_URL and LIBRARY_AUDIT_URL (pym-config.prod.yaml): with_async is on, and outside dev
# `pym start` refuses to run without Redis. It serves HTTP and supervises the task worker processes.
ENV NODE_ENV=production PYM_ENV=prod PYM_NO_TS_LOADER=1
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules node_modules/
COPY --from=build --chown=node:node /app/framework/package.json framework/
COPY --from=build --chown=node:node /app/framework/dist framework/dist/
COPY --from=build --chown=node:node /app/framework/bin framework/bin/
COPY --from=build --chown=node:node /app/bin bin/
COPY --from=build --chown=node:node /app/example-service/apis example-service/apis/
COPY --from=build --chown=node:node /app/example-service/dist example-service/dist/
# The spec of the audit service the library calls (clients.audit.spec), also $ref'd by apis/history.yaml.
COPY --from=build --chown=node:node /app/audit-service/apis audit-service/apis/
COPY --chown=node:node pym-config.yaml pym-config.prod.yaml ./
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8080/ping').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/pym", "start"]
