import type { Construct } from 'constructs';
import { addObject, GVK } from './objects.js';
import type { TenantModel } from '../model/tenant-model.js';

const CCNP = { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy' };
/** Cilium's label for an endpoint's namespace. */
const POD_NAMESPACE = 'k8s:io.kubernetes.pod.namespace';
/** Prefix of Cilium's labels that carry an endpoint's namespace labels. */
const NAMESPACE_LABEL = 'k8s:io.cilium.k8s.namespace.labels.';

type Labels = Record<string, string>;
const select = (matchLabels: Labels): { matchLabels: Labels } => ({ matchLabels });
const inNamespace = (ns: string, labels: Labels = {}): { matchLabels: Labels } => select({ [POD_NAMESPACE]: ns, ...labels });
const ALL = {};

/** The CiliumNetworkPolicies every isolated tenant has, in its own namespace. Fixed content. */
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
  ['allow-to-dashboard', { endpointSelector: ALL, egress: [{ toEndpoints: [inNamespace('cozy-dashboard')] }] }],
  ['allow-to-keycloak', { endpointSelector: ALL, egress: [{ toEndpoints: [inNamespace('cozy-keycloak')] }] }],
  ['allow-to-cdi-upload-proxy', { endpointSelector: ALL, egress: [{ toEndpoints: [inNamespace('cozy-kubevirt-cdi')] }] }],
  ['allow-to-ingress', { endpointSelector: ALL, egress: [{ toEndpoints: [select({ 'cozystack.io/service': 'ingress' })] }] }],
];

/**
 * Adds the isolation policies of a tenant (call only for isolated tenants): the namespaced
 * CiliumNetworkPolicies and the clusterwide ones.
 *
 * The "parent chain" (namespaces whose services and pods the tenant may reach and be reached
 * from) is every ancestor, `tenant-root` included. Upstream stops one level below the root
 * (quirk 7); here every tenant Namespace carries the labels of all its ancestors, so the
 * `tenant.cozystack.io/<T>` selector of `<T>-egress` also covers all descendants.
 * @internal
 */
export function addTenantNetworkPolicies(scope: Construct, t: TenantModel): void {
  const ns = t.namespace;
  for (const [name, spec] of NAMESPACED_POLICIES) addObject(scope, GVK.CiliumNetworkPolicy, { name, namespace: ns }, { spec });

  const chain = t.ancestors.map((a) => a.namespace);
  const own = inNamespace(ns);
  const egress: Record<string, unknown>[] = [{ toEndpoints: [select({ [`${NAMESPACE_LABEL}tenant.cozystack.io/${ns}`]: '' })] }];
  if (chain.length) {
    egress.push({
      toEndpoints: chain.flatMap((p) => [
        inNamespace(p, { 'app.kubernetes.io/name': 'vminsert' }),
        inNamespace(p, { 'app.kubernetes.io/instance': 'etcd' }),
        inNamespace(p, { 'cozystack.io/service': 'ingress' }),
      ]),
    });
  }
  addObject(scope, CCNP, { name: `${ns}-egress` }, { spec: { endpointSelector: own, egress } });

  const ingress: Record<string, unknown>[] = [
    { fromEntities: ['kube-apiserver'] },
    { fromEndpoints: [select({ [`${NAMESPACE_LABEL}cozystack.io/system`]: 'true' })] },
    { fromEndpoints: [inNamespace('kube-system')] },
  ];
  if (chain.length) ingress.push({ fromEndpoints: chain.map((p) => inNamespace(p)) });
  addObject(scope, CCNP, { name: `${ns}-ingress` }, { spec: { endpointSelector: own, ingress } });

  if (t.runs('ingress')) {
    addObject(scope, CCNP, { name: `${ns}-ingress-ingress` }, {
      spec: { endpointSelector: inNamespace(ns, { 'cozystack.io/service': 'ingress' }), ingress: [{ fromEndpoints: [ALL] }] },
    });
  }
  if (t.runs('etcd')) {
    addObject(scope, CCNP, { name: `${ns}-ingress-etcd` }, {
      spec: {
        endpointSelector: inNamespace(ns, { 'cozystack.io/service': 'etcd' }),
        ingress: [{ fromEndpoints: [select({ [`${NAMESPACE_LABEL}namespace.cozystack.io/etcd`]: ns, 'policy.cozystack.io/allow-to-etcd': 'true' })] }],
      },
    });
  }
}
