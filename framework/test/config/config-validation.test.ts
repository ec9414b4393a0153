// Validation errors of loadConfig: unknown keys with did-you-mean, bad values, all problems in one error.
import path from 'node:path';
import { ConfigError } from '../../src/config/config-error';
import { loadConfig } from '../../src/config/load-config';
import { configErrorOf, fixture, removeTempServices, tempService } from './config-test-helpers';

afterAll(removeTempServices);

function problemsOf(dir: string): Record<string, string> {
  const err = configErrorOf(() => loadConfig({ cwd: dir, environment: {} }));
  return Object.fromEntries(err.problems.map((p) => [p.key, p.message]));
}

describe('config validation', () => {
  it('refuses a redis_url that does not parse, without quoting it (its password could not be masked)', () => {
    const dir = tempService({ 'pym-config.yaml': 'name: a\nasync:\n  redis_url: "redis://svc:Pa?ss#Word-6d1@127.0.0.1:6379"\n' });
    const err = configErrorOf(() => loadConfig({ cwd: dir, environment: {} }));
    expect(err.problems).toEqual([{ key: 'async.redis_url', message: expect.stringContaining('must be a redis:// or rediss:// URL; percent-encode') }]);
    expect(err.message).not.toContain('Word-6d1');
    expect(problemsOf(tempService({ 'pym-config.yaml': 'name: a\nasync:\n  redis_url: "http://127.0.0.1:6379"\n' }))['async.redis_url']).toContain('redis://');
  });

  it('on a Redis Cluster, refuses a prefix without a hash tag and says which one to use; accepts one with it', () => {
    const refused = problemsOf(tempService({ 'pym-config.yaml': 'name: a\nasync:\n  redis_url: redis+cluster://n1:7000,n2:7001\n  prefix: orders\n' }));
    expect(refused).toEqual({ 'async.prefix': expect.stringContaining('must hold a hash tag on a Redis Cluster, e.g. "{orders}"') });
    // The default prefix too: a Cluster needs it set.
    expect(problemsOf(tempService({ 'pym-config.yaml': 'name: a\nasync:\n  redis_url: redis+cluster://n1:7000\n' }))['async.prefix']).toContain('"{pym}"');
    const config = loadConfig({ cwd: tempService({ 'pym-config.yaml': 'name: a\nasync:\n  redis_url: redis+cluster://n1:7000\n  prefix: "{orders}"\n' }), environment: {} });
    expect(config.async.prefix).toBe('{orders}');
    expect(problemsOf(tempService({ 'pym-config.yaml': 'name: a\nasync:\n  redis_url: redis+cluster://n1:7000\n  prefix: "{o}"\n  wait_replicas: 1\n' }))).toEqual({
      'async.wait_replicas': 'is not supported on a Redis Cluster (set 0, or leave it out)',
    });
    // A Sentinel group, like one node, takes any prefix.
    expect(loadConfig({ cwd: tempService({ 'pym-config.yaml': 'name: a\nasync:\n  redis_url: redis+sentinel://s1/m\n' }), environment: {} }).async.prefix).toBe('pym');
  });

  it('treats the passwords of a Sentinel URL as secrets (scrubbed from logs), the sentinel password too', () => {
    const dir = tempService({ 'pym-config.yaml': 'name: a\nasync:\n  redis_url: "redis+sentinel://:node-pw-91f@s1,s2/m?sentinel_password=sent-pw-2c4"\n' });
    expect(loadConfig({ cwd: dir, environment: {} }).secretValues).toEqual(expect.arrayContaining(['node-pw-91f', 'sent-pw-2c4']));
  });

  it('refuses an unknown parameter of a Sentinel URL by name, without quoting the URL', () => {
    const dir = tempService({ 'pym-config.yaml': 'name: a\nasync:\n  redis_url: "redis+sentinel://:pw-5e1@s1/m?sentinel_pass=x"\n' });
    const err = configErrorOf(() => loadConfig({ cwd: dir, environment: {} }));
    expect(err.problems).toEqual([{ key: 'async.redis_url', message: expect.stringContaining('unknown parameter "sentinel_pass"') }]);
    expect(err.message).not.toContain('pw-5e1');
  });

  it('treats a password given as a redis_url query parameter as a secret (scrubbed from logs)', () => {
    const dir = tempService({ 'pym-config.yaml': 'name: a\nasync:\n  redis_url: "redis://127.0.0.1:6379/0?password=qp-secret-0b7"\n' });
    expect(loadConfig({ cwd: dir, environment: {} }).secretValues).toContain('qp-secret-0b7');
  });

  it('reports unknown keys with a did-you-mean, at the top level and nested', () => {
    const problems = problemsOf(fixture('typos'));
    expect(problems['prot']).toBe('unknown key; did you mean "port"?');
    expect(problems['jwt_secrte']).toBe('unknown key; did you mean "jwt_secret"?');
    expect(problems['async.redis_ur']).toBe('unknown key; did you mean "redis_url"?');
  });

  it('reports unknown keys inside a named entry (schedules, queues) with a did-you-mean', () => {
    const dir = tempService({
      'pym-config.yaml': 'name: a\nschedules:\n  nightly:\n    task: Reports.digest\n    crn: "0 3 * * *"\nasync:\n  queues:\n    emails: { concurency: 2 }\n',
    });
    const problems = problemsOf(dir);
    expect(problems['schedules.nightly.crn']).toBe('unknown key; did you mean "cron"?');
    expect(problems['async.queues.emails.concurency']).toBe('unknown key; did you mean "concurrency"?');
  });

  it('suggests nothing when no allowed key is close, listing the allowed keys of a small section', () => {
    const problems = problemsOf(fixture('typos'));
    expect(problems['completely_unrelated_setting']).toBe('unknown key');
    expect(problems['async.backoff.zzzzzzzzzzzz']).toBe('unknown key; allowed keys here: type, delay');
  });

  it('names the key and what is expected for invalid values', () => {
    const problems = problemsOf(fixture('invalid'));
    expect(problems).toEqual({
      port: 'expected a number, got a string',
      with_async: 'expected a boolean, got a string',
      log_level: expect.stringMatching(/expected one of .*"info"/),
      'jwt_algorithms[0]': expect.stringMatching(/expected one of .*"HS256"/),
      body_limit: 'must be a size like 512kb or 1mb',
      'async.prefix': expect.stringContaining('>=1'),
    });
  });

  it('says a required key is missing', () => {
    const dir = tempService({ 'pym-config.yaml': 'port: 80\n' });
    expect(problemsOf(dir)).toEqual({ name: 'is required (a string)' });
  });

  it('collects every problem into one error whose message starts with the file and lists one per line', () => {
    const file = path.join(fixture('typos'), 'pym-config.yaml');
    const err = configErrorOf(() => loadConfig({ cwd: fixture('typos'), environment: {} }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.file).toBe(file);
    const [first, ...rest] = err.message.split('\n');
    expect(first).toBe(`${file}: 5 problems`);
    expect(rest.sort()).toEqual([
      '  - async.backoff.zzzzzzzzzzzz: unknown key; allowed keys here: type, delay',
      '  - async.redis_ur: unknown key; did you mean "redis_url"?',
      '  - completely_unrelated_setting: unknown key',
      '  - jwt_secrte: unknown key; did you mean "jwt_secret"?',
      '  - prot: unknown key; did you mean "port"?',
    ]);
  });

  it('reports unknown keys, bad values, unset env secrets and bad overrides together', () => {
    const dir = tempService({
      'pym-config.yaml': 'name: a\nenv_secrets: [MISSING_VAR]\njwt_issuer: MISSING_VAR\nport: x\nlog_levl: info\n',
    });
    const err = configErrorOf(() => loadConfig({ cwd: dir, overrides: { host: '' }, environment: {} }));
    expect(err.problems.map((p) => p.key).sort()).toEqual(['host', 'jwt_issuer', 'log_levl', 'port']);
  });

  it('puts a single problem on the same line as the file', () => {
    const dir = tempService({ 'pym-config.yaml': 'name: a\nport: -1\n' });
    const err = configErrorOf(() => loadConfig({ cwd: dir, environment: {} }));
    expect(err.message).toMatch(new RegExp(`^${escape(path.join(dir, 'pym-config.yaml'))}: port: .*>=0$`));
  });

  it('reports YAML syntax errors with their line, and a file that is not a mapping', () => {
    const bad = tempService({ 'pym-config.yaml': 'name: a\nport: [1\n' });
    expect(() => loadConfig({ cwd: bad, environment: {} })).toThrow(/pym-config\.yaml: invalid YAML at line \d+, column \d+/);
    const list = tempService({ 'pym-config.yaml': '- name\n' });
    expect(() => loadConfig({ cwd: list, environment: {} })).toThrow(/must be a mapping of keys to values, got a list/);
  });

  it('never echoes jwt_secret when it is too short', () => {
    const dir = tempService({ 'pym-config.yaml': 'name: a\njwt_secret: hunter2-pw\n' });
    const err = configErrorOf(() => loadConfig({ cwd: dir, environment: {} }));
    expect(err.problems).toEqual([{ key: 'jwt_secret', message: 'must be at least 16 characters' }]);
    expect(err.message).not.toContain('hunter2');
  });

  it('never echoes a YAML line holding a secret in a syntax error', () => {
    const dir = tempService({ 'pym-config.yaml': 'name: a\njwt_secret: "topsecret-value-1234\n' });
    const err = configErrorOf(() => loadConfig({ cwd: dir, environment: {} }));
    expect(err.message).toMatch(/invalid YAML/);
    expect(err.message).not.toContain('topsecret');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
