// Test helpers of the config loader: throwaway service folders, fixture paths, caught ConfigErrors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config/config-error';

const created: string[] = [];

/** A fresh temp folder with `files` (relative path → content) written into it; returns its real path. */
export function tempService(files: Record<string, string> = {}): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pym-config-')));
  created.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

/** Remove every folder made by tempService (call from afterAll). */
export function removeTempServices(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Absolute path of a fixture folder under test/fixtures/config. */
export function fixture(name: string): string {
  return path.join(__dirname, '..', 'fixtures', 'config', name);
}

/** The ConfigError thrown by `fn`; fails the test when `fn` throws nothing or something else. */
export function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}
