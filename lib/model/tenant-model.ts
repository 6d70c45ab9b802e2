/**
 * The tenant as the model sees it: its settings and everything derived from them (namespace,
 * host, the services in reach, groups, labels, values). Each derived value is computed here, in
 * one place; the Tenant construct holds the result and the renderings read it.
 */
import type { Values } from '../core/values.js';
import type { ReleaseProfile } from '../releases/profiles.js';
import type { TenantService } from './app-definition.js';
import { appDefinitionOf } from './app-catalog.js';

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

/** Keys of the v0.41.11 tenant chart's values. @internal */
export const TENANT_KEYS: readonly string[] = ['host', 'etcd', 'ingress', 'monitoring', 'seaweedfs', 'isolated', 'resourceQuotas'];

/**
 * Which tenant chart a release has. `v0` (0.41.11): Roles of its own per tenant, network policies
 * only when `isolated`, four services. `v1` (1.6.x): RoleBindings to the platform's ClusterRoles
 * (cozystack-basics), network policies always, the `gateway` module and `_namespace.gateway`,
 * `schedulingClass`; the root's Namespace, values Secret and HelmRelease are cozystack-basics'.
 * A release that delivers its components as Packages (v1.x) has the v1 chart.
 */
export type TenantChartGeneration = 'v0' | 'v1';

/** The tenant chart of a release. @internal */
export function tenantChartOf(release: ReleaseProfile): TenantChartGeneration {
  return release.delivery === 'packages' ? 'v1' : 'v0';
}

/**
 * Keys of the tenant chart's values at a release: the properties of its schema (the Tenant
 * definition of the release's catalog); `TENANT_KEYS` for the v0 chart and when the catalog has none.
 * @internal
 */
export function tenantKeysAt(release: ReleaseProfile): readonly string[] {
  // The 0.41.11 chart's keys are TENANT_KEYS (the same set as its schema's), in the order its warnings always named them.
  if (tenantChartOf(release) === 'v0') return TENANT_KEYS;
  const properties = appDefinitionOf('Tenant', release)?.schema.properties;
  return properties && typeof properties === 'object' && !Array.isArray(properties) ? Object.keys(properties) : TENANT_KEYS;
}

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
   * Isolate the tenant's namespace with network policies. A key of the 0.41.11 tenant chart only:
   * the v1.6 chart always renders the policies, and warns about the key as unknown.
   * @default true
   */
  readonly isolated?: boolean;
  /**
   * Run a Gateway API Gateway of the tenant's own (the `gateway` module; v1.6 tenant chart only,
   * an unknown key at 0.41.11). Unset or `false`, the tenant publishes through the Gateway of its
   * nearest ancestor that has one (`_namespace.gateway`); the root's is the platform's (its
   * `gateway-enabled` cluster value).
   * @default - unset: the ancestor's Gateway
   */
  readonly gateway?: boolean;
  /**
   * Name of a SchedulingClass applied to the tenant's workloads (v1.6 tenant chart only, an
   * unknown key at 0.41.11). A tenant whose ancestor has one inherits the ancestor's, and its own
   * is then ignored, as upstream.
   * @default "" (none, or the ancestor's)
   */
  readonly schedulingClass?: string;
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
  /** The tenant chart of the platform's release. */
  readonly tenantChart: TenantChartGeneration;
  /** Namespace of the nearest tenant (this one or an ancestor) with a Gateway, or undefined (v1 chart). */
  readonly gatewayNamespace: string | undefined;
  /** The SchedulingClass of the tenant's workloads (v1 chart), or undefined. */
  readonly schedulingClass: string | undefined;
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

/**
 * Namespace of the nearest tenant with a Gateway (v1 chart; none at v0): the root has the
 * platform's when its cluster value `gateway-enabled` is "true" (cozystack-basics); any other
 * tenant its own when `gateway: true`, else its parent's (an explicit `false` inherits too, as
 * the chart renders it).
 */
export function tenantGateway(parent: TenantModel | undefined, namespace: string, props: TenantProps, chart: TenantChartGeneration, clusterValues: Values): string | undefined {
  if (chart === 'v0') return undefined;
  if (!parent) return String(clusterValues['gateway-enabled'] ?? 'false') === 'true' ? namespace : undefined;
  return props.gateway === true ? namespace : parent.gatewayNamespace;
}

/** The SchedulingClass of a tenant (v1 chart): its parent's, else its own; none for the root (the chart renders no Namespace for it). */
export function tenantSchedulingClass(parent: TenantModel | undefined, props: TenantProps, chart: TenantChartGeneration): string | undefined {
  if (chart === 'v0' || !parent) return undefined;
  return parent.schedulingClass || props.schedulingClass || undefined;
}

/** The RBAC groups of a tenant's namespace. */
export function tenantGroups(namespace: string): TenantGroups {
  return { view: `${namespace}-view`, use: `${namespace}-use`, admin: `${namespace}-admin`, superAdmin: `${namespace}-super-admin` };
}

/** The `_namespace` values charts in a tenant read. */
export function namespaceValues(t: TenantModel): Values {
  if (t.tenantChart === 'v1') {
    // The root's are cozystack-basics' (gateway only with one); any other tenant's the chart's.
    if (t.isRoot) {
      return {
        host: t.host,
        etcd: t.services.etcd ?? '',
        ingress: t.services.ingress ?? '',
        ...(t.gatewayNamespace ? { gateway: t.gatewayNamespace } : {}),
        monitoring: t.services.monitoring ?? '',
        seaweedfs: t.services.seaweedfs ?? '',
      };
    }
    return {
      etcd: t.services.etcd ?? '',
      ingress: t.services.ingress ?? '',
      gateway: t.gatewayNamespace ?? '',
      monitoring: t.services.monitoring ?? '',
      seaweedfs: t.services.seaweedfs ?? '',
      host: t.host,
      ...(t.schedulingClass ? { schedulingClass: t.schedulingClass } : {}),
    };
  }
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
  if (t.tenantChart === 'v1') return namespaceLabelsV1(t);
  const labels: Record<string, string> = {};
  for (const a of [...t.ancestors, t]) labels[`tenant.cozystack.io/${a.namespace}`] = '';
  for (const s of TENANT_SERVICES) labels[`namespace.cozystack.io/${s}`] = t.services[s] ?? '';
  labels['namespace.cozystack.io/host'] = t.host;
  if (!t.isRoot) labels['alpha.kubevirt.io/auto-memory-limits-ratio'] = '1.0';
  return labels;
}

/**
 * Labels of a tenant's Namespace with the v1 chart: the root's as cozystack-basics renders them
 * (no-delete, host, and the gateway when the platform has one); any other tenant's as the tenant
 * chart does (itself and every ancestor, each service's provider, the host, the SchedulingClass).
 */
function namespaceLabelsV1(t: TenantModel): Record<string, string> {
  if (t.isRoot) {
    return {
      'platform.cozystack.io/no-delete': 'true',
      'namespace.cozystack.io/host': t.host,
      ...(t.gatewayNamespace ? { 'namespace.cozystack.io/gateway': t.gatewayNamespace } : {}),
    };
  }
  const labels: Record<string, string> = {};
  for (const a of [...t.ancestors, t]) labels[`tenant.cozystack.io/${a.namespace}`] = '';
  labels['namespace.cozystack.io/etcd'] = t.services.etcd ?? '';
  labels['namespace.cozystack.io/ingress'] = t.services.ingress ?? '';
  labels['namespace.cozystack.io/gateway'] = t.gatewayNamespace ?? '';
  labels['namespace.cozystack.io/monitoring'] = t.services.monitoring ?? '';
  labels['namespace.cozystack.io/seaweedfs'] = t.services.seaweedfs ?? '';
  labels['namespace.cozystack.io/host'] = t.host;
  if (t.schedulingClass) labels['scheduler.cozystack.io/scheduling-class'] = t.schedulingClass;
  labels['alpha.kubevirt.io/auto-memory-limits-ratio'] = '1.0';
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
  if (t.tenantChart === 'v1') {
    if (!t.isRoot && s.gateway !== undefined) v.gateway = s.gateway;
    if (!t.isRoot && s.schedulingClass !== undefined) v.schedulingClass = s.schedulingClass;
  } else if (s.isolated !== undefined) v.isolated = s.isolated;
  if (s.resourceQuotas !== undefined) v.resourceQuotas = { ...s.resourceQuotas };
  return v;
}
