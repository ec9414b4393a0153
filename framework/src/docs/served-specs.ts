// The specs pym serves at /openapi/<api>.json and .yaml: each API bundled, exactly as its validator reads it.
import yaml from 'js-yaml';
import { validatedDocument } from '../http/api-validator';
import { isPlainObject } from '../openapi/bundle-kinds';
import { HTTP_METHODS, type LoadedApi, type OpenApiDocument } from '../openapi/types';

/** One served spec, rendered once at startup. */
export interface ServedSpec {
  /** The API's name: `/openapi/<name>.json`. */
  name: string;
  document: OpenApiDocument;
  json: string;
  yaml: string;
}

/**
 * The document a client gets: the one the validator checks requests and replies against (every `$ref` internal,
 * OpenAPI's defaults pym relies on written out), without pym's server-side extensions: `x-bind-server` (where an
 * operation's handler lives) and a schema's `x-parent` (its mixin module) say nothing to a client about the API.
 *
 * @example
 * servedDocument(api).paths['/books'].get['x-bind-server'] // undefined
 */
export function servedDocument(api: LoadedApi): OpenApiDocument {
  const document = validatedDocument(api);
  for (const pathItem of Object.values(isPlainObject(document.paths) ? document.paths : {})) {
    if (!isPlainObject(pathItem)) continue;
    for (const method of HTTP_METHODS) if (isPlainObject(pathItem[method])) delete pathItem[method]['x-bind-server'];
  }
  const schemas = isPlainObject(document.components?.schemas) ? document.components.schemas : {};
  for (const schema of Object.values(schemas)) if (isPlainObject(schema)) delete schema['x-parent'];
  return document;
}

/**
 * Render every API's served spec as JSON and YAML, by API name.
 *
 * @example
 * servedSpecs([...apis, builtinApi]).get('pym')?.json // '{"openapi":"3.0.3",…}'
 */
export function servedSpecs(apis: readonly LoadedApi[]): Map<string, ServedSpec> {
  const specs = new Map<string, ServedSpec>();
  for (const api of apis) {
    const document = servedDocument(api);
    specs.set(api.name, { name: api.name, document, json: JSON.stringify(document), yaml: yaml.dump(document, { noRefs: true, lineWidth: -1 }) });
  }
  return specs;
}
