// The process-wide config store: set, get, has, reset.
import { getConfig, hasConfig, resetConfig, setConfig } from '../../src/config/config-store';
import { loadConfig } from '../../src/config/load-config';
import { fixture } from './config-test-helpers';

afterEach(resetConfig);

describe('config store', () => {
  it('throws a clear error before a config is set', () => {
    expect(hasConfig()).toBe(false);
    expect(() => getConfig()).toThrow('pym config is not loaded: call loadConfig()/createApp() first');
  });

  it('returns the config that was set, until reset', () => {
    const config = loadConfig({ cwd: fixture('minimal'), environment: {} });
    setConfig(config);
    expect(hasConfig()).toBe(true);
    expect(getConfig()).toBe(config);
    resetConfig();
    expect(hasConfig()).toBe(false);
  });
});
