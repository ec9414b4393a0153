// `pym gen` writes apis/_pym/components.yaml: specs reference pym's schemas and responses from it, and models follow.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { genCommand } from '../../src/cli/gen.command';
import { servedDocument } from '../../src/docs/served-specs';
import { builtinDocument } from '../../src/http/builtin-api';
import { getModel, registerApiModels } from '../../src/models';
import { generateAll } from '../../src/models/codegen/generate-all';
import { PYM_COMPONENTS_FILE } from '../../src/models/codegen/pym-components-file';
import { loadApis } from '../../src/openapi/load-apis';

let dir: string;
let stdout: string[];

/** A report operation answering accepted(taskRef), its errors from pym's file. */
const REPORTS = `openapi: 3.0.3
info: { title: reports, version: '1' }
paths:
  /reports:
    post:
      operationId: startReport
      x-bind-server: handlers#start
      responses:
        '202': { $ref: './_pym/components.yaml#/components/responses/PymTaskAccepted' }
        '401': { $ref: './_pym/components.yaml#/components/responses/PymUnauthorized' }
        '503': { $ref: './_pym/components.yaml#/components/responses/PymTaskQueueUnavailable' }
`;

/** Another API using PymTaskStatus as a plain schema. */
const JOBS = `openapi: 3.0.3
info: { title: jobs, version: '1' }
paths:
  /jobs/latest:
    get:
      operationId: latestJob
      x-bind-server: handlers#latest
      responses:
        '200':
          description: the latest job
          content: { application/json: { schema: { $ref: './_pym/components.yaml#/components/schemas/PymTaskStatus' } } }
`;

beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pym-components-')));
  fs.mkdirSync(path.join(dir, 'apis'));
  fs.writeFileSync(path.join(dir, 'pym-config.yaml'), 'name: svc\n');
  fs.writeFileSync(path.join(dir, 'apis', 'reports.yaml'), REPORTS);
  fs.writeFileSync(path.join(dir, 'apis', 'jobs.yaml'), JOBS);
  stdout = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => stdout.push(String(chunk)) > 0);
});

afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

const gen = (check?: boolean) => genCommand({ config: path.join(dir, 'pym-config.yaml'), check });
const componentsFile = () => path.join(dir, 'apis', PYM_COMPONENTS_FILE);

test('pym gen writes the file first (the specs reference it), then the models; --check then passes', async () => {
  await gen();
  expect(stdout.join('')).toMatch(/^wrote .*apis\/_pym\/components\.yaml\nwrote .*apis\/jobs\.models\.ts\nwrote .*apis\/reports\.models\.ts\n$/);
  const text = fs.readFileSync(componentsFile(), 'utf8');
  expect(text).toMatch(/^# Written by `pym gen`/);
  expect(Object.keys((yaml.load(text) as { components: Record<string, object> }).components.responses)).toEqual([
    'PymInvalidRequest',
    'PymUnauthorized',
    'PymNotFound',
    'PymNotAcceptable',
    'PymPayloadTooLarge',
    'PymUnsupportedMediaType',
    'PymServerError',
    'PymTaskNotFound',
    'PymTaskAlreadyFinished',
    'PymTaskQueueUnavailable',
    'PymServiceNotReady',
    'PymTokenKeysUnavailable',
    'PymTaskAccepted',
  ]);
  stdout.length = 0;
  await gen(true);
  expect(stdout.join('')).toBe('generated models are up to date (2 specs)\n');
});

test('its schemas are the built-in spec\'s: a typed client of either sees one PymTaskStatus and one PymErrorBody', async () => {
  await gen();
  const file = yaml.load(fs.readFileSync(componentsFile(), 'utf8')) as { components: { schemas: Record<string, unknown> } };
  const builtin = builtinDocument(true).components.schemas;
  expect(file.components.schemas).toEqual({ PymErrorBody: builtin.PymErrorBody, PymTaskStatus: builtin.PymTaskStatus });
});

test('--check fails when the file is missing or edited, naming it, before loading the specs that need it', async () => {
  await expect(gen(true)).rejects.toMatchObject({ message: "pym's components file is missing: run `pym gen`" });
  await gen();
  fs.appendFileSync(componentsFile(), '# edited\n');
  await expect(gen(true)).rejects.toMatchObject({ message: "pym's components file is stale: run `pym gen`", details: [path.relative(process.cwd(), componentsFile())] });
});

test('the file is a fragment, not an API: the service has its two APIs, each bundled with what it references', async () => {
  await gen();
  const apis = await loadApis(path.join(dir, 'apis'));
  expect(apis.map((api) => api.name)).toEqual(['jobs', 'reports']);
  const reports = servedDocument(apis[1]!);
  expect(reports.paths['/reports'].post.responses['202']).toEqual({ $ref: '#/components/responses/PymTaskAccepted' });
  expect(Object.keys(reports.components.schemas)).toEqual(['PymTaskStatus', 'PymErrorBody']);
  expect(reports.components.responses.PymTaskAccepted.headers.Location).toEqual({ $ref: '#/components/headers/PymTaskLocation' });
});

test('PymTaskStatus referenced by two APIs is one model, the 202 typed with it; nothing collides with the built-in spec', async () => {
  await gen();
  const apis = await loadApis(path.join(dir, 'apis'));
  registerApiModels(apis, path.join(dir, 'src'));
  const PymTaskStatus = getModel('PymTaskStatus');
  const status = PymTaskStatus.fromJSON({
    id: 'a',
    name: 'Reports.build',
    status: 'running',
    progress: 10,
    message: null,
    created_at: '2026-01-01T00:00:00.000Z',
    started_at: '2026-01-01T00:00:01.000Z',
    finished_at: null,
    attempts: 1,
    links: [{ rel: 'self', href: '/tasks/a' }],
  }) as unknown as { started_at: Date; toJSON(): unknown };
  expect(status.started_at).toBeInstanceOf(Date);
  expect(status.toJSON()).toMatchObject({ finished_at: null, started_at: '2026-01-01T00:00:01.000Z' });
  const reportsModule = generateAll(apis, { srcDir: path.join(dir, 'src') }).find((file) => file.file.endsWith('reports.models.ts'))!;
  expect(reportsModule.content).toContain('export const PymTaskStatus: PymModelClass<PymTaskStatus, PymTaskStatusFields>');
  expect(reportsModule.content).toMatch(/startReport: \{\n {4}body: undefined;\n {4}params: \{\};\n {4}response: PymTaskStatusFields;/);
});

test('specs loaded before `pym gen` wrote the file: the error names it and says to run `pym gen`', async () => {
  await expect(loadApis(path.join(dir, 'apis'))).rejects.toMatchObject({
    file: componentsFile(),
    detail: 'file not found: run `pym gen`, which writes it',
  });
});
