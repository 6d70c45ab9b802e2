/**
 * Explicit rendering of a tenant with the v1 tenant chart (Cozystack 1.6.x): every object that
 * chart renders for the tenant, and for the root the Namespace and values Secret cozystack-basics
 * renders. Checked object for object against helm's renders of the chart
 * (releases/<tag>/tenant-renders/, test/tenant-renders-v1.test.ts).
 */
import type { Construct } from 'constructs';
import type { Values } from '../core/values.js';
import { PUBLIC_NAMESPACE, VALUES_SECRET } from '../model/platform-model.js';
import { ACCESS_LEVELS, type TenantModel } from '../model/tenant-model.js';
import type { TenantService } from '../model/app-definition.js';
import { APPS_GROUP } from './app-release.js';
import { addObject, GVK } from './objects.js';
import { applicationArtifact } from './platform.js';
import { SYSTEM_NAMESPACE } from '../model/platform-model.js';
import { addTenantQuota } from './tenant-quota.js';
import { addTenantKeycloakGroups, defaultSubjects, levelSubjects, type RbacSubject } from './tenant-rbac.js';
import { addNamespaceAndValues } from './tenant-release.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const CCNP = { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy' };
const POD_NAMESPACE = 'k8s:io.kubernetes.pod.namespace';
const NAMESPACE_LABEL = 'k8s:io.cilium.k8s.namespace.labels.';

type Labels = Record<string, string>;
const select = (matchLabels: Labels): { matchLabels: Labels } => ({ matchLabels });
const inNamespace = (ns: string, labels: Labels = {}): { matchLabels: Labels } => select({ [POD_NAMESPACE]: ns, ...labels });
const ALL = {};
const egressTo = (ns: string): Record<string, unknown> => ({ endpointSelector: ALL, egress: [{ toEndpoints: [inNamespace(ns)] }] });

/** The CiliumNetworkPolicies of every tenant namespace with the v1 chart (it has no `isolated`). */
const NAMESPACED_POLICIES: readonly (readonly [string, Record<string, unknown>])[] = [
  ['allow-internal-communication', { endpointSelector: ALL, ingress: [{ fromEndpoints: [ALL] }], egress: [{ toEndpoints: [ALL] }] }],
  ['allow-external-communication', { endpointSelector: ALL, ingress: [{ fromEntities: ['world', 'cluster'] }], egress: [{ toEntities: ['world'] }] }],
  [
    'allow-to-apiserver',
    {
      endpointSelector: select({ 'policy.cozystack.io/allow-to-apiserver': 'true' }),
      egress: [{ toEntities: ['kube-apiserver'] }, { toPorts: [{ ports: [{ port: '6443', protocol: 'TCP' }] }] }],
    },
  ],
  ['allow-to-dns', { endpointSelector: ALL, egress: [{ toEndpoints: [inNamespace('kube-system', { 'k8s-app': 'kube-dns' })] }] }],
  ['allow-to-dashboard', egressTo('cozy-dashboard')],
  ['allow-to-linstor-gui', egressTo('cozy-linstor')],
  ['allow-to-keycloak', egressTo('cozy-keycloak')],
  ['allow-to-cdi-upload-proxy', egressTo('cozy-kubevirt-cdi')],
  ['allow-to-ingress', { endpointSelector: ALL, egress: [{ toEndpoints: [select({ 'cozystack.io/service': 'ingress' })] }] }],
];

/** What a module's HelmRelease waits for: the VictoriaMetrics operator, whose webhook guards the VM* objects it makes. */
const VM_OPERATOR = [{ name: 'victoria-metrics-operator', namespace: 'cozy-victoria-metrics-operator' }];

/** The modules of the v1 chart in name order: when each is rendered, its kind, timeout and dependencies. */
const MODULES: readonly { readonly chart: string; readonly kind: string; readonly when: (t: TenantModel) => boolean; readonly timeout: string; readonly waitsForVmOperator: boolean }[] = [
  { chart: 'etcd', kind: 'Etcd', when: (t) => t.runs('etcd'), timeout: '30m', waitsForVmOperator: true },
  { chart: 'gateway', kind: 'Gateway', when: (t) => !t.isRoot && t.settings.gateway === true, timeout: '10m', waitsForVmOperator: false },
  { chart: 'info', kind: 'Info', when: () => true, timeout: '10m', waitsForVmOperator: false },
  { chart: 'ingress', kind: 'Ingress', when: (t) => t.runs('ingress'), timeout: '10m', waitsForVmOperator: true },
  { chart: 'monitoring', kind: 'Monitoring', when: (t) => t.runs('monitoring'), timeout: '10m', waitsForVmOperator: true },
  { chart: 'seaweedfs', kind: 'SeaweedFS', when: (t) => t.runs('seaweedfs'), timeout: '10m', waitsForVmOperator: false },
];

/**
 * Emits every object the v1 tenant chart renders for a tenant, the root included: the Namespace
 * and values Secret (the root's as cozystack-basics renders them), the ServiceAccount, the
 * RoleBindings to the platform's ClusterRoles `cozy:tenant[:<level>]` and to the Role
 * `cozy:tenant:dashboard` in cozy-public, the network policies, ResourceQuota and LimitRange
 * (when quotas are set), KeycloakRealmGroups (when OIDC is enabled) and the modules' HelmReleases.
 *
 * Left out or changed on purpose (docs/tenants.md, "At v1.6"): the Namespace's ownerReference,
 * the pre-delete cleanup hook, the Helm ownership labels of the module HelmReleases, the
 * duplicate root ServiceAccount of tenant-root's `cozy:tenant` binding; the parent chain of the
 * policies is every ancestor.
 * @internal
 */
export function renderTenantExplicitV1(scope: Construct, t: TenantModel, clusterValues: Values, part: 'all' | 'settings' = 'all'): void {
  // `settings`: only the objects the tenant's values add to the chart's render with no values (the
  // root's when cozystack-basics owns it: its HelmRelease has no values): the modules of the
  // services it runs, their policies, the quota. Namespace, Secret, RBAC, the other policies,
  // KeycloakRealmGroups (from `_cluster`) and `info` are in that render already.
  const all = part === 'all';
  if (all) {
    addNamespaceAndValues(scope, t, clusterValues);
    addRbac(scope, t);
    if (clusterValues['oidc-enabled'] === 'true') addTenantKeycloakGroups(scope, t);
  }
  addPolicies(scope, t, all);
  addTenantQuota(scope, t, clusterValues);
  for (const m of MODULES) {
    if (!m.when(t) || (!all && m.chart === 'info')) continue;
    addObject(
      scope,
      GVK.HelmRelease,
      {
        name: m.chart,
        namespace: t.namespace,
        labels: {
          'sharding.fluxcd.io/key': 'tenants',
          'internal.cozystack.io/tenantmodule': 'true',
          'apps.cozystack.io/application.kind': m.kind,
          'apps.cozystack.io/application.group': APPS_GROUP,
          'apps.cozystack.io/application.name': m.chart,
        },
      },
      {
        spec: {
          ...(m.waitsForVmOperator ? { dependsOn: VM_OPERATOR.map((d) => ({ ...d })) } : {}),
          chartRef: { kind: 'ExternalArtifact', name: applicationArtifact(m.chart), namespace: SYSTEM_NAMESPACE },
          interval: '5m',
          timeout: m.timeout,
          install: { remediation: { retries: -1 } },
          upgrade: { remediation: { retries: -1 } },
          valuesFrom: [{ kind: 'Secret', name: VALUES_SECRET }],
        },
      },
    );
  }
}

function binding(scope: Construct, name: string, namespace: string, roleRef: { kind: 'ClusterRole' | 'Role'; name: string }, subjects: readonly RbacSubject[]): void {
  addObject(scope, GVK.RoleBinding, { name, namespace }, { roleRef: { apiGroup: RBAC_GROUP, ...roleRef }, subjects });
}

function addRbac(scope: Construct, t: TenantModel): void {
  const ns = t.namespace;
  addObject(scope, GVK.ServiceAccount, { name: ns, namespace: ns });
  binding(scope, 'cozy:tenant', ns, { kind: 'ClusterRole', name: 'cozy:tenant' }, defaultSubjects(t));
  for (const level of ACCESS_LEVELS) binding(scope, `cozy:tenant:${level}`, ns, { kind: 'ClusterRole', name: `cozy:tenant:${level}` }, levelSubjects(t, level));
  const dashboardSubjects: RbacSubject[] = [
    ...[...ACCESS_LEVELS].reverse().map((l): RbacSubject => ({ kind: 'Group', name: `${ns}-${l}`, apiGroup: RBAC_GROUP })),
    { kind: 'ServiceAccount', name: ns, namespace: ns },
  ];
  binding(scope, `cozy:${ns}:dashboard`, PUBLIC_NAMESPACE, { kind: 'Role', name: 'cozy:tenant:dashboard' }, dashboardSubjects);
}

function addPolicies(scope: Construct, t: TenantModel, all: boolean): void {
  if (all) addBasePolicies(scope, t);
  addServicePolicies(scope, t);
}

/** The policies of every tenant whatever its values. */
function addBasePolicies(scope: Construct, t: TenantModel): void {
  const ns = t.namespace;
  for (const [name, spec] of NAMESPACED_POLICIES) addObject(scope, GVK.CiliumNetworkPolicy, { name, namespace: ns }, { spec });
  // The parent chain: every ancestor, root first (upstream stops below tenant-root at depth 2+).
  const chain = t.ancestors.map((a) => a.namespace);
  const own = inNamespace(ns);
  const egress: Record<string, unknown>[] = [{ toEndpoints: [select({ [`${NAMESPACE_LABEL}tenant.cozystack.io/${ns}`]: '' })] }];
  if (chain.length) {
    egress.push(
      { toEndpoints: chain.map((p) => inNamespace(p, { 'k8s:app.kubernetes.io/name': 'vminsert' })) },
      { toEndpoints: chain.map((p) => inNamespace(p, { 'k8s:app.kubernetes.io/instance': 'etcd' })) },
      { toEndpoints: chain.map((p) => inNamespace(p, { 'cozystack.io/service': 'ingress' })) },
    );
  }
  addObject(scope, CCNP, { name: `${ns}-egress` }, { spec: { endpointSelector: own, egress } });
  const ingress: Record<string, unknown>[] = [
    { fromEntities: ['kube-apiserver'] },
    { fromEndpoints: [select({ [`${NAMESPACE_LABEL}cozystack.io/system`]: 'true' })] },
    { fromEndpoints: [inNamespace('kube-system')] },
  ];
  if (chain.length) ingress.push({ fromEndpoints: chain.map((p) => inNamespace(p)) });
  addObject(scope, CCNP, { name: `${ns}-ingress` }, { spec: { endpointSelector: own, ingress } });
}

/** The policies of the services a tenant runs. */
function addServicePolicies(scope: Construct, t: TenantModel): void {
  const ns = t.namespace;
  const runs = (s: TenantService): boolean => t.runs(s);
  if (runs('ingress')) {
    addObject(scope, CCNP, { name: `${ns}-ingress-ingress` }, { spec: { endpointSelector: inNamespace(ns, { 'cozystack.io/service': 'ingress' }), ingress: [{ fromEndpoints: [ALL] }] } });
  }
  if (runs('etcd')) {
    addObject(scope, CCNP, { name: `${ns}-ingress-etcd` }, {
      spec: {
        endpointSelector: inNamespace(ns, { 'cozystack.io/service': 'etcd' }),
        ingress: [{ fromEndpoints: [select({ [`${NAMESPACE_LABEL}namespace.cozystack.io/etcd`]: ns, 'policy.cozystack.io/allow-to-etcd': 'true' })] }],
      },
    });
  }
  if (runs('monitoring')) {
    addObject(scope, CCNP, { name: `${ns}-egress-virt-handler` }, {
      spec: {
        endpointSelector: inNamespace(ns, { 'k8s:app.kubernetes.io/name': 'vmagent' }),
        egress: [{ toEndpoints: [select({ 'k8s:kubevirt.io': 'virt-handler', [POD_NAMESPACE]: 'cozy-kubevirt' })], toPorts: [{ ports: [{ port: '8443', protocol: 'TCP' }] }] }],
      },
    });
  }
}
