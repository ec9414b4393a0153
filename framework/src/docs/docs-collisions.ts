// Startup check: the URLs of the served specs and docs page must not hide an operation of the service's specs.
import { createRouteMatcher } from '../openapi/route-matcher';
import { SpecError } from '../openapi/spec-error';
import type { BoundOperation } from '../openapi/types';

/**
 * Throw when a GET (or HEAD) operation of the service would answer one of `urls`, which pym serves before any
 * operation: the operation could never be reached. The message names the spec, the operation and the fix.
 *
 * @param urls - every path pym serves for the docs (see `docsRoutes`).
 * @param docsPath - `docs.path`, to tell the page's URLs from the specs'.
 * @throws SpecError naming the spec file of the first operation found.
 */
export function checkDocsCollisions(operations: readonly BoundOperation[], urls: Iterable<string>, docsPath: string): void {
  const matcher = createRouteMatcher([...operations]);
  for (const url of urls) {
    const found = matcher.match('GET', url) ?? matcher.match('HEAD', url);
    if (found === undefined || !('operation' in found)) continue;
    const { operation } = found;
    const page = url === docsPath || url.startsWith(`${docsPath}/`);
    const fix = page
      ? `set docs.path in pym-config.yaml to a free path (e.g. /api-docs), or docs.enabled: false`
      : `rename that path, or set docs.specs: false (and docs.enabled: false) in pym-config.yaml`;
    throw new SpecError(
      operation.api.file,
      `${operation.method.toUpperCase()} ${operation.fullPath} would answer ${url}, where pym serves ${page ? 'its API docs page (docs.path)' : 'a spec'}: ${fix}`,
    );
  }
}

/** Throw when a service's spec is named like the built-in API (`pym`), whose spec is served as `/openapi/pym.json`. */
export function checkBuiltinApiName(apis: readonly { name: string; file: string }[], builtinName: string): void {
  const clash = apis.find((api) => api.name === builtinName);
  if (clash) {
    throw new SpecError(
      clash.file,
      `an API may not be named "${builtinName}": that is pym's built-in API (/ping, /version, /tasks; its spec is /openapi/${builtinName}.json): rename the file`,
    );
  }
}
