// `pym init`: what it writes (names filled in, dot files, generated models), the framework dependency it chooses, and
// its refusals. The scaffold's install, tests, start and image are covered by test/package/fresh-clone.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initService } from '../../src/cli/init.command';
import { runPym } from '../helpers/spawn-pym';

const FRAMEWORK_PACKAGE = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string; engines: { node: string } };
const FRAMEWORK_VERSION = FRAMEWORK_PACKAGE.version;
let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pym-init-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Every file under `dir`, relative and sorted. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

test('it writes the whole service, names filled in, dot files restored, models generated, nothing left to fill', async () => {
  const result = await initService(path.join(work, 'orders'));
  expect(result).toMatchObject({ name: 'orders', frameworkSpec: `^${FRAMEWORK_VERSION}` });
  const files = filesUnder(result.dir);
  expect(files).toEqual([
    '.dockerignore', '.gitignore', 'Dockerfile', 'README.md', 'apis/_pym/components.yaml', 'apis/orders.models.ts', 'apis/orders.yaml', 'package.json',
    'pym-config.prod.yaml', 'pym-config.yaml', 'src/handlers/hello.ts', 'src/handlers/me.ts', 'src/handlers/reports.ts',
    'src/tasks/reports.ts', 'test/orders.test.ts', 'test/reports-worker.test.ts', 'tsconfig.build.json', 'tsconfig.json', 'vendor/README.md',
  ]);
  expect(result.files).toEqual(files.filter((file) => file !== 'apis/orders.models.ts').concat('apis/orders.models.ts').sort());
  for (const file of files) expect(fs.readFileSync(path.join(result.dir, file), 'utf8')).not.toMatch(/__[A-Z_]+__/);
  expect(fs.readFileSync(path.join(result.dir, 'pym-config.prod.yaml'), 'utf8')).toContain('env_secrets: [ORDERS_JWT_SECRET, ORDERS_REDIS_URL]');
  expect(fs.readFileSync(path.join(result.dir, 'apis/orders.models.ts'), 'utf8')).toMatch(/export const ReportOrder\b/);
  const manifest = JSON.parse(fs.readFileSync(path.join(result.dir, 'package.json'), 'utf8'));
  expect(manifest.scripts.start).toBe('exec pym start');
  // The Node lines the framework supports, not a copy that drifts.
  expect(manifest.engines).toEqual({ node: FRAMEWORK_PACKAGE.engines.node });
  expect(Object.keys(manifest.devDependencies).sort()).toEqual(['@types/node', 'pino-pretty', 'tsx', 'typescript']);
  // A fresh development secret per service.
  const other = await initService(path.join(work, 'other'));
  const secretOf = (dir: string) => /jwt_secret: (\S+)/.exec(fs.readFileSync(path.join(dir, 'pym-config.yaml'), 'utf8'))![1];
  expect(secretOf(other.dir)).not.toBe(secretOf(result.dir));
});

test('--framework: a tarball is copied into vendor/, a folder is linked by path, anything else is written as given', async () => {
  const tarball = path.join(work, 'pym-framework-9.9.9.tgz');
  fs.writeFileSync(tarball, 'not really a tarball');
  const fromTarball = await initService(path.join(work, 'a'), { framework: tarball });
  expect(fromTarball.frameworkSpec).toBe('file:vendor/pym-framework-9.9.9.tgz');
  expect(fs.readFileSync(path.join(fromTarball.dir, 'vendor/pym-framework-9.9.9.tgz'), 'utf8')).toBe('not really a tarball');
  expect((await initService(path.join(work, 'b'), { framework: path.join(__dirname, '../..') })).frameworkSpec).toBe(`file:${path.resolve(__dirname, '../..')}`);
  expect((await initService(path.join(work, 'c'), { framework: 'github:someone/pym#v1' })).frameworkSpec).toBe('github:someone/pym#v1');
  expect((await initService(path.join(work, 'd'), { name: 'named-service' })).name).toBe('named-service');
});

test('the CLI refuses a folder that is not empty, a name that cannot name a service, and a local file that is no tarball', async () => {
  fs.mkdirSync(path.join(work, 'busy'));
  fs.writeFileSync(path.join(work, 'busy/keep.txt'), 'x');
  fs.writeFileSync(path.join(work, 'notes.txt'), 'x');
  const [busy, badName, badFile] = await Promise.all([
    runPym(['init', 'busy'], { cwd: work }),
    runPym(['init', 'x', '--name', 'My_Service'], { cwd: work }),
    runPym(['init', 'e', '--framework', 'notes.txt'], { cwd: work }),
  ]);
  expect(busy).toMatchObject({ code: 1, stderr: `pym init: ${path.join(work, 'busy')} is not empty: pym init writes a new service into a new or empty folder\n` });
  expect(badName).toMatchObject({ code: 1, stderr: expect.stringMatching(/^pym init: "My_Service" cannot name a service: use lowercase letters/) });
  expect(badFile).toMatchObject({ code: 1, stderr: 'pym init: --framework notes.txt: a local file must be a tarball (.tgz) made by npm pack\n' });
  expect(fs.readdirSync(path.join(work, 'busy'))).toEqual(['keep.txt']);
}, 60_000);
