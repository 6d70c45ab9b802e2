import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { addObject, GVK } from './objects.js';
import type { JsonValue, Values } from '../core/values.js';
import type { AppReleaseShape } from '../model/app-definition.js';
import { clone, compact } from '../core/values.js';
import { type ChartSourcing, VALUES_SECRET } from '../model/platform-model.js';
import { chartFields } from './platform-common.js';
import { applicationArtifact } from './platform.js';

/** API group of the platform's application kinds. */
export const APPS_GROUP = 'apps.cozystack.io';

/** What a HelmRelease of an application (or tenant module) is made from. @internal */
export interface AppReleaseSpec {
  /** Kind in apps.cozystack.io, e.g. `Postgres`. */
  readonly kind: string;
  /** Name of the application object, e.g. `db`. */
  readonly name: string;
  /** HelmRelease name (prefix + name). */
  readonly releaseName: string;
  /** Namespace of the release. */
  readonly namespace: string;
  /** Chart name; its ExternalArtifact is `cozystack-<chart>-application-default-<chart>`. */
  readonly chart: string;
  /** ExternalArtifact of the chart. @default - `cozystack-<chart>-application-default-<chart>` */
  readonly chartArtifact?: string;
  /**
   * The HelmRelease shape the release's API gives the app (interval, install, upgrade, ...).
   * @default - interval (5m), releaseName, install/upgrade remediation retries -1, upgrade.force and timeout as given
   */
  readonly shape?: AppReleaseShape;
  /** Chart folder in the release, e.g. `apps/postgres` (read when charts come from a Git source). */
  readonly chartPath: string;
  /** Where the release's charts come from. */
  readonly sourcing: ChartSourcing;
  /** Labels of the definition. */
  readonly labels: Readonly<Record<string, string>>;
  /** Extra labels. */
  readonly extraLabels?: Readonly<Record<string, string>>;
  /** Values exactly as the user set them. */
  readonly values?: Values;
  /** Flux interval. @default '5m' */
  readonly interval?: string;
  /** dependsOn entries. */
  readonly dependsOn?: readonly { name: string; namespace: string }[];
  /** More valuesFrom entries after the cozystack-values Secret (e.g. credentials). */
  readonly extraValuesFrom?: readonly Record<string, string>[];
  /** Extra spec fields (e.g. timeout, upgrade.force for tenant modules). */
  readonly upgradeForce?: boolean;
  readonly timeout?: string;
}

/**
 * Adds the HelmRelease that the platform's API stores for an application object.
 * @internal
 */
export function addAppRelease(scope: Construct, s: AppReleaseSpec): ApiObject {
  return addObject(
    scope,
    GVK.HelmRelease,
    {
      name: s.releaseName,
      namespace: s.namespace,
      labels: {
        ...s.labels,
        ...s.extraLabels,
        'apps.cozystack.io/application.kind': s.kind,
        'apps.cozystack.io/application.group': APPS_GROUP,
        'apps.cozystack.io/application.name': s.name,
      },
    },
    {
      spec: s.shape ? shapedSpec(s, s.shape) : compact({
        interval: s.interval ?? '5m',
        timeout: s.timeout,
        releaseName: s.releaseName,
        ...chartFields(s.sourcing, s.chartPath, s.chartArtifact ?? applicationArtifact(s.chart)),
        install: { remediation: { retries: -1 } },
        upgrade: { ...(s.upgradeForce ? { force: true } : {}), remediation: { retries: -1 } },
        valuesFrom: [{ kind: 'Secret', name: VALUES_SECRET }, ...(s.extraValuesFrom ?? []).map((v) => ({ ...v }))],
        values: s.values && Object.keys(s.values).length ? s.values : undefined,
        dependsOn: s.dependsOn?.length ? s.dependsOn.map((d) => ({ ...d })) : undefined,
      }),
    },
  );
}

/** The spec of an app's HelmRelease in the shape of its release's API (the definition's data). */
function shapedSpec(s: AppReleaseSpec, shape: AppReleaseShape): Values {
  const { interval, ...rest } = shape.spec;
  return compact({
    interval,
    releaseName: shape.releaseName ? s.releaseName : undefined,
    ...chartFields(s.sourcing, s.chartPath, s.chartArtifact ?? applicationArtifact(s.chart)),
    ...(clone(rest as JsonValue) as Values),
    valuesFrom: [{ kind: 'Secret', name: VALUES_SECRET }, ...(s.extraValuesFrom ?? []).map((v) => ({ ...v }))],
    values: s.values && Object.keys(s.values).length ? s.values : undefined,
    dependsOn: s.dependsOn?.length ? s.dependsOn.map((d) => ({ ...d })) : undefined,
  }) as Values;
}
