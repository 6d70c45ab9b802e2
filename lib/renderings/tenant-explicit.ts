import type { TenantService } from '../model/app-definition.js';
import { addAppRelease } from './app-release.js';
import type { Construct } from 'constructs';
import type { Values } from '../core/values.js';
import type { TenantModel } from '../model/tenant-model.js';
import type { ChartSourcing } from '../model/platform-model.js';
import { addNamespaceAndValues } from './tenant-release.js';
import { addTenantNetworkPolicies } from './tenant-network-policies.js';
import { addTenantQuota } from './tenant-quota.js';
import { addTenantKeycloakGroups, addTenantRbac } from './tenant-rbac.js';

/** Tenant modules in the order they are emitted; `info` is always there. */
const MODULES: readonly { readonly chart: string; readonly kind: string; readonly service?: TenantService }[] = [
  { chart: 'etcd', kind: 'Etcd', service: 'etcd' },
  { chart: 'ingress', kind: 'Ingress', service: 'ingress' },
  { chart: 'monitoring', kind: 'Monitoring', service: 'monitoring' },
  { chart: 'seaweedfs', kind: 'SeaweedFS', service: 'seaweedfs' },
  { chart: 'info', kind: 'Info' },
];
/** Labels of every tenant module's HelmRelease. */
const MODULE_LABELS = { 'cozystack.io/ui': 'true', 'internal.cozystack.io/tenantmodule': 'true' };

/**
 * Emits every object the tenant chart renders for a tenant, the root included:
 * Namespace and values Secret, ServiceAccount, Roles and RoleBindings, the isolation policies
 * (when isolated), ResourceQuota and LimitRange (when quotas are set), KeycloakRealmGroups (when
 * OIDC is enabled) and the tenant modules' HelmReleases.
 *
 * Left out on purpose:
 * - the Namespace's ownerReference to the parent Namespace: it needs the parent's UID, which only
 *   the live cluster knows. A made-up or stale UID would make the garbage collector treat the
 *   owner as gone and delete the tenant's namespace with everything in it;
 * - the chart's pre-delete cleanup Job and its ServiceAccount/Role/RoleBinding (Helm hooks; there
 *   is no Helm release to uninstall here).
 * @internal
 */
export function renderTenantExplicit(scope: Construct, tenant: TenantModel, clusterValues: Values, sourcing: ChartSourcing): void {
  addNamespaceAndValues(scope, tenant, clusterValues);
  addTenantRbac(scope, tenant);
  if (clusterValues['oidc-enabled'] === 'true') addTenantKeycloakGroups(scope, tenant);
  if (tenant.settings.isolated ?? true) addTenantNetworkPolicies(scope, tenant);
  addTenantQuota(scope, tenant, clusterValues);
  for (const { chart, kind, service } of MODULES) {
    if (service && !tenant.runs(service)) continue;
    addAppRelease(scope, {
      kind,
      name: chart,
      releaseName: chart,
      namespace: tenant.namespace,
      chart,
      chartPath: `extra/${chart}`,
      sourcing,
      labels: MODULE_LABELS,
      timeout: '10m',
      upgradeForce: true,
    });
  }
}
