/**
 * The tenant as the model sees it: its settings and everything derived from them (namespace,
 * host, the services in reach, groups, labels, values). Each derived value is computed here, in
 * one place; the Tenant construct holds the result and the renderings read it.
 */
import type { Values } from '../core/values.js';
import type { TenantService } from './app-definition.js';

/** The four services a tenant can run for itself and its descendants. */
export const TENANT_SERVICES: readonly TenantService[] = ['etcd', 'ingress', 'monitoring', 'seaweedfs'];
/** Namespace of the root tenant. */
export const ROOT_TENANT_NAMESPACE = 'tenant-root';
/** Access levels of a tenant, lowest first. */
export const ACCESS_LEVELS = ['view', 'use', 'admin', 'super-admin'] as const;
/** One access level. */
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** Quota keys Kubernetes takes without a `requests.`/`limits.` prefix. @internal */
export const QUOTA_BARE_KEYS: ReadonlySet<string> = new Set([
  'pods', 'services', 'services.loadbalancers', 'services.nodeports', 'services.clusterip', 'configmaps', 'secrets',
  'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas',
]);

/** Keys of the tenant chart's values. @internal */
export const TENANT_KEYS: readonly string[] = ['host', 'etcd', 'ingress', 'monitoring', 'seaweedfs', 'isolated', 'resourceQuotas'];

/** A group of a tenant (namespace) that is also another tenant's group. @internal */
export interface GroupCollision {
  readonly group: string;
  readonly level: AccessLevel;
  readonly owner: string;
  readonly otherLevel: AccessLevel;
}

/**
 * The groups `<namespace>-<level>` of a tenant that another existing tenant namespace also has
 * (`<other>-<otherLevel>` with the same name), given which namespaces exist.
 * @internal
 */
export function groupCollisions(namespace: string, exists: (ns: string) => boolean): GroupCollision[] {
  const out: GroupCollision[] = [];
  for (const level of ACCESS_LEVELS) {
    const group = `${namespace}-${level}`;
    for (const otherLevel of ACCESS_LEVELS) {
      if (!group.endsWith(`-${otherLevel}`)) continue;
      const owner = group.slice(0, -otherLevel.length - 1);
      if (owner !== namespace && exists(owner)) out.push({ group, level, owner, otherLevel });
    }
  }
  return out;
}

/**
 * Settings of a tenant: the values of the upstream tenant chart.
 */
export interface TenantProps {
  /**
   * Domain of the tenant's services.
   * @default - `<name>.<parent host>`
   */
  readonly host?: string;
  /**
   * Run an etcd for this tenant and its descendants (needed by Kubernetes clusters).
   * @default false (true for the root tenant)
   */
  readonly etcd?: boolean;
  /**
   * Run an ingress controller for this tenant and its descendants.
   * @default false (true for the root tenant)
   */
  readonly ingress?: boolean;
  /**
   * Run a monitoring stack for this tenant and its descendants.
   * @default false (true for the root tenant)
   */
  readonly monitoring?: boolean;
  /**
   * Run SeaweedFS object storage for this tenant and its descendants (needed by Buckets).
   * @default false (true for the root tenant)
   */
  readonly seaweedfs?: boolean;
  /**
   * Isolate the tenant's namespace with network policies.
   * @default true
   */
  readonly isolated?: boolean;
  /**
   * Resource quotas of the namespace, resource name to quantity, e.g. `{ cpu: '4', memory: '8Gi' }`.
   * @default {}
   */
  readonly resourceQuotas?: Readonly<Record<string, string | number>>;
}

/** Names of the RBAC groups of a tenant, one per access level. */
export interface TenantGroups {
  /** `<namespace>-view`. */
  readonly view: string;
  /** `<namespace>-use`. */
  readonly use: string;
  /** `<namespace>-admin`. */
  readonly admin: string;
  /** `<namespace>-super-admin`. */
  readonly superAdmin: string;
}

/** What the renderings read of a tenant. The Tenant construct implements it. @internal */
export interface TenantModel {
  /** Tenant name (`root` for the root tenant). */
  readonly tenantName: string;
  readonly namespace: string;
  readonly host: string;
  readonly parent?: TenantModel;
  /** Ancestors, root first. */
  readonly ancestors: readonly TenantModel[];
  readonly settings: TenantProps;
  readonly services: Readonly<Record<TenantService, string | undefined>>;
  readonly groups: TenantGroups;
  readonly isRoot: boolean;
  runs(service: TenantService): boolean;
}

/** A tenant's namespace: `tenant-root`, `tenant-<name>` under the root, `<parent>-<name>` deeper. */
export function tenantNamespace(parent: TenantModel | undefined, name: string): string {
  if (!parent) return ROOT_TENANT_NAMESPACE;
  return parent.parent ? `${parent.namespace}-${name}` : `tenant-${name}`;
}

/** A tenant's host: the one set, else `<name>.<parent host>` (none when the parent has none); the root's is the platform's. */
export function tenantHost(parent: TenantModel | undefined, name: string, props: TenantProps, rootHost: string): string {
  return props.host || (parent ? (parent.host ? `${name}.${parent.host}` : '') : rootHost);
}

/** Namespace of the nearest tenant (this one or an ancestor) that runs each service. The root runs all four unless told otherwise. */
export function tenantServices(parent: TenantModel | undefined, namespace: string, props: TenantProps): Record<TenantService, string | undefined> {
  const own = (s: TenantService): boolean => props[s] ?? !parent;
  return Object.fromEntries(TENANT_SERVICES.map((s) => [s, own(s) ? namespace : parent?.services[s]])) as Record<TenantService, string | undefined>;
}

/** The RBAC groups of a tenant's namespace. */
export function tenantGroups(namespace: string): TenantGroups {
  return { view: `${namespace}-view`, use: `${namespace}-use`, admin: `${namespace}-admin`, superAdmin: `${namespace}-super-admin` };
}

/** The `_namespace` values charts in a tenant read. */
export function namespaceValues(t: TenantModel): Values {
  return {
    etcd: t.services.etcd ?? '',
    ingress: t.services.ingress ?? '',
    monitoring: t.services.monitoring ?? '',
    seaweedfs: t.services.seaweedfs ?? '',
    host: t.host,
  };
}

/** Labels of a tenant's Namespace. */
export function namespaceLabels(t: TenantModel): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const a of [...t.ancestors, t]) labels[`tenant.cozystack.io/${a.namespace}`] = '';
  for (const s of TENANT_SERVICES) labels[`namespace.cozystack.io/${s}`] = t.services[s] ?? '';
  labels['namespace.cozystack.io/host'] = t.host;
  if (!t.isRoot) labels['alpha.kubevirt.io/auto-memory-limits-ratio'] = '1.0';
  return labels;
}

/** Values of a tenant's HelmRelease: exactly what was set (and the root's host and services). */
export function releaseValues(t: TenantModel): Values {
  const v: Values = {};
  const s = t.settings;
  if (t.isRoot) v.host = t.host;
  else if (s.host !== undefined) v.host = s.host;
  for (const k of TENANT_SERVICES) {
    const set = s[k] ?? (t.isRoot ? true : undefined);
    if (set !== undefined) v[k] = set;
  }
  if (s.isolated !== undefined) v.isolated = s.isolated;
  if (s.resourceQuotas !== undefined) v.resourceQuotas = { ...s.resourceQuotas };
  return v;
}
