/**
 * The tenant trees that `scripts/record-tenant-renders.ts` renders the upstream v1 tenant chart
 * (`packages/apps/tenant`) with. Each case is a tree: the root tenant and its descendants, each
 * with the values a user sets on its Tenant (the HelmRelease's `spec.values`). The `_cluster`
 * values of a case are those the platform chart renders for one of its recorded cases
 * (`releases/<tag>/renders/<platformCase>/rendered.yaml`, the `cozy-system/cozystack-values`
 * Secret); the root's `_namespace` is what the cozystack-basics chart renders for that
 * `_cluster`; every other tenant's `_namespace` is what helm rendered for its parent.
 *
 * The list is fixed: a case is added here, never by hand in releases/.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Values = { [key: string]: Json };

/** One tenant of a case: its name (`root` for the root), its values, its children. */
export interface TenantCaseNode {
  readonly name: string;
  readonly values: Values;
  readonly children?: readonly TenantCaseNode[];
}

export interface TenantCase {
  /** Folder name under releases/<tag>/tenant-renders/. */
  readonly id: string;
  /** What the case exercises (one line, for the README). */
  readonly description: string;
  /** The recorded platform case whose `_cluster` the tenants get. */
  readonly platformCase: string;
  /** The tree, the root first. */
  readonly root: TenantCaseNode;
  /** `--api-versions` given to helm (the KeycloakRealmGroups need `v1.edp.epam.com/v1`). */
  readonly apiVersions?: readonly string[];
  /** The answer of the chart's one lookup, the parent Namespace (absent: nil, as offline). */
  readonly parentNamespaceLookup?: Values;
}

/** The root as the library states it by default: it runs the four services (docs/tenants.md, quirk 4). */
const ROOT_ALL: Values = { etcd: true, ingress: true, monitoring: true, seaweedfs: true };

export const TENANT_CASES: readonly TenantCase[] = [
  {
    id: 'root-bare',
    description: 'the root tenant with no values (the chart defaults: no modules but info)',
    platformCase: 'isp-full.defaults',
    root: { name: 'root', values: {} },
  },
  {
    id: 'tree',
    description:
      'the root running all four services; foo with its own etcd and ingress, its child bar inheriting, bar\'s child qux (depth 3); baz with monitoring, seaweedfs, isolated: false and resourceQuotas',
    platformCase: 'isp-full.defaults',
    root: {
      name: 'root',
      values: ROOT_ALL,
      children: [
        { name: 'foo', values: { etcd: true, ingress: true }, children: [{ name: 'bar', values: {}, children: [{ name: 'qux', values: {} }] }] },
        { name: 'baz', values: { monitoring: true, seaweedfs: true, isolated: false, resourceQuotas: { cpu: '4', memory: '8Gi', storage: '100Gi', pods: 50, 'ephemeral-storage': '10Gi', 'nvidia.com/gpu': 1 } } },
      ],
    },
  },
  {
    id: 'hosts-and-scheduling',
    description: 'a custom host (customer1.example.org, inside the parent zone as the library requires) and its child; schedulingClass set on a tenant and again on its child (the parent\'s wins)',
    platformCase: 'isp-full.defaults',
    root: {
      name: 'root',
      values: ROOT_ALL,
      children: [
        { name: 'cust', values: { host: 'customer1.example.org' }, children: [{ name: 'shop', values: {} }] },
        { name: 'gold', values: { schedulingClass: 'gold' }, children: [{ name: 'silver', values: { schedulingClass: 'silver' } }] },
      ],
    },
  },
  {
    id: 'gateway',
    description: 'gateway enabled on the platform: gw with gateway: true and its child inheriting it, off with gateway: false, plain with gateway unset',
    platformCase: 'isp-full.gateway',
    root: {
      name: 'root',
      values: ROOT_ALL,
      children: [
        { name: 'gw', values: { gateway: true, ingress: true }, children: [{ name: 'inner', values: {} }, { name: 'off', values: { gateway: false } }] },
        { name: 'plain', values: {} },
      ],
    },
  },
  {
    id: 'oidc',
    description: 'OIDC enabled (oidc-enabled "true", the Keycloak API served): the KeycloakRealmGroups of the root and a child',
    platformCase: 'isp-full.oidc',
    root: { name: 'root', values: ROOT_ALL, children: [{ name: 'foo', values: {} }] },
    apiVersions: ['v1.edp.epam.com/v1'],
  },
  {
    id: 'lookup-parent-namespace',
    description: 'the parent Namespace found (as on a cluster): the child Namespace gets its ownerReference',
    platformCase: 'isp-full.defaults',
    root: { name: 'root', values: ROOT_ALL, children: [{ name: 'foo', values: {} }] },
    parentNamespaceLookup: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-root', uid: '00000000-0000-4000-8000-000000000001' } },
  },
];
