/**
 * The objects a tenant has in both renderings: its Namespace and `cozystack-values` Secret, and
 * the HelmRelease the platform's API stores for it.
 */
import type { Construct } from 'constructs';
import type { Values } from '../core/values.js';
import { type TenantModel, namespaceLabels, namespaceValues, releaseValues, ROOT_TENANT_NAMESPACE } from '../model/tenant-model.js';
import { type ChartSourcing, VALUES_SECRET } from '../model/platform-model.js';
import { addAppRelease, APPS_GROUP } from './app-release.js';
import { appDefinitionOf } from '../model/app-catalog.js';
import type { ReleaseProfile } from '../releases/profiles.js';
import { chartFields } from './platform-common.js';
import { applicationArtifact } from './platform.js';
import { PRUNE_DISABLED } from './deletion-guardrail.js';
import { addObject, GVK } from './objects.js';
import { valuesYaml } from './platform-common.js';

/**
 * A tenant's Namespace and its `cozystack-values` Secret. With the v1 chart the root's are those
 * cozystack-basics renders (its labels; the Secret also marked managed by cozystack).
 * @internal
 */
export function addNamespaceAndValues(scope: Construct, t: TenantModel, clusterValues: Values): void {
  addObject(scope, GVK.Namespace, { name: t.namespace, labels: namespaceLabels(t), annotations: { 'helm.sh/resource-policy': 'keep', ...PRUNE_DISABLED } });
  const secretLabels: Record<string, string> = { 'reconcile.fluxcd.io/watch': 'Enabled' };
  if (t.tenantChart === 'v1' && t.isRoot) secretLabels['internal.cozystack.io/managed-by-cozystack'] = '';
  addObject(
    scope,
    GVK.Secret,
    { name: VALUES_SECRET, namespace: t.namespace, labels: secretLabels },
    // `_cluster` sorts before `_namespace`: the text is the platform's `_cluster` part, written
    // once per platform, followed by this tenant's `_namespace` part.
    { type: 'Opaque', stringData: { 'values.yaml': `${clusterValuesText(clusterValues)}${valuesYaml({ _namespace: namespaceValues(t) })}` } },
  );
}

/**
 * The HelmRelease the platform's API stores for a tenant. With the v1 chart: a child's has the
 * shape of the release's Tenant definition (labels, chartRef, interval, maxHistory, timeouts,
 * RetryOnFailure), the root's the shape cozystack-basics renders for tenant-root (kept and
 * protected, interval 1m0s, timeout 15m0s, no dependsOn), with the values the library states.
 * @internal
 */
export function addTenantRelease(scope: Construct, t: TenantModel, rootTenantDependsOn: readonly { name: string; namespace: string }[], sourcing: ChartSourcing, release?: ReleaseProfile): void {
  if (t.tenantChart === 'v1' && release) {
    addTenantReleaseV1(scope, t, sourcing, release);
    return;
  }
  addAppRelease(scope, {
    kind: 'Tenant',
    name: t.isRoot ? ROOT_TENANT_NAMESPACE : t.tenantName,
    releaseName: t.isRoot ? ROOT_TENANT_NAMESPACE : `tenant-${t.tenantName}`,
    namespace: t.parent?.namespace ?? ROOT_TENANT_NAMESPACE,
    chart: 'tenant',
    chartPath: 'apps/tenant',
    sourcing,
    labels: { 'cozystack.io/ui': 'true' },
    values: releaseValues(t),
    ...(t.isRoot ? { dependsOn: rootTenantDependsOn } : {}),
  });
}

function addTenantReleaseV1(scope: Construct, t: TenantModel, sourcing: ChartSourcing, release: ReleaseProfile): void {
  const definition = appDefinitionOf('Tenant', release);
  if (!definition) throw new Error(`the catalog of Cozystack ${release.version} has no Tenant kind`);
  const values = releaseValues(t);
  if (t.isRoot) {
    addObject(
      scope,
      GVK.HelmRelease,
      {
        name: ROOT_TENANT_NAMESPACE,
        namespace: ROOT_TENANT_NAMESPACE,
        annotations: { 'helm.sh/resource-policy': 'keep', ...PRUNE_DISABLED },
        labels: {
          'platform.cozystack.io/no-delete': 'true',
          'sharding.fluxcd.io/key': 'tenants',
          'apps.cozystack.io/application.kind': 'Tenant',
          'apps.cozystack.io/application.group': APPS_GROUP,
          'apps.cozystack.io/application.name': ROOT_TENANT_NAMESPACE,
        },
      },
      {
        spec: {
          ...chartFields(sourcing, definition.chartPath, definition.chartArtifact ?? applicationArtifact(definition.chart)),
          interval: '1m0s',
          timeout: '15m0s',
          valuesFrom: [{ kind: 'Secret', name: VALUES_SECRET }],
          ...(Object.keys(values).length ? { values } : {}),
        },
      },
    );
    return;
  }
  addAppRelease(scope, {
    kind: 'Tenant',
    name: t.tenantName,
    releaseName: `${definition.prefix}${t.tenantName}`,
    namespace: t.parent!.namespace,
    chart: definition.chart,
    chartPath: definition.chartPath,
    chartArtifact: definition.chartArtifact,
    shape: definition.helmRelease,
    sourcing,
    labels: definition.labels,
    values,
  });
}

const clusterTexts = new WeakMap<Values, string>();

/** The `_cluster` part of every tenant's values text, computed once per platform. */
function clusterValuesText(clusterValues: Values): string {
  let text = clusterTexts.get(clusterValues);
  if (text === undefined) clusterTexts.set(clusterValues, (text = valuesYaml({ _cluster: clusterValues })));
  return text;
}
