// Helpers of the docs tests: a throwaway service (config, specs, one handler module) built with createApp.
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load-config';
import { createApp, type PymApp } from '../../src/http/create-app';
import { createLogger } from '../../src/logging/logger';

const created: string[] = [];

/** An operation bound to the throwaway service's only handler. */
export const OK = {
  'x-bind-server': 'handlers#ok',
  responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } } },
};

/** A minimal OpenAPI 3.0 spec with `paths` (JSON is YAML), mounted at `server` when given. */
export function spec(paths: Record<string, unknown>, server?: string): string {
  return JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, ...(server ? { servers: [{ url: server }] } : {}), paths });
}

/** A fresh service folder: `pym-config.yaml` (name `docs-test` plus `config` lines), `apis/<name>.yaml` per spec, `src/handlers.js`. */
export function tempService(specs: Record<string, string>, config = ''): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pym-docs-')));
  created.push(dir);
  fs.mkdirSync(path.join(dir, 'apis'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'pym-config.yaml'), `name: docs-test\njwt_secret: docs-test-secret-0123456789\n${config}\n`);
  fs.writeFileSync(path.join(dir, 'src', 'handlers.js'), 'exports.ok = () => ({});\n');
  for (const [name, text] of Object.entries(specs)) fs.writeFileSync(path.join(dir, 'apis', `${name}.yaml`), text);
  return dir;
}

/** Remove every folder made by tempService (call from afterAll). */
export function removeTempServices(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** createApp over a service folder, in `env` (default `test`), logging nothing. */
export function appOf(dir: string, env = 'test'): Promise<PymApp> {
  const config = loadConfig({ configPath: path.join(dir, 'pym-config.yaml'), env, environment: {} });
  return createApp({ config, logger: createLogger({ level: 'silent' }) });
}

/** A service folder's app, listening on 127.0.0.1:0. */
export async function listen(dir: string, env?: string): Promise<{ url: string; close(): Promise<void> }> {
  const pymApp = await appOf(dir, env);
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = pymApp.app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pymApp.close();
    },
  };
}
