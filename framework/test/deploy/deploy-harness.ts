// Harness of the `pym deploy` tests: throwaway services, the official schemas (Compose specification, Kubernetes
// OpenAPI models) and the CLI's own parser to check what the generated files run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { createProgram } from '../../src/cli/run-cli';

const created: string[] = [];

/** A fresh service folder with `files` (relative path → content); removed by removeServices. */
export function deployService(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pym-deploy-')));
  created.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** A service whose prod overlay takes three secrets from the environment (the test sets their values, never to be output). */
export const ORDERS_SERVICE = {
  'pym-config.yaml': [
    'name: Orders Service',
    'port: 9090',
    'shutdown_timeout: 12',
    'jwt_secret: dev-only-secret-for-orders-0001',
    'default_user_id: orders',
    'async:',
    '  redis_url: redis://127.0.0.1:6379',
    '  prefix: orders',
    '  shutdown_timeout: 40',
  ].join('\n'),
  'pym-config.prod.yaml': [
    'env_secrets: [ORDERS_JWT_SECRET, ORDERS_REDIS_URL, ORDERS_SEAL_SECRET]',
    'jwt_secret: ORDERS_JWT_SECRET',
    'src: dist/src',
    'async:',
    '  redis_url: ORDERS_REDIS_URL',
    '  seal_secret: ORDERS_SEAL_SECRET',
  ].join('\n'),
};

/** Values the tests put in the environment for ORDERS_SERVICE's secrets: none may appear in a generated file. */
export const SECRET_VALUES = {
  ORDERS_JWT_SECRET: 'jwt-value-never-in-output-5b1c9e',
  ORDERS_REDIS_URL: 'redis://:redis-pw-never-in-output-77@cache:6379',
  ORDERS_SEAL_SECRET: 'seal-value-never-in-output-0d4e2a',
};

/** Remove every folder made by deployService (afterAll). */
export function removeServices(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The Compose specification's JSON schema, as the dclint package ships it (draft-07, which is Ajv's default: the
 * `$schema` line, an https spelling Ajv does not know, is dropped). Its union types are allowed: the schema uses them.
 */
const composeSchema = (() => {
  const file = path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
  const { $schema: _draft, ...schema } = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  return new Ajv({ allErrors: true, allowUnionTypes: true, strictTypes: false }).compile(schema);
})();

/** The Compose specification's errors for `document` (none: valid). */
export function composeErrors(document: unknown): ErrorObject[] {
  return composeSchema(document) ? [] : [...(composeSchema.errors ?? [])];
}

/** The kubernetes-models class of each kind pym deploy writes: its validate() runs Ajv code made from Kubernetes' OpenAPI schema. */
const K8S_MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

/** Validate one manifest against the Kubernetes schema of its kind: the error message, or undefined when valid. */
export function k8sError(manifest: { apiVersion?: string; kind?: string }): string | undefined {
  const Model = K8S_MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Model) return `no schema for ${manifest.apiVersion}/${manifest.kind}`;
  try {
    new Model(manifest).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Parse `args` (after `pym`) with the CLI's own program, its actions replaced by no-ops: resolves when they name a
 * command and options it has, rejects with commander's error otherwise.
 */
export async function parseAsPymCommand(args: readonly string[]): Promise<string> {
  const program = createProgram();
  let ran = '';
  const silence = (command: ReturnType<typeof createProgram>) => {
    command.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    for (const sub of command.commands) {
      if (sub.commands.length === 0) sub.action(() => void (ran = sub.name()));
      silence(sub);
    }
  };
  silence(program);
  await program.parseAsync([...args], { from: 'user' });
  if (!ran) throw new Error(`pym ${args.join(' ')} runs no command`);
  return ran;
}
