// Middleware: serve the specs (/openapi/<api>.json|yaml) and the Swagger UI page (/docs), public, before any operation.
import type { RequestHandler, Response } from 'express';
import { SPECS_PATH, type DocsConfig } from '../config/config-schema';
import type { ServedSpec } from './served-specs';
import { docsContentSecurityPolicy, docsInitializer, docsPage, INITIALIZER_FILE, specUrl, swaggerUiAssets } from './swagger-ui';

/** Options of `serveDocs`. */
export interface ServeDocsOptions {
  /** The resolved `docs` section of the config. */
  docs: DocsConfig;
  /** The page's title, e.g. `library API docs`. */
  title: string;
  /** Every API's served spec, built-in one included. */
  specs: ReadonlyMap<string, ServedSpec>;
}

/** How one docs URL answers. */
export type DocsRoute = (res: Response, next: (error?: unknown) => void) => void;

/** Headers of every reply of the docs: no MIME sniffing, revalidated on each load (an ETag makes that a 304). */
function common(res: Response): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-cache');
}

function text(type: string, body: string, headers: Record<string, string> = {}): DocsRoute {
  return (res) => {
    common(res);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.type(type).send(body);
  };
}

/**
 * What each served URL answers, by exact request path: with `docs.specs`, `/openapi/<api>.json` and `.yaml` of every
 * API; with `docs.enabled`, the page at `docs.path` (and `docs.path/`), pym's initializer and swagger-ui-dist's files
 * under it.
 */
export function docsRoutes(options: ServeDocsOptions): Map<string, DocsRoute> {
  const routes = new Map<string, DocsRoute>();
  const specs = [...options.specs.values()];
  if (options.docs.specs) {
    for (const spec of specs) {
      routes.set(specUrl(SPECS_PATH, spec.name), text('application/json', spec.json));
      routes.set(specUrl(SPECS_PATH, spec.name, 'yaml'), text('application/yaml', spec.yaml));
    }
  }
  if (options.docs.enabled) {
    const base = options.docs.path;
    const page = text('text/html', docsPage(options.title, base), {
      'Content-Security-Policy': docsContentSecurityPolicy(specs),
      'Referrer-Policy': 'no-referrer',
    });
    routes.set(base, page);
    routes.set(`${base}/`, page);
    routes.set(`${base}/${INITIALIZER_FILE}`, text('text/javascript', docsInitializer(specs, SPECS_PATH)));
    for (const [name, file] of swaggerUiAssets()) {
      routes.set(`${base}/${name}`, (res, next) => {
        common(res);
        res.sendFile(file, (error?: Error) => {
          if (error && !res.headersSent) next(error);
        });
      });
    }
  }
  return routes;
}

/**
 * The middleware answering GET and HEAD on the URLs of `docsRoutes` (public: no JWT), or undefined when there are
 * none (the config serves neither the specs nor the page). Any other request goes on to the service's operations.
 */
export function serveDocs(routes: ReadonlyMap<string, DocsRoute>): RequestHandler | undefined {
  if (routes.size === 0) return undefined;
  return function serveDocsMiddleware(req, res, next) {
    const send = req.method === 'GET' || req.method === 'HEAD' ? routes.get(req.path) : undefined;
    if (send === undefined) return next();
    send(res, next);
  };
}
