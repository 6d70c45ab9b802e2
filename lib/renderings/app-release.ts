import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { addObject, GVK } from './objects.js';
import type { JsonValue, Values } from '../core/values.js';
import type { AppReleaseShape } from '../model/app-definition.js';
import { clone, compact } from '../core/values.js';
import { type ChartSourcing, VALUES_SECRET } from '../model/platform-model.js';
import { chartFields } from './platform-common.js';
import { applicationArtifact } from './platform.js';
import { shareFrozen } from '../core/library-objects.js';

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
        ...sharedChartFields(s),
        install: RETRY_FOREVER,
        upgrade: s.upgradeForce ? FORCED_RETRY_FOREVER : RETRY_FOREVER,
        valuesFrom: valuesFromOf(s),
        values: s.values && Object.keys(s.values).length ? s.values : undefined,
        dependsOn: s.dependsOn?.length ? s.dependsOn.map((d) => ({ ...d })) : undefined,
      }),
    },
  );
}

/** Per shape, a deep-frozen copy of its spec fields other than the interval, shared by every release of that shape. */
const frozenShapes = new WeakMap<AppReleaseShape, { interval: JsonValue | undefined; rest: Values }>();

function frozenShape(shape: AppReleaseShape): { interval: JsonValue | undefined; rest: Values } {
  let found = frozenShapes.get(shape);
  if (!found) {
    const { interval, ...rest } = shape.spec;
    frozenShapes.set(shape, (found = { interval: clone(interval as JsonValue), rest: shareFrozen(clone(rest as JsonValue)) as Values }));
  }
  return found;
}

/**
 * The spec of an app's HelmRelease in the shape of its release's API (the definition's data).
 * The shape's nested fields (install, upgrade, ...) are one frozen copy shared by the releases of
 * that shape: nothing writes into an object once made, and a frozen one would throw if it did.
 */
function shapedSpec(s: AppReleaseSpec, shape: AppReleaseShape): Values {
  const { interval, rest } = frozenShape(shape);
  return compact({
    interval,
    releaseName: shape.releaseName ? s.releaseName : undefined,
    ...sharedChartFields(s),
    ...rest,
    valuesFrom: valuesFromOf(s),
    values: s.values && Object.keys(s.values).length ? s.values : undefined,
    dependsOn: s.dependsOn?.length ? s.dependsOn.map((d) => ({ ...d })) : undefined,
  }) as Values;
}

/** install and upgrade of the default shape: remediation retries -1 (and force on an upgrade), shared frozen. */
const RETRY_FOREVER = shareFrozen({ remediation: { retries: -1 } });
const FORCED_RETRY_FOREVER = shareFrozen({ force: true, remediation: { retries: -1 } });

/** The valuesFrom of a release without extra entries: the cozystack-values Secret alone, one shared frozen list. */
const DEFAULT_VALUES_FROM: Record<string, string>[] = shareFrozen([{ kind: 'Secret', name: VALUES_SECRET }]);

/** valuesFrom: the cozystack-values Secret, then the extra entries (copies). */
function valuesFromOf(s: AppReleaseSpec): Record<string, string>[] {
  if (!s.extraValuesFrom?.length) return DEFAULT_VALUES_FROM;
  return [{ kind: 'Secret', name: VALUES_SECRET }, ...s.extraValuesFrom.map((v) => ({ ...v }))];
}

/** Per sourcing, the chart fields of each chart (path and artifact), made once and shared frozen. */
const chartFieldsMade = new WeakMap<ChartSourcing, Map<string, Record<string, unknown>>>();

function sharedChartFields(s: AppReleaseSpec): Record<string, unknown> {
  const artifact = s.chartArtifact ?? applicationArtifact(s.chart);
  let bySourcing = chartFieldsMade.get(s.sourcing);
  if (!bySourcing) chartFieldsMade.set(s.sourcing, (bySourcing = new Map()));
  const key = `${s.chartPath}\u0000${artifact}`;
  let fields = bySourcing.get(key);
  if (!fields) bySourcing.set(key, (fields = shareFrozen(chartFields(s.sourcing, s.chartPath, artifact))));
  return fields;
}
