import type { Values } from '../core/values.js';

/**
 * A platform setting that switches part of a component definition on.
 *
 * - `oidc`: OIDC is enabled (`oidc.enabled: true`).
 * - `telemetryDisabled`: telemetry is disabled (`telemetry.enabled: false`).
 * - `cpuAllocationRatioSet`: `resources.cpuAllocationRatio` is set.
 */
export type ComponentCondition = 'oidc' | 'telemetryDisabled' | 'cpuAllocationRatioSet';

/**
 * Values that apply only while a condition holds.
 */
export interface ConditionalValues {
  /** The condition. */
  readonly when: ComponentCondition;
  /** Values deep-merged over the component's static values while the condition holds. */
  readonly values: Values;
}

/**
 * Dependencies that apply only while a condition holds.
 */
export interface ConditionalDependsOn {
  /** The condition. */
  readonly when: ComponentCondition;
  /** Names of components of the same bundle added to `dependsOn` while the condition holds. */
  readonly add: readonly string[];
}

/**
 * One system component of a bundle: a Helm chart installed as a Flux HelmRelease.
 *
 * String values may hold placeholders that the platform fills from its settings:
 * `{{clusterDomain}}`, `{{ipv4PodCidr}}`, `{{ipv4PodGateway}}`, `{{ipv4SvcCidr}}`,
 * `{{ipv4JoinCidr}}`, `{{cpuAllocationRatio}}`, `{{masterNodesHash}}`,
 * `{{cozystackConfigMapHash}}` and `{{defaultDashboardValues}}`.
 */
export interface ComponentDefinition {
  /** Component name: unique in its bundle; the name used by `dependsOn`, `enable`, `disable` and `values`. */
  readonly name: string;
  /**
   * Helm release name, also the HelmRelease's name.
   * @default - the component name
   */
  readonly releaseName?: string;
  /** Chart name (informational; the chart is taken from `chartPath`). */
  readonly chart: string;
  /** Folder of the chart inside the packages artifact, e.g. `system/cilium`. */
  readonly chartPath: string;
  /** Namespace the release is installed in. */
  readonly namespace: string;
  /**
   * Names of components of the same bundle this one waits for.
   * @default []
   */
  readonly dependsOn?: readonly string[];
  /**
   * Installed only when enabled in the platform settings.
   * @default false
   */
  readonly optional?: boolean;
  /**
   * The release needs the `privileged` pod-security level in its namespace.
   * @default false
   */
  readonly privileged?: boolean;
  /**
   * Installed only when OIDC is enabled.
   * @default false
   */
  readonly requiresOidc?: boolean;
  /**
   * Values files of the chart folder merged in order into the chart's values.
   * @default - the chart's values.yaml only
   */
  readonly valuesFiles?: readonly string[];
  /**
   * Static values, with placeholders.
   * @default {}
   */
  readonly values?: Values | string;
  /**
   * Values that apply only under a condition.
   * @default []
   */
  readonly conditionalValues?: readonly ConditionalValues[];
  /**
   * Dependencies that apply only under a condition.
   * @default []
   */
  readonly conditionalDependsOn?: readonly ConditionalDependsOn[];
}
