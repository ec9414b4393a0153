// Load the service's OpenAPI specs from its apis folder: find, parse, check version, bundle refs.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isPlainObject } from './bundle-kinds';
import { bundleRefs, type SpecFileCache } from './bundle-refs';
import { readSpecFile, SPEC_EXTENSIONS } from './read-spec-file';
import { displayPath, SpecError } from './spec-error';
import type { LoadedApi, OpenApiDocument } from './types';
import { specProblems } from './validate-spec';

/**
 * Load every API in `apisDir`: each `*.yaml`, `*.yml` or `*.json` file, in the folder or any
 * subfolder, that has a top-level `openapi` key. Other spec files (e.g. `common/schemas.yaml`)
 * are fragments, reached only through `$ref` (they are parsed too, so a syntax error in one
 * fails the load). Each API is bundled (see `bundleRefs`).
 *
 * @returns the APIs sorted by name.
 * @throws SpecError for a missing or API-less folder, a parse error (with line), a Swagger 2.0
 *   or non-3.0/3.1 file, a broken `$ref`, two APIs with the same name, or specs that break the OpenAPI
 *   schema (one error listing every problem of every file: file, JSON pointer, message).
 *
 * @example
 * const apis = await loadApis(path.join(root, 'apis'));
 * apis.map((api) => `${api.name} ${api.basePath}`); // ['books /v1']
 */
export async function loadApis(apisDir: string): Promise<LoadedApi[]> {
  const dir = path.resolve(apisDir);
  const files = await listSpecFiles(dir);
  const cache: SpecFileCache = new Map();
  const candidates: { name: string; file: string; document: OpenApiDocument }[] = [];
  for (const file of files) {
    const document = readSpecFile(file);
    cache.set(file, document);
    if (!isPlainObject(document)) continue;
    if ('swagger' in document && !('openapi' in document)) throw swaggerError(file, document.swagger);
    if (!('openapi' in document)) continue; // a fragment, reachable through $ref
    candidates.push({ name: apiName(file), file, document });
  }
  if (candidates.length === 0) {
    throw new SpecError(dir, 'no OpenAPI spec found (expected *.yaml, *.yml or *.json files with a top-level "openapi: 3.x" key)');
  }
  candidates.sort((a, b) => compare(a.name, b.name) || compare(a.file, b.file));
  for (let index = 1; index < candidates.length; index++) {
    const [previous, current] = [candidates[index - 1], candidates[index]];
    if (previous.name === current.name) {
      throw new SpecError(current.file, `API name "${current.name}" is also used by ${displayPath(previous.file)}; spec file names must be unique`);
    }
  }
  const apis: LoadedApi[] = [];
  for (const candidate of candidates) apis.push(processDocument(candidate.document, candidate.name, candidate.file, cache));
  throwSpecProblems(apis);
  return apis;
}

/**
 * Check each API against the OpenAPI schema of its version; every problem of every API in one SpecError, a line
 * each: `<file>#<JSON pointer>: <what is wrong>`. The pointer is into the bundled document: the same as in the file
 * for its own content, under `/components/...` for what a `$ref` brought in from another file.
 */
function throwSpecProblems(apis: readonly LoadedApi[]): void {
  const lines = apis.flatMap((api) => specProblems(api.document, api.version).map((problem) => `${displayPath(api.file)}#${problem.pointer}: ${problem.message}`));
  if (lines.length === 0) return;
  const count = lines.length === 1 ? '1 problem' : `${lines.length} problems`;
  throw new SpecError('', `${count} in the OpenAPI specs (file#JSON pointer: what breaks the OpenAPI schema)\n${lines.join('\n')}`);
}

/**
 * Process an in-memory OpenAPI document the way `loadApis` processes a file: check its version,
 * compute its base path and bundle its refs. External refs are resolved relative to `file` when
 * it is an absolute path; with a label such as `<builtin>` the document must not have any.
 *
 * @example
 * const api = await apiFromDocument({ openapi: '3.0.3', info, paths }, { name: 'pym', file: '<builtin>' });
 */
export async function apiFromDocument(document: OpenApiDocument, source: { name: string; file: string }): Promise<LoadedApi> {
  const api = processDocument(document, source.name, source.file, new Map());
  throwSpecProblems([api]);
  return api;
}

function processDocument(document: unknown, name: string, file: string, cache: SpecFileCache): LoadedApi {
  if (!isPlainObject(document)) throw new SpecError(file, 'is not an OpenAPI document (expected an object at the top level)');
  if ('swagger' in document && !('openapi' in document)) throw swaggerError(file, document.swagger);
  const version = openApiVersion(document.openapi, file);
  if (document.paths !== undefined && !isPlainObject(document.paths)) throw new SpecError(file, '"paths" must be an object');
  if (document.paths === undefined && version === '3.0') throw new SpecError(file, 'OpenAPI 3.0 requires a "paths" object');
  const bundled = bundleRefs(document, file, cache);
  return { name, file, version, basePath: basePathOf(bundled, file), document: bundled };
}

function openApiVersion(value: unknown, file: string): '3.0' | '3.1' {
  const text = String(value);
  if (/^3\.0\.\d+$/.test(text)) return '3.0';
  if (/^3\.1\.\d+$/.test(text)) return '3.1';
  const hint = typeof value === 'number' ? ' (write the full version as a string, e.g. openapi: "3.0.3")' : '';
  throw new SpecError(file, `openapi: ${JSON.stringify(value)} is not supported; pym reads OpenAPI 3.0.x and 3.1.x${hint}`);
}

function swaggerError(file: string, version: unknown): SpecError {
  return new SpecError(
    file,
    `is a Swagger ${String(version)} spec; pym needs OpenAPI 3.0 or 3.1. Convert it first, e.g. with swagger2openapi (npx swagger2openapi ${path.basename(file)} -y -o ${path.basename(file)})`,
  );
}

/**
 * The path of `servers[0].url`: `https://api.example.com/v1/` → `/v1`; `/` or a bare host → `''`.
 * Server variables take their default values.
 */
export function basePathOf(document: OpenApiDocument, file = '<builtin>'): string {
  const server = Array.isArray(document.servers) ? document.servers[0] : undefined;
  if (!isPlainObject(server) || server.url === undefined) return '';
  if (typeof server.url !== 'string') throw new SpecError(file, 'servers[0].url must be a string');
  const variables: Record<string, any> = isPlainObject(server.variables) ? server.variables : {};
  let url = server.url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    if (!isPlainObject(variable) || variable.default === undefined) {
      throw new SpecError(file, `servers[0].url uses {${name}} but servers[0].variables.${name}.default is not set`);
    }
    return String(variable.default);
  });
  url = url.replace(/[?#].*$/, '');
  const withHost = /^([a-z][a-z0-9+.-]*:)?\/\/[^/]*/i.exec(url);
  let pathname = withHost ? url.slice(withHost[0].length) : url;
  if (pathname && !pathname.startsWith('/')) pathname = `/${pathname}`;
  return pathname.replace(/\/+$/, '');
}

async function listSpecFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SpecError(dir, code === 'ENOENT' ? 'apis folder not found' : `cannot read apis folder (${(error as Error).message})`);
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listSpecFiles(full)));
    else if (entry.isFile() && SPEC_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) files.push(full);
  }
  return files;
}

function apiName(file: string): string {
  return path.basename(file, path.extname(file));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
