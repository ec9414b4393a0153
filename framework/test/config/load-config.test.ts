// loadConfig: defaults, computed fields, env overlays, overrides and the frozen result.
import path from 'node:path';
import { loadConfig } from '../../src/config/load-config';
import { configErrorOf, fixture, removeTempServices, tempService } from './config-test-helpers';

afterAll(removeTempServices);

describe('loadConfig', () => {
  it('applies every default to a minimal file', () => {
    const config = loadConfig({ cwd: fixture('minimal'), environment: {} });
    expect(config).toMatchObject({
      name: 'minimal',
      env_secrets: [],
      jwt_token_timeout: 86400,
      jwt_leeway: 300,
      jwt_algorithms: ['HS256'],
      with_async: false,
      port: 8080,
      host: '0.0.0.0',
      apis: 'apis',
      src: 'src',
      body_limit: '1mb',
      validate_responses: true,
      debug: false,
      log_level: 'info',
      shutdown_timeout: 10,
      async: { redis_url: 'redis://127.0.0.1:6379', prefix: 'pym' },
    });
    expect(config.jwt_secret).toBeUndefined();
  });

  it('computes env, file, root, apisDir and srcDir as absolute paths', () => {
    const root = fixture('full');
    const config = loadConfig({ configPath: path.join(root, 'pym-config.yaml'), environment: {} });
    expect(config.env).toBe('dev');
    expect(config.file).toBe(path.join(root, 'pym-config.yaml'));
    expect(config.root).toBe(root);
    expect(config.apisDir).toBe(path.join(root, 'specs'));
    expect(config.srcDir).toBe(path.join(root, 'lib'));
  });

  it('keeps every value of a file that sets them all', () => {
    const config = loadConfig({ cwd: fixture('full'), environment: {} });
    expect(config).toMatchObject({
      version: '2.5.0',
      live_url: 'https://api.example.com',
      jwt_issuer: 'example.com',
      jwt_algorithms: ['HS512'],
      with_async: true,
      port: 9090,
      body_limit: '2mb',
      log_level: 'debug',
      async: { redis_url: 'redis://cache:6380', prefix: 'full' },
    });
  });

  it('takes the version from the file, else package.json, else 0.0.0', () => {
    const withPkg = tempService({ 'pym-config.yaml': 'name: a\n', 'package.json': '{"version": "1.2.3"}' });
    expect(loadConfig({ cwd: withPkg, environment: {} }).version).toBe('1.2.3');
    const both = tempService({ 'pym-config.yaml': 'name: a\nversion: 9.9.9\n', 'package.json': '{"version": "1.2.3"}' });
    expect(loadConfig({ cwd: both, environment: {} }).version).toBe('9.9.9');
    const none = tempService({ 'pym-config.yaml': 'name: a\n' });
    expect(loadConfig({ cwd: none, environment: {} }).version).toBe('0.0.0');
  });

  it('takes the env from options.env, else PYM_ENV, else dev', () => {
    const cwd = fixture('minimal');
    expect(loadConfig({ cwd, env: 'staging', environment: { PYM_ENV: 'prod' } }).env).toBe('staging');
    expect(loadConfig({ cwd, environment: { PYM_ENV: 'prod' } }).env).toBe('prod');
    expect(loadConfig({ cwd, environment: {} }).env).toBe('dev');
  });

  it('rejects an env name that is not a plain word (it becomes part of a file name)', () => {
    expect(() => loadConfig({ cwd: fixture('minimal'), env: '../etc', environment: {} })).toThrow(/invalid environment name/);
  });

  describe('env overlay', () => {
    it('deep-merges pym-config.<env>.yaml over the base: objects merged, arrays and scalars replaced', () => {
      const config = loadConfig({ cwd: fixture('overlay'), env: 'prod', environment: {} });
      expect(config.port).toBe(80);
      expect(config.jwt_algorithms).toEqual(['HS512']);
      expect(config.async).toMatchObject({ redis_url: 'redis://localhost:6379', prefix: 'prod' });
    });

    it('is picked by PYM_ENV too, and ignored for another env', () => {
      expect(loadConfig({ cwd: fixture('overlay'), environment: { PYM_ENV: 'prod' } }).async.prefix).toBe('prod');
      const dev = loadConfig({ cwd: fixture('overlay'), environment: {} });
      expect(dev.port).toBe(8000);
      expect(dev.jwt_algorithms).toEqual(['HS256', 'HS384']);
    });

    it('follows the main file name when --config names another file', () => {
      const dir = tempService({ 'svc.yaml': 'name: a\nport: 1\n', 'svc.test.yaml': 'port: 2\n' });
      expect(loadConfig({ configPath: path.join(dir, 'svc.yaml'), env: 'test', environment: {} }).port).toBe(2);
    });

    it('names the overlay file for a problem that comes from it', () => {
      const dir = tempService({ 'pym-config.yaml': 'name: a\n', 'pym-config.prod.yaml': 'async:\n  prefixx: p\n' });
      const err = configErrorOf(() => loadConfig({ cwd: dir, env: 'prod', environment: {} }));
      expect(err.problems).toEqual([
        { key: 'async.prefixx', message: 'unknown key; did you mean "prefix"?', source: path.join(dir, 'pym-config.prod.yaml') },
      ]);
      expect(err.message).toContain(`async.prefixx (in ${path.join(dir, 'pym-config.prod.yaml')})`);
    });
  });

  describe('debug: true (internal messages and stacks in error bodies)', () => {
    const withDebug = (files: Record<string, string>) => tempService({ 'pym-config.yaml': 'name: a\n', ...files });

    it('loads in dev and test', () => {
      const dir = withDebug({ 'pym-config.yaml': 'name: a\ndebug: true\n' });
      expect(loadConfig({ cwd: dir, environment: {} }).debug).toBe(true);
      expect(loadConfig({ cwd: dir, env: 'test', environment: {} }).debug).toBe(true);
    });

    it('is refused in any other environment, naming the key, the environment and the fix', () => {
      const dir = withDebug({ 'pym-config.yaml': 'name: a\ndebug: true\n' });
      const err = configErrorOf(() => loadConfig({ cwd: dir, environment: { PYM_ENV: 'staging' } }));
      expect(err.problems).toEqual([{ key: 'debug', message: expect.stringContaining('(this is "staging")') }]);
      expect(err.message).toContain(path.join(dir, 'pym-config.yaml'));
      expect(err.message).toContain('set debug: false, or set it in pym-config.dev.yaml only');
    });

    it('names the overlay or the command line when the value comes from there', () => {
      const dir = withDebug({ 'pym-config.prod.yaml': 'debug: true\n' });
      const fromOverlay = configErrorOf(() => loadConfig({ cwd: dir, env: 'prod', environment: {} }));
      expect(fromOverlay.problems).toEqual([{ key: 'debug', message: expect.any(String), source: path.join(dir, 'pym-config.prod.yaml') }]);
      const fromOverride = configErrorOf(() => loadConfig({ cwd: dir, env: 'live', overrides: { debug: true }, environment: {} }));
      expect(fromOverride.problems).toEqual([{ key: 'debug', message: expect.any(String), source: 'command line' }]);
    });
  });

  describe('overrides', () => {
    it('apply port and host over the file', () => {
      const config = loadConfig({ cwd: fixture('full'), overrides: { port: 1234, host: '::1' }, environment: {} });
      expect(config.port).toBe(1234);
      expect(config.host).toBe('::1');
    });

    it('ignore undefined values (options not given on the command line)', () => {
      expect(loadConfig({ cwd: fixture('full'), overrides: { port: undefined }, environment: {} }).port).toBe(9090);
    });

    it('are validated, and their problems come from the command line', () => {
      const err = configErrorOf(() =>
        loadConfig({ cwd: fixture('minimal'), overrides: { port: 70000, hots: 'x' }, environment: {} }),
      );
      expect(err.problems).toEqual([
        { key: 'port', message: expect.stringContaining('65535'), source: 'command line' },
        { key: 'hots', message: 'unknown override; did you mean "host"?', source: 'command line' },
      ]);
    });

    it('update the computed paths', () => {
      const config = loadConfig({ cwd: fixture('minimal'), overrides: { apis: 'openapi' }, environment: {} });
      expect(config.apisDir).toBe(path.join(fixture('minimal'), 'openapi'));
    });
  });

  describe('the result', () => {
    it('is deeply frozen: assignments throw in strict mode', () => {
      const config = loadConfig({ cwd: fixture('full'), environment: {} });
      expect(Object.isFrozen(config)).toBe(true);
      expect(() => {
        (config as { port: number }).port = 1;
      }).toThrow(TypeError);
      expect(() => {
        (config.async as { prefix: string }).prefix = 'x';
      }).toThrow(TypeError);
      expect(() => (config.jwt_algorithms as string[]).push('HS256')).toThrow(TypeError);
      expect(() => (config.secretValues as string[]).push('x')).toThrow(TypeError);
      expect(config.port).toBe(9090);
    });

    it('lists jwt_secret in secretValues even when it is written in the file', () => {
      const config = loadConfig({ cwd: fixture('full'), environment: {} });
      expect(config.secretValues).toEqual(['a-literal-secret-of-32-characters']);
      expect(loadConfig({ cwd: fixture('minimal'), environment: {} }).secretValues).toEqual([]);
    });
  });
});
