// The served specs: the document the validator reads, without pym's server-side extensions, as JSON and YAML.
import path from 'node:path';
import yaml from 'js-yaml';
import { servedDocument, servedSpecs } from '../../src/docs/served-specs';
import { validatedDocument } from '../../src/http/api-validator';
import { loadApis } from '../../src/openapi/load-apis';
import { FIXTURE_SERVICE_ROOT } from '../helpers/create-test-app';

test('a served document is the validated one without x-bind-server and a named schema\'s x-parent', async () => {
  const [api] = await loadApis(path.join(__dirname, '../fixtures/models/everything'));
  const served = servedDocument(api!);
  const validated = validatedDocument(api!);
  expect(JSON.stringify(served)).not.toMatch(/"x-bind-server"|"x-parent"/);
  expect(JSON.stringify(validated)).toMatch(/"x-parent"/);
  // Only those keys went: put them back and the two are equal.
  for (const [name, schema] of Object.entries<Record<string, unknown>>(validated.components.schemas)) {
    if ('x-parent' in schema) served.components.schemas[name]['x-parent'] = schema['x-parent'];
  }
  for (const [template, item] of Object.entries<Record<string, Record<string, unknown>>>(validated.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (operation && typeof operation === 'object' && 'x-bind-server' in operation) served.paths[template][method]['x-bind-server'] = operation['x-bind-server'];
    }
  }
  expect(served).toEqual(validated);
});

test('a property named x-parent stays: only the schema keyword is removed', async () => {
  const document = { openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {}, components: { schemas: { A: { type: 'object', 'x-parent': 'm#A', properties: { 'x-parent': { type: 'string' } } } } } };
  const served = servedDocument({ name: 'a', file: '<builtin>', version: '3.0', basePath: '', document });
  expect(served.components.schemas.A).toEqual({ type: 'object', properties: { 'x-parent': { type: 'string' } } });
});

test('JSON and YAML of every API hold the same document: bundled, with its server URL, the validator\'s defaults written out', async () => {
  const apis = await loadApis(path.join(FIXTURE_SERVICE_ROOT, 'apis'));
  const specs = servedSpecs(apis);
  expect([...specs.keys()]).toEqual(['items', 'ops']);
  const items = specs.get('items')!;
  expect(JSON.parse(items.json)).toEqual(items.document);
  expect(yaml.load(items.yaml)).toEqual(items.document);
  expect(items.document.servers).toEqual([{ url: 'https://items.example.com/v1/' }]);
  expect(items.json).not.toMatch(/"\$ref":"(?!#)/); // every ref internal
  const listItems = items.document.paths['/items'].get;
  const parameters = [...listItems.parameters, ...Object.values(items.document.components.parameters)] as { in?: string; allowReserved?: boolean }[];
  const query = parameters.filter((parameter) => parameter.in === 'query');
  expect(query.length).toBeGreaterThan(1);
  for (const parameter of query) expect(parameter.allowReserved).toBe(true);
});
