import type { Values } from '../core/values.js';

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
  /**
   * The ExternalArtifact of the chart the release's resource definition names (v1.x: the artifact
   * of the app's PackageSource component, `<packagesource>-<variant>-<component>` with dots to
   * dashes, e.g. `cozystack-postgres-application-default-postgres`).
   * @default - `cozystack-<chart>-application-default-<chart>` (v0.41 definitions name a chart, not an artifact)
   */
  readonly chartArtifact?: string;
  /**
   * The HelmRelease the release's API gives an app of this kind, besides chart, values and valuesFrom.
   * @default - the v0.41 shape: interval 5m, releaseName, install and upgrade remediation retries -1
   */
  readonly helmRelease?: AppReleaseShape;
  /** The chart's values JSON schema. */
  readonly schema: Values;
  /** The chart's default values (its values.yaml). */
  readonly defaults: Values;
}

/** The HelmRelease shape a release's API gives an application. */
export interface AppReleaseShape {
  /** True when `spec.releaseName` is set to the HelmRelease name. */
  readonly releaseName: boolean;
  /** Spec fields besides chart, releaseName, values and valuesFrom (interval, install, upgrade, maxHistory, ...). */
  readonly spec: Values;
}

/** The app catalog of one pinned release. */
export interface AppCatalog {
  /** The release's version, as the Platform's `version` names it, e.g. `1.6.2`. */
  readonly version: string;
  /** The upstream tag, e.g. `v1.6.2`. */
  readonly tag: string;
  /** Every application kind the release serves, sorted by kind. */
  readonly definitions: readonly AppDefinition[];
  /** Kinds an earlier pinned release served that this one does not: what replaced each (null: nothing). */
  readonly removed: Readonly<Record<string, string | null>>;
}

/** Options of an app that are not chart values; typed app props take them beside the values. */
export interface AppOptions {
  /**
   * Read the app's credentials from this existing Secret in the tenant's namespace instead of
   * a Secret the library writes. Credentials given in the values are left out of the HelmRelease
   * and expected in the Secret under the keys the warning names.
   * @default - credentials go to a Secret `<release>-credential-values` written under secrets/
   */
  readonly credentialsSecret?: string;
  /**
   * Credentials the existing Secret holds that the values do not mention: Secret key to values
   * path (Flux targetPath, e.g. `users.alice.password`).
   * @default {}
   */
  readonly credentialsSecretKeys?: Readonly<Record<string, string>>;
}

/** Names of {@link AppOptions}, which typed app props carry beside the chart values. @internal */
export const APP_OPTION_KEYS: readonly (keyof AppOptions)[] = ['credentialsSecret', 'credentialsSecretKeys'];
