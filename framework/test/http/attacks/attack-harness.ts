// The attack suite's target and the checks every attack ends with: a JSON 4xx, the server still serving, nothing leaked.
import path from 'node:path';
import type { ConfigOverrides } from '../../../src/config/load-config';
import { createTestApp, type TestApp } from '../../helpers/create-test-app';

/** The attack fixture service's config (framework/test/fixtures/attack-service: JWT, a free-form body, a recursive one). */
export const ATTACK_SERVICE_CONFIG = path.resolve(__dirname, '../../fixtures/attack-service/pym-config.yaml');

/** The attack fixture, listening on 127.0.0.1:0, its logs (debug level) captured. */
export function startAttackService(config?: ConfigOverrides): Promise<TestApp> {
  return createTestApp({ configPath: ATTACK_SERVICE_CONFIG, config });
}

/** A reply as the raw helper or `read()` gives it. */
interface AnyReply {
  status?: number;
  json?: any;
  body?: any;
  headers: Record<string, string> | Headers;
}

function header(reply: AnyReply, name: string): string | undefined {
  return reply.headers instanceof Headers ? (reply.headers.get(name) ?? undefined) : reply.headers[name];
}

/**
 * A refusal in pym's error shape: the status, the stable code, a description, no `error_id` (a 4xx is not an incident),
 * and a JSON content type.
 */
export function expectJsonError(reply: AnyReply, status: number, code: string): void {
  const body = reply.json ?? reply.body;
  expect({ status: reply.status, error: body?.error }).toEqual({ status, error: code });
  expect(header(reply, 'content-type')).toMatch(/^application\/json/);
  expect(body).toMatchObject({ status, error: code, error_description: expect.any(String) });
  expect(body).not.toHaveProperty('error_id');
}

/** The server still answers `/ping`, and no builtin prototype was polluted (asked of a handler, in the server). */
export async function expectStillServing(app: TestApp): Promise<void> {
  expect((await fetch(`${app.url}/ping`)).status).toBe(200);
  const probe = await fetch(`${app.url}/a/probe`);
  expect(await probe.json()).toEqual({ polluted: false });
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

/**
 * Every test file's last check: no 5xx was served, nothing was logged at error level, and no log line holds any of
 * `secrets` (the tokens sent, the JWT secret) or a long part of one (a token's payload or signature).
 */
export function expectNothingLeaked(app: TestApp, secrets: Iterable<string>): void {
  const records = app.logRecords();
  expect(records.filter((record) => record.msg === 'request' && record.status >= 500)).toEqual([]);
  expect(records.filter((record) => record.level >= 50)).toEqual([]);
  const lines = app.logLines().join('\n');
  for (const secret of secrets) {
    for (const part of [secret, ...secret.split('.')].filter((piece) => piece.length >= 16)) {
      expect(lines.includes(part) ? `${part} is in a log line` : 'not logged').toBe('not logged');
    }
  }
}
