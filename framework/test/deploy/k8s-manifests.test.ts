// pym deploy k8s: every manifest is valid against Kubernetes' OpenAPI schema (kubernetes-models), the pods take the
// env_secrets from a Secret by name only, probe /ping and /ready, get their shutdown timeouts, run as non-root on a
// read-only root, and run pym's own commands; the ConfigMap holds the config with secret names, not values.
import yaml from 'js-yaml';
import { readDeploySettings } from '../../src/deploy/deploy-settings';
import { k8sManifests } from '../../src/deploy/k8s-manifests';
import { deployService, k8sError, ORDERS_SERVICE, parseAsPymCommand, removeServices, SECRET_VALUES } from './deploy-harness';

let saved: NodeJS.ProcessEnv;
beforeAll(() => {
  saved = { ...process.env };
  Object.assign(process.env, SECRET_VALUES);
});
afterAll(() => {
  process.env = saved;
  removeServices();
});

const generate = (hpaMax?: number) => {
  const settings = readDeploySettings({ replicas: 3, workers: 2, image: 'registry.example/orders:1.4.0' }, deployService(ORDERS_SERVICE));
  const manifests = k8sManifests(settings, { hpaMax });
  const find = (file: string) => manifests.find((manifest) => manifest.file === file)!.object;
  return { settings, manifests, find };
};

const containerOf = (deployment: Record<string, any>) => deployment.spec.template.spec.containers[0];

test('every manifest is valid against the Kubernetes schema of its kind (and the schema bites)', () => {
  const { manifests } = generate(8);
  expect(manifests.map((manifest) => manifest.file)).toEqual([
    'configmap.yaml',
    'api-deployment.yaml',
    'api-service.yaml',
    'worker-deployment.yaml',
    'api-pdb.yaml',
    'worker-pdb.yaml',
    'api-hpa.yaml',
  ]);
  expect(manifests.map((manifest) => [manifest.file, k8sError(manifest.object)])).toEqual(manifests.map((manifest) => [manifest.file, undefined]));
  const broken = structuredClone(manifests[1]!.object);
  broken.spec.replicas = '3';
  expect(k8sError(broken)).toContain('spec/replicas must be integer');
});

test('the API runs `pym start --no-worker` and the workers `pym worker`, as the CLI parses them', async () => {
  const { find } = generate();
  const api = containerOf(find('api-deployment.yaml'));
  const worker = containerOf(find('worker-deployment.yaml'));
  expect([api.args, worker.args]).toEqual([['start', '--no-worker'], ['worker']]);
  expect(await parseAsPymCommand(api.args)).toBe('start');
  expect(await parseAsPymCommand(worker.args)).toBe('worker');
  expect(find('api-deployment.yaml').spec.replicas).toBe(3);
  expect(find('worker-deployment.yaml').spec.replicas).toBe(2);
  expect(api.image).toBe('registry.example/orders:1.4.0');
});

test('every env_secrets name comes from the Secret the user creates, by key; no secret value appears in any manifest', () => {
  const { manifests, find } = generate();
  for (const file of ['api-deployment.yaml', 'worker-deployment.yaml']) {
    const env = containerOf(find(file)).env as { name: string; value?: string; valueFrom?: unknown }[];
    expect(env.filter((entry) => entry.valueFrom)).toEqual(
      ['ORDERS_JWT_SECRET', 'ORDERS_REDIS_URL', 'ORDERS_SEAL_SECRET'].map((name) => ({ name, valueFrom: { secretKeyRef: { name: 'orders-service-secrets', key: name } } })),
    );
    expect(env.filter((entry) => !entry.valueFrom)).toEqual([
      { name: 'PYM_ENV', value: 'prod' },
      { name: 'PYM_CONFIG', value: '/etc/pym/pym-config.yaml' },
    ]);
  }
  const written = manifests.map((manifest) => yaml.dump(manifest.object)).join('\n');
  for (const value of [...Object.values(SECRET_VALUES), 'dev-only-secret-for-orders-0001']) expect(written).not.toContain(value);
  expect(manifests.some((manifest) => manifest.object.kind === 'Secret')).toBe(false);
});

test('the ConfigMap holds the file and its prod overlay merged, env-secret names kept, folders inside the image', () => {
  const { find } = generate();
  const config = yaml.load(find('configmap.yaml').data['pym-config.yaml']) as Record<string, any>;
  expect(config).toMatchObject({
    name: 'Orders Service',
    version: '0.0.0',
    host: '0.0.0.0',
    jwt_secret: 'ORDERS_JWT_SECRET',
    apis: '/app/apis',
    src: '/app/dist/src',
    async: { redis_url: 'ORDERS_REDIS_URL', seal_secret: 'ORDERS_SEAL_SECRET', prefix: 'orders' },
    env_secrets: ['ORDERS_JWT_SECRET', 'ORDERS_REDIS_URL', 'ORDERS_SEAL_SECRET'],
  });
  // A config change rolls the pods: its hash is in their template.
  expect(find('api-deployment.yaml').spec.template.metadata.annotations['pym.dev/config-sha256']).toMatch(/^[0-9a-f]{64}$/);
});

test('liveness on /ping, readiness on /ready; the grace period covers shutdown_timeout (API) and async.shutdown_timeout (workers)', () => {
  const { find } = generate();
  const api = find('api-deployment.yaml').spec.template.spec;
  const worker = find('worker-deployment.yaml').spec.template.spec;
  expect(api.containers[0].livenessProbe.httpGet).toEqual({ path: '/ping', port: 'http' });
  expect(api.containers[0].readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
  expect(api.containers[0].ports).toEqual([{ name: 'http', containerPort: 9090, protocol: 'TCP' }]);
  expect(api.terminationGracePeriodSeconds).toBe(5 + 12 + 5); // preStop + shutdown_timeout + margin
  expect(worker.terminationGracePeriodSeconds).toBe(40 + 5); // async.shutdown_timeout + margin
});

test('resource requests, a PodDisruptionBudget per role, non-root on a read-only root filesystem; an HPA only when asked', () => {
  const { find, manifests } = generate();
  for (const file of ['api-deployment.yaml', 'worker-deployment.yaml']) {
    const pod = find(file).spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.containers[0].resources.requests).toEqual({ cpu: '250m', memory: '256Mi' });
  }
  expect(find('api-pdb.yaml').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: find('api-deployment.yaml').spec.selector.matchLabels } });
  expect(find('worker-pdb.yaml').spec.selector.matchLabels).toEqual(find('worker-deployment.yaml').spec.selector.matchLabels);
  expect(manifests.map((manifest) => manifest.object.kind)).not.toContain('HorizontalPodAutoscaler');
  expect(generate(8).find('api-hpa.yaml').spec).toMatchObject({ minReplicas: 3, maxReplicas: 8, scaleTargetRef: { name: 'orders-service-api' } });
});
