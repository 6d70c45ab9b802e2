import type { Tenant } from './tenant.js';

/**
 * Emits every object the tenant chart would render for a tenant. (Stub: Namespace and values only.)
 * @internal
 */
export function renderTenantExplicit(tenant: Tenant): void {
  tenant._addNamespaceAndValues(tenant);
}
