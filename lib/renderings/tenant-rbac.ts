import type { Construct } from 'constructs';
import { addObject, GVK } from './objects.js';
import { APPS_GROUP } from './app-release.js';
import { PUBLIC_NAMESPACE } from '../model/platform-model.js';
import { ACCESS_LEVELS, type AccessLevel, type TenantModel } from '../model/tenant-model.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** One rule of a Role. */
interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** A RoleBinding subject: a ServiceAccount or an RBAC Group. */
export type RbacSubject =
  | { readonly kind: 'ServiceAccount'; readonly name: string; readonly namespace: string }
  | { readonly kind: 'Group'; readonly name: string; readonly apiGroup: typeof RBAC_GROUP };

const READ = ['get', 'list', 'watch'];
const WRITE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const rule = (apiGroups: string[], resources: string[], verbs: string[]): PolicyRule => ({ apiGroups, resources, verbs });

const CORE_READ = rule([''], ['pods', 'services', 'persistentvolumes', 'endpoints', 'events', 'resourcequotas'], READ);
const INGRESSES_READ = rule(['networking.k8s.io'], ['ingresses'], READ);
const ROLES_GET = rule([RBAC_GROUP], ['roles'], ['get']);
const APPS_ALL = rule([APPS_GROUP], ['*'], ['*']);
const APPS_READ = rule([APPS_GROUP], ['*'], READ);
const WORKLOADS_READ = rule(['cozystack.io'], ['workloadmonitors', 'workloads'], READ);
const MODULES_READ = rule(['core.cozystack.io'], ['tenantmodules', 'tenantsecrets'], READ);
const VM_CONSOLE = rule(['subresources.kubevirt.io'], ['virtualmachineinstances/console', 'virtualmachineinstances/vnc'], ['get', 'list']);
const VM_PORTFORWARD = rule(['subresources.kubevirt.io'], ['virtualmachineinstances/portforward'], ['get', 'update']);

/**
 * The `apps.cozystack.io` resources the admin level manages (create/update/delete). Upstream's
 * list has the typos `ferretdb` and `foos` and misses several kinds (quirk 6); this one uses the
 * real plurals and covers every application kind and tenant module except the two below.
 */
export const TENANT_ADMIN_APP_RESOURCES: readonly string[] = [
  'buckets', 'clickhouses', 'etcds', 'ferretdbs', 'foundationdbs', 'httpcaches', 'infos', 'ingresses', 'kafkas',
  'kuberneteses', 'mongodbs', 'monitorings', 'mysqls', 'natses', 'postgreses', 'rabbitmqs', 'redises', 'seaweedfses',
  'tcpbalancers', 'virtualmachines', 'virtualprivateclouds', 'vmdisks', 'vminstances', 'vpns',
];

/**
 * `apps.cozystack.io` resources left to super-admins: `tenants` (a child tenant's quota is not
 * counted against the parent's, so creating tenants would let an admin step around quotas) and
 * `bootboxes` (network boot of cluster nodes, a platform-operator concern).
 */
export const TENANT_ADMIN_EXCLUDED_APP_RESOURCES: readonly string[] = ['bootboxes', 'tenants'];

const DEFAULT_RULES: readonly PolicyRule[] = [CORE_READ, INGRESSES_READ, ROLES_GET, APPS_ALL, WORKLOADS_READ, MODULES_READ];
const VIEW_RULES: readonly PolicyRule[] = [ROLES_GET, APPS_READ, CORE_READ, INGRESSES_READ, WORKLOADS_READ];
const LEVEL_RULES: Readonly<Record<AccessLevel, readonly PolicyRule[]>> = {
  view: VIEW_RULES,
  use: [...VIEW_RULES, VM_CONSOLE, VM_PORTFORWARD, MODULES_READ],
  admin: [
    ROLES_GET,
    CORE_READ,
    rule(['kubevirt.io'], ['virtualmachines'], ['get', 'list']),
    VM_CONSOLE,
    VM_PORTFORWARD,
    rule([APPS_GROUP], [...TENANT_ADMIN_APP_RESOURCES], WRITE),
    WORKLOADS_READ,
    MODULES_READ,
  ],
  'super-admin': [ROLES_GET, CORE_READ, rule(['kubevirt.io'], ['virtualmachines'], ['*']), VM_CONSOLE, VM_PORTFORWARD, APPS_ALL, WORKLOADS_READ, MODULES_READ],
};
const CATALOG_RULES: readonly PolicyRule[] = [rule(['source.toolkit.fluxcd.io'], ['helmrepositories', 'helmcharts'], ['get', 'list'])];

/** Levels sorted by name (admin, super-admin, use, view): the order groups are listed in. */
const LEVELS_BY_NAME = [...ACCESS_LEVELS].sort();

/** Per tenant and level: the tenant's ServiceAccount, then its groups of that level and above. */
const subjectBlocks = new WeakMap<TenantModel, Readonly<Record<AccessLevel, readonly RbacSubject[]>>>();

function serviceAccount(t: TenantModel): RbacSubject {
  return { kind: 'ServiceAccount', name: t.namespace, namespace: t.namespace };
}

function blocksOf(t: TenantModel): Readonly<Record<AccessLevel, readonly RbacSubject[]>> {
  let blocks = subjectBlocks.get(t);
  if (!blocks) {
    const sa = serviceAccount(t);
    const block = (rank: number): RbacSubject[] => [
      sa,
      ...LEVELS_BY_NAME.filter((l) => ACCESS_LEVELS.indexOf(l) >= rank).map((l): RbacSubject => ({ kind: 'Group', name: `${t.namespace}-${l}`, apiGroup: RBAC_GROUP })),
    ];
    blocks = { view: block(0), use: block(1), admin: block(2), 'super-admin': block(3) };
    subjectBlocks.set(t, blocks);
  }
  return blocks;
}

/**
 * Subjects of the RoleBinding of a level in a tenant's namespace: for each tenant of the list
 * (the tenant's non-root ancestors top down, the tenant itself, then `tenant-root`), its
 * ServiceAccount followed by its groups of that level and above, in name order.
 */
export function levelSubjects(t: TenantModel, level: AccessLevel): RbacSubject[] {
  const chain = t.isRoot ? [t] : [...t.ancestors.slice(1), t, t.ancestors[0]!];
  return chain.flatMap((x) => blocksOf(x)[level]);
}

/**
 * Subjects of the default RoleBinding: the ServiceAccounts of every ancestor (root first) and of
 * the tenant itself. (Upstream lists `tenant-root` twice for the root tenant; once is enough.)
 */
export function defaultSubjects(t: TenantModel): RbacSubject[] {
  return [...t.ancestors, t].map(serviceAccount);
}

function addRole(scope: Construct, name: string, namespace: string, rules: readonly PolicyRule[], subjects: readonly RbacSubject[]): void {
  addObject(scope, GVK.Role, { name, namespace }, { rules });
  addObject(scope, GVK.RoleBinding, { name, namespace }, { roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name }, subjects });
}

/**
 * Adds the tenant's ServiceAccount, its default Role and the four level Roles with their
 * RoleBindings, and the dashboard catalogue Role in `cozy-public`.
 * @internal
 */
export function addTenantRbac(scope: Construct, t: TenantModel): void {
  const ns = t.namespace;
  addObject(scope, GVK.ServiceAccount, { name: ns, namespace: ns });
  addRole(scope, ns, ns, DEFAULT_RULES, defaultSubjects(t));
  for (const level of ACCESS_LEVELS) addRole(scope, `${ns}-${level}`, ns, LEVEL_RULES[level], levelSubjects(t, level));
  const catalogSubjects: RbacSubject[] = [
    ...[...ACCESS_LEVELS].reverse().map((l): RbacSubject => ({ kind: 'Group', name: `${ns}-${l}`, apiGroup: RBAC_GROUP })),
    serviceAccount(t),
  ];
  addRole(scope, ns, PUBLIC_NAMESPACE, CATALOG_RULES, catalogSubjects);
}

/**
 * Adds the four `KeycloakRealmGroup` objects (the OIDC groups the RoleBindings name).
 * @internal
 */
export function addTenantKeycloakGroups(scope: Construct, t: TenantModel): void {
  for (const level of ACCESS_LEVELS) {
    const name = `${t.namespace}-${level}`;
    addObject(
      scope,
      { apiVersion: 'v1.edp.epam.com/v1', kind: 'KeycloakRealmGroup' },
      { name, namespace: t.namespace },
      { spec: { name, realmRef: { name: 'keycloakrealm-cozy', kind: 'ClusterKeycloakRealm' } } },
    );
  }
}
