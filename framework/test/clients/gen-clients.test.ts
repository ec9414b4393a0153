// `pym gen` for clients: a spec downloaded once from a URL and committed, --check without the network, --fetch,
// stale and orphan modules; and the startup errors of a misconfigured client.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runPym } from '../helpers/spawn-pym';
import { CALLER_CONFIG, CLIENTS_FIXTURES, sendJson, startRawServer, type RawServer } from './clients-harness';

const CALLEE_SPEC = path.join(CLIENTS_FIXTURES, 'callee/apis/callee.yaml');
const CLEAN_ENV = { PYM_CONFIG: undefined, PYM_ENV: undefined };
/** Each test runs `pym` several times: a few seconds each on a busy machine. */
const CLI_TIMEOUT_MS = 120_000;
/** The downstream service's own spec: its `Count` is not the callee's, its `Item` is. */
const OWN_SPEC = `openapi: 3.0.3
info: { title: Own, version: 1.0.0 }
paths: {}
components:
  schemas:
    Count: { type: object, properties: { total: { type: integer } } }
    Item: { $ref: '../callee/apis/callee.yaml#/components/schemas/Item' }
`;

let dir: string;
let specServer: RawServer;
let served: Record<string, any>;

/** A bundled spec as a service serves it at /openapi/<api>.json (the callee's, in JSON). */
async function calleeSpecJson(): Promise<Record<string, any>> {
  const { apiFromDocument } = await import('../../src/openapi/load-apis');
  const { readSpecFile } = await import('../../src/openapi/read-spec-file');
  return (await apiFromDocument(readSpecFile(CALLEE_SPEC) as Record<string, unknown>, { name: 'callee', file: CALLEE_SPEC })).document;
}

function writeConfig(clients: string): void {
  fs.writeFileSync(
    path.join(dir, 'pym-config.yaml'),
    ['name: downstream', 'jwt_secret: downstream-secret-0123456789', 'clients:', clients].join('\n'),
  );
}

function gen(...args: string[]) {
  return runPym(['gen', ...args], { cwd: dir, env: CLEAN_ENV });
}

beforeAll(async () => {
  served = await calleeSpecJson();
  specServer = await startRawServer((request, reply) => (request.url === '/openapi/callee.json' ? sendJson(reply, 200, served) : sendJson(reply, 404, {})));
});

afterAll(() => specServer?.close());

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pym-gen-clients-'));
  fs.mkdirSync(path.join(dir, 'apis'));
  fs.writeFileSync(path.join(dir, 'apis/own.yaml'), OWN_SPEC);
  fs.mkdirSync(path.join(dir, 'callee/apis'), { recursive: true });
  fs.copyFileSync(CALLEE_SPEC, path.join(dir, 'callee/apis/callee.yaml'));
  fs.mkdirSync(path.join(dir, 'src'));
  writeConfig(`  remote:\n    spec: ${specServer.url}/openapi/callee.json\n    base_url: http://127.0.0.1:1`);
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the committed clients of the caller fixture are what `pym gen` writes', async () => {
  const { code, stdout, stderr } = await runPym(['gen', '--check', '--config', CALLER_CONFIG], { cwd: CLIENTS_FIXTURES, env: CLEAN_ENV });
  expect({ code, stderr, stdout }).toEqual({ code: 0, stderr: '', stdout: 'generated models are up to date (1 specs, 2 clients)\n' });
}, CLI_TIMEOUT_MS);

test('a spec given by URL is downloaded once; --check then needs no network, --fetch downloads it again', async () => {
  const first = await gen();
  expect(first.code).toBe(0);
  expect(first.stdout).toBe(['downloaded clients/remote.openapi.json', 'wrote apis/_pym/components.yaml', 'wrote apis/own.models.ts', 'wrote clients/remote.client.ts', ''].join('\n'));
  expect(JSON.parse(fs.readFileSync(path.join(dir, 'clients/remote.openapi.json'), 'utf8'))).toEqual(served);
  const client = fs.readFileSync(path.join(dir, 'clients/remote.client.ts'), 'utf8');
  expect(client).toContain("export const remote: PymClientOf<RemoteOperations> = pymClient<RemoteOperations>('remote', ['whoami', 'getItem',");
  // The service's own Count differs: the callee's is RemoteCount. Item is the same model: one class, one name.
  expect(client).toContain("export const RemoteCount: PymModelClass<RemoteCount, RemoteCountFields> = pymModelClass<RemoteCount, RemoteCountFields>('RemoteCount');");
  expect(client).toContain("pymModelClass<Item, ItemFields>('Item');");
  expect(client).toContain('replies: { status: 200; body: RemoteCount };');

  const requests = specServer.requests.length;
  expect((await gen('--check')).code).toBe(0);
  expect((await gen()).stdout).toBe('generated models are up to date (1 specs, 1 client)\n');
  expect(specServer.requests.length).toBe(requests);

  served.paths['/whoami'].get.operationId = 'whoAmI';
  expect((await gen('--fetch')).stdout).toBe('downloaded clients/remote.openapi.json\nwrote clients/remote.client.ts\n');
  expect(fs.readFileSync(path.join(dir, 'clients/remote.client.ts'), 'utf8')).toContain("['whoAmI', 'getItem',");
  served.paths['/whoami'].get.operationId = 'whoami';
}, CLI_TIMEOUT_MS);

test('--check fails on a stale or missing client module, a missing downloaded spec, a module of a removed client', async () => {
  await gen();
  const module = path.join(dir, 'clients/remote.client.ts');
  fs.appendFileSync(module, '// edited\n');
  expect(await gen('--check')).toMatchObject({ code: 1, stderr: 'pym gen: 1 generated file(s) are stale: run `pym gen`\n  clients/remote.client.ts: stale\n' });
  fs.rmSync(path.join(dir, 'clients/remote.openapi.json'));
  expect((await gen('--check')).stderr).toBe('pym gen: 1 generated file(s) are stale: run `pym gen`\n  clients/remote.openapi.json: missing\n');

  writeConfig(`  local:\n    spec: callee/apis/callee.yaml\n    base_url: http://127.0.0.1:1`);
  await gen();
  fs.writeFileSync(module, fs.readFileSync(path.join(dir, 'clients/local.client.ts'), 'utf8'));
  expect((await gen('--check')).stderr).toBe('pym gen: 1 generated file(s) are stale: run `pym gen`\n  clients/remote.client.ts: stale\n');
  expect((await gen()).stdout).toBe('removed clients/remote.client.ts (no such client in the config)\n');
  expect(fs.existsSync(module)).toBe(false);
}, CLI_TIMEOUT_MS);

test('a spec that cannot be downloaded: the client key and the reason', async () => {
  writeConfig(`  remote:\n    spec: ${specServer.url}/openapi/nope.json\n    base_url: http://127.0.0.1:1`);
  const { code, stderr } = await gen();
  expect(code).toBe(1);
  expect(stderr).toBe(`pym gen: ${path.join(fs.realpathSync(dir), 'pym-config.yaml')}: clients.remote.spec: could not download ${specServer.url}/openapi/nope.json: it answered 404 (expected 200 with the spec)\n`);
}, CLI_TIMEOUT_MS);

describe('startup errors name the file, the key and the fix', () => {
  test('a missing spec file, a missing downloaded copy', async () => {
    writeConfig(
      [`  local:\n    spec: callee/apis/missing.yaml\n    base_url: http://127.0.0.1:1`, `  remote:\n    spec: ${specServer.url}/openapi/callee.json\n    base_url: http://127.0.0.1:1`].join('\n'),
    );
    const { code, stderr } = await runPym(['start', '--port', '0'], { cwd: dir, env: CLEAN_ENV });
    expect(code).toBe(1);
    expect(stderr).toBe(
      [
        `pym start: ${path.join(fs.realpathSync(dir), 'pym-config.yaml')}: 2 problems`,
        '  - clients.local.spec: spec file callee/apis/missing.yaml not found (paths are relative to pym-config.yaml\'s folder)',
        '  - clients.remote.spec: the downloaded copy of the spec, clients/remote.openapi.json, is missing: run `pym gen` (it downloads it) and commit it',
        '',
      ].join('\n'),
    );
  }, CLI_TIMEOUT_MS);

  test('a base_url that is not http(s), an Authorization header with forward_identity, an unknown key', async () => {
    writeConfig(
      [
        '  a:\n    spec: callee/apis/callee.yaml\n    base_url: audit:8080',
        '  b:\n    spec: callee/apis/callee.yaml\n    base_url: http://b\n    headers: { Authorization: Bearer x }',
        '  c:\n    spec: callee/apis/callee.yaml\n    base_url: http://c\n    timout: 5',
      ].join('\n'),
    );
    const { code, stderr } = await runPym(['start', '--port', '0'], { cwd: dir, env: CLEAN_ENV });
    expect(code).toBe(1);
    expect(stderr).toContain('clients.a.base_url: must be an http:// or https:// URL, e.g. http://audit:8080');
    expect(stderr).toContain('clients.b.headers.Authorization: and forward_identity both set the Authorization header: set forward_identity: false to send this one');
    expect(stderr).toContain('clients.c.timout: unknown key; did you mean "timeout"?');
  }, CLI_TIMEOUT_MS);
});
