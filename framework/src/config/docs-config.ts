// The `docs` section resolved: the Swagger UI is on by default outside PYM_ENV prod, and needs the served specs.
import type { ConfigProblem } from './config-error';
import type { ConfigFile, DocsConfig } from './config-schema';

/** The environment in which the Swagger UI page is off unless `docs.enabled` says otherwise. */
const PRODUCTION_ENV = 'prod';

/**
 * `docs` with `enabled` decided: the file's value, else on outside `prod` when the specs are served.
 *
 * @example
 * resolveDocs({ path: '/docs', specs: true }, 'prod') // { enabled: false, path: '/docs', specs: true }
 */
export function resolveDocs(docs: ConfigFile['docs'], env: string): DocsConfig {
  return { ...docs, enabled: docs.enabled ?? (env !== PRODUCTION_ENV && docs.specs) };
}

/** The problems of a `docs` section the schema accepted: the page reads the served specs, so it cannot go without. */
export function docsProblems(docs: ConfigFile['docs']): ConfigProblem[] {
  if (docs.enabled !== true || docs.specs) return [];
  return [{ key: 'docs.enabled', message: 'true needs the served specs, which docs.specs: false turns off: set docs.specs: true, or docs.enabled: false' }];
}
