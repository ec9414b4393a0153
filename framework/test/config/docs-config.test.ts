// The `docs` section: defaults per environment, and the values refused at startup with the key and the fix.
import path from 'node:path';
import { loadConfig } from '../../src/config/load-config';
import { configErrorOf, removeTempServices, tempService } from './config-test-helpers';

afterAll(removeTempServices);

function load(docs: string, env = 'dev') {
  const dir = tempService({ 'pym-config.yaml': `name: svc\n${docs}\n` });
  return () => loadConfig({ configPath: path.join(dir, 'pym-config.yaml'), env, environment: {} });
}

test('defaults: the page at /docs outside prod, off in prod; the specs served in every environment', () => {
  expect(load('')().docs).toEqual({ enabled: true, path: '/docs', specs: true });
  expect(load('', 'test')().docs).toEqual({ enabled: true, path: '/docs', specs: true });
  expect(load('', 'prod')().docs).toEqual({ enabled: false, path: '/docs', specs: true });
});

test('the file decides when it says: enabled in prod, off in dev; no specs means no page by default', () => {
  expect(load('docs: { enabled: true }', 'prod')().docs.enabled).toBe(true);
  expect(load('docs: { enabled: false }')().docs.enabled).toBe(false);
  expect(load('docs: { specs: false }')().docs).toEqual({ enabled: false, path: '/docs', specs: false });
});

test('the page without the specs it reads: refused with the key and the fix', () => {
  const error = configErrorOf(load('docs: { enabled: true, specs: false }'));
  expect(error.problems).toEqual([
    { key: 'docs.enabled', message: 'true needs the served specs, which docs.specs: false turns off: set docs.specs: true, or docs.enabled: false' },
  ]);
  expect(error.message).toMatch(/pym-config\.yaml: docs\.enabled: true needs the served specs/);
});

test.each([
  ['docs', 'must be a path such as /docs'],
  ['/docs/', 'must be a path such as /docs'],
  ['/', 'must be a path such as /docs'],
  ['/api/../docs', 'must be a path such as /docs'],
  ['/docs?x', 'must be a path such as /docs'],
  ['/openapi', 'is where pym serves the specs (/openapi/<api>.json): choose another path, e.g. /docs'],
  ['/openapi/ui', 'is where pym serves the specs (/openapi/<api>.json): choose another path, e.g. /docs'],
])('docs.path %s is refused', (value, message) => {
  const error = configErrorOf(load(`docs: { path: "${value}" }`));
  expect(error.problems).toHaveLength(1);
  expect(error.problems[0]).toMatchObject({ key: 'docs.path' });
  expect(error.problems[0]!.message).toContain(message);
});

test('an unknown key of the section gets a did-you-mean', () => {
  const error = configErrorOf(load('docs: { enable: false }'));
  expect(error.problems[0]).toMatchObject({ key: 'docs.enable' });
  expect(error.problems[0]!.message).toContain('"enabled"');
});
