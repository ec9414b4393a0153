// The Swagger UI page: swagger-ui-dist's files, pym's page and initializer listing every API, and its CSP.
import fs from 'node:fs';
import path from 'node:path';
import type { ServedSpec } from './served-specs';

/**
 * The files of swagger-ui-dist the page loads, served from the installed package (no CDN). Their names are the
 * package's documented distribution (its own index.html loads them); `swaggerUiAssets` fails at startup if one moved.
 */
export const SWAGGER_UI_FILES: readonly string[] = [
  'swagger-ui.css',
  'index.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
];

/** The initializer pym writes in place of swagger-ui-dist's own (which loads the Petstore). */
export const INITIALIZER_FILE = 'swagger-initializer.js';

/**
 * The absolute path of each Swagger UI file, by name.
 *
 * @throws Error naming the missing file when the installed swagger-ui-dist lacks one.
 */
export function swaggerUiAssets(): Map<string, string> {
  // The package's folder through its package.json: its main module would load the whole 1.8 MB bundle into Node.
  const folder = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  const assets = new Map<string, string>();
  for (const name of SWAGGER_UI_FILES) {
    const file = path.join(folder, name);
    if (!fs.existsSync(file)) throw new Error(`swagger-ui-dist has no ${name} (looked in ${folder}): reinstall it (npm ci), or set docs.enabled: false`);
    assets.set(name, file);
  }
  return assets;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);

/** The URL of an API's served spec, e.g. `/openapi/catalog.json`. */
export function specUrl(specsPath: string, name: string, format: 'json' | 'yaml' = 'json'): string {
  return `${specsPath}/${encodeURIComponent(name)}.${format}`;
}

/** The page: swagger-ui-dist's layout, every script from a file (the CSP allows no inline script). */
export function docsPage(title: string, docsPath: string): string {
  const asset = (name: string) => escapeHtml(`${docsPath}/${name}`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${asset('swagger-ui.css')}">
<link rel="stylesheet" href="${asset('index.css')}">
<link rel="icon" type="image/png" href="${asset('favicon-32x32.png')}" sizes="32x32">
<link rel="icon" type="image/png" href="${asset('favicon-16x16.png')}" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${asset('swagger-ui-bundle.js')}"></script>
<script src="${asset('swagger-ui-standalone-preset.js')}"></script>
<script src="${asset(INITIALIZER_FILE)}"></script>
</body>
</html>
`;
}

/**
 * The script starting Swagger UI with every API in its selector (the service's own first, pym's built-in last).
 * Not configurable from the page's URL (`queryConfigEnabled: false`): a link cannot make it load another spec;
 * no online validator badge (it would send the spec elsewhere); tokens entered in "Authorize" stay in the page.
 */
export function docsInitializer(specs: readonly ServedSpec[], specsPath: string): string {
  const ordered = [...specs.filter((spec) => spec.name !== 'pym'), ...specs.filter((spec) => spec.name === 'pym')];
  const urls = ordered.map((spec) => ({ url: specUrl(specsPath, spec.name), name: spec.name }));
  const options = {
    urls,
    'urls.primaryName': urls[0]?.name,
    dom_id: '#swagger-ui',
    deepLinking: true,
    queryConfigEnabled: false,
    validatorUrl: null,
    persistAuthorization: false,
    layout: 'StandaloneLayout',
  };
  // JSON is a JS expression; "<" escaped so the text is safe anywhere.
  const literal = JSON.stringify(options).replace(/</g, '\\u003c');
  return `// Written by pym: Swagger UI over the service's served specs.
window.addEventListener('load', function () {
  var options = ${literal};
  options.presets = [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset];
  options.plugins = [SwaggerUIBundle.plugins.DownloadUrl];
  window.ui = SwaggerUIBundle(options);
});
`;
}

/** The origins of the specs' absolute server URLs, which "Try it out" calls (server variables at their defaults). */
function serverOrigins(specs: readonly ServedSpec[]): string[] {
  const origins = new Set<string>();
  for (const spec of specs) {
    const servers: unknown = spec.document.servers;
    for (const server of Array.isArray(servers) ? servers : []) {
      if (typeof server?.url !== 'string' || !/^https?:\/\//i.test(server.url)) continue;
      const variables: Record<string, { default?: unknown }> = server.variables ?? {};
      const url = server.url.replace(/\{([^}]+)\}/g, (_whole: string, name: string) => String(variables[name]?.default ?? ''));
      try {
        origins.add(new URL(url).origin);
      } catch {
        // A URL the browser could not call either: nothing to allow.
      }
    }
  }
  return [...origins].sort();
}

/**
 * The page's Content-Security-Policy: scripts from the service only (no inline or eval'd script), styles and
 * images from it too, plus what Swagger UI needs (one `<style>` element it writes, its data: SVG icons), requests
 * to the service and to the specs' absolute server origins; no frames, plugins or form posts; not framable.
 */
export function docsContentSecurityPolicy(specs: readonly ServedSpec[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    ["connect-src 'self'", ...serverOrigins(specs)].join(' '),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
