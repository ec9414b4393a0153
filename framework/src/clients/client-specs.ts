// Load the spec of every configured client: a file next to the config, or the downloaded copy of a served spec.
import fs from 'node:fs';
import path from 'node:path';
import type { PymConfig } from '../config/config-schema';
import { ConfigError, type ConfigProblem } from '../config/config-error';
import { isPlainObject } from '../models/model';
import { apiFromDocument } from '../openapi/load-apis';
import { readSpecFile } from '../openapi/read-spec-file';
import { displayPath } from '../openapi/spec-error';
import type { LoadedApi } from '../openapi/types';
import { isHttpUrl, type ClientOptions } from './client-options';
import { knownSchemas, separateClientSchemas } from './client-schema-names';

/** Where a client's spec is read from. */
export interface ClientSpecSource {
  /** The client's name (its key under `clients`). */
  name: string;
  /** Absolute path of the spec file pym reads: the configured file, or the downloaded copy of `url`. */
  file: string;
  /** The URL the spec is downloaded from by `pym gen`, when `spec` is one. */
  url?: string;
}

/** One configured client with its loaded spec. */
export interface ClientSpec extends ClientSpecSource {
  options: ClientOptions;
  /**
   * The bundled spec; its `name` is the client's name. `x-parent` keys are gone (they name modules of the callee),
   * and a schema named like a different one of the service has the client's prefix (`ApiError` → `AuditApiError`).
   */
  api: LoadedApi;
}

/** The generated module of a client: `<clients_dir>/<name>.client.ts`. */
export function clientModuleFile(config: PymConfig, name: string): string {
  return path.join(config.clientsDir, `${name}.client.ts`);
}

/** Where a client's spec is: `spec` resolved against the config's folder, or `<clients_dir>/<name>.openapi.json` for a URL. */
export function clientSpecSource(config: PymConfig, name: string): ClientSpecSource {
  const spec = config.clients[name]!.spec;
  if (isHttpUrl(spec)) return { name, file: path.join(config.clientsDir, `${name}.openapi.json`), url: spec };
  return { name, file: path.resolve(config.root, spec) };
}

/** The problem of a spec file that cannot be read, as a config problem (file, key and fix). */
function missingSpecProblem(config: PymConfig, source: ClientSpecSource): ConfigProblem {
  const key = `clients.${source.name}.spec`;
  const where = displayPath(source.file);
  if (source.url) {
    return { key, message: `the downloaded copy of the spec, ${where}, is missing: run \`pym gen\` (it downloads it) and commit it` };
  }
  return { key, message: `spec file ${where} not found (paths are relative to ${path.basename(config.file)}'s folder)` };
}

/**
 * Load the spec of every client of `config`, bundled like the service's own specs (external `$ref`s resolved
 * relative to the file). A schema equal to one of `serviceApis` (or of a client before it) keeps its name, and so
 * its model class; one that differs gets the client's prefix. Every missing file is reported in one ConfigError
 * naming the config file and key.
 *
 * @throws ConfigError for missing spec files; SpecError for a spec that does not parse or is not OpenAPI 3.0/3.1.
 */
export async function loadClientSpecs(config: PymConfig, serviceApis: readonly LoadedApi[]): Promise<ClientSpec[]> {
  const sources = Object.keys(config.clients)
    .sort()
    .map((name) => clientSpecSource(config, name));
  const missing = sources.filter((source) => !fs.existsSync(source.file));
  if (missing.length > 0) throw new ConfigError(config.file, missing.map((source) => missingSpecProblem(config, source)));
  const specs: ClientSpec[] = [];
  const known = knownSchemas(serviceApis.map((api) => api.document));
  for (const source of sources) {
    const document = readSpecFile(source.file);
    const api = await apiFromDocument(document as Record<string, unknown>, { name: source.name, file: source.file });
    const separated = separateClientSchemas(source.name, withoutParents(api.document), known);
    specs.push({ ...source, options: config.clients[source.name]!, api: { ...api, document: separated } });
  }
  return specs;
}

/** A copy of a bundled document whose named schemas have no `x-parent` (it names a module of the callee's source). */
function withoutParents(document: Record<string, any>): Record<string, any> {
  const schemas = document.components?.schemas;
  if (!isPlainObject(schemas)) return document;
  const stripped: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    if (!isPlainObject(schema) || !('x-parent' in schema)) stripped[name] = schema;
    else {
      const { 'x-parent': _parent, ...rest } = schema;
      stripped[name] = rest;
    }
  }
  return { ...document, components: { ...document.components, schemas: stripped } };
}
