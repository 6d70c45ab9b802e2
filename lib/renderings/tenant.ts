import type { Construct } from 'constructs';
import type { Values } from '../core/values.js';
import type { TenantModel } from '../model/tenant-model.js';
import type { TenantRendering } from '../model/settings.js';
import type { ChartSourcing } from '../model/platform-model.js';
import type { ReleaseProfile } from '../releases/profiles.js';
import { renderTenantExplicit } from './tenant-explicit.js';
import { renderTenantExplicitV1 } from './tenant-explicit-v1.js';
import { addNamespaceAndValues, addTenantRelease } from './tenant-release.js';

/** What rendering a tenant needs from its platform. @internal */
export interface TenantRenderEnv {
  readonly rendering: TenantRendering;
  /** The platform's `_cluster` values. */
  readonly clusterValues: Values;
  /** Releases the root tenant's HelmRelease waits for. */
  readonly rootTenantDependsOn: readonly { name: string; namespace: string }[];
  /** Where the tenant chart and its modules come from. */
  readonly sourcing: ChartSourcing;
  /** The platform's release: its tenant chart and Tenant definition. */
  readonly release: ReleaseProfile;
  /**
   * v1.x: the platform installs cozystack-basics, which owns tenant-root's Namespace, values
   * Secret and HelmRelease (the tenant chart with its defaults); the root then contributes only
   * what its settings add to that render.
   */
  readonly rootOwnedByBasics: boolean;
}

/**
 * Emits a tenant's objects in the chosen rendering.
 * - `release`: the root's Namespace, values Secret and HelmRelease; every other tenant as its
 *   HelmRelease in the parent's namespace.
 * - `explicit`: what the tenant chart renders, object by object.
 * - At v1.x with cozystack-basics installed, in both: for the root only the objects its settings
 *   add to what cozystack-basics' tenant-root HelmRelease renders (docs/tenants.md, "Who owns
 *   tenant-root").
 * @internal
 */
export function renderTenant(scope: Construct, tenant: TenantModel, env: TenantRenderEnv): void {
  if (tenant.isRoot && tenant.tenantChart === 'v1' && env.rootOwnedByBasics) {
    renderTenantExplicitV1(scope, tenant, env.clusterValues, 'settings');
    return;
  }
  if (env.rendering === 'explicit') {
    if (tenant.tenantChart === 'v1') renderTenantExplicitV1(scope, tenant, env.clusterValues);
    else renderTenantExplicit(scope, tenant, env.clusterValues, env.sourcing);
    return;
  }
  if (tenant.isRoot) addNamespaceAndValues(scope, tenant, env.clusterValues);
  addTenantRelease(scope, tenant, env.rootTenantDependsOn, env.sourcing, env.release);
}
