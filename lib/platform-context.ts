import type { Values } from './component.js';
import type { Tenant } from './tenant.js';

/**
 * What tenants and apps need from their platform, without importing it.
 * @internal
 */
export interface PlatformContext {
  readonly rootHost: string;
  readonly clusterValues: Values;
  /** Hosts claimed so far, host to owner description. */
  readonly hosts: Map<string, string>;
  readonly rootTenantDependsOn: readonly { name: string; namespace: string }[];
  /** Emits a tenant's objects in the chosen rendering. */
  renderTenant(tenant: Tenant): void;
}
