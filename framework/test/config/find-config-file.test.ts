// findConfigFile: --config, PYM_CONFIG, upward search, and the not-found error.
import path from 'node:path';
import { findConfigFile } from '../../src/config/find-config-file';
import { configErrorOf, removeTempServices, tempService } from './config-test-helpers';

afterAll(removeTempServices);

const NAME = 'name: svc\n';

describe('findConfigFile', () => {
  it('uses the --config path, resolved from cwd, over PYM_CONFIG and the search', () => {
    const dir = tempService({ 'pym-config.yaml': NAME, 'conf/custom.yaml': NAME, 'other.yaml': NAME });
    const found = findConfigFile({ configPath: 'conf/custom.yaml', cwd: dir, environment: { PYM_CONFIG: 'other.yaml' } });
    expect(found).toBe(path.join(dir, 'conf', 'custom.yaml'));
  });

  it('accepts a folder as --config and looks for pym-config.yaml in it', () => {
    const dir = tempService({ 'svc/pym-config.yaml': NAME });
    expect(findConfigFile({ configPath: path.join(dir, 'svc'), environment: {} })).toBe(path.join(dir, 'svc', 'pym-config.yaml'));
  });

  it('uses PYM_CONFIG when no --config is given', () => {
    const dir = tempService({ 'pym-config.yaml': NAME, 'elsewhere/my.yaml': NAME });
    expect(findConfigFile({ cwd: dir, environment: { PYM_CONFIG: 'elsewhere/my.yaml' } })).toBe(path.join(dir, 'elsewhere', 'my.yaml'));
  });

  it('finds the nearest pym-config.yaml upward from cwd', () => {
    const dir = tempService({ 'pym-config.yaml': NAME, 'a/pym-config.yaml': NAME, 'a/b/c/file.txt': '' });
    expect(findConfigFile({ cwd: path.join(dir, 'a', 'b', 'c'), environment: {} })).toBe(path.join(dir, 'a', 'pym-config.yaml'));
  });

  it('fails with where it looked and how to fix it when nothing is found', () => {
    const dir = tempService({ 'sub/readme.txt': '' });
    const cwd = path.join(dir, 'sub');
    // The temp folder's parents (e.g. /tmp) hold no pym-config.yaml.
    const err = configErrorOf(() => findConfigFile({ cwd, environment: {} }));
    expect(err.file).toBe(path.join(cwd, 'pym-config.yaml'));
    expect(err.message.startsWith(err.file)).toBe(true);
    expect(err.message).toContain(`in ${cwd} or any parent folder`);
    expect(err.message).toContain('--config');
    expect(err.message).toContain('PYM_CONFIG');
  });

  it('fails naming the file when the --config path does not exist', () => {
    const dir = tempService();
    expect(() => findConfigFile({ configPath: 'missing.yaml', cwd: dir, environment: {} })).toThrow(
      `${path.join(dir, 'missing.yaml')}: config file not found (given with --config)`,
    );
  });

  it('fails naming PYM_CONFIG when the file it points to does not exist', () => {
    const dir = tempService({ 'pym-config.yaml': NAME });
    expect(() => findConfigFile({ cwd: dir, environment: { PYM_CONFIG: 'nope.yaml' } })).toThrow(/PYM_CONFIG/);
  });
});
