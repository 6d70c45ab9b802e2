import type { Tenant } from '../constructs/tenant.js';
import type { TenantRendering } from '../model/settings.js';
import { renderTenantExplicit } from './tenant-explicit.js';

/**
 * Emits a tenant's objects in the chosen rendering.
 * - `release`: the root's Namespace, values Secret and HelmRelease; every other tenant as its
 *   HelmRelease in the parent's namespace.
 * - `explicit`: what the tenant chart renders, object by object.
 * @internal
 */
export function renderTenant(tenant: Tenant, rendering: TenantRendering): void {
  if (rendering === 'explicit') {
    renderTenantExplicit(tenant);
    return;
  }
  const scope = tenant.context.objectScope(tenant);
  if (tenant.isRoot) tenant._addNamespaceAndValues(scope);
  tenant._addRelease(scope);
}
