// getConfig(): the app's config inside its requests and tasks (app.run here), the script config (setConfig) elsewhere.
import { getConfig, hasConfig, resetConfig, setConfig } from '../../src/config/config-store';
import { loadConfig } from '../../src/config/load-config';
import { createAppScope } from '../../src/context/app-scope';
import { createLogger } from '../../src/logging/logger';
import { fixture } from './config-test-helpers';

afterEach(resetConfig);

const noBackend = () => {
  throw new Error('no task backend in this test');
};

describe('config store', () => {
  it('throws a clear error outside any app before a script config is set', () => {
    expect(hasConfig()).toBe(false);
    expect(() => getConfig()).toThrow(/pym config is not loaded: getConfig\(\) was called outside any request or task of an app/);
  });

  it('returns the script config that was set, until reset', async () => {
    const config = loadConfig({ cwd: fixture('minimal'), environment: {} });
    setConfig(config);
    expect(hasConfig()).toBe(true);
    expect(getConfig()).toBe(config);
    await resetConfig();
    expect(hasConfig()).toBe(false);
  });

  it("inside an app's scope, returns that app's config, whatever the script config is", () => {
    const script = loadConfig({ cwd: fixture('minimal'), environment: {} });
    const appConfig = loadConfig({ cwd: fixture('minimal'), environment: {}, overrides: { port: 1234 } });
    setConfig(script);
    const scope = createAppScope(appConfig, createLogger({ level: 'silent' }), noBackend);
    expect(scope.run(() => getConfig())).toBe(appConfig);
    expect(getConfig()).toBe(script);
  });
});
