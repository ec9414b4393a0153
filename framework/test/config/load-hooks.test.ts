// loadServiceHooks: the `hooks: <module>#<export>` of pym-config.yaml, loaded at startup; problems name the file and key.
import { loadConfig } from '../../src/config/load-config';
import { loadServiceHooks } from '../../src/config/load-hooks';
import { configErrorOf, removeTempServices, tempService } from './config-test-helpers';

afterAll(removeTempServices);

function serviceWithHooks(hooksModule: string | undefined, hooks = 'hooks#hooks') {
  const dir = tempService({
    'pym-config.yaml': `name: hooked\nhooks: ${hooks}\n`,
    ...(hooksModule === undefined ? {} : { 'src/hooks.js': hooksModule }),
  });
  return loadConfig({ cwd: dir, environment: {} });
}

test('loads formatError and reportError from the named export', () => {
  const config = serviceWithHooks('exports.hooks = { formatError: () => ({ oops: true }), reportError: () => undefined };');
  const hooks = loadServiceHooks(config);
  expect(hooks.formatError!({} as never, {} as never)).toEqual({ oops: true });
  expect(typeof hooks.reportError).toBe('function');
});

test('no hooks key: no hooks', () => {
  const dir = tempService({ 'pym-config.yaml': 'name: plain\n' });
  expect(loadServiceHooks(loadConfig({ cwd: dir, environment: {} }))).toEqual({});
});

test.each([
  ['a module that cannot be found', undefined, 'hooks#hooks', /^hooks: cannot load hooks from .*src: Cannot find module/],
  ['a module that throws while loading', "throw new Error('boom at load');", 'hooks#hooks', /^hooks: cannot load hooks from .*: boom at load$/],
  ['a missing export', 'exports.other = {};', 'hooks#hooks', /^hooks: hooks has no object export "hooks"$/],
  ['a hook that is not a function', 'exports.hooks = { reportError: 42 };', 'hooks#hooks', /^hooks: hooks\.reportError must be a function$/],
])('%s: a startup error naming the file and the key', (_name, module, hooks, message) => {
  const config = serviceWithHooks(module, hooks);
  const error = configErrorOf(() => loadServiceHooks(config));
  expect(error.message.startsWith(`${config.file}: `)).toBe(true);
  expect(error.message.slice(config.file.length + 2)).toMatch(message);
});
