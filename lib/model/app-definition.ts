import type { Values } from './component.js';

/** A tenant service an application chart may rely on. */
export type TenantService = 'etcd' | 'ingress' | 'monitoring' | 'seaweedfs';

/**
 * A catalog entry: how an `apps.cozystack.io/v1alpha1` kind becomes a HelmRelease, and what its
 * values may be. Generated into `apps/` by `npm run gen:apps`.
 */
export interface AppDefinition {
  /** Kind in `apps.cozystack.io/v1alpha1`, e.g. `Postgres`. */
  readonly kind: string;
  /** Plural resource name, e.g. `postgreses`. */
  readonly plural: string;
  /** Chart name, e.g. `postgres`. */
  readonly chart: string;
  /** Chart folder in the packages artifact, e.g. `apps/postgres` or `extra/etcd`. */
  readonly chartPath: string;
  /** HelmRelease name prefix, e.g. `postgres-` (empty for tenant modules). */
  readonly prefix: string;
  /** Labels every HelmRelease of this kind carries. */
  readonly labels: Readonly<Record<string, string>>;
  /** Dashboard category, e.g. `PaaS`. */
  readonly category: string;
  /** True for tenant modules (etcd, ingress, monitoring, seaweedfs, info, bootbox). */
  readonly module: boolean;
  /** Tenant services the chart reads from `_namespace`; synthesis fails when none is in reach. */
  readonly requiredServices: readonly TenantService[];
  /** The chart's values JSON schema. */
  readonly schema: Values;
  /** The chart's default values (its values.yaml). */
  readonly defaults: Values;
}
