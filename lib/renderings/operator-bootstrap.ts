import type { GroupVersionKind } from 'cdk8s';
import type { Construct } from 'constructs';
import { addObject, GVK } from './objects.js';
import { PLATFORM_SOURCE, type PlatformModel, SYSTEM_NAMESPACE } from '../model/platform-model.js';
import { GIT_KEYS, OCI_KEYS } from '../model/source.js';

/** Name of the operator's ServiceAccount and ClusterRoleBinding. */
export const OPERATOR_ACCOUNT = 'cozystack';
/** Name of the operator Deployment and of its container. */
export const OPERATOR_NAME = 'cozystack-operator';

const DEPLOYMENT: GroupVersionKind = { apiVersion: 'apps/v1', kind: 'Deployment' };

/** The operator's own defaults of the HelmRelease flags: a flag is passed only when a setting differs. */
const OPERATOR_DEFAULTS = { interval: '5m', retryInterval: '30s', installTimeout: '10m', upgradeTimeout: '10m', maxHistory: 5 } as const;

/** The taints of a node whose network is not up yet, which the operator must tolerate. */
const NOT_READY_TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable', 'node.cilium.io/agent-not-ready', 'node.cloudprovider.kubernetes.io/uninitialized'];

/** A source ref as the operator's `--platform-source-ref` takes it: `key=value` pairs joined by commas. @internal */
export function refSpec(model: PlatformModel): string | undefined {
  const ref = model.source.ref;
  if (!ref) return undefined;
  const order: readonly string[] = model.source.kind === 'OCIRepository' ? OCI_KEYS : GIT_KEYS;
  const pairs = order.filter((k) => ref[k] !== undefined).map((k) => `${k}=${ref[k]}`);
  return pairs.length ? pairs.join(',') : undefined;
}

/** The operator's command-line arguments, in the upstream installer's order. @internal */
export function operatorArgs(model: PlatformModel): string[] {
  const hr = model.helmRelease;
  const ref = refSpec(model);
  return [
    '--leader-elect=true',
    `--install-flux=${model.operator.installFlux}`,
    '--install-crds=true',
    '--metrics-bind-address=0',
    '--health-probe-bind-address=0',
    ...(model.telemetryDisabled ? ['--disable-telemetry'] : []),
    ...(hr.interval !== OPERATOR_DEFAULTS.interval ? [`--helmrelease-interval=${hr.interval}`] : []),
    ...(hr.retryInterval !== OPERATOR_DEFAULTS.retryInterval ? [`--helmrelease-retry-interval=${hr.retryInterval}`] : []),
    ...(hr.installTimeout !== OPERATOR_DEFAULTS.installTimeout ? [`--helmrelease-install-timeout=${hr.installTimeout}`] : []),
    ...(hr.upgradeTimeout !== OPERATOR_DEFAULTS.upgradeTimeout ? [`--helmrelease-upgrade-timeout=${hr.upgradeTimeout}`] : []),
    ...(hr.maxHistory !== OPERATOR_DEFAULTS.maxHistory ? [`--helmrelease-max-history=${hr.maxHistory}`] : []),
    `--platform-source-name=${PLATFORM_SOURCE}`,
    `--platform-source-url=${model.source.url}`,
    ...(ref ? [`--platform-source-ref=${ref}`] : []),
    ...(model.source.secretName ? [`--platform-source-secret=${model.source.secretName}`] : []),
  ];
}

/** The operator's environment: the reported version and how it reaches the API server. @internal */
export function operatorEnv(model: PlatformModel): { name: string; value: string }[] {
  const o = model.operator;
  return [
    ...(model.version !== undefined ? [{ name: 'COZYSTACK_VERSION', value: `v${model.version}` }] : []),
    ...(o.variant === 'talos'
      ? [
          { name: 'KUBERNETES_SERVICE_HOST', value: 'localhost' },
          { name: 'KUBERNETES_SERVICE_PORT', value: '7445' },
        ]
      : o.variant === 'generic'
        ? [
            { name: 'KUBERNETES_SERVICE_HOST', value: o.apiServerHost ?? '' },
            { name: 'KUBERNETES_SERVICE_PORT', value: String(o.apiServerPort) },
          ]
        : []),
  ];
}

/**
 * What the upstream installer chart deploys: the operator's ServiceAccount, its cluster-admin
 * binding and the `cozystack-operator` Deployment, with arguments from the platform settings.
 * The `cozy-system` Namespace is rendered with the platform's namespaces.
 * @internal
 */
export function renderOperatorBootstrap(scope: Construct, model: PlatformModel): void {
  addObject(scope, GVK.ServiceAccount, { name: OPERATOR_ACCOUNT, namespace: SYSTEM_NAMESPACE });
  addObject(scope, GVK.ClusterRoleBinding, { name: OPERATOR_ACCOUNT }, {
    subjects: [{ kind: 'ServiceAccount', name: OPERATOR_ACCOUNT, namespace: SYSTEM_NAMESPACE }],
    roleRef: { kind: 'ClusterRole', name: 'cluster-admin', apiGroup: 'rbac.authorization.k8s.io' },
  });
  const env = operatorEnv(model);
  const labels = { app: OPERATOR_NAME };
  addObject(scope, DEPLOYMENT, { name: OPERATOR_NAME, namespace: SYSTEM_NAMESPACE }, {
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      // One operator at a time: a second pod only while the first one still runs, and the
      // leader election keeps the two from reconciling together. Nothing binds a port
      // (hostNetwork), so the surge pod fits on a single node.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: OPERATOR_ACCOUNT,
          containers: [
            {
              name: OPERATOR_NAME,
              image: model.operator.image,
              args: operatorArgs(model),
              ...(env.length ? { env } : {}),
            },
          ],
          hostNetwork: true,
          tolerations: NOT_READY_TAINTS.map((key) => ({ key, operator: 'Exists' })),
        },
      },
    },
  });
}
