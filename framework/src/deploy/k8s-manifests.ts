// `pym deploy k8s`: Kubernetes manifests for one image in two roles (API and worker), its config and its Secret's keys.
import { createHash } from 'node:crypto';
import { configFileText, MOUNTED_CONFIG, type DeploySettings } from './deploy-settings';

/** Seconds a terminating API pod keeps serving before SIGTERM, while endpoints and load balancers forget it. */
export const PRE_STOP_SECONDS = 5;
/** Seconds added to a process's own shutdown timeout before the kubelet kills it. */
export const KILL_MARGIN_SECONDS = 5;
/** The uid of the `node` user of the official Node images (the Dockerfile's USER). */
const NODE_UID = 1000;

/** Options of k8sManifests beyond the settings. */
export interface K8sOptions {
  /** Add a HorizontalPodAutoscaler for the API, from `replicas` up to this many (CPU 70 %). */
  hpaMax?: number;
  /** The Secret holding the env_secrets values (created by the user). @defaultValue `<name>-secrets` */
  secretName?: string;
}

/** One manifest and the file it is written to. */
export interface Manifest {
  file: string;
  object: Record<string, any>;
}

/** Labels of one component. */
function labelsOf(settings: DeploySettings, component: 'api' | 'worker' | 'config') {
  return { 'app.kubernetes.io/name': settings.name, 'app.kubernetes.io/component': component, 'app.kubernetes.io/managed-by': 'pym' };
}

function selectorOf(settings: DeploySettings, component: 'api' | 'worker') {
  return { 'app.kubernetes.io/name': settings.name, 'app.kubernetes.io/component': component };
}

/** The pod of one role: same image, config and secrets; `container` adds the role's command, probes and ports. */
function podTemplate(settings: DeploySettings, component: 'api' | 'worker', secretName: string, configHash: string, container: Record<string, unknown>, graceSeconds: number) {
  return {
    metadata: {
      labels: labelsOf(settings, component),
      // A changed config rolls the pods (they read it at start).
      annotations: { 'pym.dev/config-sha256': configHash },
    },
    spec: {
      terminationGracePeriodSeconds: graceSeconds,
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: NODE_UID, runAsGroup: NODE_UID, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: component,
          image: settings.image,
          env: [
            { name: 'PYM_ENV', value: settings.env },
            { name: 'PYM_CONFIG', value: MOUNTED_CONFIG },
            ...settings.secretNames.map((name) => ({ name, valueFrom: { secretKeyRef: { name: secretName, key: name } } })),
          ],
          resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          volumeMounts: [
            { name: 'config', mountPath: MOUNTED_CONFIG.slice(0, MOUNTED_CONFIG.lastIndexOf('/')), readOnly: true },
            { name: 'tmp', mountPath: '/tmp' },
          ],
          ...container,
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: `${settings.name}-config` } },
        { name: 'tmp', emptyDir: {} },
      ],
    },
  };
}

/**
 * The manifests: a ConfigMap with the service's config, the API Deployment (`pym start --no-worker`) and its Service,
 * the worker Deployment (`pym worker`), a PodDisruptionBudget for each, and optionally an HPA. The env_secrets values
 * come from a Secret the user creates (`kubectl create secret generic <name>-secrets --from-literal=…`): the
 * manifests name its keys, never values.
 */
export function k8sManifests(settings: DeploySettings, options: K8sOptions = {}): Manifest[] {
  const secretName = options.secretName ?? `${settings.name}-secrets`;
  const configText = configFileText(settings);
  const configHash = createHash('sha256').update(configText).digest('hex');
  const probe = (path: string, extra: Record<string, number>) => ({ httpGet: { path, port: 'http' }, timeoutSeconds: 3, ...extra });
  const apiGrace = PRE_STOP_SECONDS + settings.httpShutdownSeconds + KILL_MARGIN_SECONDS;
  const workerGrace = settings.taskShutdownSeconds + KILL_MARGIN_SECONDS;
  const api = podTemplate(settings, 'api', secretName, configHash, {
    command: settings.pymCommand,
    args: ['start', '--no-worker'],
    ports: [{ name: 'http', containerPort: settings.port, protocol: 'TCP' }],
    startupProbe: probe('/ping', { periodSeconds: 2, failureThreshold: 30 }),
    livenessProbe: probe('/ping', { periodSeconds: 10, failureThreshold: 3 }),
    readinessProbe: probe('/ready', { periodSeconds: 5, failureThreshold: 2 }),
    // Serving on while the endpoint is removed everywhere; node is in the image, a shell may not be.
    lifecycle: { preStop: { exec: { command: ['node', '-e', `setTimeout(() => {}, ${PRE_STOP_SECONDS * 1000})`] } } },
  }, apiGrace);
  const worker = podTemplate(settings, 'worker', secretName, configHash, { command: settings.pymCommand, args: ['worker'] }, workerGrace);
  const metadata = (suffix: string, component: 'api' | 'worker' | 'config') => ({ name: `${settings.name}-${suffix}`, labels: labelsOf(settings, component) });
  const manifests: Manifest[] = [
    {
      file: 'configmap.yaml',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata('config', 'config'), data: { [MOUNTED_CONFIG.slice(MOUNTED_CONFIG.lastIndexOf('/') + 1)]: configText } },
    },
    {
      file: 'api-deployment.yaml',
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: metadata('api', 'api'),
        spec: {
          replicas: settings.replicas,
          selector: { matchLabels: selectorOf(settings, 'api') },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: api,
        },
      },
    },
    {
      file: 'api-service.yaml',
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: settings.name, labels: labelsOf(settings, 'api') },
        spec: { selector: selectorOf(settings, 'api'), ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
      },
    },
    {
      file: 'worker-deployment.yaml',
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: metadata('worker', 'worker'),
        spec: { replicas: settings.workers, selector: { matchLabels: selectorOf(settings, 'worker') }, template: worker },
      },
    },
    ...(['api', 'worker'] as const).map((component) => ({
      file: `${component}-pdb.yaml`,
      object: {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: metadata(component, component),
        spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf(settings, component) } },
      },
    })),
  ];
  if (options.hpaMax !== undefined) {
    manifests.push({
      file: 'api-hpa.yaml',
      object: {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: metadata('api', 'api'),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${settings.name}-api` },
          minReplicas: settings.replicas,
          maxReplicas: Math.max(options.hpaMax, settings.replicas),
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        },
      },
    });
  }
  return manifests;
}
