# syntax=docker/dockerfile:1
# The example service's image. Build once; then ONE production install (the framework packed as users install it,
# plus the service's own dependencies: docker/package.json) whose node_modules the runtime stage takes whole, so no
# nested folder can be left behind; Node 24 LTS; code owned by root and read-only to the `node` user that runs it.
# Needs LIBRARY_JWT_SECRET, LIBRARY_REDIS_URL and LIBRARY_AUDIT_URL (pym-config.prod.yaml): with_async is on, and outside dev
# `pym start` refuses to run without Redis. It serves HTTP and supervises the task worker processes.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.base.json ./
COPY framework/package.json framework/
RUN npm ci
COPY framework/ framework/
COPY example-service/ example-service/
COPY docker/package.json docker/
# The framework's tarball (its prepack builds it), then the example's handlers and tasks compiled against it.
RUN npm pack --workspace framework --pack-destination docker && npx tsc -p example-service/tsconfig.build.json

FROM node:24-bookworm-slim AS prod-deps
WORKDIR /app
COPY .npmrc ./
COPY --from=build /app/docker/ ./
RUN npm install --omit=dev --no-package-lock

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production PYM_ENV=prod PYM_NO_TS_LOADER=1
WORKDIR /app
COPY --from=prod-deps /app/node_modules node_modules/
COPY --from=build /app/example-service/dist example-service/dist/
COPY example-service/apis example-service/apis/
# The spec of the audit service the library calls (clients.audit.spec), also $ref'd by apis/history.yaml.
COPY audit-service/apis audit-service/apis/
COPY package.json pym-config.yaml pym-config.prod.yaml ./
USER node
# The config's port (8080); PYM_PORT serves on another one, and the healthcheck follows it.
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD ["node", "node_modules/@pym/framework/bin/pym", "healthcheck"]
CMD ["node", "node_modules/@pym/framework/bin/pym", "start"]
